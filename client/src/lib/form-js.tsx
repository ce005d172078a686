/**
 * A form-js form in a React view: the task forms of the inbox and the data forms of the cases.
 * The form is rebuilt only when its schema or its data really change (a reload after a comment
 * or a live event must not wipe what the user has typed), and the server's field-level errors
 * are shown on the fields they name; errors naming no field are listed below the form. Time inputs
 * are named after their date, checklists and list rows are named groups (see form-labels.ts).
 */
import { Form } from '@bpmn-io/form-js'
import '@bpmn-io/form-js/dist/assets/form-js.css'
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react'
import type { FieldError } from './api'
import { nameFormGroups, withNamedTimeFields } from './form-labels'

interface FormField {
  id: string
  key?: string
  path?: string
}

/** form-js keeps fields by id; the server names them by key (or a group's path). */
function fieldIdsByName(form: Form): Map<string, string> {
  const registry = form.get('formFieldRegistry') as { getAll(): FormField[] }
  return new Map(
    registry.getAll().flatMap((f) => {
      const name = f.key ?? f.path
      return name ? [[name, f.id] as const] : []
    }),
  )
}

/** form-js's own message on a date-time field holding a date and no time (or the reverse). */
export const HALF_DATETIME_MESSAGE = 'Date and time must both be entered.'

/**
 * Whether a date-time field of the rendered form holds only half its value: form-js then shows
 * {@link HALF_DATETIME_MESSAGE} but submits the field as empty, so a date without a time would be
 * silently dropped (4.3.3). Submissions are refused instead, and the message stays on the field.
 */
export function hasHalfDateTime(container: HTMLElement | null): boolean {
  if (!container) return false
  return [...container.querySelectorAll('.fjs-form-field-datetime')].some((f) =>
    (f.textContent ?? '').includes(HALF_DATETIME_MESSAGE),
  )
}

export interface FormJsOptions {
  schema: object
  data: Record<string, unknown>
  disabled: boolean
  serverErrors: readonly FieldError[]
  /** What the server puts before a field's name in error paths: `/` or `/data/`. */
  errorPrefix: '/' | '/data/'
  /** Called when form-js submits without errors in the browser. */
  onSubmit?: (data: Record<string, unknown>) => void
}

/** Renders the form into the returned container; `form` is the live form-js instance. */
export function useFormJs(options: FormJsOptions): {
  container: RefObject<HTMLDivElement | null>
  form: RefObject<Form | null>
  unmatched: FieldError[]
  /** Whether the form is disabled now (a disabled form-js form refuses to submit). */
  disabled: () => boolean
} {
  const { schema, data, disabled, serverErrors, errorPrefix } = options
  const container = useRef<HTMLDivElement>(null)
  const formRef = useRef<Form | null>(null)
  const [unmatched, setUnmatched] = useState<FieldError[]>([])
  const schemaKey = JSON.stringify(schema)
  const dataKey = JSON.stringify(data)
  const latest = useRef(options)
  latest.current = options
  const isDisabled = useCallback(() => latest.current.disabled, [])

  useEffect(() => {
    const { schema, data } = latest.current
    const root = container.current!
    const form = new Form({ container: root })
    formRef.current = form
    form.on(
      'submit',
      (event: { data: Record<string, unknown>; errors: Record<string, string[]> }) => {
        if (Object.keys(event.errors).length > 0 || hasHalfDateTime(container.current)) return
        latest.current.onSubmit?.(event.data)
      },
    )
    void form
      .importSchema(withNamedTimeFields(schema), data)
      .then(() => form.setProperty('disabled', latest.current.disabled))
    // rows added to a list, and fields shown by a condition, are named as they appear
    const groups = new MutationObserver(() => nameFormGroups(root))
    groups.observe(root, { childList: true, subtree: true })
    return () => {
      groups.disconnect()
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
    const ids = fieldIdsByName(form)
    const errors: Record<string, string[]> = {}
    const rest: FieldError[] = []
    for (const e of serverErrors) {
      const name = e.path.startsWith(errorPrefix) ? e.path.slice(errorPrefix.length) : ''
      const id = ids.get(name.split('/')[0] ?? '')
      if (id) (errors[id] ??= []).push(e.message)
      else rest.push(e)
    }
    form._setState({ errors })
    setUnmatched(rest)
  }, [serverErrors, errorPrefix])

  return {
    container,
    form: formRef,
    unmatched,
    disabled: isDisabled,
  }
}

/** The server's errors that name no field of the form. */
export function UnmatchedErrors({ errors }: { errors: readonly FieldError[] }) {
  if (errors.length === 0) return null
  return (
    <ul className="field-error" role="alert">
      {errors.map((e) => (
        <li key={e.path + e.message}>
          {e.path}: {e.message}
        </li>
      ))}
    </ul>
  )
}
