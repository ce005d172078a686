/**
 * ISO-8601 timer texts (durations, dates, repeating intervals `R[n]/[start/]duration`) via
 * `@0dep/piso`, as Zeebe reads timeDuration, timeDate and timeCycle; a cycle that does not start
 * with `R` is a cron expression (cron.ts), as in Zeebe.
 */
import { getDate, parseDuration, parseInterval } from '@0dep/piso'
import { nextCronTime, parseCron } from './cron'

/** When a timer fires next and how often it repeats. */
export interface TimerSchedule {
  /** Epoch ms of the first (next) trigger. */
  dueDate: number
  /** Remaining repetitions: -1 = unbounded (Zeebe's `R/`), 1 for duration and date timers. */
  repetitions: number
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** Computes the schedule of a timer text at `now`, or an error message in Zeebe's style. */
export function parseTimerText(
  kind: 'duration' | 'date' | 'cycle',
  text: string,
  now: number,
): TimerSchedule | string {
  const value = text.trim()
  try {
    if (kind === 'duration') {
      const d = parseDuration(value)
      return { dueDate: d.getExpireAt(new Date(now)).getTime(), repetitions: 1 }
    }
    if (kind === 'date') {
      const date = getDate(value)
      if (Number.isNaN(date.getTime())) throw new Error('invalid date')
      return { dueDate: date.getTime(), repetitions: 1 }
    }
    if (!value.startsWith('R')) return cronSchedule(value, now)
    const interval = parseInterval(value)
    const repetitions = interval.repeat === undefined ? 1 : interval.repeat
    if (interval.start) {
      const start = interval.startDate.getTime()
      if (start > now) return { dueDate: start, repetitions }
    }
    if (!interval.duration) throw new Error('no duration')
    return { dueDate: interval.duration.getExpireAt(new Date(now)).getTime(), repetitions }
  } catch (err) {
    return `Invalid timer ${kind === 'duration' ? 'duration' : kind === 'date' ? 'date' : 'cycle'} '${value}': ${message(err)}`
  }
}

/**
 * A cron cycle: the next matching time after `now`, repeating without end (Zeebe's CronTimer: -1).
 * Without a next time Zeebe's CronTimer answers `now` with no repetitions left (0).
 */
function cronSchedule(value: string, now: number): TimerSchedule | string {
  const cron = parseCron(value)
  if (typeof cron === 'string') return `Invalid timer cycle '${value}': ${cron}`
  const next = nextCronTime(cron, now)
  return next === null ? { dueDate: now, repetitions: 0 } : { dueDate: next, repetitions: -1 }
}
