import { describe, expect, test } from 'vitest'
import { changesOnDay, conflictPairs, monthGrid, type CalendarChange } from './calendar'

const utc = (y: number, m: number, d: number, h = 0) => new Date(Date.UTC(y, m, d, h))

const change = (
  id: string,
  start: Date,
  end: Date,
  conflicts: CalendarChange['conflicts'] = [],
): CalendarChange => ({
  id,
  title: id,
  status: 'scheduled',
  changeType: 'normal',
  plannedStart: start.toISOString(),
  plannedEnd: end.toISOString(),
  start: start.toISOString(),
  end: end.toISOString(),
  ciIds: ['CI-000001'],
  serviceIds: [],
  names: { 'CI-000001': 'db-01' },
  conflicts,
})

describe('the change calendar grid (9.2)', () => {
  test('places a change on every day its window meets, not the day it ends at midnight', () => {
    // given: 22:00 on the 1st to midnight of the 3rd
    const c = change('RFC-1', utc(2026, 11, 1, 22), utc(2026, 11, 3))
    // when
    const days = [utc(2026, 10, 30), utc(2026, 11, 1), utc(2026, 11, 2), utc(2026, 11, 3)].map(
      (d) => changesOnDay([c], d).map((x) => x.id),
    )
    // then
    expect(days).toEqual([[], ['RFC-1'], ['RFC-1'], []])
  })

  test('a change without an end shows on the day of its start', () => {
    const at = utc(2026, 11, 5, 9)
    expect(changesOnDay([change('RFC-2', at, at)], utc(2026, 11, 5))).toHaveLength(1)
  })

  test('the grid of December 2026 starts on Monday 30 November and covers six weeks', () => {
    const grid = monthGrid(2026, 11)
    expect([grid.length, grid[0]!.toISOString(), grid[41]!.toISOString()]).toEqual([
      42,
      '2026-11-30T00:00:00.000Z',
      '2027-01-10T00:00:00.000Z',
    ])
  })

  test('names each conflicting pair once with what both touch', () => {
    // given: the server flags the conflict on both changes
    const shared = { cis: ['CI-000001'], services: [] }
    const a = change('RFC-1', utc(2026, 11, 1), utc(2026, 11, 2), [
      { id: 'RFC-2', title: 'b', ...shared },
    ])
    const b = change('RFC-2', utc(2026, 11, 1), utc(2026, 11, 2), [
      { id: 'RFC-1', title: 'a', ...shared },
    ])
    // then
    expect(conflictPairs([a, b])).toEqual(['RFC-1 overlaps RFC-2 on db-01'])
  })
})
