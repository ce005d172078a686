/**
 * Management reviews (ISO/IEC 20000-1 4.5.4.3): the list of reviews and one review with its
 * inputs a–j assembled from the product, attendees, decisions and actions tracked to closure.
 * An action's owner, an SMS manager or top management closes it or carries it over.
 */
import { useState, type FormEvent } from 'react'
import { formatDateTime } from '../../../lib/format'
import { Link, navigate } from '../../../lib/router'
import { Empty, ErrorBanner, Loading, Props, StatusBadge } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import type { User } from '../../../lib/user'
import {
  isSmsManager,
  openReview,
  settleAction,
  type ReviewAction,
  type SmsRecord,
} from '../api/sms-audit'

interface Input {
  item: string
  title: string
  state: string
  summary: string
  /** The records behind the input: findings and their corrective actions, risks, gaps. */
  lines?: string[]
}

/** Lines shown per input; the record keeps them all. */
const MAX_LINES = 50

const text = (v: unknown) => (v === undefined || v === null || v === '' ? '—' : String(v))

function Actions({ user, reviewId }: { user: User; reviewId: string }) {
  const list = useApi<{ items: ReviewAction[] }>(
    `/sms/reviews/${encodeURIComponent(reviewId)}/actions`,
  )
  const [error, setError] = useState<unknown>()
  const manager = isSmsManager(user) || user.groups.some((g) => g.id === 'top-management')
  async function settle(a: ReviewAction, status: 'closed' | 'carried-over') {
    const outcome = window.prompt(status === 'closed' ? 'Outcome' : 'Why carried over')
    if (!outcome) return
    try {
      await settleAction(a.id, status, outcome)
      setError(undefined)
      list.reload()
    } catch (err) {
      setError(err)
    }
  }
  return (
    <section className="card" aria-labelledby="actions-h">
      <h2 id="actions-h">Actions</h2>
      <ErrorBanner error={error ?? list.error} />
      {(list.data?.items.length ?? 0) === 0 ? (
        <Empty>No actions.</Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Action</th>
              <th scope="col">Kind</th>
              <th scope="col">Owner</th>
              <th scope="col">Due</th>
              <th scope="col">Status</th>
              <th scope="col">Outcome</th>
              <th scope="col">
                <span className="sr-only">Settle</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data?.items.map((a) => (
              <tr key={a.id}>
                <td>
                  {a.title}
                  {a.carriedFrom ? (
                    <span className="muted small"> (carried over from {a.carriedFrom})</span>
                  ) : null}
                </td>
                <td>{a.kind}</td>
                <td>{a.owner}</td>
                <td>
                  {formatDateTime(a.dueAt)}
                  {a.overdue ? <strong> overdue</strong> : null}
                </td>
                <td>
                  <StatusBadge status={a.status} />
                </td>
                <td>{text(a.outcome)}</td>
                <td>
                  {a.status === 'open' && (manager || a.owner === user.username) && (
                    <span className="row">
                      <button type="button" onClick={() => void settle(a, 'closed')}>
                        Close {a.id}
                      </button>
                      <button type="button" onClick={() => void settle(a, 'carried-over')}>
                        Carry over {a.id}
                      </button>
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

function Review({ user, id }: { user: User; id: string }) {
  const r = useApi<SmsRecord>(`/management-reviews/${encodeURIComponent(id)}`)
  const d = r.data?.data ?? {}
  const inputs = Object.values((d.inputs ?? {}) as Record<string, Input>).sort((a, b) =>
    a.item.localeCompare(b.item),
  )
  const attendees = Array.isArray(d.attendees)
    ? (d.attendees as { name?: string; role?: string }[])
    : []
  return (
    <>
      <ErrorBanner error={r.error} />
      {r.loading && !r.data && <Loading />}
      {r.data && (
        <>
          <h2>
            {r.data.title} <StatusBadge status={r.data.status} />
          </h2>
          <p>
            <Link href={`/cases/management-reviews/${id}`}>Record and history</Link>
          </p>
          <section className="card" aria-labelledby="inputs-h">
            <h3 id="inputs-h">Inputs (4.5.4.3 a–j)</h3>
            {inputs.length === 0 ? (
              <Empty>Not assembled yet.</Empty>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">Item</th>
                    <th scope="col">Input</th>
                    <th scope="col">State</th>
                    <th scope="col">Summary</th>
                  </tr>
                </thead>
                <tbody>
                  {inputs.map((i) => (
                    <tr key={i.item}>
                      <td>{i.item}</td>
                      <td>{i.title}</td>
                      <td>{i.state}</td>
                      <td>
                        {i.summary}
                        {i.lines && i.lines.length > 0 && (
                          <ul aria-label={`Input ${i.item}: ${i.title}`} className="small">
                            {i.lines.slice(0, MAX_LINES).map((l, n) => (
                              <li key={n}>{l}</li>
                            ))}
                            {i.lines.length > MAX_LINES && (
                              <li className="muted">
                                … and {i.lines.length - MAX_LINES} more (on the record)
                              </li>
                            )}
                          </ul>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section className="card" aria-labelledby="decisions-h">
            <h3 id="decisions-h">Attendees and decisions</h3>
            <Props
              entries={[
                ['Period', `${text(d.periodFrom)} – ${text(d.periodTo)}`],
                [
                  'Attendees',
                  attendees
                    .map((a) => `${a.name ?? ''}${a.role ? ` (${a.role})` : ''}`)
                    .join(', ') || '—',
                ],
                ['Decisions on resources', text(d.resourceDecisions)],
                ['Decisions on improvements', text(d.improvementDecisions)],
                ['Minutes', text(d.minutes)],
                ['Record hash (evidence)', text(d.recordHash)],
              ]}
            />
          </section>
          <Actions user={user} reviewId={id} />
        </>
      )}
    </>
  )
}

/** An SMS manager opens a review now (besides the timer); its procedure assembles the inputs. */
function OpenReview() {
  const [title, setTitle] = useState('')
  const [error, setError] = useState<unknown>()
  async function submit(e: FormEvent) {
    e.preventDefault()
    try {
      const review = await openReview(title)
      navigate(`/sms/reviews/${encodeURIComponent(review.id)}`)
    } catch (err) {
      setError(err)
    }
  }
  return (
    <form className="card row" onSubmit={(e) => void submit(e)} aria-label="Open a review">
      <ErrorBanner error={error} />
      <div className="field">
        <label htmlFor="review-title">Title</label>
        <input
          id="review-title"
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          required
        />
      </div>
      <button type="submit" className="primary">
        Open review
      </button>
    </form>
  )
}

export default function ReviewsPage({ user, id }: { user: User; id: string | null }) {
  const list = useApi<{ items: SmsRecord[] }>('/management-reviews?pageSize=50')
  return (
    <div>
      <h1>Management reviews</h1>
      {isSmsManager(user) && !id && <OpenReview />}
      <p className="muted small">
        ISO/IEC 20000-1 4.5.4.3: at planned intervals (at least yearly) top management reviews the
        SMS and the services from inputs the product assembles; its actions are tracked to closure.
      </p>
      <ErrorBanner error={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.items.length === 0 && <Empty>No management review yet.</Empty>}
      {list.data && list.data.items.length > 0 && (
        <ul aria-label="Reviews">
          {list.data.items.map((r) => (
            <li key={r.id}>
              <Link href={`/sms/reviews/${r.id}`}>
                {r.id} {r.title}
              </Link>{' '}
              <StatusBadge status={r.status} />{' '}
              {typeof r.createdAt === 'string' ? formatDateTime(r.createdAt) : ''}
            </li>
          ))}
        </ul>
      )}
      {id && <Review user={user} id={id} />}
    </div>
  )
}
