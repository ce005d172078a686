/**
 * Creates a case of one kind; the server starts its process. The typed fields (title, service,
 * priority …) are plain inputs, the form-shaped `data` is the kind's form rendered by form-js.
 * Field errors are shown per field, on either side.
 */
import { useId, useState, type FormEvent } from 'react'
import { toast } from '../../../lib/toast'
import { ApiError, type FieldError } from '../../../lib/api'
import { ErrorBanner } from '../../../lib/ui'
import { dataToCreate, splitErrors } from '../api/case-data'
import { createCase, normalizeList, type CaseRecord, type KindInfo } from '../api/cases'
import { useApi } from '../../../lib/use-api'
import { useCaseData } from '../hooks/use-case-data'
import { CaseDataSection } from './CaseDataSection'
import {
  changeTypeData,
  changeTypeKeys,
  isChoiceError,
  StandardChangeChoice,
  type ChangeTypeValue,
} from './StandardChangeChoice'
import { CatalogueItemChoice, catalogueItemKeys, isItemError } from './CatalogueItemChoice'

const noKeys: readonly string[] = []

export function CreateCaseForm({
  kind,
  info,
  onCreated,
  onCancel,
  fromCatalogue,
}: {
  kind: string
  info: KindInfo
  onCreated: (c: CaseRecord) => void
  onCancel: () => void
  /**
   * 6.1: the request names an item of the service catalogue in force, chosen from it (the
   * customer's request form); `initialItem` is preselected.
   */
  fromCatalogue?: { initialItem?: string }
}) {
  const [values, setValues] = useState<Record<string, string>>({})
  const [errors, setErrors] = useState<FieldError[]>([])
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const formId = useId()
  // 9.2: a change says its type, and a standard change its model of the catalogue
  const isChange = kind === 'changes'
  const [changeType, setChangeType] = useState<ChangeTypeValue>({
    changeType: 'normal',
    standardChangeModelId: '',
  })
  const [itemId, setItemId] = useState(fromCatalogue?.initialItem ?? '')
  const caseData = useCaseData(
    kind,
    'create',
    isChange ? changeTypeKeys : fromCatalogue ? catalogueItemKeys : noKeys,
  )
  const fields = info.create ?? []
  const needsServices = fields.some((f) => f.type === 'service')
  const services = useApi<unknown>(needsServices ? '/services?limit=200' : null)
  const serviceOptions = normalizeList(services.data).items
  const cis = useApi<unknown>(fields.some((f) => f.type === 'ci') ? '/cis?limit=200' : null)
  const ciOptions = normalizeList(cis.data).items
  const split = splitErrors(errors)
  const fieldErrors = split.other
  const choiceErrors = split.data.filter(isChoiceError)
  const itemErrors = fromCatalogue ? split.data.filter(isItemError) : []
  const dataErrors = split.data.filter((e) => !isChoiceError(e) && !itemErrors.includes(e))

  async function submit(e: FormEvent) {
    e.preventDefault()
    const entered = caseData.collect()
    if (entered === undefined) return // form-js shows what is wrong
    setBusy(true)
    setErrors([])
    setError(undefined)
    const body: Record<string, unknown> = {}
    for (const f of fields) {
      const v = values[f.key]
      if (v === undefined || v === '') continue
      body[f.key] =
        f.type === 'number' || (f.type === 'select' && typeof f.options?.[0] === 'number')
          ? Number(v)
          : f.type === 'datetime-local'
            ? new Date(v).toISOString()
            : v
    }
    const data = {
      ...dataToCreate(entered.data, entered.initial, caseData.readonly),
      ...(isChange ? changeTypeData(changeType) : {}),
      ...(fromCatalogue ? { catalogueItemId: itemId } : {}),
    }
    if (Object.keys(data).length) body.data = data
    try {
      const created = await createCase(kind, body)
      toast(`${String(created.id)} created.`)
      onCreated(created)
    } catch (err) {
      if (err instanceof ApiError) setErrors(err.errors)
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  const errorOf = (key: string) =>
    fieldErrors.find((e) => e.path.replace(/^\//, '') === key)?.message
  // errors about fields this form does not show go in the banner
  const unshown = fieldErrors.filter((e) => !fields.some((f) => e.path === `/${f.key}`))
  return (
    <section className="card" role="form" aria-label={`New ${info.singular}`}>
      <h2>New {info.singular}</h2>
      {info.process && (
        <p className="small muted">Creating it starts the “{info.process}” process.</p>
      )}
      <form id={formId} onSubmit={(e) => void submit(e)}>
        {fromCatalogue && (
          <CatalogueItemChoice value={itemId} onChange={setItemId} errors={itemErrors} />
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
                ) : f.type === 'service' || f.type === 'ci' ? (
                  <select {...common}>
                    <option value="">None</option>
                    {(f.type === 'ci' ? ciOptions : serviceOptions).map((o) => (
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
      </form>
      {isChange && (
        <StandardChangeChoice
          value={changeType}
          onChange={setChangeType}
          refusal={choiceErrors.length ? error : undefined}
        />
      )}
      <CaseDataSection
        caseData={caseData}
        stored={{}}
        disabled={busy}
        serverErrors={dataErrors}
        label={`Details of the new ${info.singular}`}
      />
      {(errors.length === 0 || unshown.length > 0) && <ErrorBanner error={error} />}
      <div className="row" style={{ marginTop: '0.75rem' }}>
        <button type="submit" form={formId} disabled={busy || caseData.caseForm.loading}>
          Create
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </section>
  )
}
