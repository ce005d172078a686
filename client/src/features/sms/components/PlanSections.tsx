/**
 * The service management plan's sections (ISO/IEC 20000-1 4.5.2 a–l) written in Markdown: each
 * section has the documents' Write / Preview / Side by side editor ({@link MarkdownEditor}), and a
 * version's sections are rendered by the same renderer on the document's page.
 */
import { Markdown } from '../../../lib/Markdown'
import { MarkdownEditor } from '../../../lib/MarkdownEditor'
import { planSections } from '../api/sms'

/** The plan's sections a–l, each a Markdown editor (field ids `plan-a` … `plan-l`). */
export function PlanSectionsFields({
  value,
  onChange,
  idPrefix = 'plan',
}: {
  value: Record<string, string>
  onChange: (value: Record<string, string>) => void
  idPrefix?: string
}) {
  return (
    <fieldset>
      <legend>Service management plan (4.5.2 a–l), each section in Markdown</legend>
      {Object.entries(planSections).map(([k, label]) => (
        <MarkdownEditor
          key={k}
          id={`${idPrefix}-${k}`}
          label={`${k}) ${label}`}
          scope={`${k})`}
          rows={3}
          value={value[k] ?? ''}
          onChange={(text) => onChange({ ...value, [k]: text })}
        />
      ))}
    </fieldset>
  )
}

/** A version's sections a–l as read on the document's page. */
export function PlanSectionsContent({ sections }: { sections: Record<string, string> }) {
  return (
    <dl>
      {Object.entries(planSections).map(([k, label]) => (
        <div key={k}>
          <dt>
            4.5.2 {k}) {label}
          </dt>
          <dd>
            {sections[k]?.trim() ? (
              <Markdown text={sections[k]} label={`4.5.2 ${k}) ${label}`} />
            ) : (
              '—'
            )}
          </dd>
        </div>
      ))}
    </dl>
  )
}
