import { describe, expect, test } from 'vitest'
import { conflicts, scheduled } from './calendar'

describe('change schedule conflicts (8.5.1.3)', () => {
  test('flags overlapping changes on the same CI, not those on other CIs or at other times', () => {
    // given
    const changes = scheduled([
      {
        id: 'CHG-1',
        title: 'Patch DB',
        ciId: 'CI-1',
        data: { plannedStart: '2026-12-01T20:00:00Z', plannedEnd: '2026-12-01T22:00:00Z' },
      },
      {
        id: 'CHG-2',
        title: 'Upgrade app',
        data: {
          affectedCis: ['CI-1'],
          plannedStart: '2026-12-01T21:00:00Z',
          plannedEnd: '2026-12-01T23:00:00Z',
        },
      },
      {
        id: 'CHG-3',
        title: 'Other CI',
        ciId: 'CI-9',
        data: { plannedStart: '2026-12-01T21:00:00Z' },
      },
      { id: 'CHG-4', title: 'Later', ciId: 'CI-1', data: { plannedStart: '2026-12-02T21:00:00Z' } },
      { id: 'CHG-5', title: 'Unscheduled', ciId: 'CI-1' },
    ])
    // when
    const found = conflicts(changes)
    // then
    expect(changes.map((c) => c.id)).toEqual(['CHG-1', 'CHG-2', 'CHG-3', 'CHG-4'])
    expect(Object.fromEntries(found)).toEqual({ 'CHG-1': ['CHG-2'], 'CHG-2': ['CHG-1'] })
  })
})
