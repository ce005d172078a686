/** The change calendar (8.5.1): changes placed on the days of their planned start–end. */
import { useState } from 'react'
import { Link } from '../../../lib/router'
import { ErrorBanner, Loading } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import { conflicts, scheduled } from '../api/calendar'
import { normalizeList } from '../api/cases'

const day = 86_400_000
const startOfDay = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate())

export default function ChangeCalendar() {
  const [month, setMonth] = useState(() => {
    const n = new Date()
    return new Date(n.getFullYear(), n.getMonth(), 1)
  })
  const list = useApi<unknown>('/changes?limit=200')
  const changes = scheduled(normalizeList(list.data).items).map((c) => ({
    ...c,
    start: startOfDay(new Date(c.start)).getTime(),
    end: startOfDay(new Date(c.end)).getTime(),
  }))
  const clashes = conflicts(scheduled(normalizeList(list.data).items))
  // Monday-first grid covering the month
  const first = new Date(month)
  const offset = (first.getDay() + 6) % 7
  const gridStart = new Date(first.getFullYear(), first.getMonth(), 1 - offset)
  const days = Array.from(
    { length: 42 },
    (_, i) => new Date(gridStart.getFullYear(), gridStart.getMonth(), gridStart.getDate() + i),
  )
  const title = month.toLocaleString(undefined, { month: 'long', year: 'numeric' })
  return (
    <div>
      <div className="row">
        <h1>Change calendar</h1>
        <span className="spacer" />
        <button
          onClick={() => setMonth(new Date(month.getFullYear(), month.getMonth() - 1, 1))}
          aria-label="Previous month"
        >
          ←
        </button>
        <strong aria-live="polite">{title}</strong>
        <button
          onClick={() => setMonth(new Date(month.getFullYear(), month.getMonth() + 1, 1))}
          aria-label="Next month"
        >
          →
        </button>
      </div>
      <ErrorBanner error={list.error} />
      {list.loading && !list.data && <Loading />}
      {clashes.size > 0 && (
        <div className="banner error" role="alert">
          Schedule conflicts:{' '}
          {[...clashes]
            .flatMap(([id, others]) =>
              others.filter((o) => id < o).map((o) => `${id} overlaps ${o}`),
            )
            .join('; ')}
        </div>
      )}
      <div className="calendar" role="group" aria-label={`Changes in ${title}`}>
        {['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].map((d) => (
          <div key={d} className="dow">
            {d}
          </div>
        ))}
        {days.map((d) => {
          const t = d.getTime()
          const here = changes.filter((c) => c.start <= t && t < c.end + day)
          return (
            <div key={t} className={d.getMonth() === month.getMonth() ? '' : 'out'}>
              <div>{d.getDate()}</div>
              {here.map((c) => (
                <Link
                  key={c.id}
                  href={`/cases/changes/${encodeURIComponent(c.id)}`}
                  title={
                    clashes.has(c.id)
                      ? `${c.title} — conflicts with ${clashes.get(c.id)!.join(', ')}`
                      : c.title
                  }
                  className={clashes.has(c.id) ? 'conflict' : undefined}
                >
                  {clashes.has(c.id) && <span aria-hidden="true">⚠ </span>}
                  {c.id} {c.title}
                </Link>
              ))}
            </div>
          )
        })}
      </div>
    </div>
  )
}
