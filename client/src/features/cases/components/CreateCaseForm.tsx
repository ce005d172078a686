/** Creates a case of one kind; the server starts its process. Field errors shown per field. */
import { useState, type FormEvent } from 'react'
import { ApiError, type FieldError } from '../../../lib/api'
import { ErrorBanner } from '../../../lib/ui'
import { createCase, normalizeList, type CaseRecord, type KindInfo } from '../api/cases'
import { useApi } from '../../../lib/use-api'

export function CreateCaseForm({
  kind,
  info,
  onCreated,
  onCancel,
}: {
  kind: string
  info: KindInfo
  onCreated: (c: CaseRecord) => void
  onCancel: () => void
}) {
  const [values, setValues] = useState<Record<string, string>>({})
  const [errors, setErrors] = useState<FieldError[]>([])
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const fields = info.create ?? []
  const needsServices = fields.some((f) => f.type === 'service')
  const services = useApi<unknown>(needsServices ? '/services?limit=200' : null)
  const serviceOptions = normalizeList(services.data).items
  async function submit(e: FormEvent) {
    e.preventDefault()
    setBusy(true)
    setErrors([])
    setError(undefined)
    const body: Record<string, unknown> = {}
    const data: Record<string, unknown> = {}
    for (const f of fields) {
      const v = values[f.key]
      if (v === undefined || v === '') continue
      ;(f.data ? data : body)[f.key] =
        f.type === 'number' || (f.type === 'select' && typeof f.options?.[0] === 'number')
          ? Number(v)
          : f.type === 'datetime-local'
            ? new Date(v).toISOString()
            : v
    }
    if (Object.keys(data).length) body.data = data
    try {
      onCreated(await createCase(kind, body))
    } catch (err) {
      if (err instanceof ApiError) setErrors(err.errors)
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  const errorOf = (key: string) =>
    errors.find((e) => e.path.replace(/^\/(data\/)?/, '') === key)?.message
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-label={`New ${info.singular}`}>
      <h2>New {info.singular}</h2>
      {info.process && (
        <p className="small muted">Creating it starts the “{info.process}” process.</p>
      )}
      <div className="grid-3">
        {fields.map((f) => {
          const id = `new-${kind}-${f.key}`
          const err = errorOf(f.key)
          const common = {
            id,
            name: f.key,
            required: f.required,
            value: values[f.key] ?? '',
            'aria-invalid': err ? true : undefined,
            'aria-describedby': err ? `${id}-error` : undefined,
            onChange: (e: { target: { value: string } }) =>
              setValues((v) => ({ ...v, [f.key]: e.target.value })),
          }
          return (
            <div
              key={f.key}
              className="field"
              style={f.type === 'textarea' ? { gridColumn: '1 / -1' } : undefined}
            >
              <label htmlFor={id}>
                {f.label}
                {f.required && ' *'}
              </label>
              {f.type === 'textarea' ? (
                <textarea {...common} />
              ) : f.type === 'service' ? (
                <select {...common}>
                  <option value="">None</option>
                  {serviceOptions.map((o) => (
                    <option key={String(o.id)} value={String(o.id)}>
                      {String(o.name ?? o.id)}
                    </option>
                  ))}
                </select>
              ) : f.type === 'select' ? (
                <select {...common}>
                  <option value="">Choose…</option>
                  {f.options?.map((o) => (
                    <option key={o} value={o}>
                      {o}
                    </option>
                  ))}
                </select>
              ) : (
                <input type={f.type ?? 'text'} {...common} />
              )}
              {err && (
                <span id={`${id}-error`} className="field-error">
                  {err}
                </span>
              )}
            </div>
          )
        })}
      </div>
      {errors.length === 0 && <ErrorBanner error={error} />}
      <div className="row" style={{ marginTop: '0.75rem' }}>
        <button type="submit" disabled={busy}>
          Create
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}
