/**
 * The change calendar (ISO/IEC 20000-1 9.2: the schedule of change, with proposed deployment
 * dates, is shared with the people concerned and is the basis for release planning). Every
 * scheduled change comes from its record: the planned window the procedure's
 * `Task_ScheduleChange` writes (`plannedStart`/`plannedEnd` in the RFC's data) and the CIs and
 * services it touches (`ciId`, `serviceId`, `affectedCis`, `affectedServices` from the impact
 * assessment). Changes whose windows overlap and that touch the same CI or the same service are
 * conflicts, flagged on both changes. All changes are considered, not a page of the newest;
 * cancelled and rejected changes are not scheduled.
 */
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { ForbiddenError, UserError } from '../errors'
import { instantOf } from '../forms/date-ranges'
import { canReadKind, type Actor } from './access'

/** Statuses of changes that will not happen: they hold no place on the calendar. */
export const UNSCHEDULED_STATUSES: readonly string[] = ['cancelled', 'rejected']

/** The longest window one request may ask for, in days. */
export const MAX_WINDOW_DAYS = 400

const DAY_MS = 86_400_000

/** Another change a change conflicts with, and what they share. */
export interface CalendarConflict {
  id: string
  title: string
  /** CIs both changes touch. */
  cis: string[]
  /** Services both changes touch. */
  services: string[]
}

/** A scheduled change as the calendar shows it. */
export interface CalendarChange {
  id: string
  title: string
  status: string
  changeType: string | null
  /** As recorded on the RFC. */
  plannedStart: string
  plannedEnd: string | null
  /** The window as instants (ISO 8601, UTC); an end missing or before the start is the start. */
  start: string
  end: string
  ciIds: string[]
  serviceIds: string[]
  /** Display names of the CIs and services above, by id. */
  names: Record<string, string>
  conflicts: CalendarConflict[]
}

/** `GET /api/change-calendar`. */
export interface ChangeCalendarView {
  from: string
  to: string
  changes: CalendarChange[]
}

interface Scheduled {
  id: string
  title: string
  status: string
  changeType: string | null
  plannedStart: string
  plannedEnd: string | null
  start: number
  end: number
  cis: Set<string>
  services: Set<string>
}

const strings = (...values: unknown[]): string[] =>
  values.flatMap((v) =>
    Array.isArray(v) ? strings(...(v as unknown[])) : typeof v === 'string' && v ? [v] : [],
  )

/** Whether two windows share time: [start, end), a zero-length window being its instant. */
export function overlaps(a: { start: number; end: number }, b: { start: number; end: number }) {
  if (a.start === b.start) return true
  return a.start < b.end && b.start < a.end
}

/** For each change, the changes it conflicts with (overlapping window, a CI or service shared). */
export function findConflicts(changes: readonly Scheduled[]): Map<string, CalendarConflict[]> {
  const out = new Map<string, CalendarConflict[]>()
  const sorted = [...changes].sort((x, y) => x.start - y.start)
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i]!
    for (let j = i + 1; j < sorted.length; j++) {
      const b = sorted[j]!
      if (b.start > a.end || (b.start === a.end && a.end > a.start)) break
      if (!overlaps(a, b)) continue
      const cis = [...a.cis].filter((c) => b.cis.has(c)).sort()
      const services = [...a.services].filter((s) => b.services.has(s)).sort()
      if (!cis.length && !services.length) continue
      out.set(a.id, [...(out.get(a.id) ?? []), { id: b.id, title: b.title, cis, services }])
      out.set(b.id, [...(out.get(b.id) ?? []), { id: a.id, title: a.title, cis, services }])
    }
  }
  return out
}

/** Every change with a planned start, read from the records. */
async function scheduledChanges(db: Kysely<DB>): Promise<Scheduled[]> {
  const rows = await sql<{
    id: string
    title: string
    status: string
    service_id: string | null
    ci_id: string | null
    data: unknown
  }>`select id, title, status, service_id, ci_id, data from cases
      where kind = 'change' and data->>'plannedStart' is not null
        and status not in (${sql.join(UNSCHEDULED_STATUSES.map((s) => sql`${s}`))})`.execute(db)
  return rows.rows.flatMap((r) => {
    const data = (typeof r.data === 'string' ? JSON.parse(r.data) : (r.data ?? {})) as Record<
      string,
      unknown
    >
    const start = instantOf(data.plannedStart)
    if (start === undefined) return []
    const plannedEnd = typeof data.plannedEnd === 'string' ? data.plannedEnd : null
    const end = Math.max(instantOf(plannedEnd) ?? start, start)
    return [
      {
        id: r.id,
        title: r.title,
        status: r.status,
        changeType: typeof data.changeType === 'string' ? data.changeType : null,
        plannedStart: String(data.plannedStart),
        plannedEnd,
        start,
        end,
        cis: new Set(strings(r.ci_id, data.affectedCis)),
        services: new Set(strings(r.service_id, data.affectedServices)),
      },
    ]
  })
}

async function namesOf(db: Kysely<DB>, cis: string[], services: string[]) {
  const names: Record<string, string> = {}
  if (cis.length) {
    const rows = await db.selectFrom('cis').select(['id', 'name']).where('id', 'in', cis).execute()
    for (const r of rows) names[r.id] = r.name
  }
  if (services.length) {
    const rows = await db
      .selectFrom('services')
      .select(['id', 'name'])
      .where('id', 'in', services)
      .execute()
    for (const r of rows) names[r.id] = r.name
  }
  return names
}

/**
 * The scheduled changes whose window meets [`from`, `to`), each with its conflicts (against every
 * scheduled change, inside the window or not), ordered by start. `from`/`to` are dates or
 * date-times (a date is its midnight UTC); the window may not be reversed or longer than
 * {@link MAX_WINDOW_DAYS}.
 */
export async function changeCalendar(
  db: Kysely<DB>,
  actor: Actor,
  window: { from: string; to: string },
): Promise<ChangeCalendarView> {
  if (!canReadKind(actor, 'change')) {
    throw new ForbiddenError('You may not read requests for change.')
  }
  const from = instantOf(window.from)
  const to = instantOf(window.to)
  if (from === undefined || to === undefined) {
    throw new UserError('The calendar window is invalid.', [
      ...(from === undefined ? [{ path: '/from', message: 'must be a date or a date-time' }] : []),
      ...(to === undefined ? [{ path: '/to', message: 'must be a date or a date-time' }] : []),
    ])
  }
  if (to <= from) {
    throw new UserError('The calendar window ends before it starts.', [
      { path: '/to', message: `must be after from (${window.from})` },
    ])
  }
  if (to - from > MAX_WINDOW_DAYS * DAY_MS) {
    throw new UserError(`The calendar window is longer than ${MAX_WINDOW_DAYS} days.`, [
      { path: '/to', message: `must be at most ${MAX_WINDOW_DAYS} days after from` },
    ])
  }
  const all = await scheduledChanges(db)
  const conflicts = findConflicts(all)
  const inWindow = all
    .filter((c) => c.start < to && (c.end > from || c.start >= from))
    .sort((a, b) => a.start - b.start || a.id.localeCompare(b.id))
  const names = await namesOf(
    db,
    [...new Set(inWindow.flatMap((c) => [...c.cis]))],
    [...new Set(inWindow.flatMap((c) => [...c.services]))],
  )
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    changes: inWindow.map((c) => {
      const ids = [...c.cis, ...c.services]
      return {
        id: c.id,
        title: c.title,
        status: c.status,
        changeType: c.changeType,
        plannedStart: c.plannedStart,
        plannedEnd: c.plannedEnd,
        start: new Date(c.start).toISOString(),
        end: new Date(c.end).toISOString(),
        ciIds: [...c.cis].sort(),
        serviceIds: [...c.services].sort(),
        names: Object.fromEntries(ids.filter((id) => names[id]).map((id) => [id, names[id]!])),
        conflicts: (conflicts.get(c.id) ?? []).sort((x, y) => x.id.localeCompare(y.id)),
      }
    }),
  }
}
