/**
 * Business-time arithmetic of service calendars (ISO/IEC 20000-1 6.1 service hours, 8.1 targets):
 * weekends, holidays and daylight-saving changes, in TypeScript (due dates) and in SQL (reports),
 * which must agree.
 */
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../../../test/support/databases'
import {
  addBusinessMinutes,
  businessMinutesBetween,
  businessSecondsSql,
  calendarErrors,
  calendarOf,
  instantOfLocal,
  type ServiceCalendar,
} from './service-calendar'

const berlin: ServiceCalendar = {
  name: 'Office hours Berlin',
  timeZone: 'Europe/Berlin',
  workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  opens: '09:00',
  closes: '17:00',
  holidays: ['2026-12-24', '2026-12-25', '2026-12-31'],
}
const newYork: ServiceCalendar = {
  timeZone: 'America/New_York',
  workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  opens: '08:00',
  closes: '18:00',
}
const berlinAllDay: ServiceCalendar = {
  timeZone: 'Europe/Berlin',
  workingDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
  opens: '00:00',
  closes: '24:00',
}

const at = (iso: string) => new Date(iso)
const add = (iso: string, minutes: number, cal?: ServiceCalendar) =>
  addBusinessMinutes(at(iso), minutes, cal).toISOString()

describe('service calendar arithmetic', () => {
  it('6.1: without a calendar the targets run around the clock (24x7, the default)', () => {
    expect(add('2026-12-04T17:30:00.000Z', 90)).toBe('2026-12-04T19:00:00.000Z')
    expect(add('2026-12-05T12:00:00.000Z', 3 * 24 * 60)).toBe('2026-12-08T12:00:00.000Z')
    expect(
      businessMinutesBetween(at('2026-12-05T00:00Z'), at('2026-12-06T00:00Z'), undefined),
    ).toBe(24 * 60)
  })

  it('6.1: a target spanning a weekend stops on Friday at closing and goes on on Monday at opening', () => {
    // Friday 4 December 2026, 16:00 in Berlin (CET, UTC+1): one hour left on Friday
    expect(add('2026-12-04T15:00:00.000Z', 120, berlin)).toBe('2026-12-07T09:00:00.000Z')
    // raised on Saturday: the clock starts on Monday at 09:00
    expect(add('2026-12-05T11:00:00.000Z', 30, berlin)).toBe('2026-12-07T08:30:00.000Z')
    // raised on Friday evening after closing: Monday 09:00 + 4 h
    expect(add('2026-12-04T18:00:00.000Z', 240, berlin)).toBe('2026-12-07T12:00:00.000Z')
    // exactly the rest of Friday ends at closing, not on Monday
    expect(add('2026-12-04T15:00:00.000Z', 60, berlin)).toBe('2026-12-04T16:00:00.000Z')
    // 24 business hours: 1 h Friday, 8 h Monday, 8 h Tuesday, 7 h Wednesday (to 16:00 CET)
    expect(add('2026-12-04T15:00:00.000Z', 24 * 60, berlin)).toBe('2026-12-09T15:00:00.000Z')
    expect(businessMinutesBetween(at('2026-12-04T15:00Z'), at('2026-12-07T09:00Z'), berlin)).toBe(
      120,
    )
  })

  it('6.1: holidays count nothing', () => {
    // Wednesday 23 December 16:00: 1 h that day; 24th, 25th holidays, then the weekend
    expect(add('2026-12-23T15:00:00.000Z', 120, berlin)).toBe('2026-12-28T09:00:00.000Z')
    expect(businessMinutesBetween(at('2026-12-23T15:00Z'), at('2026-12-28T09:00Z'), berlin)).toBe(
      120,
    )
    // without the holidays the same target ends on Thursday 24th
    const noHolidays = { ...berlin, holidays: [] }
    expect(add('2026-12-23T15:00:00.000Z', 120, noHolidays)).toBe('2026-12-24T09:00:00.000Z')
  })

  it('6.1: opening hours stay in local time across a daylight-saving change', () => {
    // Europe: summer time starts Sunday 29 March 2026. Friday 16:00 CET (15:00Z) + 2 h: one hour
    // on Friday, one from Monday 09:00 CEST (07:00Z)
    expect(add('2026-03-27T15:00:00.000Z', 120, berlin)).toBe('2026-03-30T08:00:00.000Z')
    // and ends Sunday 25 October 2026: Monday 09:00 CET is 08:00Z again
    expect(add('2026-10-23T14:00:00.000Z', 120, berlin)).toBe('2026-10-26T09:00:00.000Z')
    // United States: summer time starts Sunday 8 March 2026. Friday 17:00 EST (22:00Z) + 2 h:
    // one hour on Friday, one from Monday 08:00 EDT (12:00Z)
    expect(add('2026-03-06T22:00:00.000Z', 120, newYork)).toBe('2026-03-09T13:00:00.000Z')
  })

  it('6.1: a round-the-clock local calendar has a 23-hour and a 25-hour day at the changes', () => {
    // Sunday 29 March 2026, local midnight to midnight in Berlin
    expect(
      businessMinutesBetween(at('2026-03-28T23:00Z'), at('2026-03-29T22:00Z'), berlinAllDay),
    ).toBe(23 * 60)
    // Sunday 25 October 2026
    expect(
      businessMinutesBetween(at('2026-10-24T22:00Z'), at('2026-10-25T23:00Z'), berlinAllDay),
    ).toBe(25 * 60)
    // elapsed time is elapsed time: across the change it equals wall time
    expect(add('2026-03-28T20:00:00.000Z', 10 * 60, berlinAllDay)).toBe('2026-03-29T06:00:00.000Z')
  })

  it('6.1: a local time skipped by the change maps past the gap, as PostgreSQL does', () => {
    // 02:30 on 29 March 2026 does not exist in Berlin: read as 02:30 CET = 01:30Z (03:30 CEST)
    expect(
      new Date(instantOfLocal(Date.UTC(2026, 2, 29, 2, 30), 'Europe/Berlin')).toISOString(),
    ).toBe('2026-03-29T01:30:00.000Z')
    // 02:30 on 25 October 2026 happens twice: standard time, the later (CET, 01:30Z)
    expect(
      new Date(instantOfLocal(Date.UTC(2026, 9, 25, 2, 30), 'Europe/Berlin')).toISOString(),
    ).toBe('2026-10-25T01:30:00.000Z')
    // an ordinary local time
    expect(
      new Date(instantOfLocal(Date.UTC(2026, 6, 1, 9, 0), 'America/New_York')).toISOString(),
    ).toBe('2026-07-01T13:00:00.000Z')
  })

  it('6.1: counting forward and measuring back agree', () => {
    for (const cal of [berlin, newYork, berlinAllDay]) {
      for (const start of ['2026-03-27T15:00Z', '2026-10-23T19:17Z', '2026-12-22T08:00Z']) {
        for (const minutes of [1, 59, 480, 2000, 9000]) {
          const due = addBusinessMinutes(at(start), minutes, cal)
          expect(Math.round(businessMinutesBetween(at(start), due, cal))).toBe(minutes)
        }
      }
    }
  })

  it('6.1: a calendar the clock cannot run in is refused with field errors', () => {
    expect(calendarErrors(berlin, '/data/calendar')).toEqual([])
    expect(calendarErrors(undefined, '/data/calendar')).toEqual([])
    const errors = calendarErrors(
      {
        timeZone: 'Mars/Olympus',
        workingDays: [],
        opens: '17:00',
        closes: '09:00',
        holidays: ['2026-02-30'],
      },
      '/data/calendar',
    )
    expect(errors.map((e) => e.path)).toEqual([
      '/data/calendar/timeZone',
      '/data/calendar/workingDays',
      '/data/calendar/closes',
      '/data/calendar/holidays/0',
    ])
    expect(calendarErrors({ ...berlin, opens: '24:00' }, '/c').map((e) => e.path)).toContain(
      '/c/opens',
    )
    expect(calendarOf({ ...berlin, closes: '08:00' })).toBeUndefined()
    expect(calendarOf(berlin)).toBe(berlin)
  })
})

describe.each(testDatabaseTargets())('service calendar arithmetic in SQL on $kind', (target) => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await target.open()
  })
  afterAll(async () => {
    await db?.drop()
  })

  const inSql = async (from: string, to: string, cal: ServiceCalendar | null) => {
    const json = cal ? JSON.stringify(cal) : null
    const { rows } = await sql<{ secs: number }>`select ${businessSecondsSql(
      sql`${from}::timestamptz`,
      sql`${to}::timestamptz`,
      sql`${json}::jsonb`,
    )} as secs`.execute(db.database.db)
    return Number(rows[0]!.secs) / 60
  }

  it('6.2 a: the reports measure business time exactly as the due dates are set', async () => {
    const spans: [string, string][] = [
      ['2026-10-25T00:00:00Z', '2026-10-25T03:00:00Z'],
      ['2026-03-29T00:00:00Z', '2026-03-29T03:00:00Z'],
      ['2026-12-04T15:00:00Z', '2026-12-07T09:00:00Z'],
      ['2026-12-23T15:00:00Z', '2026-12-28T09:00:00Z'],
      ['2026-03-27T15:00:00Z', '2026-03-30T08:00:00Z'],
      ['2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z'],
      ['2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z'],
      ['2026-03-06T22:00:00Z', '2026-03-09T13:00:00Z'],
      ['2026-12-07T10:00:00Z', '2026-12-07T09:00:00Z'],
      ['2026-11-30T07:13:00Z', '2027-01-08T16:41:00Z'],
    ]
    for (const cal of [berlin, newYork, berlinAllDay]) {
      for (const [from, to] of spans) {
        expect(await inSql(from, to, cal)).toBeCloseTo(
          businessMinutesBetween(at(from), at(to), cal),
          6,
        )
      }
    }
    // no calendar: wall time
    expect(await inSql('2026-12-04T15:00:00Z', '2026-12-07T09:00:00Z', null)).toBe(66 * 60)
  })
})
