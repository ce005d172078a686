/**
 * Forms of user tasks as deployed, opened in the form-js editor and exported as a `.form` file
 * for the repository. Changing a form for production goes through a procedure draft: the
 * modeler's Forms panel saves it into the draft, where it is approved and deployed with the
 * BPMN (ISO/IEC 20000-1 4.3.2).
 */
import { useRef } from 'react'
import { download } from '../../../lib/format'
import { Link } from '../../../lib/router'
import { ErrorBanner, Loading } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import FormEditor, { type FormEditorHandle } from './FormEditor'

interface FormInfo {
  id: string
  version: number
  schema: Record<string, unknown>
}

function Editor({ form }: { form: FormInfo }) {
  const editor = useRef<FormEditorHandle | null>(null)
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
      <p className="small muted">
        To change the form in production, open a draft of its process in the modeler and edit it
        under Forms: it is then approved and deployed with the process.
      </p>
      <FormEditor schema={form.schema} editorRef={editor} />
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
