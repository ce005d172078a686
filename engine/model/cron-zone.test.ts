/**
 * Cron cycles follow the wall clock of the process's zone (Node's TZ), as Zeebe's CronTimer uses
 * the JVM's default zone: across Europe/Berlin's DST changes a daily 09:00 stays 09:00 local.
 * Vitest runs each file in its own process, so setting TZ here affects this file only.
 */
import { describe, expect, it } from 'vitest'

process.env.TZ = 'Europe/Berlin'

const { nextCronTime, parseCron } = await import('./cron')

function next(expression: string, from: number): number | null {
  const cron = parseCron(expression)
  if (typeof cron === 'string') throw new Error(cron)
  return nextCronTime(cron, from)
}

describe('cron in a zone with daylight saving time', () => {
  it('keeps 09:00 local across the spring and autumn changes', () => {
    // 2025-03-30: clocks go from 02:00 CET to 03:00 CEST.
    expect(
      new Date(next('0 0 9 * * *', Date.parse('2025-03-29T09:00:00+01:00'))!).toISOString(),
    ).toBe('2025-03-30T07:00:00.000Z')
    // 2025-10-26: clocks go from 03:00 CEST back to 02:00 CET.
    expect(
      new Date(next('0 0 9 * * *', Date.parse('2025-10-25T09:00:00+02:00'))!).toISOString(),
    ).toBe('2025-10-26T08:00:00.000Z')
  })

  it('fires a wall-clock time of the repeated autumn hour once, at its first occurrence', () => {
    const times: string[] = []
    let t = Date.parse('2025-10-26T00:30:00+02:00')
    for (let i = 0; i < 4; i++) {
      t = next('0 0 * * * *', t)!
      times.push(new Date(t).toISOString())
    }
    expect(times).toEqual([
      '2025-10-25T23:00:00.000Z', // 01:00 CEST
      '2025-10-26T00:00:00.000Z', // 02:00 CEST (02:00 CET, an hour later, is the same wall time)
      '2025-10-26T02:00:00.000Z', // 03:00 CET
      '2025-10-26T03:00:00.000Z', // 04:00 CET
    ])
  })
})
