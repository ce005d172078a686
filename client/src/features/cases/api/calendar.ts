/**
 * The change calendar (ISO/IEC 20000-1 9.2: the schedule of change), `GET /api/change-calendar`:
 * every scheduled change of a window, read by the server from the RFC records, with its
 * conflicts (overlapping changes to the same CI or service) already flagged. Here the changes
 * are only placed on the days of the grid the person sees.
 */

/** Another change a change conflicts with, and the CIs and services both touch. */
export interface CalendarConflict {
  id: string
  title: string
  cis: string[]
  services: string[]
}

/** A scheduled change as the server returns it. */
export interface CalendarChange {
  id: string
  title: string
  status: string
  changeType: string | null
  plannedStart: string
  plannedEnd: string | null
  /** The window as ISO instants; `end` is the start when the RFC has no end. */
  start: string
  end: string
  ciIds: string[]
  serviceIds: string[]
  names: Record<string, string>
  conflicts: CalendarConflict[]
}

/** `GET /api/change-calendar?from&to`. */
export interface ChangeCalendarView {
  from: string
  to: string
  changes: CalendarChange[]
}

/** The API path of the changes in [from, to). */
export const calendarPath = (from: Date, to: Date) =>
  `/change-calendar?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`

const DAY_MS = 86_400_000

/**
 * The days of a month's grid, Monday first, six weeks, as UTC midnights: the server reads a
 * recorded time without an offset as UTC, so the grid does too, and a change shows on the day
 * written on its RFC whatever the browser's time zone.
 */
export function monthGrid(year: number, month: number): Date[] {
  const first = new Date(Date.UTC(year, month, 1))
  const offset = (first.getUTCDay() + 6) % 7
  return Array.from({ length: 42 }, (_, i) => new Date(Date.UTC(year, month, 1 - offset + i)))
}

/** The changes whose window meets the UTC day starting at `day` ([day, next midnight)). */
export function changesOnDay(changes: readonly CalendarChange[], day: Date): CalendarChange[] {
  const from = day.getTime()
  const to = from + DAY_MS
  return changes.filter((c) => {
    const start = Date.parse(c.start)
    const end = Date.parse(c.end)
    return start < to && (end > from || start >= from)
  })
}

/** Each conflicting pair once, as `A overlaps B on <what they share>`. */
export function conflictPairs(changes: readonly CalendarChange[]): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  for (const c of changes) {
    for (const o of c.conflicts) {
      const key = [c.id, o.id].sort().join(' ')
      if (seen.has(key)) continue
      seen.add(key)
      const on = [...o.cis, ...o.services].map((id) => c.names[id] ?? id).join(', ')
      out.push(`${c.id} overlaps ${o.id} on ${on}`)
    }
  }
  return out
}
