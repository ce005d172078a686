/**
 * 8.1: staff escalate an open incident to major at any point of its procedure. The server tells
 * the procedure (`POST /api/incidents/:id/escalate-major`), which records it by the agreed
 * definition, tells top management and asks the service desk for a major incident manager.
 */
import { useState } from 'react'
import { api } from '../../../lib/api'
import { ErrorBanner } from '../../../lib/ui'
import { hasRole, type User } from '../../../lib/user'
import { field, type CaseRecord } from '../api/cases'

const closed = ['closed', 'cancelled', 'rejected']

export function MajorEscalation({
  record,
  user,
  onSaved,
}: {
  record: CaseRecord
  user: User
  onSaved: () => void
}) {
  const [reason, setReason] = useState('')
  const [error, setError] = useState<unknown>()
  const [sent, setSent] = useState(false)
  if (!hasRole(user, 'admin', 'staff')) return null
  const major =
    field(record, 'major') === true || typeof field(record, 'majorEscalatedAt') === 'string'
  if (closed.includes(String(record.status))) return null
  if (major) {
    return (
      <section aria-label="Major incident">
        <p>
          Major incident
          {typeof field(record, 'majorEscalatedBy') === 'string' &&
            ` (escalated by ${String(field(record, 'majorEscalatedBy'))}: ${String(field(record, 'majorEscalationReason') ?? '')})`}
        </p>
      </section>
    )
  }
  const escalate = () =>
    api(`/incidents/${encodeURIComponent(String(record.id))}/escalate-major`, {
      method: 'POST',
      body: { reason },
    }).then(() => {
      setSent(true)
      setError(undefined)
      onSaved()
    }, setError)
  return (
    <section aria-label="Escalate to major incident">
      <h2>Escalate to major incident</h2>
      <label>
        Why it meets the major incident definition
        <textarea value={reason} maxLength={2000} onChange={(e) => setReason(e.target.value)} />
      </label>
      <button disabled={!reason.trim() || sent} onClick={() => void escalate()}>
        Escalate to major
      </button>
      {sent && (
        <div className="banner ok" role="status">
          Escalated: top management is told and the service desk assigns a major incident manager.
        </div>
      )}
      <ErrorBanner error={error} />
    </section>
  )
}
