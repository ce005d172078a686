/** Range built-ins (DMN 1.3 §10.3.4.9, as feel-scala's RangeBuiltinFunction): points or ranges. */
import { compare, FeelRange, isRange } from '../values'
import { def, type Builtins } from './registry'

class Incomparable extends Error {}

/** compare() that aborts the whole function when the values are not comparable. */
function cmp(a: unknown, b: unknown): number {
  const c = compare(a, b)
  if (c === null) throw new Incomparable()
  return c
}
const lt = (a: unknown, b: unknown) => cmp(a, b) < 0
const eq = (a: unknown, b: unknown) => cmp(a, b) === 0

type R = FeelRange
/** A function over points and ranges; one implementation per combination. */
function rangeFn(cases: {
  pp?: (a: unknown, b: unknown) => boolean
  pr?: (a: unknown, b: R) => boolean
  rp?: (a: R, b: unknown) => boolean
  rr: (a: R, b: R) => boolean
}) {
  return def(
    ['a|point|range|point1|range1', 'b|point2|range2|point|range'],
    (a: unknown, b: unknown) => {
      try {
        if (isRange(a) && isRange(b)) return cases.rr(a, b)
        if (isRange(a)) return cases.rp ? cases.rp(a, b) : null
        if (isRange(b)) return cases.pr ? cases.pr(a, b) : null
        return cases.pp ? cases.pp(a, b) : null
      } catch (err) {
        if (err instanceof Incomparable) return null
        throw err
      }
    },
  )
}

const before = {
  pp: (a: unknown, b: unknown) => lt(a, b),
  pr: (a: unknown, b: R) => lt(a, b.start) || (eq(a, b.start) && !b.startIncluded),
  rp: (a: R, b: unknown) => lt(a.end, b) || (eq(a.end, b) && !a.endIncluded),
  rr: (a: R, b: R) =>
    lt(a.end, b.start) || (eq(a.end, b.start) && (!a.endIncluded || !b.startIncluded)),
}
const meets = (a: R, b: R) => a.endIncluded && b.startIncluded && eq(a.end, b.start)
const overlaps = (a: R, b: R) =>
  (lt(b.start, a.end) || (eq(a.end, b.start) && a.endIncluded && b.startIncluded)) &&
  (lt(a.start, b.end) || (eq(a.start, b.end) && a.startIncluded && b.endIncluded))
const overlapsBefore = (a: R, b: R) =>
  (lt(a.start, b.start) || (eq(a.start, b.start) && a.startIncluded && !b.startIncluded)) &&
  (lt(b.start, a.end) || (eq(a.end, b.start) && a.endIncluded && b.startIncluded)) &&
  (lt(a.end, b.end) || (eq(a.end, b.end) && (!a.endIncluded || b.endIncluded)))
const finishes = {
  pr: (a: unknown, b: R) => b.endIncluded && eq(a, b.end),
  rr: (a: R, b: R) =>
    a.endIncluded === b.endIncluded &&
    eq(a.end, b.end) &&
    (lt(b.start, a.start) || (eq(a.start, b.start) && (!a.startIncluded || b.startIncluded))),
}
const includes = {
  rp: (a: R, b: unknown) => a.includes(b) === true,
  rr: (a: R, b: R) =>
    (lt(a.start, b.start) || (eq(a.start, b.start) && (a.startIncluded || !b.startIncluded))) &&
    (lt(b.end, a.end) || (eq(a.end, b.end) && (a.endIncluded || !b.endIncluded))),
}
const starts = {
  pr: (a: unknown, b: R) => b.startIncluded && eq(a, b.start),
  rr: (a: R, b: R) =>
    a.startIncluded === b.startIncluded &&
    eq(a.start, b.start) &&
    (lt(a.end, b.end) || (eq(a.end, b.end) && (!a.endIncluded || b.endIncluded))),
}
const swap =
  <A, B>(f: (a: A, b: B) => boolean) =>
  (b: B, a: A) =>
    f(a, b)

export const rangeBuiltins: Builtins = {
  before: rangeFn(before),
  after: rangeFn({
    pp: swap(before.pp),
    pr: swap(before.rp),
    rp: swap(before.pr),
    rr: swap(before.rr),
  }),
  meets: rangeFn({ rr: meets }),
  'met by': rangeFn({ rr: swap(meets) }),
  overlaps: rangeFn({ rr: overlaps }),
  'overlaps before': rangeFn({ rr: overlapsBefore }),
  'overlaps after': rangeFn({ rr: swap(overlapsBefore) }),
  finishes: rangeFn(finishes),
  'finished by': rangeFn({ rp: swap(finishes.pr), rr: swap(finishes.rr) }),
  includes: rangeFn(includes),
  during: rangeFn({ pr: swap(includes.rp), rr: swap(includes.rr) }),
  starts: rangeFn(starts),
  'started by': rangeFn({ rp: swap(starts.pr), rr: swap(starts.rr) }),
  coincides: rangeFn({
    pp: eq,
    rr: (a, b) =>
      a.startIncluded === b.startIncluded &&
      a.endIncluded === b.endIncluded &&
      eq(a.start, b.start) &&
      eq(a.end, b.end),
  }),
}
