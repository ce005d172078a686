/** Temporal constructors and functions: feelin's, with feel-scala's fixes and the engine clock. */
import { dateAndTime, FeelDate, FeelDateTime, toFeel } from 'feelin'
import { yearsAndMonthsBetween } from '../temporal'
import { isDate, isDateTime, isText, isTime } from '../values'
import { def, fromFeelin, type Builtins } from './registry'

/** The engine clock for `now()` and `today()` (ms since the epoch), set per evaluation. */
let clock: (() => number) | null = null

export function withClock<T>(now: number | undefined, run: () => T): T {
  const previous = clock
  clock = now === undefined ? null : () => now
  try {
    return run()
  } finally {
    clock = previous
  }
}

function nowValue(): FeelDateTime {
  return toFeel(new Date(clock ? clock() : Date.now())) as FeelDateTime
}

/** `date and time(from)`, `(date, time)`, `(date and time, timezone)` as feel-scala. */
function dateAndTimeFn(a: unknown, b?: unknown): unknown {
  if (b === undefined) {
    if (!isText(a)) return isDateTime(a) ? a : null
    try {
      return /T/.test(a)
        ? dateAndTime(a)
        : isDate(parseDay(a))
          ? dateAndTime(`${a}T00:00:00`)
          : null
    } catch {
      return null
    }
  }
  const day = isDate(a) ? a.unwrap() : isDateTime(a) ? a.unwrap().toPlainDate() : null
  if (day && isTime(b)) return new FeelDateTime(day.toPlainDateTime(b.unwrap()), b.zone)
  if (isDateTime(a) && isText(b)) {
    try {
      if (a.zone === null) return new FeelDateTime(a.unwrap(), b)
      const instant = a
        .unwrap()
        .toZonedDateTime(a.zone === 'UTC' ? 'UTC' : a.zone)
        .toInstant()
      return new FeelDateTime(instant.toZonedDateTimeISO(b).toPlainDateTime(), b)
    } catch {
      return null
    }
  }
  return null
}

const parseDay = (text: string): unknown => {
  try {
    return fromFeelin('date').invoke([text])
  } catch {
    return null
  }
}

export const temporalBuiltins: Builtins = {
  'date and time': def(['from|date', 'time|timezone?'], dateAndTimeFn),
  now: def([], () => nowValue()),
  today: def([], () => new FeelDate(nowValue().unwrap().toPlainDate())),
  'years and months duration': def(['from', 'to'], yearsAndMonthsBetween),
  'last day of month': def(['date'], (d: unknown) => {
    const date = isDate(d) ? d.unwrap() : isDateTime(d) ? d.unwrap().toPlainDate() : null
    return date ? new FeelDate(date.with({ day: date.daysInMonth })) : null
  }),
}

for (const name of [
  'date',
  'time',
  'duration',
  'day of year',
  'day of week',
  'month of year',
  'week of year',
]) {
  temporalBuiltins[name] = fromFeelin(name)
}
