/**
 * Editing a RACI (ISO/IEC 20000-1 4.1.3, 4.4.1): for each activity of a procedure or an SMS
 * document, who is Responsible (one or more), Accountable (exactly one), Consulted and Informed,
 * picked from the groups, people and roles the product knows. The form checks what it can before
 * saving (an activity named once, someone Responsible, one Accountable) and shows the server's
 * field errors (`/rows/1/accountable`) on their fields; the server checks the same and decides
 * who may save (SMS managers and admins).
 */
import { useId, useState, type FormEvent } from 'react'
import { ApiError, type FieldError } from '../../../lib/api'
import { toast } from '../../../lib/toast'
import { ErrorBanner } from '../../../lib/ui'
import { saveRaci, type Raci, type RaciParty, type RaciRow } from '../api/sms'

type RoleField = 'responsible' | 'accountable' | 'consulted' | 'informed'
type RowField = 'activity' | RoleField

const roleLabels: Record<RoleField, string> = {
  responsible: 'Responsible',
  accountable: 'Accountable',
  consulted: 'Consulted',
  informed: 'Informed',
}
const listFields = ['responsible', 'consulted', 'informed'] as const

const emptyRow = (activity = ''): RaciRow => ({
  activity,
  responsible: [],
  accountable: '',
  consulted: [],
  informed: [],
})

/** What the form finds wrong before saving, as the server's field errors would say it. */
export function raciProblems(rows: RaciRow[]): FieldError[] {
  const errors: FieldError[] = []
  const seen = new Map<string, number>()
  rows.forEach((row, i) => {
    const activity = row.activity.trim()
    const first = seen.get(activity.toLowerCase())
    if (!activity) errors.push({ path: `/rows/${i}/activity`, message: 'Name the activity.' })
    else if (first !== undefined) {
      errors.push({
        path: `/rows/${i}/activity`,
        message: `"${activity}" is already activity ${first + 1}: each activity has one row.`,
      })
    } else seen.set(activity.toLowerCase(), i)
    if (!row.responsible.length) {
      errors.push({
        path: `/rows/${i}/responsible`,
        message: 'Name at least one Responsible: who does the work.',
      })
    }
    if (!row.accountable) {
      errors.push({
        path: `/rows/${i}/accountable`,
        message: 'Choose exactly one Accountable: who answers for the activity.',
      })
    }
  })
  return errors
}

/** The row and field a field error's path points at (`/rows/1/informed/0` → 1, informed). */
function fieldOf(path: string): { row: number; field: RowField } | undefined {
  const m = /^\/rows\/(\d+)\/(activity|responsible|accountable|consulted|informed)(\/|$)/.exec(path)
  return m ? { row: Number(m[1]), field: m[2] as RowField } : undefined
}

const typeLabels: Record<RaciParty['type'], string> = {
  group: 'Groups',
  person: 'People',
  role: 'Roles',
}

/** How a party is shown: "Service desk (group)", "Sam Desk (desk)", "role customer". */
export function partyLabel(parties: readonly RaciParty[], id: string): string {
  const p = parties.find((x) => x.id === id)
  if (!p) return id
  return p.type === 'group'
    ? `${p.name} (group)`
    : p.type === 'person'
      ? `${p.name} (${p.id})`
      : `role ${p.id}`
}

function PartyOptions({
  parties,
  exclude = [],
}: {
  parties: readonly RaciParty[]
  exclude?: readonly string[]
}) {
  return (
    <>
      {(['group', 'person', 'role'] as const).map((type) => (
        <optgroup key={type} label={typeLabels[type]}>
          {parties
            .filter((p) => p.type === type && !exclude.includes(p.id))
            .map((p) => (
              <option key={p.id} value={p.id}>
                {partyLabel(parties, p.id)}
              </option>
            ))}
        </optgroup>
      ))}
    </>
  )
}

/** Several parties: the chosen ones, each with its remove button, and a list to add one. */
function PartyList({
  id,
  label,
  value,
  parties,
  error,
  onChange,
}: {
  id: string
  label: string
  value: string[]
  parties: readonly RaciParty[]
  error?: string
  onChange: (value: string[]) => void
}) {
  return (
    <div className="field raci-parties" role="group" aria-labelledby={`${id}-label`}>
      <span id={`${id}-label`}>{label}</span>
      {value.length ? (
        <ul className="raci-chosen" aria-label={`${label}, chosen`}>
          {value.map((v) => (
            <li key={v} className="badge">
              {partyLabel(parties, v)}{' '}
              <button
                type="button"
                className="link"
                aria-label={`Remove ${partyLabel(parties, v)} from ${label}`}
                onClick={() => onChange(value.filter((x) => x !== v))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <span className="small muted">none</span>
      )}
      <select
        id={id}
        aria-label={`Add to ${label}`}
        value=""
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => e.target.value && onChange([...value, e.target.value])}
      >
        <option value="">Add…</option>
        <PartyOptions parties={parties} exclude={value} />
      </select>
      {error && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
    </div>
  )
}

export function RaciEditor({
  raci,
  subjectLabel,
  parties,
  activities,
  onSaved,
  onCancel,
}: {
  /** The RACI as it is (rows empty for a new one). */
  raci: Pick<Raci, 'subjectType' | 'subjectId' | 'rows'>
  subjectLabel: string
  parties: readonly RaciParty[]
  /** The procedure's activities from its diagram, offered as activity names. */
  activities: readonly string[]
  onSaved: (saved: Raci) => void
  onCancel: () => void
}) {
  const formId = useId()
  const [rows, setRows] = useState<RaciRow[]>(() =>
    raci.rows.length ? raci.rows : activities.length ? activities.map(emptyRow) : [emptyRow()],
  )
  const [errors, setErrors] = useState<FieldError[]>([])
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const idOf = (row: number, field: RowField) => `${formId}-r${row}-${field}`
  const errorOf = (row: number, field: RowField) =>
    errors
      .filter((e) => {
        const f = fieldOf(e.path)
        return f?.row === row && f.field === field
      })
      .map((e) => e.message)
      .join(' ') || undefined
  const set = (i: number, change: Partial<RaciRow>) =>
    setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...change } : r)))
  const missing = activities.filter(
    (a) => !rows.some((r) => r.activity.trim().toLowerCase() === a.toLowerCase()),
  )

  function focusFirst(list: FieldError[]) {
    const first = list.map((e) => fieldOf(e.path)).find((f) => f !== undefined)
    if (first) document.getElementById(idOf(first.row, first.field))?.focus()
  }

  async function submit(e: FormEvent) {
    e.preventDefault()
    const cleaned = rows.map((r) => ({ ...r, activity: r.activity.trim() }))
    const problems = raciProblems(cleaned)
    setErrors(problems)
    if (!cleaned.length) {
      setError(new Error('Add at least one activity.'))
      return
    }
    if (problems.length) {
      setError(
        new Error(
          `${problems.length} ${problems.length === 1 ? 'field needs' : 'fields need'} attention before the RACI can be saved.`,
        ),
      )
      focusFirst(problems)
      return
    }
    setBusy(true)
    setError(undefined)
    try {
      const saved = await saveRaci(raci.subjectType, raci.subjectId, cleaned)
      toast(`Responsibilities for ${subjectLabel} saved.`)
      onSaved(saved)
    } catch (err) {
      const fieldErrors = err instanceof ApiError ? err.errors : []
      setErrors(fieldErrors)
      setError(err)
      focusFirst(fieldErrors)
    } finally {
      setBusy(false)
    }
  }

  const datalist = `${formId}-activities`
  return (
    <form
      className="card"
      aria-label={`Responsibilities for ${subjectLabel}`}
      noValidate
      onSubmit={(e) => void submit(e)}
    >
      <h2 style={{ marginTop: 0 }}>Responsibilities for {subjectLabel}</h2>
      <p className="small muted">
        Per activity: who does the work (Responsible), the one who answers for it (Accountable), who
        is asked before (Consulted) and who is told after (Informed). ISO/IEC 20000-1 4.1.3.
      </p>
      <ErrorBanner error={error} />
      {activities.length > 0 && (
        <datalist id={datalist}>
          {activities.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
      )}
      {rows.map((row, i) => {
        const activityError = errorOf(i, 'activity')
        const accountableError = errorOf(i, 'accountable')
        return (
          <fieldset key={i} className="raci-row">
            <legend>Activity {i + 1}</legend>
            <div className="grid-3">
              <div className="field">
                <label htmlFor={idOf(i, 'activity')}>Activity *</label>
                <input
                  id={idOf(i, 'activity')}
                  value={row.activity}
                  maxLength={300}
                  list={activities.length ? datalist : undefined}
                  aria-invalid={activityError ? true : undefined}
                  aria-describedby={activityError ? `${idOf(i, 'activity')}-error` : undefined}
                  onChange={(e) => set(i, { activity: e.target.value })}
                />
                {activityError && (
                  <span id={`${idOf(i, 'activity')}-error`} className="field-error">
                    {activityError}
                  </span>
                )}
              </div>
              <div className="field">
                <label htmlFor={idOf(i, 'accountable')}>Accountable (exactly one) *</label>
                <select
                  id={idOf(i, 'accountable')}
                  value={row.accountable}
                  aria-invalid={accountableError ? true : undefined}
                  aria-describedby={
                    accountableError ? `${idOf(i, 'accountable')}-error` : undefined
                  }
                  onChange={(e) => set(i, { accountable: e.target.value })}
                >
                  <option value="">Choose one…</option>
                  {row.accountable && !parties.some((p) => p.id === row.accountable) && (
                    <option value={row.accountable}>{row.accountable}</option>
                  )}
                  <PartyOptions parties={parties} />
                </select>
                {accountableError && (
                  <span id={`${idOf(i, 'accountable')}-error`} className="field-error">
                    {accountableError}
                  </span>
                )}
              </div>
              {listFields.map((field) => (
                <PartyList
                  key={field}
                  id={idOf(i, field)}
                  label={`${roleLabels[field]}${field === 'responsible' ? ' *' : ''}`}
                  value={row[field]}
                  parties={parties}
                  error={errorOf(i, field)}
                  onChange={(v) => set(i, { [field]: v })}
                />
              ))}
            </div>
            <button
              type="button"
              className="danger"
              onClick={() => {
                setRows((rs) => rs.filter((_r, j) => j !== i))
                setErrors([])
              }}
            >
              Remove activity {i + 1}
            </button>
          </fieldset>
        )
      })}
      <div className="row">
        <button
          type="button"
          onClick={() => {
            setRows((rs) => [...rs, emptyRow()])
            // the new row's field takes the focus once rendered
            setTimeout(() => document.getElementById(idOf(rows.length, 'activity'))?.focus())
          }}
        >
          Add an activity
        </button>
        {missing.length > 0 && (
          <button type="button" onClick={() => setRows((rs) => [...rs, ...missing.map(emptyRow)])}>
            Add the procedure&apos;s other activities ({missing.length})
          </button>
        )}
        <span className="spacer" />
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={busy}>
          Save responsibilities
        </button>
      </div>
    </form>
  )
}
