/**
 * 5.1: until its design is accepted, the requester of the change withdraws its service design and
 * transition (`POST /api/service-transitions/:id/withdraw`); the procedure closes it as withdrawn
 * and withdraws the change. Only the server knows the change's requester: it says whether the
 * user may withdraw it now (`GET …/withdrawal`), and the section is shown only to them (the
 * server refuses anyone else with 403 all the same).
 */
import { useState } from 'react'
import { api } from '../../../lib/api'
import { useApi } from '../../../lib/use-api'
import { ErrorBanner } from '../../../lib/ui'
import { hasRole, type User } from '../../../lib/user'
import { field, type CaseRecord } from '../api/cases'

/** Before the design is accepted: the change still waits for it. */
const withdrawable = ['new', 'planned', 'designed']

/** What `GET /api/service-transitions/:id/withdrawal` answers. */
interface WithdrawalState {
  mayWithdraw: boolean
  requester: string | null
  withdrawing?: { withdrawnBy: string; withdrawnAt: string; withdrawalReason: string }
  why?: string
}

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
  const open =
    hasRole(user, 'staff') &&
    withdrawable.includes(String(record.status)) &&
    field(record, 'retrospective') !== true
  const id = encodeURIComponent(String(record.id))
  // asked again whenever the record changes (the design accepted meanwhile, say)
  const state = useApi<WithdrawalState>(
    open ? `/service-transitions/${id}/withdrawal?v=${String(record.version)}` : null,
  )
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
  if (!open) return null
  const withdrawing = state.data?.withdrawing
  if (withdrawing && !sent) {
    return (
      <section aria-label="Withdrawal">
        <p role="status">
          Being withdrawn by {withdrawing.withdrawnBy}: {withdrawing.withdrawalReason}
        </p>
      </section>
    )
  }
  if (!state.data?.mayWithdraw && !sent) return null
  const withdraw = () =>
    api(`/service-transitions/${id}/withdraw`, {
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
