/**
 * incident.bpmn and service-request.bpmn end to end (ISO/IEC 20000-1 8.1), as the roles work
 * them: cases recorded over HTTP, every user task claimed and completed in the inbox API with
 * its form's data, the real job workers, the engine's test clock for the timers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets } from '../support/databases'
import { startHarness, type Harness } from './harness'

const HOUR = 3_600_000
const DAY = 24 * HOUR

const classify = (over: Record<string, unknown> = {}) => ({
  category: 'software',
  impact: 2,
  urgency: 2,
  assignedGroup: 'service-desk',
  securityIncident: false,
  majorIncidentCandidate: false,
  ...over,
})

describe.each(testDatabaseTargets())('incident and service request procedures on $kind', (target) => {
  let h: Harness

  beforeAll(async () => {
    // the engine clock runs ahead of the database's clock here (timers are advanced), so the
    // trend window is long enough to include incidents created in real time
    h = await startHarness(target, { trendThreshold: 3, trendPeriodHours: 24 * 365 })
  })
  afterAll(async () => {
    await h?.stop()
  })

  const resolve = async (instance: string) => {
    await h.complete(instance, 'Task_InvestigateAndDiagnose', { diagnosis: 'Queue full' })
    await h.complete(instance, 'Task_ResolveIncident', { resolutionCode: 'fixed', resolution: 'Purged' })
  }
  const statusOf = async (kind: 'incident' | 'service-request', id: string) =>
    (await h.cases.findCase(kind, id))?.status

  it('8.1 a-g: records, prioritises, resolves and closes on customer confirmation #8.1-a #8.1-b #8.1-c #8.1-f #8.1-g #8.1-1', async () => {
    // given
    const { id, instance } = await h.open('incident', { title: 'Mail is down', requester: 'customer' })
    // when
    await h.complete(instance, 'Task_ClassifyIncident', classify())
    await resolve(instance)
    const confirm = await h.task(instance, 'Task_ConfirmResolution')
    await h.complete(instance, 'Task_ConfirmResolution', { resolutionConfirmed: true })
    await h.reached(instance, 'EndEvent_IncidentClosed')
    // then
    const incident = await h.cases.findCase('incident', id)
    expect(incident?.status).toBe('closed')
    expect(incident?.priority).toBe(3) // impact 2 × urgency 2 in priority-matrix.dmn
    // 4.3.3: the case names the decision version that decided (deployed with the procedure)
    expect(incident?.data.priorityDecisionVersion).toBe(1)
    expect(incident?.data.priorityDecisionKey).toMatch(/^\d+$/)
    expect(incident?.data.closureCode).toBe('confirmed')
    expect(confirm.assignee).toBe('customer')
    const told = await h.notifications.listFor({ username: 'customer', groups: [] })
    expect(told.filter((n) => n.caseId === id).map((n) => n.template).sort()).toEqual([
      'incident-recorded',
      'incident-resolved',
    ])
    expect(await h.hasCompleted(instance, 'Task_NotifyTopManagement')).toBe(false)
    expect(await h.hasCompleted(instance, 'Task_MajorIncidentReview')).toBe(false)
    // 4.3.3: every status change is in the evidence trail with its process instance
    const evidence = await h.database.db
      .selectFrom('evidence')
      .select(['action', 'process_instance_key'])
      .where('entity_id', '=', id)
      .where('action', '=', 'incident.status-changed')
      .execute()
    expect(evidence.length).toBeGreaterThanOrEqual(2)
    expect(evidence.every((e) => e.process_instance_key === instance)).toBe(true)
  })

  it('8.1: a major incident informs top management, gets a named manager and a review #8.1-4 #8.1-5 #8.1-6', async () => {
    // given
    const { id, instance } = await h.open('incident', { title: 'Data centre outage', requester: 'customer' })
    // when
    await h.complete(instance, 'Task_ClassifyIncident', classify({ impact: 1, urgency: 1, majorIncidentCandidate: true }))
    await h.complete(instance, 'Task_AssignMajorIncidentManager', {
      majorIncidentManager: 'desk',
      communicationPlan: 'Hourly updates',
    })
    await resolve(instance)
    await h.complete(instance, 'Task_ConfirmResolution', { resolutionConfirmed: true })
    const review = await h.task(instance, 'Task_MajorIncidentReview')
    await h.complete(instance, 'Task_MajorIncidentReview', {
      reviewSummary: 'Power loss',
      lessonsLearned: 'UPS test',
    })
    await h.reached(instance, 'EndEvent_IncidentClosed')
    // then
    expect(review.assignee).toBe('desk')
    // 4.3.3: who was named major incident manager, and by whom, is in the evidence trail
    const trail = await h.trail({ processInstanceKey: instance })
    expect(
      trail.find(
        (e) =>
          e.action === 'task.completed' &&
          (e.after as { elementId?: string }).elementId === 'Task_AssignMajorIncidentManager',
      ),
    ).toMatchObject({ actor: 'desk', after: { data: { majorIncidentManager: 'desk' } } })
    const incident = await h.cases.findCase('incident', id)
    expect(incident?.priority).toBe(1)
    expect(incident?.data.major).toBe(true)
    const management = await h.notifications.listFor({ username: 'boss', groups: ['top-management'] })
    expect(management.some((n) => n.caseId === id && n.template === 'major-incident')).toBe(true)
  })

  it('6.6.3: an information security incident gets at least priority 2 #6.6.3-1', async () => {
    const { id, instance } = await h.open('incident', { title: 'Phishing', requester: 'customer' })
    await h.complete(instance, 'Task_ClassifyIncident', classify({ impact: 3, urgency: 3, securityIncident: true }))
    await h.task(instance, 'Task_InvestigateAndDiagnose')
    const incident = await h.cases.findCase('incident', id)
    expect(incident?.priority).toBe(2)
    expect(incident?.data.securityIncident).toBe(true)
    // it is not a major incident: resolved and closed on the normal path
    await resolve(instance)
    await h.complete(instance, 'Task_ConfirmResolution', { resolutionConfirmed: true })
    await h.reached(instance, 'EndEvent_IncidentClosed')
    expect(await statusOf('incident', id)).toBe('closed')
    expect(await h.hasCompleted(instance, 'Task_NotifyTopManagement')).toBe(false)
  })

  it('8.1 d: a rejected resolution reopens the incident for another investigation #8.1-d', async () => {
    const { id, instance } = await h.open('incident', { title: 'VPN drops', requester: 'customer' })
    await h.complete(instance, 'Task_ClassifyIncident', classify())
    await resolve(instance)
    await h.complete(instance, 'Task_ConfirmResolution', { resolutionConfirmed: false })
    await h.reached(instance, 'Task_ReopenIncident')
    expect(await statusOf('incident', id)).not.toBe('closed')
    await h.task(instance, 'Task_InvestigateAndDiagnose')
    expect(await statusOf('incident', id)).toBe('in-progress')
    await resolve(instance)
    await h.complete(instance, 'Task_ConfirmResolution', { resolutionConfirmed: true })
    await h.reached(instance, 'EndEvent_IncidentClosed')
    expect(await statusOf('incident', id)).toBe('closed')
  })

  it('8.1 e: SLA response and resolution targets escalate, tell the customer and record breaches; 8.1 g: auto-closes #8.1-e #8.1-3 #6.2-a', async () => {
    // given: priority 3 → default targets 4 h response, 3 days resolution
    const { id, instance } = await h.open('incident', { title: 'Printer jam', requester: 'customer' })
    await h.complete(instance, 'Task_ClassifyIncident', classify())
    await h.armed(instance, 'Timer_ResponseTargetBreached')
    await h.armed(instance, 'Timer_ResolutionTargetBreached')
    // when: the response target passes
    await h.advance(5 * HOUR)
    await h.reached(instance, 'EndEvent_ResponseEscalated')
    // and the resolution target passes
    await h.advance(3 * DAY)
    await h.reached(instance, 'EndEvent_ResolutionEscalated')
    // then
    const breaches = await h.database.db
      .selectFrom('sla_breaches')
      .select(['target', 'priority'])
      .where('case_id', '=', id)
      .orderBy('target')
      .execute()
    expect(breaches).toEqual([
      { target: 'resolution', priority: 3 },
      { target: 'response', priority: 3 },
    ])
    const customer = await h.notifications.listFor({ username: 'customer', groups: [] })
    expect(customer.filter((n) => n.caseId === id).map((n) => n.template)).toEqual(
      expect.arrayContaining(['response-target-missed', 'resolution-target-missed']),
    )
    const management = await h.notifications.listFor({ username: 'boss', groups: ['top-management'] })
    expect(management.some((n) => n.caseId === id && n.template === 'escalation')).toBe(true)
    // when the customer never answers, the incident closes after the confirmation period
    await resolve(instance)
    await h.armed(instance, 'Timer_AutoCloseUnconfirmed')
    await h.advance(3 * DAY + HOUR)
    await h.reached(instance, 'EndEvent_IncidentClosed')
    const incident = await h.cases.findCase('incident', id)
    expect(incident?.status).toBe('closed')
    expect(incident?.data.closureCode).toBe('unconfirmed')
  })

  it('8.2 a: the third incident on one CI within the period opens a problem #8.2-a #8.2-1', async () => {
    // given
    const ci = await h.record('ci', { name: 'mail-01', ciType: 'hardware' })
    const ids: string[] = []
    // when
    for (const n of [1, 2, 3]) {
      const { id, instance } = await h.open('incident', { title: `Mail slow ${n}`, requester: 'customer', ciId: ci.id })
      ids.push(id)
      // 9.1: the classification form offers the CMDB's CIs
      const form = await h.task(instance, 'Task_ClassifyIncident')
      expect(form.variables.ciOptions).toContainEqual({ label: `${ci.id} mail-01`, value: ci.id })
      await h.complete(instance, 'Task_ClassifyIncident', classify())
      await h.reached(instance, 'Task_DetectIncidentTrend')
    }
    // then
    const problems = await h.database.db
      .selectFrom('cases')
      .select(['id', 'data'])
      .where('kind', '=', 'problem')
      .where('ci_id', '=', ci.id)
      .execute()
    expect(problems).toHaveLength(1)
    expect((problems[0]?.data as Record<string, unknown>).detectedBy).toBe('incident-trend')
    const problemInstance = await h.instanceOf('problem', problems[0]!.id)
    await h.task(problemInstance, 'Task_ClassifyProblem')
    const links = await h.cases.linksOf('incident', ids[2]!)
    expect(links.some((l) => l.toKind === 'problem' && l.toId === problems[0]!.id)).toBe(true)
    // every incident still runs to its end (the trend check does not stop it)
    for (const id of ids) {
      const instance = await h.instanceOf('incident', id)
      await resolve(instance)
      await h.complete(instance, 'Task_ConfirmResolution', { resolutionConfirmed: true })
      await h.reached(instance, 'EndEvent_IncidentClosed')
      expect(await statusOf('incident', id)).toBe('closed')
    }
    // and the problem is worked like any other (8.2) and closed once its resolution proves effective
    await h.complete(problemInstance, 'Task_ClassifyProblem', {
      category: 'hardware',
      impact: 2,
      urgency: 2,
      problemStatement: 'mail-01 keeps slowing down',
    })
    await h.complete(problemInstance, 'Task_AnalyseRootCause', { rootCause: 'Disk', changeNeeded: false })
    await h.complete(problemInstance, 'Task_ResolveProblem', { resolution: 'Disk replaced' })
    await h.armed(problemInstance, 'Timer_WaitForEffectivenessReview')
    await h.advance(31 * DAY)
    await h.complete(problemInstance, 'Task_ReviewEffectiveness', { resolutionEffective: true })
    await h.reached(problemInstance, 'EndEvent_ProblemClosed')
    expect((await h.cases.findCase('problem', problems[0]!.id))?.status).toBe('closed')
  })

  it('8.1: a request needing approval is approved, fulfilled, confirmed and closed #8.1-a #8.1-f #8.1-g', async () => {
    const { id, instance } = await h.open('service-request', {
      title: 'New laptop',
      requester: 'customer',
      data: { requiresApproval: true },
    })
    await h.complete(instance, 'Task_ApproveRequest', { approved: true })
    await h.complete(instance, 'Task_FulfilRequest', { fulfilmentNotes: 'Delivered' })
    await h.complete(instance, 'Task_ConfirmFulfilment', { fulfilmentConfirmed: true })
    await h.reached(instance, 'EndEvent_RequestClosed')
    const request = await h.cases.findCase('service-request', id)
    expect(request?.status).toBe('closed')
    expect(request?.data.closureCode).toBe('confirmed')
    // 8.1 d: the approval, fulfilment and confirmation are on the record (declared in the diagram)
    expect(request?.data).toMatchObject({
      approved: true,
      fulfilmentNotes: 'Delivered',
      fulfilmentConfirmed: true,
    })
    const told = await h.notifications.listFor({ username: 'customer', groups: [] })
    expect(told.some((n) => n.caseId === id && n.template === 'request-fulfilled')).toBe(true)
    // 4.3.3: the approval decision is evidenced
    const trail = await h.trail({ processInstanceKey: instance })
    expect(
      trail.find(
        (e) =>
          e.action === 'task.completed' &&
          (e.after as { elementId?: string }).elementId === 'Task_ApproveRequest',
      ),
    ).toMatchObject({ after: { data: { approved: true } } })
  })

  it('8.1: a rejected request is closed and the customer told', async () => {
    const { id, instance } = await h.open('service-request', {
      title: 'Admin rights',
      requester: 'customer',
      data: { requiresApproval: true },
    })
    await h.complete(instance, 'Task_ApproveRequest', { approved: false })
    await h.reached(instance, 'EndEvent_RequestRejected')
    const request = await h.cases.findCase('service-request', id)
    expect(request?.status).toBe('closed')
    expect(request?.data.closureCode).toBe('rejected')
    const told = await h.notifications.listFor({ username: 'customer', groups: [] })
    expect(told.some((n) => n.caseId === id && n.template === 'request-rejected')).toBe(true)
  })

  it('8.1: without approval, a rejected fulfilment is redone; the fulfilment target escalates; unanswered requests auto-close #8.1-e', async () => {
    const { id, instance } = await h.open('service-request', { title: 'Password reset', requester: 'customer' })
    await h.armed(instance, 'Timer_FulfilmentTargetBreached')
    expect(await h.hasCompleted(instance, 'Task_ApproveRequest')).toBe(false)
    await h.advance(4 * DAY)
    await h.reached(instance, 'EndEvent_DelayNotified')
    await h.complete(instance, 'Task_FulfilRequest', { fulfilmentNotes: 'Reset' })
    await h.complete(instance, 'Task_ConfirmFulfilment', { fulfilmentConfirmed: false })
    await h.complete(instance, 'Task_FulfilRequest', { fulfilmentNotes: 'Reset again' })
    await h.armed(instance, 'Timer_AutoCloseUnconfirmed')
    await h.advance(3 * DAY + HOUR)
    await h.reached(instance, 'EndEvent_RequestClosed')
    const request = await h.cases.findCase('service-request', id)
    expect(request?.status).toBe('closed')
    expect(request?.data.closureCode).toBe('unconfirmed')
    const breach = await h.database.db.selectFrom('sla_breaches').select('target').where('case_id', '=', id).execute()
    expect(breach).toEqual([{ target: 'resolution' }])
  })
})
