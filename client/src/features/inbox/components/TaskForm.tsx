/**
 * The task's form rendered by form-js. Submitting validates in the browser first; the server's
 * field-level errors (`errors[].path = '/fieldKey'`) are then shown on the fields they name.
 */
import type { FieldError } from '../../../lib/api'
import { UnmatchedErrors, useFormJs } from '../../../lib/form-js'

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
  const { container, form, unmatched } = useFormJs({
    schema,
    data,
    disabled,
    serverErrors,
    errorPrefix: '/',
    onSubmit,
  })
  return (
    <div>
      <div ref={container} className="task-form" />
      <UnmatchedErrors errors={unmatched} />
      <div className="row task-actions" style={{ marginTop: '0.5rem' }}>
        <button
          type="button"
          className="primary"
          disabled={disabled}
          onClick={() => form.current?.submit()}
        >
          Complete task
        </button>
      </div>
    </div>
  )
}
