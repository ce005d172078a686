/**
 * "Propose through a change" (ISO/IEC 20000-1 9.2): an edit of a record under change control,
 * shown as a diff, attached to an RFC the user picks among those still taking edits or raises
 * here; the change's implementation (`Task_ApplyRecordEdits`) applies it once approved.
 */
import { useId, useState, type FormEvent } from 'react'
import { formatValue } from '../../../lib/format'
import { Link } from '../../../lib/router'
import { ErrorBanner } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import {
  attachEdit,
  openChangesPath,
  raiseChange,
  type EditTarget,
  type OpenChange,
  type RecordEdit,
} from '../api/change-control'

/** One line of a diff: what, now, proposed. */
export type DiffRow = [label: string, before: unknown, after: unknown]

/** The changed fields as a table (without the values now when `proposedOnly`). */
export function EditDiff({
  rows,
  label,
  proposedOnly = false,
}: {
  rows: DiffRow[]
  label: string
  proposedOnly?: boolean
}) {
  if (!rows.length) return <p className="muted small">No field changes.</p>
  return (
    <table className="data" aria-label={label}>
      <thead>
        <tr>
          <th scope="col">Field</th>
          {!proposedOnly && <th scope="col">Now</th>}
          <th scope="col">Proposed</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([k, before, after]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            {!proposedOnly && <td>{formatValue(before)}</td>}
            <td>
              <ins>{formatValue(after)}</ins>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export function ProposeThroughChange({
  targetKind,
  targetId,
  patch,
  diff,
  ciId,
  defaultTitle,
  normalOnly = false,
  onCancel,
  onAttached,
}: {
  targetKind: EditTarget
  /** Absent only for a new standard change model. */
  targetId?: string
  patch: Record<string, unknown>
  diff: DiffRow[]
  /** The CI a new RFC is about. */
  ciId?: string
  /** Title of a new RFC. */
  defaultTitle: string
  /** Only normal changes (standard change models are not approved through standard changes). */
  normalOnly?: boolean
  onCancel: () => void
  onAttached?: (edit: RecordEdit) => void
}) {
  const id = useId()
  const open = useApi<OpenChange[]>(openChangesPath)
  const choices = (open.data ?? []).filter((c) => !normalOnly || c.changeType !== 'standard')
  const [mode, setMode] = useState<'existing' | 'new'>('existing')
  const [changeId, setChangeId] = useState('')
  const [title, setTitle] = useState(defaultTitle)
  const [scope, setScope] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  const [done, setDone] = useState<RecordEdit>()
  const existing = mode === 'existing' && choices.length > 0
  const chosen = changeId || choices[0]?.id || ''

  async function submit(e: FormEvent) {
    e.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      let target = chosen
      if (!existing) {
        const raised = await raiseChange({ title, scope: scope || title, ciId })
        target = String(raised.id)
        // a retry attaches to the RFC just raised instead of raising another
        setChangeId(target)
        setMode('existing')
        open.reload()
      }
      const edit = await attachEdit(target, {
        targetKind,
        ...(targetId ? { targetId } : {}),
        patch,
      })
      setDone(edit)
      onAttached?.(edit)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  if (done) {
    return (
      <div className="banner ok" role="status">
        The edit is attached to{' '}
        <Link href={`/cases/changes/${encodeURIComponent(done.changeId)}`}>{done.changeId}</Link>.
        Its implementation applies it once the change is approved (9.2).
      </div>
    )
  }
  return (
    <section className="card" role="form" aria-label="Propose through a change">
      <h3>Propose through a change</h3>
      <p className="small muted">
        This record is under change control: the edit is attached to a request for change, and the
        change procedure applies it after the change is approved and implemented.
      </p>
      <EditDiff rows={diff} label="Proposed edit" />
      <form onSubmit={(e) => void submit(e)}>
        <fieldset>
          <legend>Request for change</legend>
          <label>
            <input
              type="radio"
              name={`${id}-mode`}
              checked={existing}
              disabled={!choices.length}
              onChange={() => setMode('existing')}
            />{' '}
            Attach to an open RFC
          </label>
          {existing && (
            <div className="field">
              <label htmlFor={`${id}-rfc`}>RFC</label>
              <select id={`${id}-rfc`} value={chosen} onChange={(e) => setChangeId(e.target.value)}>
                {choices.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.id} {c.title} ({c.status})
                  </option>
                ))}
              </select>
            </div>
          )}
          {!choices.length && open.data && (
            <p className="small muted">No RFC you may add to is waiting for approval.</p>
          )}
          <label>
            <input
              type="radio"
              name={`${id}-mode`}
              checked={!existing}
              onChange={() => setMode('new')}
            />{' '}
            Raise a new RFC
          </label>
          {!existing && (
            <div className="grid-2">
              <div className="field">
                <label htmlFor={`${id}-title`}>RFC title</label>
                <input
                  id={`${id}-title`}
                  value={title}
                  required
                  maxLength={300}
                  onChange={(e) => setTitle(e.target.value)}
                />
              </div>
              <div className="field">
                <label htmlFor={`${id}-scope`}>Scope and reason</label>
                <textarea
                  id={`${id}-scope`}
                  value={scope}
                  maxLength={20000}
                  onChange={(e) => setScope(e.target.value)}
                />
              </div>
            </div>
          )}
        </fieldset>
        <ErrorBanner error={error ?? open.error} />
        <div className="row" style={{ marginTop: '0.5rem' }}>
          <button type="submit" className="primary" disabled={busy || (existing && !chosen)}>
            Attach to the change
          </button>
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  )
}
