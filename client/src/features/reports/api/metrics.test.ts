import { describe, expect, test } from 'vitest'
import { lastWeeks, majorIncidents, perWeek, slaPerformance, weekOf } from './metrics'

const hour = 3600_000

describe('service report figures (ISO/IEC 20000-1 6.2)', () => {
  // given one service with a 4-hour resolution target for P2 and 1 hour for P1
  const slas = [
    {
      serviceId: 'email',
      targets: [
        { priority: 1, resolutionMinutes: 60 },
        { priority: 2, resolutionMinutes: 240 },
      ],
    },
  ]
  const created = '2026-11-02T08:00:00.000Z'
  const at = (h: number) => new Date(Date.parse(created) + h * hour).toISOString()
  const incidents = [
    { id: 'INC-1', serviceId: 'email', priority: 2, createdAt: created, resolvedAt: at(3) },
    { id: 'INC-2', serviceId: 'email', priority: 2, createdAt: created, resolvedAt: at(5) },
    {
      id: 'INC-3',
      serviceId: 'email',
      priority: 1,
      created_at: created,
      data: { resolvedAt: at(0.5) },
    },
    { id: 'INC-4', serviceId: 'email', priority: 2, createdAt: created },
  ]

  test('counts resolutions within and beyond the target per service and priority', () => {
    // when
    const rows = slaPerformance(incidents, slas, new Map([['email', 'E-mail']]))
    // then
    expect(rows).toEqual([
      {
        service: 'E-mail',
        priority: 1,
        total: 1,
        resolved: 1,
        met: 1,
        breached: 0,
        percentMet: 100,
      },
      {
        service: 'E-mail',
        priority: 2,
        total: 3,
        resolved: 2,
        met: 1,
        breached: 1,
        percentMet: 50,
      },
    ])
  })

  test('a priority-1 incident counts as major (8.6.1)', () => {
    expect(majorIncidents(incidents).map((i) => i.id)).toEqual(['INC-3'])
  })

  test('buckets creations into ISO weeks starting on Monday', () => {
    // given a Wednesday
    const wed = Date.parse('2026-11-04T12:00:00Z')
    // when
    const labels = lastWeeks(2, wed)
    // then
    expect(weekOf(wed)).toBe('2026-11-02')
    expect(labels).toEqual(['2026-10-26', '2026-11-02'])
    expect(perWeek(incidents, labels, 'createdAt')).toEqual([0, 4])
  })
})
