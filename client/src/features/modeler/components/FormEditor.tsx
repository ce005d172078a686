/**
 * The form-js editor on a form schema. The parent reads the edited schema through `editorRef`
 * (`saveSchema()`), so one editor serves the export of `.form` files and saving into a draft.
 */
import { FormEditor as FormJsEditor } from '@bpmn-io/form-js'
import '@bpmn-io/form-js/dist/assets/form-js.css'
import '@bpmn-io/form-js/dist/assets/form-js-editor.css'
import { useEffect, useRef, useState, type RefObject } from 'react'
import { ErrorBanner } from '../../../lib/ui'

/** What the parent may ask of the editor. */
export interface FormEditorHandle {
  saveSchema(): Record<string, unknown>
}

export default function FormEditor({
  schema,
  editorRef,
  onChanged,
  label = 'Form editor',
}: {
  schema: Record<string, unknown>
  editorRef: RefObject<FormEditorHandle | null>
  /** Called on every edit (e.g. to show "unsaved changes"). */
  onChanged?: () => void
  label?: string
}) {
  const ref = useRef<HTMLDivElement>(null)
  const [error, setError] = useState<unknown>()
  const changed = useRef(onChanged)
  changed.current = onChanged
  useEffect(() => {
    const e = new FormJsEditor({ container: ref.current! })
    editorRef.current = { saveSchema: () => e.saveSchema() as Record<string, unknown> }
    e.importSchema(schema)
      .then(() => e.on('changed', () => changed.current?.()))
      .catch(setError)
    return () => {
      e.destroy()
      editorRef.current = null
    }
  }, [schema, editorRef])
  return (
    <>
      <ErrorBanner error={error} />
      <div
        ref={ref}
        className="card"
        style={{ minHeight: '30rem', padding: 0 }}
        aria-label={label}
      />
    </>
  )
}
