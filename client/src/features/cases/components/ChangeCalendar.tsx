/**
 * The change calendar (ISO/IEC 20000-1 9.2: the schedule of change): every scheduled change of
 * the month from its RFC (`GET /api/change-calendar`), placed on the days of its planned window,
 * conflicts (overlapping changes to the same CI or service) marked on the change and listed.
 */
import { useState } from 'react'
import { Link } from '../../../lib/router'
import { useServerEvents } from '../../../lib/socket'
import { ErrorBanner, Loading, StatusBadge } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import {
  calendarPath,
  changesOnDay,
  conflictPairs,
  monthGrid,
  type CalendarChange,
  type ChangeCalendarView,
} from '../api/calendar'

const hrefOf = (c: CalendarChange) => `/cases/changes/${encodeURIComponent(c.id)}`
const titleOf = (c: CalendarChange) =>
  c.conflicts.length
    ? `${c.title} — conflicts with ${c.conflicts.map((o) => o.id).join(', ')}`
    : c.title
const touches = (c: CalendarChange) =>
  [...c.ciIds, ...c.serviceIds].map((id) => c.names[id] ?? id).join(', ') || '—'

export default function ChangeCalendar() {
  const [month, setMonth] = useState(() => {
    const n = new Date()
    return { year: n.getUTCFullYear(), month: n.getUTCMonth() }
  })
  const days = monthGrid(month.year, month.month)
  const end = new Date(days[days.length - 1]!.getTime() + 86_400_000)
  const view = useApi<ChangeCalendarView>(calendarPath(days[0]!, end))
  useServerEvents(['case.updated', 'case.created'], () => view.reload())
  const changes = view.data?.changes ?? []
  const inMonth = changes.filter((c) =>
    days.some((d) => d.getUTCMonth() === month.month && changesOnDay([c], d).length > 0),
  )
  const clashes = conflictPairs(inMonth)
  const title = new Date(Date.UTC(month.year, month.month, 1)).toLocaleString(undefined, {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  })
  const move = (by: number) => {
    const d = new Date(Date.UTC(month.year, month.month + by, 1))
    setMonth({ year: d.getUTCFullYear(), month: d.getUTCMonth() })
  }
  return (
    <div>
      <div className="row">
        <h1>Change calendar</h1>
        <span className="spacer" />
        <button onClick={() => move(-1)} aria-label="Previous month">
          ←
        </button>
        <strong aria-live="polite">{title}</strong>
        <button onClick={() => move(1)} aria-label="Next month">
          →
        </button>
      </div>
      <ErrorBanner error={view.error} />
      {view.loading && !view.data && <Loading />}
      {clashes.length > 0 && (
        <div className="banner error" role="alert" aria-label="Schedule conflicts">
          Schedule conflicts: {clashes.join('; ')}
        </div>
      )}
      <div className="calendar" role="group" aria-label={`Changes in ${title}`}>
        {['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].map((d) => (
          <div key={d} className="dow">
            {d}
          </div>
        ))}
        {days.map((d) => (
          <div key={d.getTime()} className={d.getUTCMonth() === month.month ? '' : 'out'}>
            <div>{d.getUTCDate()}</div>
            {changesOnDay(changes, d).map((c) => (
              <Link
                key={c.id}
                href={hrefOf(c)}
                title={titleOf(c)}
                className={c.conflicts.length ? 'conflict' : undefined}
              >
                {c.conflicts.length > 0 && (
                  <>
                    <span aria-hidden="true">⚠ </span>
                    <span className="visually-hidden">Conflict: </span>
                  </>
                )}
                {c.id} {c.title}
              </Link>
            ))}
          </div>
        ))}
      </div>
      <section className="card" aria-labelledby="calendar-list" style={{ marginTop: '1rem' }}>
        <h2 id="calendar-list">Scheduled changes in {title}</h2>
        <p className="muted small">
          Planned windows as recorded on each RFC; a time without an offset is UTC.
        </p>
        {inMonth.length === 0 ? (
          <p className="muted">No change is scheduled in this month.</p>
        ) : (
          <table className="data" aria-label="Scheduled changes">
            <thead>
              <tr>
                <th>Change</th>
                <th>Status</th>
                <th>Planned start</th>
                <th>Planned end</th>
                <th>CIs and services</th>
                <th>Conflicts with</th>
              </tr>
            </thead>
            <tbody>
              {inMonth.map((c) => (
                <tr key={c.id} className={c.conflicts.length ? 'conflict' : undefined}>
                  <td>
                    <Link href={hrefOf(c)}>
                      {c.id} {c.title}
                    </Link>
                  </td>
                  <td>
                    <StatusBadge status={c.status} />
                  </td>
                  <td>{c.plannedStart}</td>
                  <td>{c.plannedEnd ?? '—'}</td>
                  <td>{touches(c)}</td>
                  <td>
                    {c.conflicts.length
                      ? c.conflicts.map((o, i) => (
                          <span key={o.id}>
                            {i > 0 && ', '}⚠ <Link href={`/cases/changes/${o.id}`}>{o.id}</Link>
                          </span>
                        ))
                      : 'none'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  )
}
