/**
 * Temporal arithmetic as feel-scala does it (java.time semantics) on feelin's temporal classes:
 * date/time ± duration, differences, `duration * number`, `duration / number`, durations
 * divided by durations, and `years and months duration`.
 */
import { duration, FeelDate, FeelDateTime, FeelDuration, FeelTime } from 'feelin'
import {
  durationNanos,
  isDate,
  isDateTime,
  isDaysTime,
  isNum,
  isTime,
  isYearsMonths,
  Num,
  offsetNanos,
  totalMonths,
} from './values'

const NANOS_PER_SECOND = 1_000_000_000n

/** A days-and-time duration of `nanos` nanoseconds, written as feel-scala does (`P1DT2H`). */
export function daysTime(nanos: bigint): FeelDuration {
  const negative = nanos < 0n
  let rest = negative ? -nanos : nanos
  const fraction = rest % NANOS_PER_SECOND
  rest /= NANOS_PER_SECOND
  const days = rest / 86400n
  const hours = (rest % 86400n) / 3600n
  const minutes = (rest % 3600n) / 60n
  const seconds = rest % 60n
  let time = ''
  if (hours) time += `${hours}H`
  if (minutes) time += `${minutes}M`
  if (seconds || fraction) {
    const frac = fraction ? '.' + fraction.toString().padStart(9, '0').replace(/0+$/, '') : ''
    time += `${seconds}${frac}S`
  }
  let iso = 'P' + (days ? `${days}D` : '') + (time ? `T${time}` : '')
  if (iso === 'P') iso = 'PT0S'
  return duration((negative && iso !== 'PT0S' ? '-' : '') + iso) as FeelDuration
}

/** A years-and-months duration of `months` months (`P1Y2M`). */
export function yearsMonths(months: number): FeelDuration {
  const abs = Math.abs(months)
  const y = Math.floor(abs / 12)
  const m = abs % 12
  let iso = 'P' + (y ? `${y}Y` : '') + (m || !y ? `${m}M` : '')
  if (months < 0) iso = '-' + iso
  return duration(iso) as FeelDuration
}

function durationLike(d: FeelDuration, sign: 1 | -1) {
  const u = d.unwrap()
  return sign > 0 ? u : u.negated()
}

/** `a + b` (sign 1) or `a - b` (sign -1) where b is a duration; null when undefined. */
export function addDuration(a: unknown, b: FeelDuration, sign: 1 | -1): unknown {
  const dur = durationLike(b, sign)
  if (isDate(a)) {
    if (isYearsMonths(b)) return new FeelDate(a.unwrap().add(dur))
    return new FeelDate(a.unwrap().toPlainDateTime().add(dur).toPlainDate())
  }
  if (isDateTime(a)) return new FeelDateTime(a.unwrap().add(dur), a.zone)
  if (isTime(a) && isDaysTime(b)) {
    const u = dur
    // java's LocalTime.plus(Duration) wraps around midnight; whole days change nothing
    return new FeelTime(
      a.unwrap().add({
        hours: u.hours,
        minutes: u.minutes,
        seconds: u.seconds,
        milliseconds: u.milliseconds,
        microseconds: u.microseconds,
        nanoseconds: u.nanoseconds,
      }),
      a.zone,
    )
  }
  return null
}

/** Adds or subtracts two durations of the same kind; null for mixed kinds. */
export function addDurations(a: FeelDuration, b: FeelDuration, sign: 1 | -1): unknown {
  if (isYearsMonths(a) && isYearsMonths(b))
    return yearsMonths(totalMonths(a) + sign * totalMonths(b))
  if (isDaysTime(a) && isDaysTime(b)) {
    return daysTime(durationNanos(a) + BigInt(sign) * durationNanos(b))
  }
  return null
}

function epochNanos(v: FeelDate | FeelDateTime): bigint {
  const pdt = isDate(v) ? v.unwrap().toPlainDateTime() : v.unwrap()
  const local = pdt.toZonedDateTime('UTC').epochNanoseconds
  return isDateTime(v) ? local - (offsetNanos(v) ?? 0n) : local
}

function timeNanos(v: FeelTime): bigint {
  const t = v.unwrap()
  const nanos =
    BigInt((t.hour * 60 + t.minute) * 60 + t.second) * NANOS_PER_SECOND +
    BigInt(t.millisecond * 1e6 + t.microsecond * 1e3 + t.nanosecond)
  return nanos - (offsetNanos(v) ?? 0n)
}

/** `a - b` of two dates, two times or two date-times (local with local, zoned with zoned). */
export function subtractTemporals(a: unknown, b: unknown): unknown {
  if (isDate(a) && isDate(b)) return daysTime(epochNanos(a) - epochNanos(b))
  if (isDateTime(a) && isDateTime(b) && (a.zone === null) === (b.zone === null)) {
    return daysTime(epochNanos(a) - epochNanos(b))
  }
  if (isTime(a) && isTime(b) && (a.zone === null) === (b.zone === null)) {
    return daysTime(timeNanos(a) - timeNanos(b))
  }
  return null
}

/** The integer part of a number (feel-scala multiplies durations by `intValue`). */
const intValue = (n: Num): bigint => BigInt(n.trunc().toFixed())

/** `duration * number`: java's `multipliedBy(number.intValue)`. */
export function multiplyDuration(d: FeelDuration, n: unknown): unknown {
  if (!isNum(n)) return null
  if (isYearsMonths(d)) return yearsMonths(totalMonths(d) * Number(intValue(n)))
  return daysTime(durationNanos(d) * intValue(n))
}

/**
 * `duration / number` and `duration / duration`: as feel-scala, days-and-time durations divide
 * in whole milliseconds, years-and-months durations in whole months.
 */
export function divideDuration(d: FeelDuration, by: unknown): unknown {
  if (isNum(by)) {
    if (by.isZero()) return null
    if (isYearsMonths(d)) {
      return yearsMonths(new Num(totalMonths(d)).div(by).trunc().toNumber())
    }
    const millis = new Num((durationNanos(d) / 1_000_000n).toString()).div(by).trunc()
    return daysTime(BigInt(millis.toFixed()) * 1_000_000n)
  }
  if (isYearsMonths(d) && isYearsMonths(by)) {
    const months = totalMonths(by)
    return months === 0 ? null : new Num(totalMonths(d)).div(months)
  }
  if (isDaysTime(d) && isDaysTime(by)) {
    const millis = durationNanos(by) / 1_000_000n
    if (millis === 0n) return null
    return new Num((durationNanos(d) / 1_000_000n).toString()).div(millis.toString())
  }
  return null
}

/**
 * `years and months duration(from, to)`: whole years and months between two dates or
 * date-times (java's `Period.between(from, to)` without its days).
 */
export function yearsAndMonthsBetween(from: unknown, to: unknown): unknown {
  const dateOf = (v: unknown) =>
    isDate(v) ? v.unwrap() : isDateTime(v) ? v.unwrap().toPlainDate() : null
  const a = dateOf(from)
  const b = dateOf(to)
  if (!a || !b) return null
  const diff = a.until(b, { largestUnit: 'months' })
  return yearsMonths(diff.months + diff.years * 12)
}
