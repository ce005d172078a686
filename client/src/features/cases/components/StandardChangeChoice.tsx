/**
 * The type of a new change and, for a standard change, its model from the standard change
 * catalogue (ISO/IEC 20000-1 9.2), with the model's risk, tasks and scope shown. The server
 * refuses a standard change that does not fit its model (422); its reason is shown here.
 */
import { useId } from 'react'
import type { FieldError } from '../../../lib/api'
import { ErrorBanner } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import { modelsPath, type StandardChangeModel } from '../api/change-control'

/** What the choice adds to the change's data. */
export interface ChangeTypeValue {
  changeType: 'normal' | 'standard' | 'emergency'
  standardChangeModelId: string
}

/** Data keys the choice asks for (the change form's own fields for them are not shown). */
export const changeTypeKeys = ['changeType', 'standardChangeModelId'] as const

/** The change's data from the choice. */
export const changeTypeData = (v: ChangeTypeValue): Record<string, unknown> =>
  v.changeType === 'standard'
    ? { changeType: 'standard', standardChangeModelId: v.standardChangeModelId }
    : { changeType: v.changeType }

/** Whether a server error is about the choice. */
export const isChoiceError = (e: FieldError) => changeTypeKeys.some((k) => e.path === `/data/${k}`)

const types = [
  ['normal', 'Normal'],
  ['standard', 'Standard (pre-approved model)'],
  ['emergency', 'Emergency'],
] as const

export function StandardChangeChoice({
  value,
  onChange,
  refusal,
}: {
  value: ChangeTypeValue
  onChange: (v: ChangeTypeValue) => void
  /** The server's refusal of the last submission, when it is about the choice. */
  refusal: unknown
}) {
  const id = useId()
  const models = useApi<StandardChangeModel[]>(value.changeType === 'standard' ? modelsPath : null)
  const active = (models.data ?? []).filter((m) => m.status === 'active')
  const model = active.find((m) => m.id === value.standardChangeModelId)
  return (
    <fieldset className="field">
      <legend>Type of change</legend>
      <div className="row">
        {types.map(([t, label]) => (
          <label key={t}>
            <input
              type="radio"
              name={`${id}-type`}
              value={t}
              checked={value.changeType === t}
              onChange={() => onChange({ ...value, changeType: t })}
            />{' '}
            {label}
          </label>
        ))}
      </div>
      {value.changeType === 'standard' && (
        <>
          <div className="field">
            <label htmlFor={`${id}-model`}>Standard change model *</label>
            <select
              id={`${id}-model`}
              required
              value={value.standardChangeModelId}
              onChange={(e) => onChange({ ...value, standardChangeModelId: e.target.value })}
            >
              <option value="">Choose a model…</option>
              {active.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.id} {m.name} (v{m.version})
                </option>
              ))}
            </select>
          </div>
          <ErrorBanner error={models.error} />
          {models.data && !active.length && (
            <p className="small muted">
              The catalogue has no active model: raise a normal change, or propose a model.
            </p>
          )}
          {model && (
            <div className="small" aria-label={`Model ${model.id}`} role="group">
              <p>
                <strong>Risk:</strong> {model.risk}
              </p>
              <p>
                <strong>May change:</strong> {[...model.ciIds, ...model.serviceIds].join(', ')} — a
                standard change names the CIs or services it changes, all within this scope.
              </p>
              <strong>Tasks:</strong>
              <ol>
                {model.tasks.map((t, i) => (
                  <li key={i}>{t}</li>
                ))}
              </ol>
            </div>
          )}
        </>
      )}
      <ErrorBanner error={refusal} />
    </fieldset>
  )
}
