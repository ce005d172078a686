/**
 * What the SMS manager acts on (ISO/IEC 20000-1:2011 4.1.4, 4.5.4, 4.3.2): requirements not
 * evidenced in the period, overdue reviews, expired documents and open nonconformities, each
 * with the door to the page where it is acted on.
 */
import { useState } from 'react'
import { formatDateTime } from '../../../lib/format'
import { Link } from '../../../lib/router'
import { Empty, ErrorBanner, Loading } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import { dayOffset, periodQuery, statusLabel, type Gaps } from '../api/compliance'

export default function GapsPage() {
  const [from, setFrom] = useState(dayOffset(365))
  const [to, setTo] = useState(dayOffset(-1))
  const { data, error, loading } = useApi<Gaps>(`/compliance/gaps?${periodQuery(from, to)}`)
  return (
    <div>
      <h1>Gaps</h1>
      <div className="toolbar" aria-label="Period">
        <div className="field">
          <label htmlFor="g-from">From</label>
          <input id="g-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="g-to">To</label>
          <input id="g-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </div>
      </div>
      <ErrorBanner error={error} />
      {loading && !data && <Loading />}
      {data && (
        <>
          <section className="card" aria-labelledby="gap-nc">
            <h2 id="gap-nc">Open nonconformities ({data.openNonconformities.length})</h2>
            {data.openNonconformities.length === 0 ? (
              <Empty>None open.</Empty>
            ) : (
              <ul>
                {data.openNonconformities.map((n) => (
                  <li key={n.id}>
                    <Link href={n.door}>{n.id}</Link> {n.title} · clause {n.clause ?? '—'} ·{' '}
                    {n.severity ?? '—'} · action due {n.actionDue ?? '—'}
                    {n.overdue && <span className="badge danger"> overdue</span>}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="card" aria-labelledby="gap-reviews">
            <h2 id="gap-reviews">Overdue reviews ({data.overdueReviews.length})</h2>
            {data.overdueReviews.length === 0 ? (
              <Empty>None overdue.</Empty>
            ) : (
              <ul>
                {data.overdueReviews.map((r) => (
                  <li key={`${r.type}/${r.id}`}>
                    <Link href={r.door}>
                      {r.type} {r.id}
                    </Link>{' '}
                    {r.title} · {r.owner} · due {formatDateTime(r.dueAt)}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="card" aria-labelledby="gap-expired">
            <h2 id="gap-expired">Expired documents ({data.expiredDocuments.length})</h2>
            {data.expiredDocuments.length === 0 ? (
              <Empty>None expired.</Empty>
            ) : (
              <ul>
                {data.expiredDocuments.map((d) => (
                  <li key={`${d.type}/${d.id}`}>
                    <Link href={d.door}>
                      {d.type} {d.id}
                    </Link>{' '}
                    {d.title} · expired {d.expiredAt}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="card" aria-labelledby="gap-reqs">
            <h2 id="gap-reqs">
              Requirements not evidenced in the period ({data.requirements.length})
            </h2>
            <table className="data" aria-label="Requirements not evidenced">
              <thead>
                <tr>
                  <th>Requirement</th>
                  <th>What it asks</th>
                  <th>Status</th>
                  <th>Act</th>
                </tr>
              </thead>
              <tbody>
                {data.requirements.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <Link href={`/compliance/${r.id}`}>{r.id}</Link>
                    </td>
                    <td>{r.summary}</td>
                    <td>{statusLabel[r.status]}</td>
                    <td>
                      <Link href={r.door}>Open</Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </>
      )}
    </div>
  )
}
