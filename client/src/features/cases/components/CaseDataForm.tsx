/**
 * The form-shaped `data` of a case rendered by form-js from the kind's form, beside the typed
 * fields of the create and edit views. The parent collects the data through `handle` when it
 * submits: form-js validates in the browser first; the server's field errors
 * (`/data/<field>`) are then shown on the fields they name, as in the inbox task view.
 */
import { useEffect, type RefObject } from 'react'
import type { FieldError } from '../../../lib/api'
import { hasHalfDateTime, UnmatchedErrors, useFormJs } from '../../../lib/form-js'
import type { FormSchema } from '../api/case-data'

/** What the form holds when the parent submits. */
export interface CaseDataEntry {
  /** The data form-js submits. */
  data: Record<string, unknown>
  /** The data form-js started from (with its empty values for untouched fields). */
  initial: Record<string, unknown>
}

/** What the parent calls on submit. */
export interface CaseDataHandle {
  /** The form's data, or undefined when a field is invalid (form-js shows why). */
  collect(): CaseDataEntry | undefined
}

export function CaseDataForm({
  schema,
  data,
  disabled = false,
  serverErrors,
  handle,
  label,
}: {
  schema: FormSchema
  data: Record<string, unknown>
  disabled?: boolean
  /** Errors under `/data` from the last request. */
  serverErrors: readonly FieldError[]
  handle: RefObject<CaseDataHandle | null>
  /** Accessible name of the data section. */
  label: string
}) {
  const {
    container,
    form,
    unmatched,
    disabled: isDisabled,
  } = useFormJs({
    schema,
    data,
    disabled,
    serverErrors,
    errorPrefix: '/data/',
  })

  useEffect(() => {
    handle.current = {
      collect() {
        const live = form.current
        if (!live) return { data: {}, initial: {} }
        // a disabled form-js form refuses to submit: nothing can have been entered meanwhile
        if (isDisabled()) return undefined
        const result = live.submit() as {
          data: Record<string, unknown>
          errors: Record<string, unknown>
        }
        // a date without its time would be submitted as empty: refused, form-js says why
        if (Object.keys(result.errors).length || hasHalfDateTime(container.current))
          return undefined
        const state = live._getState() as { initialData?: Record<string, unknown> }
        return { data: result.data, initial: state.initialData ?? {} }
      },
    }
    return () => {
      handle.current = null
    }
  }, [handle, form, isDisabled, container])

  return (
    <section aria-label={label} className="case-data">
      <div ref={container} className="task-form" />
      <UnmatchedErrors errors={unmatched} />
    </section>
  )
}
