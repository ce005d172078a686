/**
 * The task's form rendered by form-js. Submitting validates in the browser first; the server's
 * field-level errors (`errors[].path = '/fieldKey'`) are then shown on the fields they name.
 */
import { Form } from '@bpmn-io/form-js'
import '@bpmn-io/form-js/dist/assets/form-js.css'
import { useEffect, useRef, useState } from 'react'
import type { FieldError } from '../../../lib/api'

interface FormField {
  id: string
  key?: string
}

/** form-js keeps fields by id; the server names them by key. */
function fieldIdsByKey(form: Form): Map<string, string> {
  const registry = form.get('formFieldRegistry') as { getAll(): FormField[] }
  return new Map(registry.getAll().flatMap((f) => (f.key ? [[f.key, f.id] as const] : [])))
}

export function TaskForm({
  schema,
  data,
  disabled,
  serverErrors,
  onSubmit,
}: {
  schema: Record<string, unknown>
  data: Record<string, unknown>
  disabled: boolean
  serverErrors: FieldError[]
  onSubmit: (data: Record<string, unknown>) => void
}) {
  const container = useRef<HTMLDivElement>(null)
  const formRef = useRef<Form | null>(null)
  const submitRef = useRef(onSubmit)
  submitRef.current = onSubmit
  const [unmatched, setUnmatched] = useState<FieldError[]>([])

  // Rebuild only when the schema or the task's data really change: a reload after a comment
  // or a live event must not wipe what the user has typed.
  const schemaKey = JSON.stringify(schema)
  const dataKey = JSON.stringify(data)
  const latest = useRef({ schema, data, disabled })
  latest.current = { schema, data, disabled }

  useEffect(() => {
    const { schema, data } = latest.current
    const form = new Form({ container: container.current! })
    formRef.current = form
    form.on(
      'submit',
      (event: { data: Record<string, unknown>; errors: Record<string, string[]> }) => {
        if (Object.keys(event.errors).length === 0) submitRef.current(event.data)
      },
    )
    void form
      .importSchema(schema, data)
      .then(() => form.setProperty('disabled', latest.current.disabled))
    return () => {
      form.destroy()
      formRef.current = null
    }
  }, [schemaKey, dataKey])

  useEffect(() => {
    formRef.current?.setProperty('disabled', disabled)
  }, [disabled])

  useEffect(() => {
    const form = formRef.current
    if (!form) return
    const ids = fieldIdsByKey(form)
    const errors: Record<string, string[]> = {}
    const rest: FieldError[] = []
    for (const e of serverErrors) {
      const id = ids.get(e.path.replace(/^\//, '').split('/')[0] ?? '')
      if (id) (errors[id] ??= []).push(e.message)
      else rest.push(e)
    }
    form._setState({ errors })
    setUnmatched(rest)
  }, [serverErrors])

  return (
    <div>
      <div ref={container} className="task-form" />
      {unmatched.length > 0 && (
        <ul className="field-error" role="alert">
          {unmatched.map((e) => (
            <li key={e.path + e.message}>
              {e.path}: {e.message}
            </li>
          ))}
        </ul>
      )}
      <div className="row" style={{ marginTop: '0.5rem' }}>
        <button
          type="button"
          className="primary"
          disabled={disabled}
          onClick={() => formRef.current?.submit()}
        >
          Complete task
        </button>
      </div>
    </div>
  )
}
