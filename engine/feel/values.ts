/**
 * FEEL values as our interpreter holds them, with feel-scala's semantics (Zeebe's FEEL):
 * numbers are decimals (`Num`: 34 significant digits, half-even, like Scala's BigDecimal with
 * DECIMAL128), strings, booleans, null, lists (arrays), contexts (plain objects), ranges,
 * functions, and feelin's temporal classes (date, time, date and time, durations).
 */
import Decimal from 'decimal.js'
import { FeelDate, FeelDateTime, FeelDuration, FeelTime } from 'feelin'
import { temporalJson } from './format'

/** FEEL numbers: Scala BigDecimal's default MathContext (DECIMAL128). */
export const Num = Decimal.clone({
  precision: 34,
  rounding: Decimal.ROUND_HALF_EVEN,
  toExpNeg: -40,
  toExpPos: 40,
})
export type Num = Decimal

export const isNum = (v: unknown): v is Num => v instanceof Num
export const isText = (v: unknown): v is string => typeof v === 'string'
export const isList = (v: unknown): v is unknown[] => Array.isArray(v)
export const isBool = (v: unknown): v is boolean => typeof v === 'boolean'
export const isNull = (v: unknown): v is null | undefined => v === null || v === undefined
export const isContext = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype
export const isDate = (v: unknown): v is FeelDate => v instanceof FeelDate
export const isTime = (v: unknown): v is FeelTime => v instanceof FeelTime
export const isDateTime = (v: unknown): v is FeelDateTime => v instanceof FeelDateTime
export const isDuration = (v: unknown): v is FeelDuration => v instanceof FeelDuration
export const isYearsMonths = (v: unknown): v is FeelDuration => isDuration(v) && v.yearsMonths
export const isDaysTime = (v: unknown): v is FeelDuration => isDuration(v) && !v.yearsMonths
export const isTemporal = (v: unknown): boolean =>
  isDate(v) || isTime(v) || isDateTime(v) || isDuration(v)

/** A FEEL function: a built-in or a `function(a, b) …` definition. */
export class FeelFunction {
  constructor(
    /** Parameter names; a name ending in `?` is optional, `...` collects the rest (varargs). */
    readonly params: string[],
    readonly invoke: (args: unknown[]) => unknown,
  ) {}
}
export const isFunction = (v: unknown): v is FeelFunction => v instanceof FeelFunction

/** A FEEL range (`[1..10)`, `> 5`): a bound of null is unbounded. */
export class FeelRange {
  constructor(
    readonly start: unknown,
    readonly end: unknown,
    readonly startIncluded: boolean,
    readonly endIncluded: boolean,
  ) {}

  /** Whether `value` lies in the range; null when it is not comparable with the bounds. */
  includes(value: unknown): boolean | null {
    if (!isNull(this.start)) {
      const c = compare(value, this.start)
      if (c === null) return null
      if (c < 0 || (c === 0 && !this.startIncluded)) return false
    }
    if (!isNull(this.end)) {
      const c = compare(value, this.end)
      if (c === null) return null
      if (c > 0 || (c === 0 && !this.endIncluded)) return false
    }
    return true
  }
}
export const isRange = (v: unknown): v is FeelRange => v instanceof FeelRange

/** The type name feel-scala uses (`instance of`, error messages). */
export function typeName(v: unknown): string {
  if (isNull(v)) return 'null'
  if (isNum(v)) return 'number'
  if (isText(v)) return 'string'
  if (isBool(v)) return 'boolean'
  if (isList(v)) return 'list'
  if (isDate(v)) return 'date'
  if (isTime(v)) return 'time'
  if (isDateTime(v)) return 'date and time'
  if (isYearsMonths(v)) return 'years and months duration'
  if (isDuration(v)) return 'days and time duration'
  if (isRange(v)) return 'range'
  if (isFunction(v)) return 'function'
  if (isContext(v)) return 'context'
  return 'unknown'
}

const FIXED_OFFSET = /^([+-])(\d\d):(\d\d)(?::(\d\d))?$/

/** The offset of a zoned time or date-time in nanoseconds; null for a local one. */
export function offsetNanos(v: FeelTime | FeelDateTime): bigint | null {
  if (v.zone === null) return null
  if (v.zone === 'UTC') return 0n
  // fixed offsets without Temporal's (slow) zone machinery
  const m = FIXED_OFFSET.exec(v.zone)
  if (m) {
    const seconds = (Number(m[2]) * 60 + Number(m[3])) * 60 + Number(m[4] ?? 0)
    return BigInt(m[1] === '-' ? -seconds : seconds) * 1_000_000_000n
  }
  return durationNanos(v['time offset'])
}

/**
 * A number that orders temporal values of one kind (nanoseconds since the epoch, of the day, or
 * of the duration; months for years-and-months durations); zoned and local values get
 * different tags so that they never compare (feel-scala: different types).
 */
function temporalKey(v: unknown): { tag: string; key: bigint } | null {
  if (isDate(v)) return { tag: 'date', key: v.unwrap().toZonedDateTime('UTC').epochNanoseconds }
  if (isDateTime(v)) {
    const local = v.unwrap().toZonedDateTime('UTC').epochNanoseconds
    const offset = offsetNanos(v)
    return offset === null ? { tag: 'ldt', key: local } : { tag: 'dt', key: local - offset }
  }
  if (isTime(v)) {
    const t = v.unwrap()
    const nanos =
      BigInt((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000_000n +
      BigInt(t.millisecond * 1e6 + t.microsecond * 1e3 + t.nanosecond)
    const offset = offsetNanos(v)
    return offset === null ? { tag: 'lt', key: nanos } : { tag: 't', key: nanos - offset }
  }
  if (isYearsMonths(v)) return { tag: 'ym', key: BigInt(totalMonths(v)) }
  if (isDuration(v)) return { tag: 'dtd', key: durationNanos(v) }
  return null
}

/** Total months of a years-and-months duration. */
export function totalMonths(d: FeelDuration): number {
  const u = d.unwrap()
  return u.years * 12 + u.months
}

/** Total nanoseconds of a days-and-time duration (days are 24 hours, as in java.time). */
export function durationNanos(d: FeelDuration | null): bigint {
  if (!d) return 0n
  const u = d.unwrap()
  const seconds = ((u.days * 24 + u.hours) * 60 + u.minutes) * 60 + u.seconds
  return (
    BigInt(seconds) * 1_000_000_000n +
    BigInt(u.milliseconds) * 1_000_000n +
    BigInt(u.microseconds) * 1000n +
    BigInt(u.nanoseconds)
  )
}

/**
 * Orders two values of the same comparable type (number, string, date, time, date and time,
 * either kind of duration): negative, zero or positive; null when they are of different types
 * or not comparable (feel-scala: comparing values of different types gives null).
 */
export function compare(a: unknown, b: unknown): number | null {
  if (isNum(a)) return isNum(b) ? a.comparedTo(b) : null
  if (isText(a)) return isText(b) ? (a < b ? -1 : a > b ? 1 : 0) : null
  const ka = temporalKey(a)
  if (!ka) return null
  const kb = temporalKey(b)
  if (!kb || kb.tag !== ka.tag) return null
  return ka.key < kb.key ? -1 : ka.key > kb.key ? 1 : 0
}

/**
 * FEEL equality as feel-scala's ValComparator: null equals only null; values of one type
 * compare by value (lists element-wise, contexts by keys and entries); values of different
 * types give null.
 */
export function equals(a: unknown, b: unknown): boolean | null {
  if (isNull(a) || isNull(b)) return isNull(a) && isNull(b)
  if (isNum(a) || isText(a) || isDuration(a)) {
    const c = compare(a, b)
    return c === null ? null : c === 0
  }
  if (isTemporal(a)) {
    // java's equals: the same local value in the same zone (not merely the same instant)
    const c = compare(a, b)
    return c === null ? null : (a as { iso: string }).iso === (b as { iso: string }).iso
  }
  if (isBool(a)) return isBool(b) ? a === b : null
  if (isList(a)) {
    if (!isList(b)) return null
    return a.length === b.length && a.every((x, i) => equals(x, b[i]) === true)
  }
  if (isContext(a)) {
    if (!isContext(b)) return null
    const ka = Object.keys(a)
    const kb = Object.keys(b)
    return (
      ka.length === kb.length &&
      ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && equals(a[k], b[k]) === true)
    )
  }
  // ranges and functions have no equality in feel-scala (ValComparator): not comparable
  return null
}

/**
 * A JSON value (a variable) as a FEEL value: numbers become decimals from their shortest
 * decimal text (0.1 is 0.1, not the binary double), bigints exactly; objects and arrays deeply.
 */
export function fromJs(v: unknown): unknown {
  if (v === undefined || v === null) return null
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? new Num(v) : null
    case 'bigint':
      return new Num(v.toString())
    case 'string':
    case 'boolean':
      return v
    case 'object':
      if (Array.isArray(v)) return v.map(fromJs)
      if (Object.getPrototypeOf(v) === Object.prototype) {
        const out: Record<string, unknown> = {}
        for (const [k, x] of Object.entries(v)) out[k] = fromJs(x)
        return out
      }
      if (v instanceof Date) return null
      return v
    default:
      return null
  }
}

/**
 * A FEEL value as JSON, as Zeebe stores a result in a variable: numbers become JS numbers (the
 * nearest double: exact for every integer up to 2^53 and for decimals of up to 15 digits),
 * temporal values their ISO text, ranges and functions null.
 */
export function toJson(v: unknown): unknown {
  if (isNull(v)) return null
  if (isNum(v)) return v.toNumber()
  if (isText(v) || isBool(v)) return v
  if (typeof v === 'number') return Number.isFinite(v) ? v : null
  if (isList(v)) return v.map(toJson)
  if (isTemporal(v)) return temporalJson(v)
  if (isContext(v)) {
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) out[k] = toJson(x)
    return out
  }
  return null
}
