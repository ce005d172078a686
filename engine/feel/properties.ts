/** Path access (`a.b`) and `@"…"` literals. */
import { normalizeContextKey } from 'lezer-feel'
import { dateAndTime, duration, parseDate, parseTime } from 'feelin'
import { durationNanos } from './values'
import {
  isContext,
  isDate,
  isDateTime,
  isDaysTime,
  isList,
  isRange,
  isTime,
  isYearsMonths,
  Num,
} from './values'

const num = (n: number | null | undefined) => (typeof n === 'number' ? new Num(n) : null)

/** The entry `key` of a context, the property of a temporal value or range, mapped over lists. */
export function property(target: unknown, key: string): unknown {
  if (isList(target)) return target.map((t) => property(t, key))
  if (isContext(target)) {
    if (Object.prototype.hasOwnProperty.call(target, key)) return target[key] ?? null
    const wanted = normalizeContextKey(key)
    const found = Object.keys(target).find((k) => normalizeContextKey(k) === wanted)
    return found === undefined ? null : (target[found] ?? null)
  }
  if (isDate(target) || isDateTime(target)) {
    switch (key) {
      case 'year':
      case 'month':
      case 'day':
      case 'weekday':
        return num(target[key])
    }
  }
  if (isTime(target) || isDateTime(target)) {
    switch (key) {
      case 'hour':
      case 'minute':
      case 'second':
        return num(target[key])
      case 'time offset':
        return target.zone === null ? null : target['time offset']
      case 'timezone':
        return target.zone === null || /^[+-]/.test(target.zone) ? null : target.zone
    }
  }
  if (isYearsMonths(target)) {
    const u = target.unwrap()
    if (key === 'years') return num(u.years)
    if (key === 'months') return num(u.months)
  }
  if (isDaysTime(target)) {
    const seconds = durationNanos(target) / 1_000_000_000n
    const of = (n: bigint) => new Num(n.toString())
    if (key === 'days') return of(seconds / 86400n)
    if (key === 'hours') return of((seconds / 3600n) % 24n)
    if (key === 'minutes') return of((seconds / 60n) % 60n)
    if (key === 'seconds') return of(seconds % 60n)
  }
  if (isRange(target)) {
    if (key === 'start') return target.start ?? null
    if (key === 'end') return target.end ?? null
    if (key === 'start included') return target.startIncluded
    if (key === 'end included') return target.endIncluded
  }
  return null
}

/** `@"2020-01-01"`, `@"10:00:00"`, `@"2020-01-01T10:00:00Z"`, `@"P1D"`. */
export function parseAt(text: string): unknown {
  if (/^-?P/.test(text)) return duration(text)
  if (text.includes('T')) return dateAndTime(text)
  if (/^\d{1,2}:/.test(text)) return parseTime(text)
  return parseDate(text)
}
