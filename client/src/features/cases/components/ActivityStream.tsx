/**
 * The activity stream of a case (server/src/cases/activity.ts): work notes (staff only), replies
 * the customer sees, status changes and completed tasks, oldest first, with a box to write.
 * Shown on the case page and beside every task of the case; the server decides what each
 * reader receives (customers never get work notes), this only offers what they may write.
 */
import { useState, type FormEvent } from 'react'
import { formatDateTime } from '../../../lib/format'
import { ErrorBanner, StatusBadge } from '../../../lib/ui'
import type { User } from '../../../lib/user'
import type { ActivityEntry, WrittenType } from '../api/cases'

/** Statuses after which the customer may no longer reply (the server answers 409). */
const finalStatuses = ['closed', 'cancelled', 'rejected', 'retired']

function Entry({ e }: { e: ActivityEntry }) {
  const who = e.actorName ?? e.actor
  const when = <span className="muted small">{formatDateTime(e.at)}</span>
  if (e.type === 'status-change') {
    return (
      <li className="small" data-type={e.type}>
        {when} · {who} set the status to <StatusBadge status={e.to ?? null} />
      </li>
    )
  }
  if (e.type === 'task-completed') {
    return (
      <li className="small" data-type={e.type}>
        {when} · {who} completed <strong>{e.taskName ?? 'a task'}</strong>
      </li>
    )
  }
  const note = e.type === 'work-note'
  return (
    <li data-type={e.type} className={note ? 'activity-note' : undefined}>
      <strong>{who}</strong>{' '}
      <span className={`badge ${note ? 'warn' : 'accent'}`}>
        {note ? 'Work note (staff only)' : 'Reply'}
      </span>{' '}
      {when}
      {e.taskName && <span className="muted small"> · from {e.taskName}</span>}
      <div style={{ whiteSpace: 'pre-wrap' }}>{e.body}</div>
    </li>
  )
}

export function ActivityStream({
  entries,
  user,
  status,
  post,
  onAdded,
}: {
  entries: ActivityEntry[]
  user: User
  /** The case's status: a closed case takes no more replies from its customer. */
  status: string | null
  /** Writes an entry (on the case, or from a task). */
  post: (type: WrittenType, body: string) => Promise<unknown>
  onAdded: () => void
}) {
  const [body, setBody] = useState('')
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const staff = user.roles.includes('staff') || user.roles.includes('admin')
  const customer = !staff && user.roles.includes('customer')
  const closedForCustomer = customer && !!status && finalStatuses.includes(status)
  const mayWrite = (staff || customer) && !closedForCustomer
  async function submit(e: FormEvent, type: WrittenType) {
    e.preventDefault()
    if (!body.trim()) return
    setBusy(true)
    try {
      await post(type, body)
      setBody('')
      setError(undefined)
      onAdded()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <section className="card" aria-labelledby="activity-title">
      <h2 id="activity-title">Activity ({entries.length})</h2>
      {entries.length === 0 && <p className="muted">Nothing yet.</p>}
      <ol className="list-plain" aria-label="Activity stream">
        {entries.map((e) => (
          <Entry key={e.id} e={e} />
        ))}
      </ol>
      {closedForCustomer && (
        <p className="muted small">
          This case is {status}. If the matter is not settled, raise a new one and mention it.
        </p>
      )}
      {mayWrite && (
        <form
          className="field"
          style={{ marginTop: '0.5rem' }}
          aria-label="Write in the activity"
          onSubmit={(e) => void submit(e, 'reply')}
        >
          <label htmlFor="activity-body">
            {staff ? 'Reply to the customer or add a work note' : 'Reply'}
          </label>
          <textarea
            id="activity-body"
            value={body}
            onChange={(e) => setBody(e.target.value)}
            required
          />
          <ErrorBanner error={error} />
          <div className="row">
            <button type="submit" className="primary" disabled={busy || !body.trim()}>
              {staff ? 'Reply to customer' : 'Send reply'}
            </button>
            {staff && (
              <button
                type="button"
                disabled={busy || !body.trim()}
                onClick={(e) => void submit(e, 'work-note')}
              >
                Add work note
              </button>
            )}
          </div>
        </form>
      )}
    </section>
  )
}
