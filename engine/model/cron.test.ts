/**
 * Cron cycles as Zeebe's CronTimer reads them (cron-utils, Spring 5.3 definition). Expected times
 * are wall-clock times of the process's zone (built with local `Date` constructors), as Zeebe
 * uses the JVM's default zone; cases after Zeebe's CronTimerTest.
 */
import { describe, expect, it } from 'vitest'
import { nextCronTime, parseCron } from './cron'
import { parseTimerText } from './timer'

const at = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) =>
  new Date(y, mo - 1, d, h, mi, s).getTime()

function next(expression: string, from: number): number | null {
  const cron = parseCron(expression)
  if (typeof cron === 'string') throw new Error(cron)
  return nextCronTime(cron, from)
}

/** The next `n` times after `from`. */
function series(expression: string, from: number, n: number): string[] {
  const out: string[] = []
  let t = from
  for (let i = 0; i < n; i++) {
    const r = next(expression, t)
    if (r === null) break
    out.push(new Date(r).toString().slice(0, 24))
    t = r
  }
  return out
}

describe('parseCron', () => {
  it('rejects what Zeebe rejects', () => {
    for (const bad of [
      '',
      '*',
      '* * * * *',
      '* * * * * * *',
      '60 * * * * *',
      '20-10 * * * * *',
      '* 60 * * * *',
      '* * 24 * * *',
      '* * 20-10 * * *',
      '* * * 0 * *',
      '* * * 32 * *',
      '* * * * 0 *',
      '* * * * 13 *',
      '* * * * * 8',
      '* * * * * *SUN',
      '* * * * * SUN*',
      '*/0 * * * * *',
      '? * * * * *',
    ]) {
      expect(typeof parseCron(bad), bad).toBe('string')
    }
    expect(parseCron('* * * * *')).toBe('Cron expression contains 5 parts but we expect one of [6]')
  })

  it('accepts names, lists, ranges, steps, question marks and nicknames', () => {
    for (const good of [
      '0 0 9-17 * * MON-FRI',
      '0 0/15 * * * ?',
      '0 0 12 ? JAN,jul *',
      '*/10 * * * * *',
      '0 0 0 L-3 * *',
      '0 0 * 1W * *',
      '0 0 * LW * *',
      '0 0 0 ? * FRIL',
      '0 0 0 ? * 5#2',
      '0 0 0 ? * MON#1',
      '@daily',
      '@hourly',
      '@weekly',
      '@monthly',
      '@yearly',
      '@annually',
      '@midnight',
    ]) {
      expect(typeof parseCron(good), good).toBe('object')
    }
  })
})

describe('nextCronTime', () => {
  it('is strictly after the given time, in whole seconds', () => {
    expect(next('* * * * * *', at(2025, 3, 10, 8, 0, 0) + 500)).toBe(at(2025, 3, 10, 8, 0, 1))
    expect(next('10 * * * * *', at(2025, 3, 10, 8, 0, 9))).toBe(at(2025, 3, 10, 8, 0, 10))
    expect(next('10 * * * * *', at(2025, 3, 10, 8, 0, 10))).toBe(at(2025, 3, 10, 8, 1, 10))
    expect(next('55 5 * * * *', at(2025, 3, 10, 8, 4, 54))).toBe(at(2025, 3, 10, 8, 5, 55))
    expect(next('55 5 * * * *', at(2025, 3, 10, 8, 5, 55))).toBe(at(2025, 3, 10, 9, 5, 55))
  })

  it('runs on weekdays only: every day at 09:00 across a weekend', () => {
    // 2025-01-03 is a Friday.
    expect(series('0 0 9 * * MON-FRI', at(2025, 1, 3, 8), 4)).toEqual([
      'Fri Jan 03 2025 09:00:00',
      'Mon Jan 06 2025 09:00:00',
      'Tue Jan 07 2025 09:00:00',
      'Wed Jan 08 2025 09:00:00',
    ])
    expect(series('0 0 9-17 * * MON-FRI', at(2025, 1, 3, 16, 30), 3)).toEqual([
      'Fri Jan 03 2025 17:00:00',
      'Mon Jan 06 2025 09:00:00',
      'Mon Jan 06 2025 10:00:00',
    ])
  })

  it('handles steps, lists and month names', () => {
    expect(series('0 0/20 8 * * *', at(2025, 1, 1, 8, 10), 3)).toEqual([
      'Wed Jan 01 2025 08:20:00',
      'Wed Jan 01 2025 08:40:00',
      'Thu Jan 02 2025 08:00:00',
    ])
    expect(series('0 0 12 1 JAN,JUL ?', at(2025, 1, 2), 2)).toEqual([
      'Tue Jul 01 2025 12:00:00',
      'Thu Jan 01 2026 12:00:00',
    ])
    expect(next('0 0 0 * * 7', at(2025, 1, 1))).toBe(at(2025, 1, 5))
    expect(next('@weekly', at(2025, 1, 1))).toBe(at(2025, 1, 5))
    expect(next('@monthly', at(2025, 1, 15))).toBe(at(2025, 2, 1))
    expect(next('@hourly', at(2025, 1, 15, 10, 0, 1))).toBe(at(2025, 1, 15, 11))
  })

  it('intersects restricted day-of-month and day-of-week fields', () => {
    // The 13th that is a Friday: 2025-06-13.
    expect(next('0 0 0 13 * FRI', at(2025, 1, 1))).toBe(at(2025, 6, 13))
  })

  it('knows Quartz day specials: L, L-n, W, LW, nL and n#k', () => {
    expect(next('0 0 * L * *', at(2022, 1, 30, 0, 1))).toBe(at(2022, 1, 31))
    expect(next('0 0 * L * *', at(2022, 1, 31, 1))).toBe(at(2022, 1, 31, 2))
    expect(series('0 0 0 L-3 * *', at(2022, 1, 10), 4)).toEqual([
      'Fri Jan 28 2022 00:00:00',
      'Fri Feb 25 2022 00:00:00',
      'Mon Mar 28 2022 00:00:00',
      'Wed Apr 27 2022 00:00:00',
    ])
    expect(next('0 0 * 1W * *', at(2022, 6, 29, 0, 1))).toBe(at(2022, 7, 1))
    // 2022-10-01 is a Saturday: the nearest weekday within the month is Monday the 3rd.
    expect(next('0 0 0 1W * *', at(2022, 9, 15))).toBe(at(2022, 10, 3))
    expect(next('0 0 * LW * *', at(2022, 6, 29, 0, 1))).toBe(at(2022, 6, 30))
    // 2022-07-31 is a Sunday: the last weekday is Friday the 29th.
    expect(next('0 0 0 LW * *', at(2022, 7, 1))).toBe(at(2022, 7, 29))
    expect(next('0 0 0 ? * FRIL', at(2025, 1, 1))).toBe(at(2025, 1, 31))
    expect(next('0 0 0 ? * 5L', at(2025, 2, 1))).toBe(at(2025, 2, 28))
    expect(next('0 0 0 ? * MON#2', at(2025, 1, 1))).toBe(at(2025, 1, 13))
    expect(next('0 0 0 ? * 1#5', at(2025, 1, 1))).toBe(at(2025, 3, 31))
  })

  it('has no next time for a date that never exists', () => {
    expect(next('0 0 0 31 6 *', at(2025, 3, 10))).toBeNull()
    expect(next('0 0 0 29 2 ?', at(2025, 3, 10))).toBe(at(2028, 2, 29))
  })
})

describe('parseTimerText with cycles', () => {
  it('reads R/… as a repeating interval and anything else as cron', () => {
    const now = at(2025, 1, 3, 8)
    expect(parseTimerText('cycle', '0 0 9 * * MON-FRI', now)).toEqual({
      dueDate: at(2025, 1, 3, 9),
      repetitions: -1,
    })
    expect(parseTimerText('cycle', 'R3/PT1H', now)).toEqual({
      dueDate: now + 3_600_000,
      repetitions: 3,
    })
    // Zeebe's CronTimer: no next execution → due now, no repetitions left.
    expect(parseTimerText('cycle', '0 0 0 31 6 *', now)).toEqual({ dueDate: now, repetitions: 0 })
    expect(parseTimerText('cycle', '0 0 9 * *', now)).toBe(
      "Invalid timer cycle '0 0 9 * *': Cron expression contains 5 parts but we expect one of [6]",
    )
  })
})
