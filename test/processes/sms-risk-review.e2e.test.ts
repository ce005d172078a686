/**
 * sms-risk-review.bpmn (ISO/IEC 20000-1 4.5.3 d, 4.5.2 j, 6.6.1) end to end: risks recorded over
 * HTTP by the SMS manager, the daily timer finding the risks due, one review task per risk in
 * its owner's inbox, the review recorded on the risk with its evidence and the next review
 * planned; a risk under review is not claimed twice; a risk not yet due is left alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TaskView } from '../../server/src/inbox/task-model'
import type { Risk, RiskReview } from '../../server/src/sms/risks/risk-model'
import { testDatabaseTargets } from '../support/databases'
import { startHarness, type Harness } from './harness'
import { fieldsOf } from '../../engine/state/records'

const DAY = 24 * 3_600_000
type RiskDetail = Risk & { reviews: RiskReview[] }

describe.each(testDatabaseTargets())('periodic risk review procedure on $kind (4.5.3 d)', (target) => {
  let h: Harness

  beforeAll(async () => {
    h = await startHarness(target)
  })
  afterAll(async () => {
    await h?.stop()
  })

  const risk = async (title: string, owner: string, nextReviewAt: number) => {
    const res = await (await h.as('smsmgr')).post<Risk>('/sms/risks', {
      title,
      category: 'service',
      likelihood: 4,
      impact: 4,
      owner,
      treatmentOption: 'reduce',
      treatment: 'Second data centre',
      reviewIntervalDays: 30,
      nextReviewAt: new Date(nextReviewAt).toISOString(),
      links: { services: ['SVC-000001'] },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body.id
  }
  const detail = async (id: string) => (await (await h.as('auditor')).get<RiskDetail>(`/sms/risks/${id}`)).body
  const reviewTask = (owner: string, riskId: string) =>
    h.until(`the review task of ${riskId}`, async () => {
      const res = await (await h.as(owner)).get<{ items: TaskView[] }>(`/tasks?view=mine&caseId=${riskId}`)
      return res.body.items.find((t) => t.elementId === 'Task_ReviewRisk')
    })

  it('4.5.3 d: the daily timer opens a review per due risk for its owner, records each review and plans the next', async () => {
    // given two risks due for review and one that is not
    const dataCentre = await risk('Data centre outage', 'smsmgr', h.clock.now() - DAY)
    const keyPerson = await risk('Loss of the only network engineer', 'smsmgr2', h.clock.now() - 2 * DAY)
    const later = await risk('Supplier insolvency', 'smsmgr', h.clock.now() + 60 * DAY)

    // when a day passes, the timer start event fires
    await h.advance(DAY + 60_000)

    // then each due risk has a review task in its owner's inbox, under one instance
    const first = await reviewTask('smsmgr', dataCentre)
    const second = await reviewTask('smsmgr2', keyPerson)
    expect(first.processInstanceKey).toBe(second.processInstanceKey)
    const instance = first.processInstanceKey
    expect((await detail(dataCentre)).reviewInstanceKey).toBe(instance)
    expect((await detail(later)).reviewInstanceKey).toBeNull()

    // when the next daily check runs while the reviews are open, no risk is claimed again
    await h.advance(DAY)
    await h.until('the second daily check', async () => {
      const records = await h.engine.engine.readRecords({ valueTypes: ['PROCESS_INSTANCE'], limit: 100_000 })
      return records.some(
        (r) =>
          r.intent === 'ELEMENT_COMPLETED' &&
          fieldsOf(r).elementId === 'EndEvent_RiskReviewsDone' &&
          fieldsOf(r).processInstanceKey !== instance,
      )
    })
    expect((await detail(dataCentre)).reviewInstanceKey).toBe(instance)

    // when the owners complete their reviews
    const owner = await h.as('smsmgr')
    const shown = await owner.get<{ variables: Record<string, unknown> }>(`/tasks/${first.id}`)
    expect(shown.body.variables).toMatchObject({ caseId: dataCentre, title: 'Data centre outage' })
    const done = await owner.post(`/tasks/${first.id}/complete`, {
      data: { likelihood: 2, impact: 4, status: 'treating', treatment: 'Second site live in March', notes: 'Failover tested' },
    })
    expect(done.status, JSON.stringify(done.body)).toBe(200)
    const other = await (await h.as('smsmgr2')).post(`/tasks/${second.id}/complete`, {
      data: { likelihood: 3, impact: 3, status: 'open', notes: 'Hiring a second engineer' },
    })
    expect(other.status, JSON.stringify(other.body)).toBe(200)

    // then the instance took the path of the procedure
    await h.reached(instance, 'EndEvent_RiskReviewsDone')
    for (const el of ['Task_FindRisksDueForReview', 'Task_ReviewRisk', 'Task_RecordRiskReview', 'EndEvent_RiskReviewed']) {
      expect(await h.hasCompleted(instance, el), el).toBe(true)
    }
    // and each review is recorded on its risk, by its owner, with the next review a month ahead
    const reviewed = await detail(dataCentre)
    expect(reviewed).toMatchObject({ likelihood: 2, impact: 4, score: 8, status: 'treating', treatment: 'Second site live in March', reviewInstanceKey: null })
    expect(reviewed.reviews).toHaveLength(1)
    expect(reviewed.reviews[0]).toMatchObject({ reviewedBy: 'smsmgr', notes: 'Failover tested', processInstanceKey: instance })
    expect(Date.parse(reviewed.nextReviewAt)).toBeGreaterThan(h.clock.now() + 29 * DAY)
    const keyReviewed = await detail(keyPerson)
    expect(keyReviewed).toMatchObject({ likelihood: 3, impact: 3, treatment: 'Second data centre' })
    expect(keyReviewed.reviews[0]?.reviewedBy).toBe('smsmgr2')
    // and the review is evidence of the instance (4.3.3)
    const trail = await h.trail({ entityId: dataCentre })
    expect(trail.map((e) => e.action)).toEqual(['risk.created', 'risk.review-started', 'risk.reviewed'])
    expect(trail[2]).toMatchObject({ actor: 'smsmgr', processInstanceKey: instance })
    expect((await detail(later)).reviews).toEqual([])
  })
})
