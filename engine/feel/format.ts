/**
 * Text of temporal values, as feel-scala writes them (`string(x)`) and as Zeebe stores them in
 * variables (FeelToMessagePackTransformer: java's `toString`/ISO formats).
 */
import type { FeelDateTime, FeelDuration, FeelTime } from 'feelin'
import {
  durationNanos,
  isDate,
  isDateTime,
  isDuration,
  isTime,
  isYearsMonths,
  offsetNanos,
  totalMonths,
} from './values'

/** feel-scala's duration text: `P1DT2H`, `-P1Y2M`, `P0D`/`P0Y` for zero; whole seconds. */
export function formatDuration(d: FeelDuration): string {
  if (isYearsMonths(d)) {
    const months = totalMonths(d)
    if (months === 0) return 'P0Y'
    const abs = Math.abs(months)
    const y = Math.floor(abs / 12)
    const m = abs % 12
    return (months < 0 ? '-' : '') + 'P' + (y ? `${y}Y` : '') + (m ? `${m}M` : '')
  }
  const nanos = durationNanos(d)
  let seconds = (nanos < 0n ? -nanos : nanos) / 1_000_000_000n
  if (seconds === 0n) return 'P0D'
  const days = seconds / 86400n
  seconds %= 86400n
  const [h, m, s] = [seconds / 3600n, (seconds % 3600n) / 60n, seconds % 60n]
  const time = (h ? `${h}H` : '') + (m ? `${m}M` : '') + (s ? `${s}S` : '')
  return (nanos < 0n ? '-' : '') + 'P' + (days ? `${days}D` : '') + (time ? `T${time}` : '')
}

/** `+01:00`, `Z` for zero (java's offset id). */
function formatOffset(v: FeelTime | FeelDateTime): string {
  const total = (offsetNanos(v) ?? 0n) / 1_000_000_000n
  if (total === 0n) return 'Z'
  const abs = total < 0n ? -total : total
  const pad = (n: bigint) => n.toString().padStart(2, '0')
  const sec = abs % 60n
  return (
    (total < 0n ? '-' : '+') +
    pad(abs / 3600n) +
    ':' +
    pad((abs % 3600n) / 60n) +
    (sec ? ':' + pad(sec) : '')
  )
}

const isOffsetZone = (zone: string) => zone === 'UTC' || /^[+-]/.test(zone)

/** The wall-clock part: `10:30:00`, `10:30:00.5` (Temporal's text equals java's here). */
const wallClock = (iso: string) => iso.replace(/(Z|[+-]\d\d:\d\d(:\d\d)?|@.*)$/, '')

/** `string(x)` of a temporal value (feel-scala's `toString`). */
export function temporalString(v: unknown): string | null {
  if (isDate(v)) return v.iso
  if (isTime(v) || isDateTime(v)) {
    const base = wallClock(v.iso)
    if (v.zone === null) return base
    return base + (isOffsetZone(v.zone) ? formatOffset(v) : `@${v.zone}`)
  }
  if (isDuration(v)) return formatDuration(v)
  return null
}

/** A temporal value as Zeebe writes it into a variable. */
export function temporalJson(v: unknown): string | null {
  if (isTime(v) && v.zone === null) {
    // java's LocalTime.toString omits zero seconds: 10:30
    const t = v.unwrap()
    const base = wallClock(v.iso)
    return t.second === 0 && t.millisecond === 0 && t.microsecond === 0 && t.nanosecond === 0
      ? base.slice(0, 5)
      : base
  }
  if (isDateTime(v) && v.zone !== null) {
    // ISO_ZONED_DATE_TIME: 2020-01-01T10:00:00+01:00[Europe/Berlin]
    const zone = isOffsetZone(v.zone) ? '' : `[${v.zone}]`
    return wallClock(v.iso) + formatOffset(v) + zone
  }
  return temporalString(v)
}
