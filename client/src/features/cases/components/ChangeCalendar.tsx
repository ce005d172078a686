/** The change calendar (8.5.1): changes placed on the days of their planned start–end. */
import { useState } from 'react'
import { Link } from '../../../lib/router'
import { ErrorBanner, Loading } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import { field, normalizeList } from '../api/cases'

const day = 86_400_000
const startOfDay = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate())

export default function ChangeCalendar() {
  const [month, setMonth] = useState(() => {
    const n = new Date()
    return new Date(n.getFullYear(), n.getMonth(), 1)
  })
  const list = useApi<unknown>('/changes?limit=200')
  const changes = normalizeList(list.data).items.flatMap((c) => {
    const s = field(c, 'plannedStart')
    if (typeof s !== 'string') return []
    const e = field(c, 'plannedEnd')
    const start = startOfDay(new Date(s)).getTime()
    const end = typeof e === 'string' ? startOfDay(new Date(e)).getTime() : start
    return [{ id: String(c.id), title: String(field(c, 'title') ?? ''), start, end }]
  })
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
      <div className="calendar" role="grid" aria-label={`Changes in ${title}`}>
        {['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].map((d) => (
          <div key={d} className="dow" role="columnheader">
            {d}
          </div>
        ))}
        {days.map((d) => {
          const t = d.getTime()
          const here = changes.filter((c) => c.start <= t && t < c.end + day)
          return (
            <div key={t} role="gridcell" className={d.getMonth() === month.getMonth() ? '' : 'out'}>
              <div>{d.getDate()}</div>
              {here.map((c) => (
                <Link
                  key={c.id}
                  href={`/cases/changes/${encodeURIComponent(c.id)}`}
                  title={c.title}
                >
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
