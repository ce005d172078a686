/**
 * Service calendars: the business hours an SLA's targets are counted in (ISO/IEC 20000-1 6.1:
 * the SLA states the service hours; 8.1: response and resolution against those targets). An SLA
 * names its calendar in `data.calendar` (the SLA record) or `calendar` (its controlled document's
 * version in force); without one the targets run around the clock (24x7, the default).
 *
 * The arithmetic works on local dates of the calendar's IANA time zone and converts each day's
 * opening hours to instants on that day, so a day with a daylight-saving change keeps its opening
 * hours in local time (09:00–17:00 is 8 hours either side of the change) and a 00:00–24:00 day
 * has 23 or 25 hours. Holidays and non-working days count nothing. `businessTimeSql` is the same
 * rule in SQL for the service reports (6.2 a), on PGlite and PostgreSQL alike.
 */
import { sql, type RawBuilder } from 'kysely'
import { WEEKDAYS, type ServiceCalendar } from '@shared/api/service-catalogue'
import type { FieldError } from '../errors'

/** Day names and the calendar itself are the API's (shared/api/service-catalogue.ts). */
export { WEEKDAYS, type ServiceCalendar, type Weekday } from '@shared/api/service-catalogue'

const TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/
const DATE = /^\d{4}-\d{2}-\d{2}$/
const MINUTE = 60_000
const DAY = 86_400_000

/** The JSON schema of a calendar (controlled SLA documents). */
export const serviceCalendarSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['timeZone', 'workingDays', 'opens', 'closes'],
  properties: {
    name: { type: 'string', maxLength: 100 },
    timeZone: { type: 'string', minLength: 1, maxLength: 64 },
    workingDays: {
      type: 'array',
      minItems: 1,
      maxItems: 7,
      uniqueItems: true,
      items: { enum: [...WEEKDAYS] },
    },
    opens: { type: 'string', pattern: TIME.source },
    closes: { type: 'string', pattern: TIME.source },
    holidays: { type: 'array', maxItems: 400, items: { type: 'string', pattern: DATE.source } },
  },
} as const

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))

const isRealDate = (s: string) =>
  DATE.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s

/**
 * What is wrong with a calendar beyond its shape, as field errors under `path`: an unknown time
 * zone, no working day, closing not after opening, a holiday that is no date.
 */
export function calendarErrors(value: unknown, path: string): FieldError[] {
  if (value === undefined || value === null) return []
  if (typeof value !== 'object' || Array.isArray(value)) {
    return [{ path, message: 'must be a calendar object' }]
  }
  const c = value as Partial<ServiceCalendar>
  const errors: FieldError[] = []
  if (typeof c.timeZone !== 'string' || !isTimeZone(c.timeZone)) {
    errors.push({
      path: `${path}/timeZone`,
      message: 'must be an IANA time zone, e.g. Europe/Berlin',
    })
  }
  const days = Array.isArray(c.workingDays) ? c.workingDays : []
  if (!days.length || days.some((d) => !WEEKDAYS.includes(d))) {
    errors.push({
      path: `${path}/workingDays`,
      message: `must name at least one working day of ${WEEKDAYS.join(', ')}`,
    })
  }
  const opens = typeof c.opens === 'string' && TIME.test(c.opens) ? c.opens : undefined
  const closes = typeof c.closes === 'string' && TIME.test(c.closes) ? c.closes : undefined
  if (!opens || opens === '24:00') {
    errors.push({ path: `${path}/opens`, message: 'must be a local time HH:MM before 24:00' })
  }
  if (!closes) errors.push({ path: `${path}/closes`, message: 'must be a local time HH:MM' })
  if (opens && closes && minutesOf(closes) <= minutesOf(opens)) {
    errors.push({ path: `${path}/closes`, message: 'must be after the opening time' })
  }
  const holidays = c.holidays ?? []
  if (!Array.isArray(holidays)) {
    errors.push({ path: `${path}/holidays`, message: 'must be a list of dates YYYY-MM-DD' })
  } else {
    holidays.forEach((h, i) => {
      if (typeof h !== 'string' || !isRealDate(h)) {
        errors.push({ path: `${path}/holidays/${i}`, message: 'must be a date YYYY-MM-DD' })
      }
    })
  }
  return errors
}

/** The calendar in `value` when it is a valid one, else undefined (24x7). */
export function calendarOf(value: unknown): ServiceCalendar | undefined {
  if (!value || typeof value !== 'object') return undefined
  return calendarErrors(value, '').length ? undefined : (value as ServiceCalendar)
}

/** Offset of `tz` from UTC at the instant `t`, in ms (local = UTC + offset). */
function offsetAt(t: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(t))
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value)
  const local = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'))
  return local - Math.floor(t / 1000) * 1000
}

/**
 * The instant of a local wall time in `tz` (`localMs`: the wall time read as if it were UTC), as
 * PostgreSQL reads `timestamp at time zone`: a wall time skipped by a daylight-saving change, and
 * one that happens twice, are read in the offset in force before the change in spring (skipped)
 * and in standard time, the later instant, in autumn (repeated).
 */
export function instantOfLocal(localMs: number, tz: string): number {
  const before = localMs - offsetAt(localMs - DAY, tz)
  const after = localMs - offsetAt(localMs + DAY, tz)
  const valid = [before, after].filter((t) => t + offsetAt(t, tz) === localMs)
  return valid.length ? Math.max(...valid) : before
}

/** Local calendar day (UTC midnight of the local date) of an instant. */
const localDayOf = (t: number, tz: string) => {
  const local = t + offsetAt(t, tz)
  return local - (((local % DAY) + DAY) % DAY)
}

/** The working window of one local day as instants, or undefined when the day is closed. */
function windowOf(day: number, cal: ServiceCalendar): [number, number] | undefined {
  const date = new Date(day)
  const name = WEEKDAYS[date.getUTCDay()]!
  if (!cal.workingDays.includes(name)) return undefined
  if (cal.holidays?.includes(date.toISOString().slice(0, 10))) return undefined
  return [
    instantOfLocal(day + minutesOf(cal.opens) * MINUTE, cal.timeZone),
    instantOfLocal(day + minutesOf(cal.closes) * MINUTE, cal.timeZone),
  ]
}

/** How far ahead the arithmetic looks for working time before giving up (ten years). */
const MAX_DAYS = 3660

/**
 * The instant `minutes` of business time after `start` in the calendar (without one: wall time,
 * 24x7). A target starting outside business hours starts counting at the next opening.
 */
export function addBusinessMinutes(
  start: Date,
  minutes: number,
  cal: ServiceCalendar | undefined,
): Date {
  if (!cal) return new Date(start.getTime() + minutes * MINUTE)
  let left = minutes * MINUTE
  let day = localDayOf(start.getTime(), cal.timeZone)
  for (let i = 0; i < MAX_DAYS; i++, day += DAY) {
    const w = windowOf(day, cal)
    if (!w) continue
    const from = Math.max(start.getTime(), w[0])
    if (from >= w[1]) continue
    if (left <= w[1] - from) return new Date(from + left)
    left -= w[1] - from
  }
  throw new Error(`The calendar ${cal.name ?? cal.timeZone} has no working time within ten years.`)
}

/** Business minutes between two instants in the calendar (without one: wall minutes). */
export function businessMinutesBetween(
  from: Date,
  to: Date,
  cal: ServiceCalendar | undefined,
): number {
  if (to <= from) return 0
  if (!cal) return (to.getTime() - from.getTime()) / MINUTE
  let total = 0
  const last = localDayOf(to.getTime(), cal.timeZone)
  for (let day = localDayOf(from.getTime(), cal.timeZone); day <= last; day += DAY) {
    const w = windowOf(day, cal)
    if (!w) continue
    total += Math.max(0, Math.min(to.getTime(), w[1]) - Math.max(from.getTime(), w[0]))
  }
  return total / MINUTE
}

/**
 * Business seconds between the timestamptz expressions `from` and `to` under the calendar JSON
 * `cal` (a jsonb expression; null: wall seconds, 24x7), the rule of {@link businessMinutesBetween}
 * in SQL.
 */
export function businessSecondsSql(
  from: RawBuilder<unknown>,
  to: RawBuilder<unknown>,
  cal: RawBuilder<unknown>,
): RawBuilder<number> {
  return sql<number>`(case when ${cal} is null or jsonb_typeof(${cal}) <> 'object'
    then greatest(0, extract(epoch from (${to} - ${from}))::float8)
    else coalesce((select sum(greatest(0, extract(epoch from (
        least(${to}, (g.d::timestamp + (${cal} ->> 'closes')::interval) at time zone (${cal} ->> 'timeZone'))
        - greatest(${from}, (g.d::timestamp + (${cal} ->> 'opens')::interval) at time zone (${cal} ->> 'timeZone'))
      ))::float8))
      from generate_series((${from} at time zone (${cal} ->> 'timeZone'))::date,
        (${to} at time zone (${cal} ->> 'timeZone'))::date, interval '1 day') as g(d)
      where ${to} > ${from}
        and (${cal} -> 'workingDays') @> to_jsonb(to_char(g.d, 'dy'))
        and not coalesce((${cal} -> 'holidays') @> to_jsonb(to_char(g.d, 'YYYY-MM-DD')), false)), 0)
    end)`
}
