/** Numeric built-ins (feel-scala's NumericBuiltinFunctions), on decimals. */
import Decimal from 'decimal.js'
import {
  durationNanos,
  isDaysTime,
  isNum,
  isText,
  isYearsMonths,
  Num,
  totalMonths,
} from '../values'
import { daysTime, yearsMonths } from '../temporal'
import { def, type Builtins } from './registry'

const MODES: Record<string, Decimal.Rounding> = {
  UP: Decimal.ROUND_UP,
  DOWN: Decimal.ROUND_DOWN,
  CEILING: Decimal.ROUND_CEIL,
  FLOOR: Decimal.ROUND_FLOOR,
  HALF_UP: Decimal.ROUND_HALF_UP,
  HALF_DOWN: Decimal.ROUND_HALF_DOWN,
  HALF_EVEN: Decimal.ROUND_HALF_EVEN,
}

/** java's `BigDecimal.setScale(scale, mode)`; a negative scale rounds to tens, hundreds, … */
export function round(n: unknown, scale: unknown, mode: Decimal.Rounding | 'UNNECESSARY'): unknown {
  if (!isNum(n) || !isNum(scale)) return null
  const s = scale.trunc().toNumber()
  const shift = new Num(10).pow(s)
  const scaled = n.times(shift)
  if (mode === 'UNNECESSARY') return scaled.isInteger() ? n : null
  return scaled.toDecimalPlaces(0, mode).div(shift)
}

/** A double result (feel-scala computes sqrt, log, exp in doubles). */
const double = (x: number) => (Number.isFinite(x) ? new Num(x) : null)

export const numberBuiltins: Builtins = {
  decimal: def(['n', 'scale', 'mode?'], (n: unknown, scale: unknown, mode?: unknown) => {
    if (mode === undefined) return round(n, scale, Decimal.ROUND_HALF_EVEN)
    if (!isText(mode)) return null
    const m = mode.toUpperCase()
    if (m === 'UNNECESSARY') return round(n, scale, 'UNNECESSARY')
    return m in MODES ? round(n, scale, MODES[m]) : null
  }),
  floor: def(['n', 'scale?'], (n: unknown, scale?: unknown) =>
    round(n, scale ?? new Num(0), Decimal.ROUND_FLOOR),
  ),
  ceiling: def(['n', 'scale?'], (n: unknown, scale?: unknown) =>
    round(n, scale ?? new Num(0), Decimal.ROUND_CEIL),
  ),
  'round up': def(['n', 'scale'], (n: unknown, s: unknown) => round(n, s, Decimal.ROUND_UP)),
  'round down': def(['n', 'scale'], (n: unknown, s: unknown) => round(n, s, Decimal.ROUND_DOWN)),
  'round half up': def(['n', 'scale'], (n: unknown, s: unknown) =>
    round(n, s, Decimal.ROUND_HALF_UP),
  ),
  'round half down': def(['n', 'scale'], (n: unknown, s: unknown) =>
    round(n, s, Decimal.ROUND_HALF_DOWN),
  ),
  abs: def(['n|number'], (n: unknown) => {
    if (isNum(n)) return n.abs()
    if (isYearsMonths(n)) return yearsMonths(Math.abs(totalMonths(n)))
    if (isDaysTime(n)) {
      const nanos = durationNanos(n)
      return daysTime(nanos < 0n ? -nanos : nanos)
    }
    return null
  }),
  modulo: def(['dividend', 'divisor'], (a: unknown, b: unknown) => {
    if (!isNum(a) || !isNum(b) || b.isZero()) return null
    // Scala's % truncates; ((a % b) + b) % b takes the divisor's sign
    return a.mod(b).plus(b).mod(b)
  }),
  sqrt: def(['number'], (n: unknown) =>
    isNum(n) && !n.isNegative() ? double(Math.sqrt(n.toNumber())) : null,
  ),
  log: def(['number'], (n: unknown) => (isNum(n) ? double(Math.log(n.toNumber())) : null)),
  exp: def(['number'], (n: unknown) => (isNum(n) ? double(Math.exp(n.toNumber())) : null)),
  odd: def(['number'], (n: unknown) => (isNum(n) ? n.abs().mod(2).eq(1) : null)),
  even: def(['number'], (n: unknown) => (isNum(n) ? n.mod(2).isZero() : null)),
  'random number': def([], () => new Num(Math.random())),
}
