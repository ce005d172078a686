/** FEEL arithmetic as feel-scala: decimals, strings, temporal values and durations. */
import {
  addDuration,
  addDurations,
  divideDuration,
  multiplyDuration,
  subtractTemporals,
} from './temporal'
import { isDuration, isNum, isText, Num } from './values'

/** `x ** y`: exact for whole exponents, through doubles otherwise (as feel-scala). */
function power(x: Num, y: Num): Num | null {
  if (y.isInteger() && y.abs().lte(999_999_999)) {
    if (x.isZero() && y.isNegative()) return null
    return x.pow(y)
  }
  const r = Math.pow(x.toNumber(), y.toNumber())
  return Number.isFinite(r) ? new Num(r) : null
}

/** `a op b` for `+ - * / **`; null when the operation is undefined for the operand types. */
export function arithmetic(op: string, a: unknown, b: unknown): unknown {
  if (isNum(a) && isNum(b)) {
    switch (op) {
      case '+':
        return a.plus(b)
      case '-':
        return a.minus(b)
      case '*':
        return a.times(b)
      case '/':
        return b.isZero() ? null : a.div(b)
      default:
        return power(a, b)
    }
  }
  switch (op) {
    case '+':
      if (isText(a) && isText(b)) return a + b
      if (isDuration(a) && isDuration(b)) return addDurations(a, b, 1)
      if (isDuration(b)) return addDuration(a, b, 1)
      if (isDuration(a)) return addDuration(b, a, 1)
      return null
    case '-':
      if (isDuration(a) && isDuration(b)) return addDurations(a, b, -1)
      if (isDuration(b)) return addDuration(a, b, -1)
      return subtractTemporals(a, b)
    case '*':
      if (isDuration(a)) return multiplyDuration(a, b)
      if (isDuration(b)) return multiplyDuration(b, a)
      return null
    case '/':
      return isDuration(a) ? divideDuration(a, b) : null
    default:
      return null
  }
}

/** `-x`: numbers only, as feel-scala. */
export function negate(v: unknown): unknown {
  return isNum(v) ? v.neg() : null
}
