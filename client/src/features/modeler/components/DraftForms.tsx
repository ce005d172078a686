/**
 * The forms of a procedure draft (ISO/IEC 20000-1 4.3.2): every form the diagram links, with
 * what the draft changes; one opens in the form-js editor, starting from the draft's version or
 * the deployed one, and is saved into the draft, to be approved and deployed with the BPMN.
 */
import { useCallback, useEffect, useRef, useState } from 'react'
import { ApiError } from '../../../lib/api'
import { download } from '../../../lib/format'
import { ErrorBanner } from '../../../lib/ui'
import {
  deleteDraftForm,
  getDraftForm,
  listDraftForms,
  saveDraftForm,
  type Draft,
  type DraftForm,
} from '../api/processes'
import FormEditor, { type FormEditorHandle } from './FormEditor'

/** A form-js form with nothing on it yet, for a form id that exists nowhere. */
const emptyForm = (formId: string): Record<string, unknown> => ({
  id: formId,
  type: 'default',
  schemaVersion: 16,
  components: [],
})

function stateOf(form: DraftForm | undefined, linked: boolean): { text: string; tone: string } {
  if (form?.source === 'draft') {
    if (!linked) return { text: 'changed, not linked', tone: 'warn' }
    return form.changed
      ? { text: 'changed in this draft', tone: 'accent' }
      : { text: 'same as deployed', tone: '' }
  }
  if (form?.source === 'deployed')
    return { text: `deployed v${form.base?.version ?? '?'}`, tone: '' }
  if (form?.source === 'bundled') return { text: 'in forms/, not deployed', tone: 'warn' }
  return { text: 'new form', tone: 'warn' }
}

export default function DraftForms({
  draft,
  linkedFormIds,
  editable,
  onDraftChanged,
}: {
  /** The saved draft; null while the diagram is not saved as a draft yet. */
  draft: Draft | null
  /** Form ids the diagram in the modeler links now (saved or not). */
  linkedFormIds: string[]
  editable: boolean
  onDraftChanged: (draft: Draft) => void
}) {
  const [forms, setForms] = useState<DraftForm[]>([])
  const [open, setOpen] = useState<{ formId: string; schema: Record<string, unknown> } | null>(null)
  const [dirty, setDirty] = useState(false)
  const [error, setError] = useState<unknown>()
  const [status, setStatus] = useState('')
  const [busy, setBusy] = useState(false)
  const editor = useRef<FormEditorHandle | null>(null)
  const draftId = draft?.id ?? null

  const reload = useCallback(async () => {
    if (!draftId) return
    try {
      setForms(await listDraftForms(draftId))
    } catch (err) {
      setError(err)
    }
  }, [draftId])
  // a saved diagram may link other forms: list them again on every new revision of the draft
  const revision = draft?.version
  useEffect(() => {
    void reload()
  }, [reload, revision])

  const ids = [...new Set([...linkedFormIds, ...forms.map((f) => f.formId)])].sort()

  async function openForm(formId: string) {
    if (!draftId) return
    setError(undefined)
    setStatus('')
    try {
      const form = await getDraftForm(draftId, formId)
      setOpen({ formId, schema: form.schema ?? emptyForm(formId) })
    } catch (err) {
      if (err instanceof ApiError && err.status === 404)
        setOpen({ formId, schema: emptyForm(formId) })
      else setError(err)
    }
    setDirty(false)
  }

  async function save() {
    const schema = editor.current?.saveSchema()
    if (!draft || !open || !schema) return
    setBusy(true)
    setError(undefined)
    setStatus('')
    try {
      const saved = await saveDraftForm(draft.id, open.formId, schema, draft.version)
      onDraftChanged(saved.draft)
      setDirty(false)
      setStatus(`Form ${open.formId} saved into the draft (revision ${saved.draft.version}).`)
      await reload()
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 409
          ? new ApiError(409, err.title, `${err.message} Reload the draft before saving.`)
          : err,
      )
    } finally {
      setBusy(false)
    }
  }

  async function discard(formId: string) {
    if (!draft) return
    setBusy(true)
    setError(undefined)
    try {
      onDraftChanged(await deleteDraftForm(draft.id, formId, draft.version))
      setStatus(`The draft no longer changes form ${formId}.`)
      if (open?.formId === formId) setOpen(null)
      await reload()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  const fieldErrors = error instanceof ApiError ? error.errors : []
  return (
    <section className="card" aria-labelledby="draft-forms-title" style={{ marginTop: '0.75rem' }}>
      <h2 id="draft-forms-title">Forms</h2>
      {!draft && (
        <p className="small muted">Save the draft to change the forms its user tasks link.</p>
      )}
      {ids.length === 0 && draft && (
        <p className="small muted">No user task of this diagram links a form.</p>
      )}
      {ids.length > 0 && (
        <table className="data" aria-label="Forms of the draft">
          <thead>
            <tr>
              <th>Form</th>
              <th>State</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {ids.map((id) => {
              const form = forms.find((f) => f.formId === id)
              const state = stateOf(form, linkedFormIds.includes(id))
              return (
                <tr key={id} data-form-id={id}>
                  <td>{id}</td>
                  <td>
                    <span className={`badge ${state.tone}`}>{state.text}</span>
                  </td>
                  <td>
                    <div className="row">
                      <button
                        onClick={() => void openForm(id)}
                        disabled={!draft}
                        aria-label={`Edit form ${id}`}
                      >
                        Edit
                      </button>
                      {form?.source === 'draft' && (
                        <button
                          onClick={() => void discard(id)}
                          disabled={!editable || busy}
                          aria-label={`Discard change to form ${id}`}
                        >
                          Discard change
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
      {status && (
        <div className="banner ok" role="status">
          {status}
        </div>
      )}
      <ErrorBanner error={error} />
      {fieldErrors.length > 0 && (
        <ul className="list-plain small" aria-label="Form errors">
          {fieldErrors.map((e, i) => (
            <li key={`${e.path}-${i}`}>
              <code>{e.path}</code>: {e.message}
            </li>
          ))}
        </ul>
      )}
      {open && (
        <div style={{ marginTop: '0.75rem' }}>
          <div className="row" style={{ marginBottom: '0.5rem' }}>
            <h3 style={{ margin: 0 }}>{open.formId}</h3>
            {dirty && <span className="badge warn">unsaved form changes</span>}
            <span className="spacer" />
            <button
              onClick={() => {
                const schema = editor.current?.saveSchema()
                if (schema) download(`${open.formId}.form`, `${JSON.stringify(schema, null, 2)}\n`)
              }}
            >
              Export .form
            </button>
            <button onClick={() => setOpen(null)}>Close form</button>
            <button
              className="primary"
              onClick={() => void save()}
              disabled={!editable || busy}
              title={editable ? undefined : 'Only a draft or rejected draft can be changed'}
            >
              Save form to draft
            </button>
          </div>
          <FormEditor
            schema={open.schema}
            editorRef={editor}
            onChanged={() => setDirty(true)}
            label={`Form editor: ${open.formId}`}
          />
        </div>
      )}
    </section>
  )
}
