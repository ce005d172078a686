/**
 * supplier-review.bpmn (ISO/IEC 20000-1 7.2) and improvement.bpmn (4.5.5) end to end, as the
 * roles work them: suppliers, contracts, reviews and improvements recorded over HTTP, user
 * tasks claimed and completed in the inbox API, the engine's test clock for the timers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets } from '../support/databases'
import { cabDecision, startHarness, type Harness } from './harness'
import { fieldsOf } from '../../engine/state/records'

const DAY = 24 * 3_600_000

describe.each(testDatabaseTargets())('supplier review and improvement procedures on $kind', (target) => {
  let h: Harness

  beforeAll(async () => {
    h = await startHarness(target)
  })
  afterAll(async () => {
    await h?.stop()
  })

  /** The supplier manager records suppliers, contracts and reviews over HTTP (7.2). */
  const created = async <T>(path: string, body: Record<string, unknown>): Promise<T> => {
    const res = await (await h.as('supplier')).post<T>(path, body)
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body
  }
  const supplier = async (name: string, fields: Record<string, unknown> = {}) =>
    (
      await created<{ id: string }>('/suppliers', {
        name,
        relationshipOwner: 'supplier',
        reviewIntervalDays: 90,
        ...fields,
      })
    ).id
  const startReview = (supplierId: string) =>
    created<{ processInstanceKey: string }>(`/suppliers/${supplierId}/reviews`, {})
  const contract = (supplierId: string) =>
    created(`/suppliers/${supplierId}/contracts`, {
        title: 'Hosting contract',
        status: 'active',
        data: {
          scope: 'Hosting',
          services: [],
          serviceTargets: [{ measure: 'Availability', target: '99.9%' }],
          responsibilities: 'Run the data centre',
          reviewIntervalDays: 90,
        },
      })
  const statusOf = async (id: string) => (await h.cases.findCase('improvement', id))?.status

  it('7.2: a review records performance, handles a dispute, raises an RFC and an improvement, and schedules the next review #7.2-5 #7.2-6 #7.2-8 #7.2-9', async () => {
    // given
    const id = await supplier('Acme Hosting')
    await contract(id)
    // when
    const { processInstanceKey: instance } = await startReview(id)
    const prepare = await h.task(instance, 'Task_PrepareSupplierReview')
    await h.complete(instance, 'Task_PrepareSupplierReview', { preparationNotes: 'ok', meetingAt: '2026-12-01T10:00' })
    await h.complete(instance, 'Task_HoldReviewMeeting', {
      nonconformities: 'Two outages',
      improvementOpportunities: 'Joint monitoring',
      contractReflectsRequirements: false,
      contractChangeNeeded: true,
      contractChanges: 'Add 24/7 support',
      disputeRaised: true,
    })
    await h.complete(instance, 'Task_HandleContractDispute', {
      disputeSubject: 'Penalty',
      disputeOutcome: 'settled',
      disputeResolution: 'Credit note',
    })
    await h.reached(instance, 'EndEvent_SupplierReviewClosed')
    // then
    expect(prepare.assignee).toBe('supplier') // the relationship owner
    expect(prepare.variables.performance).toMatchObject({
      targets: [expect.objectContaining({ target: 'Availability', agreed: '99.9%' })],
    })
    const review = await h.database.db
      .selectFrom('supplier_reviews')
      .selectAll()
      .where('supplier_id', '=', id)
      .executeTakeFirstOrThrow()
    expect(review.outcome).toMatchObject({ nonconformities: 'Two outages', disputeOutcome: 'settled' })
    const next = (await h.cases.find('supplier', id))?.nextReviewAt
    expect(new Date(String(next)).getTime()).toBeGreaterThan(h.clock.now() + 80 * DAY)
    const rfc = (await h.cases.linksOf('supplier', id)).find((l) => l.fromKind === 'change')
    expect(rfc).toBeDefined()
    expect((await h.cases.findCase('change', rfc!.fromId))?.data.scope).toBe('Add 24/7 support')
    const improvements = await h.database.db
      .selectFrom('cases')
      .select(['id', 'data'])
      .where('kind', '=', 'improvement')
      .where('supplier_id', '=', id)
      .execute()
    expect(improvements).toHaveLength(1)
    expect(improvements[0]?.data).toMatchObject({ source: 'supplier-review', description: 'Joint monitoring' })
    // the RFC (9.2) and the improvement (4.5.5) it raised run their own procedures to an end
    const change = await h.instanceOf('change', rfc!.fromId)
    await h.complete(change, 'Task_ClassifyChange', { changeType: 'normal', changeNature: 'ci-change' })
    await h.complete(change, 'Task_AssessChange', { riskLevel: 'low', securityRisk: 'low', estimatedCost: 0, remediationPlan: 'none' })
    await h.complete(change, 'Task_CabDecision', cabDecision(false, 'renegotiate at renewal'))
    await h.reached(change, 'EndEvent_ChangeRejected')
    expect((await h.cases.findCase('change', rfc!.fromId))?.status).toBe('rejected')
    const improvement = await h.instanceOf('improvement', improvements[0]!.id)
    await h.complete(improvement, 'Task_EvaluateOpportunity', { meetsPolicyCriteria: false, impact: 3, urgency: 3, evaluation: 'later' })
    await h.complete(improvement, 'Task_ApproveImprovement', { approved: false, approvalComment: 'later' })
    await h.reached(improvement, 'EndEvent_ImprovementRejected')
    expect(await statusOf(improvements[0]!.id)).toBe('rejected')
  })

  it('7.2: a supplier without contract targets gets them defined first (BPMN error NO_CONTRACT_TARGETS) #7.2-2 #7.2-3', async () => {
    const id = await supplier('Bare Supplier')
    const { processInstanceKey: instance } = await startReview(id)
    await h.task(instance, 'Task_DefineContractTargets')
    await contract(id)
    await h.complete(instance, 'Task_DefineContractTargets', { serviceTargets: 'Availability 99.9%' })
    await h.complete(instance, 'Task_PrepareSupplierReview', { preparationNotes: 'ok', meetingAt: '2026-12-01T10:00' })
    await h.complete(instance, 'Task_HoldReviewMeeting', { contractReflectsRequirements: true })
    await h.reached(instance, 'EndEvent_SupplierReviewClosed')
    for (const skipped of ['Task_HandleContractDispute', 'Task_RaiseContractRfc', 'Task_StartImprovement']) {
      expect(await h.hasCompleted(instance, skipped)).toBe(false)
    }
  })

  it('7.2: the daily interval check starts a review for each supplier that is due, never a second while one runs #7.2-5', async () => {
    // given
    const id = await supplier('Due Supplier', {
      nextReviewAt: new Date(h.clock.now() - DAY).toISOString(),
    })
    await contract(id)
    // when: a day passes
    await h.advance(DAY + 60_000)
    // then
    const instance = await h.instanceOf('supplier', id, 'supplier-review')
    await h.task(instance, 'Task_PrepareSupplierReview')
    // when the next daily check runs while the review is still open, no second review starts
    await h.advance(DAY)
    await h.until('the second daily check', async () => {
      const checks = await h.engine.engine.readRecords({ valueTypes: ['PROCESS_INSTANCE'], limit: 100_000 })
      return (
        checks.filter(
          (r) =>
            r.intent === 'ELEMENT_COMPLETED' &&
            fieldsOf(r).elementId === 'EndEvent_DueReviewsStarted' &&
            r.timestamp > h.clock.now() - DAY / 2,
        ).length > 0
      )
    })
    const reviews = await h.database.db
      .selectFrom('case_processes')
      .select('process_instance_key')
      .where('case_id', '=', id)
      .where('bpmn_process_id', '=', 'supplier-review')
      .execute()
    expect(reviews).toEqual([{ process_instance_key: instance }])
    // and the review runs to its end and schedules the next one an interval ahead
    await h.complete(instance, 'Task_PrepareSupplierReview', { preparationNotes: 'due', meetingAt: '2026-12-01T10:00' })
    await h.complete(instance, 'Task_HoldReviewMeeting', { contractReflectsRequirements: true })
    await h.reached(instance, 'EndEvent_SupplierReviewClosed')
    const next = (await h.cases.find('supplier', id))?.nextReviewAt
    expect(new Date(String(next)).getTime()).toBeGreaterThan(h.clock.now() + 80 * DAY)
    const trail = await h.trail({ entityId: id })
    expect(trail.some((e) => e.action === 'supplier.updated' && e.processInstanceKey === instance)).toBe(true)
  })

  it('4.5.5: a rejected opportunity is reported and ends rejected', async () => {
    const { id, instance } = await h.open('improvement', { title: 'Chatbot', data: { source: 'staff' } })
    await h.complete(instance, 'Task_EvaluateOpportunity', { meetsPolicyCriteria: false, impact: 3, urgency: 3, evaluation: 'low value' })
    await h.complete(instance, 'Task_ApproveImprovement', { approved: false, approvalComment: 'no budget' })
    await h.reached(instance, 'EndEvent_ImprovementRejected')
    expect(await statusOf(id)).toBe('rejected')
    const reports = await h.notifications.listFor({ username: 'boss', groups: ['top-management'] })
    expect(reports.some((n) => n.caseId === id && n.template === 'improvement-report')).toBe(true)
  })

  it('4.5.5: targets missed → re-planned → measured again → achieved, reported and closed #4.5.5.2-a #4.5.5.2-d #4.5.5.2-e', async () => {
    const { id, instance } = await h.open('improvement', { title: 'Faster triage', data: { source: 'service-report' } })
    await h.complete(instance, 'Task_EvaluateOpportunity', { meetsPolicyCriteria: true, impact: 1, urgency: 2, evaluation: 'good' })
    await h.complete(instance, 'Task_ApproveImprovement', { approved: true, approvalComment: 'go' })
    await h.task(instance, 'Task_PlanImprovement')
    expect((await h.cases.findCase('improvement', id))?.priority).toBe(2)
    expect(await statusOf(id)).toBe('approved')
    for (const achieved of [false, true]) {
      await h.complete(instance, 'Task_PlanImprovement', {
        targetDimensions: ['productivity'],
        targets: 'Triage < 10 min',
        plan: 'Templates',
        measureAfter: 'P30D',
      })
      await h.complete(instance, 'Task_ImplementImprovement', { implementationNotes: 'done' })
      await h.armed(instance, 'Timer_MeasurementPeriodOver')
      await h.advance(31 * DAY)
      await h.complete(instance, 'Task_MeasureAgainstTargets', { measuredResults: 'x', targetsAchieved: achieved })
      if (!achieved) {
        await h.complete(instance, 'Task_DecideFurtherAction', { furtherAction: 'replan', furtherActionReason: 'try again' })
      }
    }
    await h.reached(instance, 'EndEvent_ImprovementClosed')
    const improvement = await h.cases.findCase('improvement', id)
    expect(improvement?.status).toBe('closed')
    expect(improvement?.data.closureCode).toBe('confirmed')
    // 4.5.5, 4.3.3: what the tasks decided is on the record (declared in the diagram)
    expect(improvement?.data).toMatchObject({
      evaluation: 'good',
      approvalComment: 'go',
      plan: 'Templates',
      plannedTargets: 'Triage < 10 min',
      implementationNotes: 'done',
      targetsAchieved: true,
      furtherAction: 'replan',
    })
  })

  it('4.5.5: a result that misses its targets can be accepted, reported and closed', async () => {
    const { id, instance } = await h.open('improvement', { title: 'Cheaper storage', data: { source: 'staff' } })
    await h.complete(instance, 'Task_EvaluateOpportunity', { meetsPolicyCriteria: true, impact: 2, urgency: 3, evaluation: 'ok' })
    await h.complete(instance, 'Task_ApproveImprovement', { approved: true, approvalComment: 'go' })
    await h.complete(instance, 'Task_PlanImprovement', {
      targetDimensions: ['cost'],
      targets: '-10%',
      plan: 'Tiering',
      measureAfter: 'P7D',
    })
    await h.complete(instance, 'Task_ImplementImprovement', { implementationNotes: 'done' })
    await h.armed(instance, 'Timer_MeasurementPeriodOver')
    await h.advance(8 * DAY)
    await h.complete(instance, 'Task_MeasureAgainstTargets', { measuredResults: '-4%', targetsAchieved: false })
    await h.complete(instance, 'Task_DecideFurtherAction', { furtherAction: 'accept', furtherActionReason: 'good enough' })
    await h.reached(instance, 'EndEvent_ImprovementClosed')
    const improvement = await h.cases.findCase('improvement', id)
    expect(improvement?.status).toBe('closed')
    expect(improvement?.data.closureCode).toBe('unconfirmed')
  })
})
