/**
 * Forms of user tasks (`forms/`), edited with the form-js editor. The server has no form-draft
 * API yet, so an edited form is exported as a `.form` file for the repository.
 */
import { FormEditor } from '@bpmn-io/form-js'
import '@bpmn-io/form-js/dist/assets/form-js.css'
import '@bpmn-io/form-js/dist/assets/form-js-editor.css'
import { useEffect, useRef, useState } from 'react'
import { download } from '../../../lib/format'
import { Link } from '../../../lib/router'
import { ErrorBanner, Loading } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'

interface FormInfo {
  id: string
  version: number
  schema: Record<string, unknown>
}

function Editor({ form }: { form: FormInfo }) {
  const ref = useRef<HTMLDivElement>(null)
  const editor = useRef<FormEditor | null>(null)
  const [error, setError] = useState<unknown>()
  useEffect(() => {
    const e = new FormEditor({ container: ref.current! })
    editor.current = e
    e.importSchema(form.schema).catch(setError)
    return () => {
      e.destroy()
      editor.current = null
    }
  }, [form])
  return (
    <div>
      <div className="row" style={{ marginBottom: '0.5rem' }}>
        <h2 style={{ margin: 0 }}>
          {form.id} <span className="muted small">v{form.version}</span>
        </h2>
        <span className="spacer" />
        <button
          className="primary"
          onClick={() => {
            const schema = editor.current?.saveSchema()
            if (schema) download(`${form.id}.form`, `${JSON.stringify(schema, null, 2)}\n`)
          }}
        >
          Export .form
        </button>
      </div>
      <ErrorBanner error={error} />
      <div
        ref={ref}
        className="card"
        style={{ minHeight: '30rem', padding: 0 }}
        aria-label="Form editor"
      />
    </div>
  )
}

export default function FormsPage({ formId }: { formId: string | null }) {
  const { data, error, loading } = useApi<FormInfo[]>('/forms')
  const current = data?.find((f) => f.id === formId)
  return (
    <div>
      <h1>Forms</h1>
      <ErrorBanner error={error} />
      {loading && <Loading />}
      <div className="row" style={{ marginBottom: '0.75rem' }}>
        {data?.map((f) => (
          <Link
            key={f.id}
            className="btn"
            href={`/forms?id=${encodeURIComponent(f.id)}`}
            aria-current={f.id === formId ? 'page' : undefined}
          >
            {f.id}
          </Link>
        ))}
      </div>
      {current ? <Editor form={current} /> : <p className="muted">Choose a form to edit.</p>}
    </div>
  )
}
