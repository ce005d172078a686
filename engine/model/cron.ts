/**
 * Cron expressions of timer cycles, as Zeebe reads them (`CronTimer`: cron-utils with Spring 5.3's
 * definition, CronType.SPRING53): six fields `second minute hour day-of-month month day-of-week`,
 * or a nickname (`@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`,
 * `@hourly`). Per field: `*`, numbers, ranges `a-b`, lists `a,b`, steps `* /n`, `a/n`, `a-b/n`;
 * month names `JAN`–`DEC`, day names `SUN`–`SAT` (0 and 7 are Sunday); `?` in the day fields;
 * day of month `L`, `L-n`, `nW`, `LW`; day of week `nL` / `FRIL` (last such weekday of the month)
 * and `n#k` / `MON#2` (the k-th such weekday). When both day fields are restricted, a day must
 * match both (cron-utils intersects them for Spring).
 *
 * Times are wall-clock times in the process's time zone (Node's `TZ`), as Zeebe computes them in
 * the JVM's default zone (`ZoneId.systemDefault()`): UTC in containers unless TZ is set. A time in
 * the hour a DST fall-back repeats fires once, at its first occurrence; one in the hour a spring
 * change skips does not fire that day.
 */

/** One parsed cron expression. */
export interface CronExpression {
  readonly seconds: ReadonlySet<number>
  readonly minutes: ReadonlySet<number>
  readonly hours: ReadonlySet<number>
  readonly months: ReadonlySet<number>
  readonly daysOfMonth: DayOfMonthField
  readonly daysOfWeek: DayOfWeekField
}

type DayOfMonthItem =
  | { kind: 'days'; days: ReadonlySet<number> }
  | { kind: 'last'; offset: number }
  | { kind: 'nearestWeekday'; day: number }
  | { kind: 'lastWeekday' }
type DayOfWeekItem =
  | { kind: 'days'; days: ReadonlySet<number> }
  | { kind: 'lastOfMonth'; dow: number }
  | { kind: 'nth'; dow: number; nth: number }

/** `null` = any day (`*` or `?`). */
type DayOfMonthField = readonly DayOfMonthItem[] | null
type DayOfWeekField = readonly DayOfWeekItem[] | null

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']

const NICKNAMES: Record<string, string> = {
  '@yearly': '0 0 0 1 1 *',
  '@annually': '0 0 0 1 1 *',
  '@monthly': '0 0 0 1 * *',
  '@weekly': '0 0 0 * * 0',
  '@daily': '0 0 0 * * *',
  '@midnight': '0 0 0 * * *',
  '@hourly': '0 0 * * * *',
}

interface FieldSpec {
  name: string
  min: number
  max: number
  names?: readonly string[]
  /** Value names map to index + this (months: JAN = 1; days: SUN = 0). */
  nameBase?: number
}

const SECOND: FieldSpec = { name: 'second', min: 0, max: 59 }
const MINUTE: FieldSpec = { name: 'minute', min: 0, max: 59 }
const HOUR: FieldSpec = { name: 'hour', min: 0, max: 23 }
const DAY_OF_MONTH: FieldSpec = { name: 'day of month', min: 1, max: 31 }
const MONTH: FieldSpec = { name: 'month', min: 1, max: 12, names: MONTHS, nameBase: 1 }
const DAY_OF_WEEK: FieldSpec = { name: 'day of week', min: 0, max: 7, names: DAYS, nameBase: 0 }

class CronSyntaxError extends Error {}

function value(text: string, spec: FieldSpec): number {
  const upper = text.toUpperCase()
  const named = spec.names?.indexOf(upper) ?? -1
  if (named >= 0) return named + (spec.nameBase ?? 0)
  if (!/^\d+$/.test(text)) {
    throw new CronSyntaxError(`Invalid ${spec.name} value '${text}'`)
  }
  const n = Number(text)
  if (n < spec.min || n > spec.max) {
    throw new CronSyntaxError(
      `Value ${n} not in range [${spec.min}, ${spec.max}] of the ${spec.name} field`,
    )
  }
  return n
}

/** A plain item (`*`, `n`, `a-b`, with an optional `/step`) as the set of values it covers. */
function plainItem(text: string, spec: FieldSpec): Set<number> {
  const [range = '', stepText, extra] = text.split('/')
  if (extra !== undefined) throw new CronSyntaxError(`Invalid ${spec.name} field '${text}'`)
  let from: number
  let to: number
  if (range === '*') {
    from = spec.min
    to = spec.max
  } else if (range.includes('-')) {
    const [a = '', b = '', more] = range.split('-')
    if (more !== undefined) throw new CronSyntaxError(`Invalid ${spec.name} range '${range}'`)
    from = value(a, spec)
    to = value(b, spec)
    if (from > to) {
      throw new CronSyntaxError(`Invalid ${spec.name} range '${range}': ${from} > ${to}`)
    }
  } else {
    from = value(range, spec)
    to = stepText === undefined ? from : spec.max
  }
  let step = 1
  if (stepText !== undefined) {
    if (!/^\d+$/.test(stepText) || Number(stepText) === 0) {
      throw new CronSyntaxError(`Invalid ${spec.name} step '${stepText}'`)
    }
    step = Number(stepText)
  }
  const out = new Set<number>()
  for (let v = from; v <= to; v += step) out.add(v)
  return out
}

function plainField(text: string, spec: FieldSpec): Set<number> {
  const out = new Set<number>()
  for (const item of text.split(',')) for (const v of plainItem(item, spec)) out.add(v)
  return out
}

function dayOfMonthField(text: string): DayOfMonthField {
  if (text === '*' || text === '?') return null
  return text.split(',').map((item): DayOfMonthItem => {
    const upper = item.toUpperCase()
    if (upper === 'LW') return { kind: 'lastWeekday' }
    const last = /^L(?:-(\d+))?$/.exec(upper)
    if (last) {
      const offset = Number(last[1] ?? 0)
      if (offset > 30) throw new CronSyntaxError(`Invalid day of month offset '${item}'`)
      return { kind: 'last', offset }
    }
    const weekday = /^(\d+)W$/.exec(upper)
    if (weekday) return { kind: 'nearestWeekday', day: value(weekday[1] ?? '', DAY_OF_MONTH) }
    return { kind: 'days', days: plainItem(item, DAY_OF_MONTH) }
  })
}

function dayOfWeek(text: string): number {
  return value(text, DAY_OF_WEEK) % 7
}

function dayOfWeekField(text: string): DayOfWeekField {
  if (text === '*' || text === '?') return null
  return text.split(',').map((item): DayOfWeekItem => {
    const upper = item.toUpperCase()
    const last = /^(\w+)L$/.exec(upper)
    if (last && upper !== 'L') return { kind: 'lastOfMonth', dow: dayOfWeek(last[1] ?? '') }
    const nth = /^(\w+)#([1-5])$/.exec(upper)
    if (nth) return { kind: 'nth', dow: dayOfWeek(nth[1] ?? ''), nth: Number(nth[2]) }
    const days = new Set([...plainItem(item, DAY_OF_WEEK)].map((d) => d % 7))
    return { kind: 'days', days }
  })
}

/** Parses a cron expression; a string is the reason it is invalid. */
export function parseCron(text: string): CronExpression | string {
  const expression = NICKNAMES[text.trim().toLowerCase()] ?? text.trim()
  const fields = expression.split(/\s+/)
  if (fields.length !== 6 || fields.some((f) => f === '')) {
    return `Cron expression contains ${expression === '' ? 0 : fields.length} parts but we expect one of [6]`
  }
  const [s = '', mi = '', h = '', dom = '', mo = '', dow = ''] = fields
  try {
    for (const [f, spec] of [
      [s, SECOND],
      [mi, MINUTE],
      [h, HOUR],
      [mo, MONTH],
    ] as const) {
      if (f.includes('?')) throw new CronSyntaxError(`'?' is not allowed in the ${spec.name} field`)
    }
    return {
      seconds: plainField(s, SECOND),
      minutes: plainField(mi, MINUTE),
      hours: plainField(h, HOUR),
      months: plainField(mo, MONTH),
      daysOfMonth: dayOfMonthField(dom),
      daysOfWeek: dayOfWeekField(dow),
    }
  } catch (err) {
    if (err instanceof CronSyntaxError) return err.message
    throw err
  }
}

function daysInMonth(year: number, month0: number): number {
  return new Date(year, month0 + 1, 0).getDate()
}

function weekdayOf(year: number, month0: number, day: number): number {
  return new Date(year, month0, day).getDay()
}

/** The weekday (Mon–Fri) nearest to `day` within the month, as Quartz's `W`. */
function nearestWeekday(year: number, month0: number, day: number): number {
  const length = daysInMonth(year, month0)
  const d = Math.min(day, length)
  const dow = weekdayOf(year, month0, d)
  if (dow === 6) return d === 1 ? 3 : d - 1
  if (dow === 0) return d === length ? d - 2 : d + 1
  return d
}

function dayOfMonthMatches(field: DayOfMonthField, y: number, m0: number, d: number): boolean {
  if (!field) return true
  const length = daysInMonth(y, m0)
  return field.some((item) => {
    switch (item.kind) {
      case 'days':
        return item.days.has(d)
      case 'last':
        return d === length - item.offset
      case 'nearestWeekday':
        return item.day <= length && d === nearestWeekday(y, m0, item.day)
      case 'lastWeekday':
        return d === nearestWeekday(y, m0, length)
    }
  })
}

function dayOfWeekMatches(field: DayOfWeekField, y: number, m0: number, d: number): boolean {
  if (!field) return true
  const dow = weekdayOf(y, m0, d)
  return field.some((item) => {
    switch (item.kind) {
      case 'days':
        return item.days.has(dow)
      case 'lastOfMonth':
        return dow === item.dow && d + 7 > daysInMonth(y, m0)
      case 'nth':
        return dow === item.dow && Math.ceil(d / 7) === item.nth
    }
  })
}

/** No match within 400 years (the Gregorian cycle) means there is none. */
const SEARCH_YEARS = 400

/**
 * The first time strictly after `after` (epoch ms) that the expression matches, in the process's
 * time zone; null when there is none (e.g. `0 0 0 31 6 *`).
 */
export function nextCronTime(cron: CronExpression, after: number): number | null {
  // Whole seconds, strictly after `after`.
  let t = new Date(Math.floor(after / 1000) * 1000 + 1000)
  const limit = t.getFullYear() + SEARCH_YEARS
  while (t.getFullYear() <= limit) {
    const y = t.getFullYear()
    const m0 = t.getMonth()
    const d = t.getDate()
    if (!cron.months.has(m0 + 1)) {
      t = new Date(y, m0 + 1, 1, 0, 0, 0)
      continue
    }
    if (
      !dayOfMonthMatches(cron.daysOfMonth, y, m0, d) ||
      !dayOfWeekMatches(cron.daysOfWeek, y, m0, d)
    ) {
      t = new Date(y, m0, d + 1, 0, 0, 0)
      continue
    }
    const h = t.getHours()
    if (!cron.hours.has(h)) {
      t = nextWallTime(t, new Date(y, m0, d, h + 1, 0, 0), 3_600_000)
      continue
    }
    const mi = t.getMinutes()
    if (!cron.minutes.has(mi)) {
      t = nextWallTime(t, new Date(y, m0, d, h, mi + 1, 0), 60_000)
      continue
    }
    const s = t.getSeconds()
    if (!cron.seconds.has(s)) {
      t = nextWallTime(t, new Date(y, m0, d, h, mi, s + 1), 1_000)
      continue
    }
    return t.getTime()
  }
  return null
}

/**
 * Moves forward to the next hour, minute or second. In the repeated hour of a DST fall-back the
 * wall-clock construction resolves to the earlier offset (behind `current`); then the step is
 * taken on the instant line instead.
 */
function nextWallTime(current: Date, next: Date, step: number): Date {
  if (next.getTime() > current.getTime()) return next
  const base = current.getTime()
  return new Date(base - (base % step) + step)
}
