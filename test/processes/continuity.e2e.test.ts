/**
 * continuity-test.bpmn and continuity and availability (ISO/IEC 20000-1 6.3) end to end through
 * HTTP: requirements per service derived from the risk register (6.3.1), the continuity and
 * availability plan as a controlled document (6.3.2), its tests at planned intervals, on request
 * and after a change with major impact (6.3.3), its invocation during a major incident, and
 * availability measured from outages and incidents against the target (6.3.3), checked against
 * an independent minute-by-minute count.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TaskView } from '../../server/src/inbox/task-model'
import type { ContinuityTest } from '../../server/src/delivery/continuity/continuity-model'
import type { ServiceAvailability } from '../../server/src/delivery/continuity/availability.service'
import { testDatabaseTargets } from '../support/databases'
import { acceptedDesign, plannedWindow, startHarness, type Harness } from './harness'

const DAY = 24 * 3_600_000
const MIN = 60_000

describe.each(testDatabaseTargets())('continuity and availability on $kind (6.3)', (target) => {
  let h: Harness
  let serviceId: string
  let riskId: string
  let planId: string

  beforeAll(async () => {
    h = await startHarness(target)
    serviceId = (await h.record('service', { name: 'Payments', ownerGroup: 'network' })).id
    const risk = await (await h.as('smsmgr')).post<{ id: string }>('/sms/risks', {
      title: 'Loss of the primary data centre',
      category: 'continuity',
      likelihood: 2,
      impact: 5,
      owner: 'smsmgr',
      treatmentOption: 'reduce',
      links: { services: [serviceId] },
    })
    expect(risk.status, JSON.stringify(risk.body)).toBe(201)
    riskId = risk.body.id
  })
  afterAll(async () => {
    await h?.stop()
  })

  /** A continuity plan, effective under document control (author smsmgr, approver smsmgr2). */
  const effectivePlan = async (title: string) => {
    const mgr = await h.as('smsmgr')
    const doc = await mgr.post<{ id: string }>('/sms/documents', {
      kind: 'continuity-plan',
      title,
      data: {
        continuityPlan: {
          services: [serviceId],
          procedures: 'Fail over to the second site',
          targets: [{ serviceId, availabilityPercent: 99.5, rtoMinutes: 60, rpoMinutes: 15 }],
          recovery: 'Restore from the replica',
          returnToNormal: 'Fail back at night',
          contacts: [{ name: 'Nico Network', role: 'service owner', phone: '+44 1' }],
        },
      },
    })
    expect(doc.status, JSON.stringify(doc.body)).toBe(201)
    expect((await mgr.post(`/sms/documents/${doc.body.id}/submit`, {})).status).toBe(200)
    expect((await (await h.as('smsmgr2')).post(`/sms/documents/${doc.body.id}/approve`, {})).status).toBe(200)
    expect((await mgr.post(`/sms/documents/${doc.body.id}/effective`, {})).status).toBe(200)
    return doc.body.id
  }

  const testTask = (testId: string) =>
    h.until(`the tasks of ${testId}`, async () => {
      const res = await (await h.as('network')).get<{ items: TaskView[] }>(`/tasks?view=groups&caseId=${testId}`)
      return res.body.items[0]
    })
  const testOf = async (id: string) =>
    (await (await h.as('auditor')).get<ContinuityTest>(`/continuity/tests/${id}`)).body
  const runTest = async (instance: string, recoveryMinutes: number, result: string) => {
    await h.complete(instance, 'Task_PlanContinuityTest', { scenario: 'Primary site lost', successCriteria: 'Recovered within RTO' }, 'network')
    await h.complete(instance, 'Task_RunContinuityTest', { stepsPerformed: 'Failed over', recoveryMinutes }, 'network')
    await h.complete(instance, 'Task_RecordTestResults', { result, findings: 'as observed' }, 'network')
  }

  it('6.3.1, 6.3.2: requirements per service come from the risk register; the plan is a controlled document with its sections', async () => {
    // given a risk not linked to the service
    const other = await (await h.as('smsmgr')).post<{ id: string }>('/sms/risks', {
      title: 'Unrelated', category: 'sms', likelihood: 1, impact: 1, owner: 'smsmgr', treatmentOption: 'accept',
    })
    const owner = await h.as('network')
    // when the requirements name no risk of the service, or a risk that does not exist
    const unlinked = await owner.put(`/continuity/requirements/${serviceId}`, { availabilityTarget: 99.5, rtoMinutes: 60, rpoMinutes: 15, riskIds: [other.body.id] })
    const missing = await owner.put(`/continuity/requirements/${serviceId}`, { availabilityTarget: 99.5, rtoMinutes: 60, rpoMinutes: 15, riskIds: ['RSK-999999'] })
    // then they are refused, naming why
    expect(unlinked.status).toBe(422)
    expect(JSON.stringify(unlinked.body)).toContain('risk assessment')
    expect(missing.status).toBe(422)
    // and only the service owner (or an SMS manager) sets them; customers see nothing
    const body = { availabilityTarget: 99.5, rtoMinutes: 60, rpoMinutes: 15, riskIds: [riskId] }
    expect((await (await h.as('desk')).put(`/continuity/requirements/${serviceId}`, body)).status).toBe(403)
    expect((await (await h.as('customer')).get('/continuity/requirements')).status).toBe(403)
    // when the service owner sets them from the risk
    const set = await owner.put<{ risks: { id: string; score: number }[]; version: number }>(`/continuity/requirements/${serviceId}`, body)
    expect(set.status, JSON.stringify(set.body)).toBe(200)
    expect(set.body.risks).toEqual([expect.objectContaining({ id: riskId, score: 10 })])
    // a change needs the version read
    expect((await owner.put(`/continuity/requirements/${serviceId}`, { ...body, rtoMinutes: 30 })).status).toBe(400)
    // and the plan is a controlled document: a plan without contacts is refused
    const bad = await (await h.as('smsmgr')).post('/sms/documents', {
      kind: 'continuity-plan', title: 'x',
      data: { continuityPlan: { services: [serviceId], procedures: 'p', targets: [], recovery: 'r', returnToNormal: 'n', contacts: [] } },
    })
    expect(bad.status).toBe(400)
    planId = await effectivePlan('Payments continuity and availability plan')
    const scheduled = await owner.put<{ effectiveVersion: number; nextTestAt: string }>(`/continuity/plans/${planId}`, {
      services: [serviceId], ownerGroup: 'network', testIntervalDays: 90, nextTestAt: new Date(h.clock.now() - MIN).toISOString(),
    })
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(200)
    expect(scheduled.body.effectiveVersion).toBe(1)
    // a document of another kind is no continuity plan
    const policy = await (await h.as('smsmgr')).post<{ id: string }>('/sms/documents', { kind: 'policy', title: 'Policy', content: 'x' })
    expect((await owner.put(`/continuity/plans/${policy.body.id}`, { services: [serviceId], ownerGroup: 'network', testIntervalDays: 90 })).status).toBe(422)
  })

  it('6.3.3: the daily check tests a plan at its planned interval; the service owner plans, runs and records it; it passes within the RTO', async () => {
    // when a day passes (the plan's test date has come)
    await h.advance(DAY + MIN)
    const task = await testTask((await h.until('a scheduled test', async () =>
      (await (await h.as('network')).get<{ items: ContinuityTest[] }>(`/continuity/tests?planId=${planId}`)).body.items.find((t) => t.reason === 'scheduled'),
    )).id)
    const instance = task.processInstanceKey
    await runTest(instance, 45, 'passed')
    // then the test took the passing path and is recorded with its plan, run and results
    await h.reached(instance, 'EndEvent_TestsDone')
    for (const el of ['Task_FindPlansDueForTest', 'Gateway_MergeTestStarts', 'Task_RecordContinuityTest', 'EndEvent_TestPassed']) {
      expect(await h.hasCompleted(instance, el), el).toBe(true)
    }
    const test = await testOf(task.caseId!)
    expect(test).toMatchObject({ status: 'completed', result: 'passed', reason: 'scheduled', processInstanceKey: instance })
    expect(test.run).toMatchObject({ recoveryMinutes: 45 })
    expect(test.results).toMatchObject({ rtoMet: true, findings: 'as observed' })
    // and the next test is planned an interval ahead
    const plans = (await (await h.as('auditor')).get<{ items: { documentId: string; nextTestAt: string; lastTest: { id: string } }[] }>('/continuity/plans')).body.items
    const plan = plans.find((p) => p.documentId === planId)!
    expect(Date.parse(plan.nextTestAt)).toBeGreaterThan(h.clock.now() + 89 * DAY)
    expect(plan.lastTest.id).toBe(test.id)
    const trail = await h.trail({ entityId: test.id })
    expect(trail.map((e) => e.action)).toEqual(['continuity-test.opened', 'continuity-test.recorded'])
    expect(trail[1]).toMatchObject({ actor: 'network' })
  })

  it('6.3.3: a test the service owner asks for that misses the RTO gets agreed actions', async () => {
    // when the service owner starts a test (someone else may not)
    expect((await (await h.as('desk')).post(`/continuity/plans/${planId}/tests`, {})).status).toBe(403)
    const started = await (await h.as('network')).post<ContinuityTest>(`/continuity/plans/${planId}/tests`, {})
    expect(started.status, JSON.stringify(started.body)).toBe(201)
    const instance = (await testTask(started.body.id)).processInstanceKey
    // and the recovery takes longer than the 60-minute RTO although the team called it passed
    await runTest(instance, 90, 'passed')
    await h.complete(instance, 'Task_AgreeContinuityActions', { actions: 'Automate fail-over', actionOwner: 'network', actionsDue: '2027-01-31' }, 'network')
    // then the path went through the actions and the test records them
    await h.reached(instance, 'EndEvent_TestsDone')
    for (const el of ['StartEvent_TestRequested', 'Task_AgreeContinuityActions', 'Task_RecordContinuityActions', 'EndEvent_ActionsAgreed']) {
      expect(await h.hasCompleted(instance, el), el).toBe(true)
    }
    expect(await h.hasCompleted(instance, 'Task_FindPlansDueForTest')).toBe(false)
    const test = await testOf(started.body.id)
    expect(test).toMatchObject({ status: 'completed', result: 'partial', reason: 'requested' })
    expect(test.results).toMatchObject({ rtoMet: false })
    expect(test.actions).toMatchObject({ actions: 'Automate fail-over', actionOwner: 'network' })
  })

  it('6.3.3, 9.2: a change with major impact on the service re-tests its plan', async () => {
    // given a major change (a service removal is always major) on the service
    const { id, instance } = await h.open('change', { title: 'Move payments to new platform', serviceId, data: { scope: 'Payments' } })
    await h.complete(instance, 'Task_ClassifyChange', { changeType: 'normal', changeNature: 'ci-change', potentialMajorImpact: true })
    const transition = await acceptedDesign(h, id)
    await h.complete(instance, 'Task_AssessChange', { riskLevel: 'medium', securityRisk: 'low', estimatedCost: 1, remediationPlan: 'r' })
    await h.complete(instance, 'Task_CabDecision', { riskAssessment: 'r', impactOnServices: 'i', businessBenefit: 'b', technicalFeasibility: 't', financialImpact: 'f', approved: true, decisionRationale: 'ok' })
    await h.complete(instance, 'Task_ScheduleChange', plannedWindow(h))
    await h.complete(instance, 'Task_BuildAndTestChange', { buildNotes: 'b', testResult: 'passed' })
    const releaseId = await h.until('the release', async () => (await h.cases.linksOf('change', id)).find((l) => l.fromKind === 'release')?.fromId)
    const release = await h.instanceOf('release', releaseId)
    await h.complete(release, 'Task_RecordReleaseScope', { releaseType: 'major' })
    await h.complete(release, 'Task_PlanRelease', { plannedDeployment: '2026-12-01T10:00', deliverables: 'd', deploymentMethod: 'automated', acceptanceCriteria: 'a', backOutPlan: 'b', measurementPeriod: 'P7D' })
    await h.complete(release, 'Task_BuildRelease', { buildNotes: 'b', buildVersion: '2' })
    await h.complete(release, 'Task_AcceptanceTest', { testEnvironment: 'UAT', testResults: 'ok', acceptanceCriteriaMet: true })
    await h.complete(release, 'Task_ApproveRelease', { approved: true })
    await h.complete(release, 'Task_DeployRelease', { deployedAt: '2026-12-01T10:00', deploymentNotes: 'ok' })
    await h.complete(release, 'Task_VerifyDeployment', { deploymentVerified: true, verificationNotes: 'ok' })
    // when the change is implemented
    await h.task(instance, 'Task_PostImplementationReview')
    expect(await h.hasCompleted(instance, 'Task_RequestContinuityRetest')).toBe(true)
    // then a re-test of the plan runs, naming the change
    const retest = await h.until('the re-test', async () =>
      (await (await h.as('network')).get<{ items: ContinuityTest[] }>(`/continuity/tests?planId=${planId}`)).body.items.find((t) => t.changeId === id),
    )
    expect(retest.reason).toBe('major-change')
    const testInstance = (await testTask(retest.id)).processInstanceKey
    await runTest(testInstance, 30, 'passed')
    await h.reached(testInstance, 'EndEvent_TestPassed')
    await h.complete(instance, 'Task_PostImplementationReview', { objectivesMet: true, reviewNotes: 'ok' })
    await h.reached(instance, 'EndEvent_ChangeClosed')
    await h.complete(transition.instance, 'Task_ReportTransitionOutcome', { criteriaMet: 'met', outcomeReport: 'ok' })
    await h.reached(transition.instance, 'EndEvent_TransitionReported')
    // the release ends after its measurement period (9.3)
    await h.advance(8 * DAY)
    await h.until('the release to end', async () => (await h.hasCompleted(release, 'release')) || undefined)
  })

  it('6.3.2: the plan is invoked during a major incident on its service, not for other incidents', async () => {
    // given a major incident on the service (priority 1, impact 1) and a minor one
    const major = await (await h.as('desk')).post<{ id: string }>('/incidents', { title: 'Payments down', serviceId, data: { description: 'd', impact: 1, urgency: 1 } })
    const minor = await (await h.as('desk')).post<{ id: string }>('/incidents', { title: 'Slow report', serviceId, data: { description: 'd', impact: 3, urgency: 3 } })
    expect(major.status, JSON.stringify(major.body)).toBe(201)
    const majorInstance = await h.instanceOf('incident', major.body.id)
    await h.complete(majorInstance, 'Task_ClassifyIncident', { serviceId, category: 'software', impact: 1, urgency: 1, assignedGroup: 'service-desk' }, 'desk')
    await h.until('the major incident decision', async () => (await h.cases.findCase('incident', major.body.id))?.data.major === true || undefined)
    // when the plans applying to the major incident are asked for
    const applies = await (await h.as('desk')).get<{ major: boolean; plans: { documentId: string }[] }>(`/continuity/incidents/${major.body.id}/plans`)
    expect(applies.body.plans.map((p) => p.documentId)).toEqual([planId])
    // then the plan is invoked for the major incident, and refused for the minor one
    const invoked = await (await h.as('desk')).post<{ invocations: { planId: string; invokedBy: string }[] }>(`/continuity/plans/${planId}/invocations`, { incidentId: major.body.id, notes: 'Fail over now' })
    expect(invoked.status, JSON.stringify(invoked.body)).toBe(201)
    expect(invoked.body.invocations).toEqual([expect.objectContaining({ planId, invokedBy: 'desk' })])
    const refused = await (await h.as('desk')).post(`/continuity/plans/${planId}/invocations`, { incidentId: minor.body.id })
    expect(refused.status).toBe(422)
    expect((await h.trail({ entityId: major.body.id })).map((e) => e.action)).toContain('incident.continuity-plan-invoked')
    // the incidents' procedures are not this test's subject
    for (const inc of [major.body.id, minor.body.id]) {
      await h.server.zeebe.cancelProcessInstance(await h.instanceOf('incident', inc))
    }
  })

  it('6.3.3: availability per service and period from outages and major incidents equals an independent count', async () => {
    // given a fresh service with a 99.9 % target and a period of 30 days ending now
    const svc = (await h.record('service', { name: 'Ledger', ownerGroup: 'network' })).id
    await (await h.as('smsmgr')).patch(`/sms/risks/${riskId}`, { version: (await (await h.as('smsmgr')).get<{ version: number }>(`/sms/risks/${riskId}`)).body.version, links: { services: [serviceId, svc] } })
    const owner = await h.as('network')
    expect((await owner.put(`/continuity/requirements/${svc}`, { availabilityTarget: 99.9, rtoMinutes: 60, rpoMinutes: 15, riskIds: [riskId] })).status).toBe(200)
    const to = Math.floor(h.clock.now() / MIN) * MIN
    const from = to - 30 * DAY
    const at = (m: number) => new Date(from + m * MIN).toISOString()
    // outages: unplanned 120 min, an overlapping unplanned 60 min (30 of them overlapping), a
    // planned 240 min (not counted), one starting before the period (only its part inside counts)
    const outages = [
      { startedAt: at(1000), endedAt: at(1120), planned: false },
      { startedAt: at(1090), endedAt: at(1150), planned: false },
      { startedAt: at(5000), endedAt: at(5240), planned: true },
      { startedAt: new Date(from - 30 * MIN).toISOString(), endedAt: at(45), planned: false },
    ]
    for (const o of outages) {
      const res = await owner.post('/availability/outages', { serviceId: svc, ...o, description: 'x' })
      expect(res.status, JSON.stringify(res.body)).toBe(201)
    }
    // an outage may not end before it starts; only the owner records them
    expect((await owner.post('/availability/outages', { serviceId: svc, startedAt: at(10), endedAt: at(5), planned: false })).status).toBe(422)
    expect((await (await h.as('desk')).post('/availability/outages', { serviceId: svc, startedAt: at(10), planned: false })).status).toBe(403)
    // when availability of the period is measured
    const res = await (await h.as('auditor')).get<{ items: ServiceAvailability[] }>(`/availability?serviceId=${svc}&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    const measured = res.body.items[0]!
    // then it equals an independent minute-by-minute count of unplanned downtime
    const down = new Set<number>()
    for (const o of outages.filter((x) => !x.planned)) {
      for (let t = Math.max(Date.parse(o.startedAt), from); t < Date.parse(o.endedAt); t += MIN) down.add(t)
    }
    const periodMinutes = (to - from) / MIN
    const expected = Math.round(((periodMinutes - down.size) / periodMinutes) * 100_000) / 1000
    expect(measured.downtimeMinutes).toBe(down.size)
    expect(measured.plannedDowntimeMinutes).toBe(240)
    expect(measured.availability).toBe(expected)
    expect(measured).toMatchObject({ target: 99.9, met: expected >= 99.9 })
    expect(down.size).toBe(195)
  })
})
