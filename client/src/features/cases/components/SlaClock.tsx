/**
 * The SLA clock of an incident or a service request (ISO/IEC 20000-1 8.1, 6.1): whether it runs
 * or stands still (and since when, why), every stay in a waiting status with the due dates it
 * moved, and for the provider's staff the controls to pause it (waiting for the customer, a
 * supplier, or on hold) and to resume it. The server answers 202 and the procedure applies the
 * request shortly after: the section reloads the case until it shows the change.
 */
import { useEffect, useState } from 'react'
import { ApiError } from '../../../lib/api'
import { formatDateTime } from '../../../lib/format'
import { toast, ToastTone } from '../../../lib/toast'
import { ErrorBanner } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import { hasRole, type User } from '../../../lib/user'
import type { CaseRecord } from '../api/cases'
import {
  isWaiting,
  pauseSlaClock,
  resumeSlaClock,
  slaClockKinds,
  slaClockPath,
  waitingLabel,
  waitingLabels,
  type SlaClock as SlaClockData,
  type SlaClockStay,
  type WaitingStatus,
} from '../api/sla-clock'

/** How often and how long the section looks for the procedure to apply a request. */
const POLL_MS = 1000
const POLL_FOR_MS = 60_000

interface Pending {
  action: 'pause' | 'resume'
  stays: number
  since: number
}

/** The request is applied once the case shows it (the stay recorded, the status changed). */
function applied(pending: Pending, status: unknown, stays: readonly SlaClockStay[]): boolean {
  const last = stays[stays.length - 1]
  if (pending.action === 'pause') return stays.length > pending.stays && isWaiting(status)
  return !isWaiting(status) && last !== undefined && last.resumedAt !== null
}

function DueMove({
  label,
  before,
  after,
}: {
  label: string
  before: string | null
  after: string | null
}) {
  if (!after) return null
  return (
    <li>
      {label} due {formatDateTime(before)} → {formatDateTime(after)}
    </li>
  )
}

function Stays({
  stays,
  nameOf,
}: {
  stays: readonly SlaClockStay[]
  nameOf: (u: string) => string
}) {
  if (!stays.length) return <p className="muted">No waits yet.</p>
  return (
    <ol className="list-plain" aria-label="Waits">
      {stays.map((s) => (
        <li key={s.pausedAt} style={{ marginBottom: '0.5rem' }}>
          <strong>{waitingLabel(s.status)}</strong>{' '}
          <span className="muted small">
            {formatDateTime(s.pausedAt)} – {s.resumedAt ? formatDateTime(s.resumedAt) : 'now'}
          </span>
          <div className="small">
            Paused by {nameOf(s.pausedBy)}: {s.reason}
          </div>
          {s.resumedAt && (
            <div className="small">
              Resumed by {nameOf(s.resumedBy ?? '')}
              {s.resumeReason ? `: ${s.resumeReason}` : ''}
            </div>
          )}
          <ul className="small">
            <DueMove label="Response" before={s.responseDueBefore} after={s.responseDueAfter} />
            <DueMove
              label="Resolution"
              before={s.resolutionDueBefore}
              after={s.resolutionDueAfter}
            />
          </ul>
        </li>
      ))}
    </ol>
  )
}

function PauseForm({
  busy,
  onPause,
}: {
  busy: boolean
  onPause: (status: WaitingStatus, reason: string) => Promise<boolean>
}) {
  const [status, setStatus] = useState<WaitingStatus>('waiting-for-customer')
  const [reason, setReason] = useState('')
  const [missing, setMissing] = useState(false)
  return (
    <form
      aria-label="Pause the SLA clock"
      noValidate
      onSubmit={(e) => {
        e.preventDefault()
        if (!reason.trim()) {
          setMissing(true)
          return
        }
        void onPause(status, reason.trim()).then((ok) => ok && setReason(''))
      }}
    >
      <div className="field">
        <label htmlFor="sla-pause-status">Waiting for</label>
        <select
          id="sla-pause-status"
          value={status}
          onChange={(e) => setStatus(e.target.value as WaitingStatus)}
        >
          {Object.entries(waitingLabels).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="sla-pause-reason">Reason</label>
        <textarea
          id="sla-pause-reason"
          rows={2}
          maxLength={2000}
          value={reason}
          aria-required="true"
          aria-invalid={missing || undefined}
          aria-describedby={missing ? 'sla-pause-reason-error' : undefined}
          onChange={(e) => {
            setReason(e.target.value)
            setMissing(false)
          }}
        />
        {missing && (
          <span id="sla-pause-reason-error" className="field-error" role="alert">
            Say why the SLA clock is paused.
          </span>
        )}
      </div>
      <button type="submit" className="primary" disabled={busy}>
        Pause SLA clock
      </button>
    </form>
  )
}

function ResumeForm({ busy, onResume }: { busy: boolean; onResume: (reason: string) => void }) {
  const [reason, setReason] = useState('')
  return (
    <form
      aria-label="Resume the SLA clock"
      onSubmit={(e) => {
        e.preventDefault()
        onResume(reason.trim())
      }}
    >
      <div className="field">
        <label htmlFor="sla-resume-reason">Reason for resuming (optional)</label>
        <textarea
          id="sla-resume-reason"
          rows={2}
          maxLength={2000}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </div>
      <button type="submit" className="primary" disabled={busy}>
        Resume SLA clock
      </button>
    </form>
  )
}

export function SlaClock({
  kind,
  record,
  user,
  onChanged,
}: {
  kind: string
  record: CaseRecord
  user: User
  onChanged: () => void
}) {
  const id = String(record.id)
  const working = slaClockKinds[kind] ?? []
  const clock = useApi<SlaClockData>(slaClockPath(kind, id))
  const [pending, setPending] = useState<Pending>()
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const stays = clock.data?.items ?? []
  const { reload } = clock
  // the case changed (a live update or a reload): its stays may have too
  useEffect(reload, [reload, record.status, record.version])
  // the procedure applies the request asynchronously: look again until the case shows it
  useEffect(() => {
    if (!pending) return
    if (applied(pending, record.status, stays)) {
      setPending(undefined)
      return
    }
    const timer = setTimeout(() => {
      if (Date.now() - pending.since > POLL_FOR_MS) {
        setPending(undefined)
        setError(new Error('The procedure has not applied the request yet; reload the page later.'))
        return
      }
      onChanged()
      reload()
    }, POLL_MS)
    return () => clearTimeout(timer)
  }, [pending, record.status, stays, onChanged, reload])

  const staff = hasRole(user, 'admin', 'staff')
  const open = stays[stays.length - 1]
  const paused = isWaiting(record.status) && open !== undefined && open.resumedAt === null
  const nameOf = (u: string) => clock.data?.people[u] ?? u

  const send = (action: Pending['action'], request: () => Promise<unknown>, done: string) => {
    setBusy(true)
    setError(undefined)
    return request()
      .then(
        () => {
          toast(done, ToastTone.Info)
          setPending({ action, stays: stays.length, since: Date.now() })
          return true
        },
        (err: unknown) => {
          setError(err)
          // 409: the case moved on meanwhile (someone else paused or resumed it); catch up
          if (err instanceof ApiError && err.status === 409) {
            onChanged()
            reload()
          }
          return false
        },
      )
      .finally(() => setBusy(false))
  }

  return (
    <section className="card" aria-labelledby="sla-clock-title">
      <h2 id="sla-clock-title">SLA clock</h2>
      <ErrorBanner error={clock.error} />
      {paused ? (
        <p data-testid="sla-clock-state">
          <strong>Paused</strong> · {waitingLabel(open.status)} since{' '}
          {formatDateTime(open.pausedAt)}, by {nameOf(open.pausedBy)}. Why: {open.reason}
        </p>
      ) : (
        <p data-testid="sla-clock-state">
          <strong>Running</strong>
          {isWaiting(record.status) ? ` · ${waitingLabel(String(record.status))}` : ''}
        </p>
      )}
      {pending && (
        <p className="muted small" aria-busy="true">
          {pending.action === 'pause' ? 'Pausing' : 'Resuming'}: the procedure applies it…
        </p>
      )}
      {staff && !pending && paused && (
        <ResumeForm
          busy={busy}
          onResume={(reason) =>
            void send(
              'resume',
              () => resumeSlaClock(kind, id, reason ? { reason } : {}),
              `Resume of the SLA clock of ${id} requested.`,
            )
          }
        />
      )}
      {staff && !pending && !paused && working.includes(String(record.status)) && (
        <PauseForm
          busy={busy}
          onPause={(status, reason) =>
            send(
              'pause',
              () => pauseSlaClock(kind, id, { status, reason }),
              `Pause of the SLA clock of ${id} requested: ${waitingLabels[status]}.`,
            )
          }
        />
      )}
      {staff && !pending && !paused && !working.includes(String(record.status)) && (
        <p className="muted small">
          The SLA clock can be paused while the case is being worked on.
        </p>
      )}
      <ErrorBanner error={error} />
      <h3>Waits</h3>
      <Stays stays={stays} nameOf={nameOf} />
    </section>
  )
}
