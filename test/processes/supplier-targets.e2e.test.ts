/**
 * Supplier performance measured per contract target (ISO/IEC 20000-1 7.2, 6.2), through HTTP as
 * the roles work it on the embedded engine: the supplier review lists each target of the
 * contract, the relationship owner records the value achieved per target, and the review records
 * met or missed per target (by the target's direction, or the reviewer's judgement), not by a
 * zero-breach rule; the service report counts the targets met and missed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ReportSnapshot } from '../../server/src/reports/report-model'
import { testDatabaseTargets } from '../support/databases'
import { startHarness, type Harness } from './harness'

describe.each(testDatabaseTargets())('supplier performance per target on $kind', (target) => {
  let h: Harness

  beforeAll(async () => {
    h = await startHarness(target)
  })
  afterAll(async () => {
    await h?.stop()
  })

  it('7.2, 6.2: each contract target is measured (value achieved, met or missed), though the supplier had no SLA breach', async () => {
    // given: a supplier whose contract has two numeric targets with a direction and one without
    const supplier = await h.as('supplier')
    const created = await supplier.post<{ id: string }>('/suppliers', {
      name: 'Fabrikam Networks',
      relationshipOwner: 'supplier',
      reviewIntervalDays: 90,
    })
    expect(created.status).toBe(201)
    const id = created.body.id
    const contract = await supplier.post(`/suppliers/${id}/contracts`, {
      title: 'Managed WAN',
      status: 'active',
      data: {
        scope: 'WAN links',
        services: [],
        serviceTargets: [
          { measure: 'Availability (%)', target: 99.9, direction: 'at-least' },
          { measure: 'Time to restore (hours)', target: 4, direction: 'at-most' },
          { measure: 'Monthly report delivered', target: 'by the 5th working day' },
        ],
        responsibilities: 'Operate the WAN',
        reviewIntervalDays: 90,
      },
    })
    expect(contract.status).toBe(201)
    const bad = await supplier.post(`/suppliers/${id}/contracts`, {
      title: 'Bad',
      data: {
        scope: 'x',
        services: [],
        serviceTargets: [{ measure: 'Uptime', target: 99, direction: 'sideways' }],
        responsibilities: 'x',
        reviewIntervalDays: 90,
      },
    })
    expect(bad.status).toBe(400)
    // when: the review lists the targets and the owner records what was achieved
    const started = await supplier.post<{ processInstanceKey: string }>(`/suppliers/${id}/reviews`, {})
    expect(started.status).toBe(201)
    const instance = started.body.processInstanceKey
    const prepare = await h.task(instance, 'Task_PrepareSupplierReview')
    expect(prepare.variables.measuredTargets).toEqual([
      { target: 'Availability (%)', agreed: '99.9' },
      { target: 'Time to restore (hours)', agreed: '4' },
      { target: 'Monthly report delivered', agreed: 'by the 5th working day' },
    ])
    expect(prepare.variables.performance).toMatchObject({ slaBreaches: 0 })
    await h.complete(instance, 'Task_PrepareSupplierReview', {
      measuredTargets: [
        { target: 'Availability (%)', agreed: '99.9', achieved: 99.95 },
        { target: 'Time to restore (hours)', agreed: '4', achieved: 6.5 },
        { target: 'Monthly report delivered', agreed: 'by the 5th working day', met: 'missed' },
      ],
      preparationNotes: 'One long outage in March',
      meetingAt: '2026-12-01T10:00',
    })
    await h.complete(instance, 'Task_HoldReviewMeeting', { contractReflectsRequirements: true })
    await h.reached(instance, 'EndEvent_SupplierReviewClosed')
    // then: per target, the value and the verdict, who judged it, and the counts
    const review = await h.database.db
      .selectFrom('supplier_reviews')
      .select('outcome')
      .where('supplier_id', '=', id)
      .executeTakeFirstOrThrow()
    const performance = (review.outcome as { performance: Record<string, unknown> }).performance
    expect(performance.targets).toEqual([
      { target: 'Availability (%)', agreed: '99.9', direction: 'at-least', achieved: 99.95, met: true, judgedBy: 'rule' },
      { target: 'Time to restore (hours)', agreed: '4', direction: 'at-most', achieved: 6.5, met: false, judgedBy: 'rule' },
      {
        target: 'Monthly report delivered',
        agreed: 'by the 5th working day',
        direction: null,
        achieved: null,
        met: false,
        judgedBy: 'reviewer',
      },
    ])
    expect(performance).toMatchObject({ targetsMet: 1, targetsMissed: 2, targetsNotAssessed: 0, slaBreaches: 0 })
    // and the service report (6.2) counts targets met and missed per supplier
    const manager = await h.as('topmgmt')
    const now = new Date(h.clock.now())
    const definition = await manager.post<{ id: string }>('/reports/definitions', {
      name: 'Supplier performance',
      audience: 'supplier management',
      sections: ['suppliers'],
      period: {
        kind: 'fixed',
        from: new Date(now.getTime() - 86_400_000).toISOString(),
        to: new Date(now.getTime() + 86_400_000).toISOString(),
      },
    })
    expect(definition.status).toBe(201)
    const run = await manager.post<ReportSnapshot>(`/reports/definitions/${definition.body.id}/run`)
    expect(run.status).toBe(201)
    const suppliers = run.body.content.sections.find((s) => s.id === 'suppliers')!
    expect(suppliers.rows.find((r) => r.supplier === 'Fabrikam Networks')).toMatchObject({
      reviews: 1,
      targetsMet: 1,
      targetsMissed: 2,
      targetsReviewed: 3,
      breaches: 0,
    })
  })
})
