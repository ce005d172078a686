/**
 * A Markdown text box with its preview (documents written in the app, ISO/IEC 20000-1 4.3): the
 * writer switches between writing, the rendered preview and both side by side, and the preview
 * is rendered by the same {@link Markdown} renderer as the document's page, so what they see is
 * what readers will see. The switches are ordinary buttons (Tab, Enter or Space) saying which is
 * on (`aria-pressed`, in a group "Markdown view"); the preview is a region "Markdown preview" (one
 * editor per form; names that do not repeat the field's label, which stays the text box's own).
 * The text box stays in the form while the preview alone is shown (hidden, not removed), so
 * nothing typed is lost. A form with several editors (the plan's sections 4.5.2 a–l) gives each
 * a `scope`, which ends both names ("Markdown view of a)", "Markdown preview of a)") so that
 * they stay distinct.
 */
import { useState } from 'react'
import { Markdown } from './Markdown'

export const MarkdownView = {
  Write: 'write',
  Preview: 'preview',
  SideBySide: 'side-by-side',
} as const
export type MarkdownView = (typeof MarkdownView)[keyof typeof MarkdownView]

const viewNames: Record<MarkdownView, string> = {
  write: 'Write',
  preview: 'Preview',
  'side-by-side': 'Side by side',
}

export function MarkdownEditor({
  id,
  label,
  value,
  onChange,
  rows = 6,
  scope,
}: {
  id: string
  label: string
  value: string
  onChange: (value: string) => void
  rows?: number
  /** What distinguishes this editor's switches and preview from another's in the same form. */
  scope?: string
}) {
  const [view, setView] = useState<MarkdownView>(MarkdownView.Write)
  const of = scope ? ` of ${scope}` : ''
  const previewId = `${id}-preview`
  const showsPreview = view !== MarkdownView.Write
  return (
    <div className="field markdown-editor">
      <div className="row">
        <label htmlFor={id}>{label}</label>
        <span className="spacer" />
        <div className="tabs compact" role="group" aria-label={`Markdown view${of}`}>
          {Object.values(MarkdownView).map((v) => (
            <button
              key={v}
              type="button"
              aria-pressed={view === v}
              {...(v !== MarkdownView.Write && showsPreview ? { 'aria-controls': previewId } : {})}
              onClick={() => setView(v)}
            >
              {viewNames[v]}
            </button>
          ))}
        </div>
      </div>
      <div className={view === MarkdownView.SideBySide ? 'markdown-editor-panes' : undefined}>
        <textarea
          id={id}
          rows={rows}
          value={value}
          hidden={view === MarkdownView.Preview}
          onChange={(e) => onChange(e.target.value)}
        />
        {showsPreview && (
          // focusable so that a long preview can be scrolled from the keyboard
          <div
            id={previewId}
            className="markdown-preview"
            role="region"
            aria-label={`Markdown preview${of}`}
            tabIndex={0}
          >
            {value.trim() ? (
              <Markdown text={value} />
            ) : (
              <p className="muted">Nothing written yet.</p>
            )}
          </div>
        )}
      </div>
    </div>
  )
}
