/**
 * 5.1: until its design is accepted, the requester of the change withdraws its service design and
 * transition (`POST /api/service-transitions/:id/withdraw`); the procedure closes it as withdrawn
 * and withdraws the change. Whether the user is the change's requester the server decides (403).
 */
import { useState } from 'react'
import { api } from '../../../lib/api'
import { ErrorBanner } from '../../../lib/ui'
import { hasRole, type User } from '../../../lib/user'
import { field, type CaseRecord } from '../api/cases'

/** Before the design is accepted: the change still waits for it. */
const withdrawable = ['new', 'planned', 'designed']

export function TransitionWithdrawal({
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
  if (!hasRole(user, 'staff')) return null
  if (field(record, 'closureCode') === 'withdrawn') {
    return (
      <section aria-label="Withdrawal">
        <p>
          Withdrawn by {String(field(record, 'withdrawnBy') ?? '')}:{' '}
          {String(field(record, 'withdrawalReason') ?? '')}
        </p>
      </section>
    )
  }
  if (!withdrawable.includes(String(record.status)) || field(record, 'retrospective') === true) {
    return null
  }
  const withdraw = () =>
    api(`/service-transitions/${encodeURIComponent(String(record.id))}/withdraw`, {
      method: 'POST',
      body: { reason },
    }).then(() => {
      setSent(true)
      setError(undefined)
      onSaved()
    }, setError)
  return (
    <section aria-label="Withdraw the transition">
      <h2>Withdraw the transition</h2>
      <p>The requester of the change may withdraw it until its design is accepted.</p>
      <label>
        Why it is withdrawn
        <textarea value={reason} maxLength={2000} onChange={(e) => setReason(e.target.value)} />
      </label>
      <button disabled={!reason.trim() || sent} onClick={() => void withdraw()}>
        Withdraw
      </button>
      {sent && (
        <div className="banner ok" role="status">
          Withdrawn: the transition closes as withdrawn, and its change with it.
        </div>
      )}
      <ErrorBanner error={error} />
    </section>
  )
}
