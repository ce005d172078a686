/**
 * service-transition.bpmn (ISO/IEC 20000-1 clause 5) end to end through HTTP, as the roles work
 * it: the change management policy classes a change as a new service, a service removal or a
 * change with potential major impact (5.1); the change opens a service design and transition and
 * waits; change managers plan it (5.2) and design it (5.3), the CAB reviews the design at a gate
 * (someone other than its planner and designer, the customer named among those who accept it);
 * only the accepted design goes on through the change and its release (5.4, 9.2, 9.3), and after
 * the transition the outcome is reported against the acceptance criteria (5.4). An emergency
 * change with major impact comes back to it after its implementation (its design reviewed and
 * its outcome reported); a removal or transfer cannot be planned without its removal plan (5.2);
 * an overdue step is escalated to the change managers, and the requester may withdraw the
 * transition until its design is accepted. The path (element ids in order) and the record after
 * each step are asserted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { completedPath } from '../../engine/test-support'
import { testDatabaseTargets } from '../support/databases'
import { cabDecision, startHarness, type Harness } from './harness'

const DAY = 24 * 3_600_000

interface Transition {
  id: string
  version: number
  status: string
  serviceId: string | null
  assignedGroup: string | null
  data: Record<string, unknown>
  statusHistory: { to: string; elementId: string | null }[]
  links: { fromKind: string; fromId: string; toKind: string; toId: string; linkType: string }[]
}
interface Change {
  id: string
  status: string
  requester: string | null
  data: Record<string, unknown>
}

const plan = {
  requirements: 'Customers reset their own passwords and follow their requests on the portal, 24x7.',
  responsibilities: 'Change manager: plan and transition; web team: build; service desk: operation.',
  otherParties: 'Hosting supplier provides the platform; the customer tests with ten users.',
  communication: 'Customers told two weeks ahead by e-mail; service desk briefed a week ahead.',
  resources: 'Two developers for six weeks, one tester, the hosting platform.',
  budget: '40 000 EUR build, 500 EUR a month to run.',
  timescales: 'Design in January, build in February, go-live on 1 March.',
  risks: 'Identity provider outage (medium): fall back to the service desk.',
  dependencies: 'Identity service, incident management.',
  testApproach: 'Functional tests, load test at 200 users, pilot with the customer.',
  acceptanceCriteria: 'Password reset works for 99 % of attempts; pilot users accept.',
  expectedOutcomes: 'Service desk password calls down by 50 % in the first quarter.',
  smsImpact: 'Request fulfilment procedure and catalogue updated; one new SLA target.',
}
const design = {
  designDocument: 'Portal on the hosting platform, SSO through the identity service; desk trained.',
  slaChanges: 'SLA "Self-service portal": 99.5 % availability, reset within 1 minute.',
  catalogueChanges: 'New catalogue entry "Self-service portal".',
  contractChanges: 'Hosting contract extended by the portal instance.',
  cmdbChanges: 'New CI "Portal web app".',
  continuityChanges: 'Portal added to the continuity plan of the identity service.',
}

describe.each(testDatabaseTargets())('service design and transition (clause 5) on $kind', (target) => {
  let h: Harness

  beforeAll(async () => {
    h = await startHarness(target)
  })
  afterAll(async () => {
    await h?.stop()
  })

  const transitionOf = async (id: string, as = 'change') => {
    const res = await (await h.as(as)).get<Transition>(`/service-transitions/${id}`)
    expect(res.status).toBe(200)
    return res.body
  }
  const changeOf = async (id: string) => (await (await h.as('change')).get<Change>(`/changes/${id}`)).body
  /** The flow nodes an instance completed, in order (the process itself left out). */
  const pathOf = async (instance: string, bpmnProcessId: string) =>
    (await completedPath(h.engine.engine, instance)).filter((e) => e !== bpmnProcessId)

  /** A change recorded and classified; returns it with the transition it opened. */
  const majorChange = async (title: string, serviceId: string, classification: Record<string, unknown>) => {
    const { id, instance } = await h.open('change', { title, serviceId, data: { scope: title } })
    await h.complete(instance, 'Task_ClassifyChange', { changeType: 'normal', ...classification })
    await h.until('the change to wait for the accepted design', async () =>
      (await pathOf(instance, 'change')).includes('Task_StartServiceTransition') || undefined,
    )
    const transitionId = await h.until('the transition on the change', async () => {
      const v = (await changeOf(id)).data.serviceTransitionId
      return typeof v === 'string' ? v : undefined
    })
    return { id, instance, transitionId, transition: await h.instanceOf('service-transition', transitionId) }
  }

  it('#5.1-1 #5.1-2 #5.2-1 #5.2-i #5.3-1 #5.4-3 #5.4-4: a new service is planned, designed, accepted at the gate, transitioned through change and release and reported against its acceptance criteria', async () => {
    // given: a new service in the pipeline
    const serviceId = (await h.record('service', { name: 'Self-service portal', ownerGroup: 'service-desk' })).id

    // when: the change for it is classed a new service with potential major impact (5.1)
    const { id, instance, transitionId, transition } = await majorChange('Launch the self-service portal', serviceId, {
      changeNature: 'new-service',
      potentialMajorImpact: true,
    })

    // then: the policy decided; the change opened a transition, linked to it, and waits for its design
    const opened = await changeOf(id)
    expect(opened.data).toMatchObject({ majorImpact: true, changeNature: 'new-service', serviceTransitionId: transitionId })
    // 5.1: naming no requester, the change is requested by whoever raised it (who may withdraw it)
    expect(opened.requester).toBe('change')
    expect(await pathOf(instance, 'change')).toEqual(
      expect.arrayContaining(['Task_ApplyChangePolicy', 'Gateway_ChangeClass', 'Gateway_IsMajorImpact', 'Task_StartServiceTransition']),
    )
    expect(await h.hasCompleted(instance, 'Receive_ServiceDesignAccepted')).toBe(false)
    let record = await transitionOf(transitionId)
    expect(record).toMatchObject({
      status: 'new',
      serviceId,
      assignedGroup: 'change-managers',
      data: { changeId: id, transitionType: 'new-service', scope: 'Launch the self-service portal' },
    })
    expect(record.links).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ fromKind: 'service-transition', fromId: transitionId, toKind: 'change', toId: id, linkType: 'raised-from' }),
      ]),
    )
    // nobody opens one by hand: the change does (5.1)
    expect((await (await h.as('change')).post('/service-transitions', { title: 'x' })).status).toBe(403)

    // when: change managers plan it (5.2); the plan task shows the change it serves
    const planTask = await h.task(transition, 'Task_PlanServiceTransition')
    const shown = await (await h.as('change')).get<{ context: { field: string }[] }>(`/tasks/${planTask.id}`)
    expect(shown.body.context.map((c) => c.field)).toEqual(expect.arrayContaining(['changeId', 'transitionType']))
    await h.complete(transition, 'Task_PlanServiceTransition', plan, 'change')
    // then: the plan is on the record
    record = await transitionOf(transitionId)
    expect(record.status).toBe('planned')
    expect(record.data).toMatchObject(plan)

    // when: they design it (5.3)
    await h.complete(transition, 'Task_DesignService', { ...design, slaChanges: 'To be agreed' }, 'change')
    record = await transitionOf(transitionId)
    expect(record.status).toBe('designed')
    expect(record.data.slaChanges).toBe('To be agreed')

    // when: the CAB does not accept it: the SLA is not designed yet
    await h.complete(transition, 'Task_ReviewDesign', {
      designAccepted: false,
      reviewedBy: 'Cam CAB-Member (CAB), Cora Customer (customer)',
      customerAccepted: false,
      reviewNotes: 'The SLA targets must be designed before acceptance.',
    }, 'cab')
    // then: it is designed again, with the findings shown; the change still waits
    const again = await h.task(transition, 'Task_DesignService')
    const againShown = await (await h.as('change')).get<{ context: { field: string; value: unknown }[] }>(`/tasks/${again.id}`)
    expect(againShown.body.context).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'reviewNotes', value: 'The SLA targets must be designed before acceptance.' })]),
    )
    record = await transitionOf(transitionId)
    expect(record.data).toMatchObject({ designAccepted: false, customerAccepted: false })
    expect(await h.hasCompleted(instance, 'Receive_ServiceDesignAccepted')).toBe(false)

    // when: designed with the SLA and the catalogue entry carried by the change (6.1, 9.2)
    const edit = await (await h.as('change')).post(`/changes/${id}/record-edits`, {
      targetKind: 'service',
      targetId: serviceId,
      patch: { description: 'Self-service portal: password reset and request follow-up, 24x7.' },
    })
    expect(edit.status, JSON.stringify(edit.body)).toBe(201)
    await h.complete(transition, 'Task_DesignService', design, 'change')
    await h.complete(transition, 'Task_ReviewDesign', {
      designAccepted: true,
      reviewedBy: 'Cam CAB-Member (CAB), Cora Customer (customer)',
      customerAccepted: true,
      reviewNotes: 'Accepted.',
    }, 'cab')

    // then: the transition is in progress and the change carries the accepted plan and design
    await h.reached(instance, 'Receive_ServiceDesignAccepted')
    record = await transitionOf(transitionId)
    expect(record.status).toBe('in-transition')
    expect(record.data).toMatchObject({ designAccepted: true, customerAccepted: true, slaChanges: design.slaChanges })
    const carried = await changeOf(id)
    expect(String(carried.data.plan)).toContain(plan.budget)
    expect(String(carried.data.design)).toContain(design.catalogueChanges)
    expect(String(carried.data.acceptanceCriteria)).toContain(plan.acceptanceCriteria)
    expect(carried.data.testPlan).toBe(plan.testApproach)

    // when: the change goes through assessment, the CAB, build and test and its release (5.4)
    await h.complete(instance, 'Task_AssessChange', { riskLevel: 'medium', securityRisk: 'low', estimatedCost: 40000, remediationPlan: 'Switch the portal off' })
    await h.complete(instance, 'Task_CabDecision', cabDecision(true, 'Design accepted; go ahead'))
    await h.complete(instance, 'Task_ScheduleChange', { plannedStart: '2027-03-01T06:00', plannedEnd: '2027-03-01T08:00' })
    await h.complete(instance, 'Task_BuildAndTestChange', { buildNotes: 'Built to the design', testResult: 'passed' })
    const releaseId = await h.until('the release', async () => (await h.cases.linksOf('change', id)).find((l) => l.fromKind === 'release')?.fromId)
    const release = await h.instanceOf('release', releaseId)
    await h.complete(release, 'Task_RecordReleaseScope', { releaseType: 'major' })
    await h.complete(release, 'Task_PlanRelease', {
      plannedDeployment: '2027-03-01T06:00',
      deliverables: 'Portal 1.0',
      deploymentMethod: 'phased',
      acceptanceCriteria: plan.acceptanceCriteria,
      backOutPlan: 'Switch the portal off',
      measurementPeriod: 'P7D',
    })
    await h.complete(release, 'Task_BuildRelease', { buildNotes: 'b', buildVersion: '1.0' })
    await h.complete(release, 'Task_AcceptanceTest', { testEnvironment: 'UAT', testResults: '99.6 % resets succeeded; pilot accepted', acceptanceCriteriaMet: true })
    await h.complete(release, 'Task_ApproveRelease', { approved: true })
    await h.complete(release, 'Task_DeployRelease', { deployedAt: '2027-03-01T06:30', deploymentNotes: 'ok' })
    await h.complete(release, 'Task_VerifyDeployment', { deploymentVerified: true, verificationNotes: 'ok' })
    await h.complete(instance, 'Task_PostImplementationReview', { objectivesMet: true, reviewNotes: 'ok' })
    await h.reached(instance, 'EndEvent_ChangeClosed')
    // the catalogue entry changed with the implementation, not before (6.1, 9.2)
    expect((await h.cases.find('service', serviceId))?.description).toBe('Self-service portal: password reset and request follow-up, 24x7.')

    // then: the outcome is reported against the acceptance criteria (5.4)
    const reportTask = await h.task(transition, 'Task_ReportTransitionOutcome')
    const reportShown = await (await h.as('change')).get<{ context: { field: string }[] }>(`/tasks/${reportTask.id}`)
    expect(reportShown.body.context.map((c) => c.field)).toEqual(expect.arrayContaining(['acceptanceCriteria', 'expectedOutcomes']))
    await h.complete(transition, 'Task_ReportTransitionOutcome', {
      criteriaMet: 'met',
      outcomeReport: 'Resets succeed for 99.6 % of attempts; pilot users accepted; desk calls down 35 % after a month.',
      deviations: 'Go-live a week late.',
      lessonsLearned: 'Design the SLA with the plan.',
    }, 'change')
    await h.reached(transition, 'EndEvent_TransitionReported')

    // then: closed as transitioned, each step on the record with its element, in order
    record = await transitionOf(transitionId)
    expect(record.status).toBe('closed')
    expect(record.data).toMatchObject({ criteriaMet: 'met', closureCode: 'transitioned', lessonsLearned: 'Design the SLA with the plan.' })
    expect(record.statusHistory.map((s) => [s.to, s.elementId])).toEqual([
      ['planned', 'Task_PlanServiceTransition'],
      ['designed', 'Task_DesignService'],
      ['in-transition', 'Task_AcceptServiceDesign'],
      ['reported', 'Task_ReportTransitionOutcome'],
      ['closed', 'Task_CloseServiceTransition'],
    ])
    expect(await pathOf(transition, 'service-transition')).toEqual([
      'StartEvent_TransitionRequested',
      'Gateway_IsRetrospective',
      'Task_PlanServiceTransition',
      'Gateway_MergeToDesign',
      'Task_DesignService',
      'Task_ReviewDesign',
      'Gateway_IsDesignAccepted',
      'Gateway_MergeToDesign',
      'Task_DesignService',
      'Task_ReviewDesign',
      'Gateway_IsDesignAccepted',
      'Gateway_IsAlreadyImplemented',
      'Task_AcceptServiceDesign',
      'Receive_RfcOutcome',
      'Gateway_WasChangeImplemented',
      'Gateway_MergeToReport',
      'Task_ReportTransitionOutcome',
      'Task_CloseServiceTransition',
      'EndEvent_TransitionReported',
    ])
    const changePath = await pathOf(instance, 'change')
    expect(changePath.slice(changePath.indexOf('Gateway_IsMajorImpact'), changePath.indexOf('Task_AssessChange') + 1)).toEqual([
      'Gateway_IsMajorImpact',
      'Task_StartServiceTransition',
      'Receive_ServiceDesignAccepted',
      'Gateway_MergeMajorImpact',
      'Task_AssessChangeImpact',
      'Task_AssessChange',
    ])
    const trail = await h.trail({ entityId: transitionId })
    expect(trail.filter((e) => e.action === 'service-transition.decided').length).toBeGreaterThanOrEqual(5)
    // the release ends after its measurement period (9.3)
    await h.advance(8 * DAY)
    await h.until('the release to end', async () => (await h.hasCompleted(release, 'release')) || undefined)
  })

  it('#5.1-2 #5.2-2: a service removal is always planned as a transition, its removal planned; the CAB rejecting the change ends it', async () => {
    // given: a live service to be removed
    const serviceId = (await h.record('service', { name: 'Fax gateway', ownerGroup: 'network' })).id
    // when: the change is classed a service removal, without the requester saying it is major
    const { id, instance, transitionId, transition } = await majorChange('Remove the fax gateway', serviceId, {
      changeNature: 'service-removal',
      potentialMajorImpact: false,
    })
    // then: the policy made it major (5.1) and the transition is a removal
    expect((await changeOf(id)).data.majorImpact).toBe(true)
    expect((await transitionOf(transitionId)).data.transitionType).toBe('service-removal')

    // when: the plan leaves out the removal (5.2: date, data, assets and agreements)
    const planTask = await h.task(transition, 'Task_PlanServiceTransition')
    const manager = await h.as('change')
    expect((await manager.post(`/tasks/${planTask.id}/claim`)).status).toBe(200)
    const refused = await manager.post(`/tasks/${planTask.id}/complete`, { data: plan })
    // then: refused with the field named; nothing is stored and the step stays open
    expect(refused.status).toBe(400)
    expect(JSON.stringify(refused.body)).toContain('removalPlan')
    expect((await transitionOf(transitionId)).status).toBe('new')
    expect((await transitionOf(transitionId)).data.requirements).toBeUndefined()
    expect((await h.task(transition, 'Task_PlanServiceTransition')).id).toBe(planTask.id)

    // when: the removal is planned: date, data, assets and agreements (5.2)
    const removalPlan = 'Off on 30 June; fax archive moved to the records store; gateway hardware retired; line contract ended.'
    await h.complete(transition, 'Task_PlanServiceTransition', { ...plan, removalPlan }, 'change')
    expect((await transitionOf(transitionId)).data.removalPlan).toBe(removalPlan)
    await h.complete(transition, 'Task_DesignService', design, 'change')
    await h.complete(transition, 'Task_ReviewDesign', { designAccepted: true, reviewedBy: 'CAB', customerAccepted: true, reviewNotes: 'ok' }, 'cab')
    await h.reached(instance, 'Receive_ServiceDesignAccepted')
    expect(String((await changeOf(id)).data.plan)).toContain(removalPlan)

    // when: the CAB rejects the change
    await h.complete(instance, 'Task_AssessChange', { riskLevel: 'high', securityRisk: 'low', estimatedCost: 1, remediationPlan: 'r' })
    await h.complete(instance, 'Task_CabDecision', cabDecision(false, 'Two customers still send faxes'))
    await h.reached(instance, 'EndEvent_ChangeRejected')

    // then: the transition ends rejected, with nothing reported as transitioned
    await h.reached(transition, 'EndEvent_TransitionNotApproved')
    const record = await transitionOf(transitionId)
    expect(record.status).toBe('rejected')
    expect(record.statusHistory.at(-1)).toMatchObject({ to: 'rejected', elementId: 'Task_SetStatusTransitionRejected' })
    expect(await pathOf(transition, 'service-transition')).toEqual([
      'StartEvent_TransitionRequested',
      'Gateway_IsRetrospective',
      'Task_PlanServiceTransition',
      'Gateway_MergeToDesign',
      'Task_DesignService',
      'Task_ReviewDesign',
      'Gateway_IsDesignAccepted',
      'Gateway_IsAlreadyImplemented',
      'Task_AcceptServiceDesign',
      'Receive_RfcOutcome',
      'Gateway_WasChangeImplemented',
      'Task_SetStatusTransitionRejected',
      'EndEvent_TransitionNotApproved',
    ])
  })

  /** The elements of the overdue-step escalation (5.2, 8.1), left out where the main path is compared. */
  const escalation = new Set([
    'Timer_PlanOverdue',
    'Timer_DesignOverdue',
    'Timer_ReviewOverdue',
    'Timer_ReportOverdue',
    'Gateway_MergeOverdue',
    'Task_EscalateOverdueStep',
    'EndEvent_OverdueStepEscalated',
  ])
  const escalationsOf = async (transitionId: string) =>
    (await h.notifications.listFor({ username: 'change', groups: ['change-managers'] })).filter(
      (n) => n.caseId === transitionId && n.template === 'escalation',
    ).length

  it('#5.1-1 #5.3-1 #5.4-4 #9.2-3: an emergency change with major impact comes back to design and transition after its implementation: the design as implemented is reviewed at the gate and the outcome reported', async () => {
    // given: a service and an emergency change with potential major impact, raised by the problem manager
    const serviceId = (await h.record('service', { name: 'Payments gateway', ownerGroup: 'network' })).id
    const { id, instance } = await h.open('change', {
      title: 'Move payments to the standby data centre',
      serviceId,
      requester: 'problem',
      data: { scope: 'payments' },
    })
    await h.complete(instance, 'Task_ClassifyChange', { changeType: 'emergency', changeNature: 'ci-change', potentialMajorImpact: true })

    // then: the emergency CAB decides at once; no design and transition holds it up (9.2)
    await h.task(instance, 'Task_EmergencyCabDecision')
    expect((await changeOf(id)).data).toMatchObject({ majorImpact: true })
    expect(await h.hasCompleted(instance, 'Task_StartServiceTransition')).toBe(false)

    // when: it is approved, built and released as an emergency, and reviewed (9.2, 9.3)
    await h.complete(instance, 'Task_EmergencyCabDecision', {
      riskAssessment: 'high',
      securityRisk: 'medium',
      remediationPlan: 'Switch back to the primary',
      approved: true,
      decisionRationale: 'Primary data centre failing',
    })
    await h.complete(instance, 'Task_BuildAndTestChange', { buildNotes: 'Standby prepared', testResult: 'passed' })
    const releaseId = await h.until('the release', async () => (await h.cases.linksOf('change', id)).find((l) => l.fromKind === 'release')?.fromId)
    const release = await h.instanceOf('release', releaseId)
    await h.complete(release, 'Task_RecordReleaseScope', { releaseType: 'emergency' })
    await h.complete(release, 'Task_PlanEmergencyRelease', { plannedDeployment: '2026-12-01T10:00', acceptanceCriteria: 'Payments flow', backOutPlan: 'Switch back' })
    await h.complete(release, 'Task_BuildRelease', { buildNotes: 'b', buildVersion: '1' })
    await h.complete(release, 'Task_AcceptanceTest', { testEnvironment: 'standby', testResults: 'Payments flow', acceptanceCriteriaMet: true })
    await h.complete(release, 'Task_ApproveRelease', { approved: true })
    await h.complete(release, 'Task_DeployRelease', { deployedAt: '2026-12-01T10:30', deploymentNotes: 'ok' })
    await h.complete(release, 'Task_VerifyDeployment', { deploymentVerified: true, verificationNotes: 'ok' })
    await h.complete(instance, 'Task_PostImplementationReview', { objectivesMet: true, reviewNotes: 'Payments back' })

    // then: the change closes and opens its design and transition after the fact (5.1)
    await h.reached(instance, 'EndEvent_ChangeClosedForReview')
    expect(await h.hasCompleted(instance, 'EndEvent_ChangeClosed')).toBe(false)
    const changePath = await pathOf(instance, 'change')
    expect(changePath.slice(changePath.indexOf('Task_NotifyRfcOutcome'))).toEqual([
      'Task_NotifyRfcOutcome',
      'Gateway_IsRetrospectiveTransition',
      'Task_StartRetrospectiveTransition',
      'EndEvent_ChangeClosedForReview',
    ])
    const transitionId = await h.until('the transition on the change', async () => {
      const v = (await changeOf(id)).data.serviceTransitionId
      return typeof v === 'string' ? v : undefined
    })
    const transition = await h.instanceOf('service-transition', transitionId)
    let record = await transitionOf(transitionId)
    expect(record).toMatchObject({ serviceId, data: { changeId: id, retrospective: true, rfcOutcome: 'implemented' } })
    // it reviews what is done: its requester cannot withdraw it
    expect((await (await h.as('problem')).post(`/service-transitions/${transitionId}/withdraw`, { reason: 'x' })).status).toBe(409)

    // when: change managers document the design as implemented (no plan: the change is done) (5.3)
    await h.complete(transition, 'Task_DesignService', design, 'change')
    expect(await h.hasCompleted(transition, 'Task_PlanServiceTransition')).toBe(false)
    // and: the review is not done in time: the change managers are told, the review goes on
    await h.armed(transition, 'Timer_ReviewOverdue')
    await h.advance(11 * DAY)
    await h.reached(transition, 'EndEvent_OverdueStepEscalated')
    expect((await transitionOf(transitionId)).data).toMatchObject({ escalationLevel: 'functional' })
    expect(await escalationsOf(transitionId)).toBe(1)
    // when: the CAB accepts the design at the gate (5.3)
    await h.complete(transition, 'Task_ReviewDesign', { designAccepted: true, reviewedBy: 'CAB after the fact', customerAccepted: true, reviewNotes: 'As built' }, 'cab')

    // then: the outcome is reported, not transitioned again; an overdue report is escalated too (5.4)
    await h.armed(transition, 'Timer_ReportOverdue')
    await h.advance(11 * DAY)
    await h.until('the overdue report escalated', async () => (await escalationsOf(transitionId)) === 2 || undefined)
    await h.complete(transition, 'Task_ReportTransitionOutcome', {
      criteriaMet: 'partly-met',
      outcomeReport: 'Payments run from the standby centre; capacity at 70 %.',
      deviations: 'No plan before the change (emergency).',
      lessonsLearned: 'Keep a standby runbook.',
    }, 'change')
    await h.reached(transition, 'EndEvent_TransitionReported')
    record = await transitionOf(transitionId)
    expect(record).toMatchObject({ status: 'closed', data: { closureCode: 'transitioned', criteriaMet: 'partly-met' } })
    expect(record.statusHistory.map((e) => e.elementId)).not.toContain('Task_AcceptServiceDesign')
    expect((await pathOf(transition, 'service-transition')).filter((e) => !escalation.has(e))).toEqual([
      'StartEvent_TransitionRequested',
      'Gateway_IsRetrospective',
      'Gateway_MergeToDesign',
      'Task_DesignService',
      'Task_ReviewDesign',
      'Gateway_IsDesignAccepted',
      'Gateway_IsAlreadyImplemented',
      'Gateway_MergeToReport',
      'Task_ReportTransitionOutcome',
      'Task_CloseServiceTransition',
      'EndEvent_TransitionReported',
    ])
    expect((await pathOf(transition, 'service-transition')).filter((e) => escalation.has(e))).toEqual(
      expect.arrayContaining(['Timer_ReviewOverdue', 'Timer_ReportOverdue', 'Gateway_MergeOverdue', 'Task_EscalateOverdueStep', 'EndEvent_OverdueStepEscalated']),
    )
  })

  it('#5.1-2 #5.2-1: an overdue step is escalated to the change managers; the requester withdraws the transition before its design is accepted and it closes withdrawn, with its change', async () => {
    // given: a change for a new service, raised by the problem manager, waiting for its design
    const serviceId = (await h.record('service', { name: 'Chat support', ownerGroup: 'service-desk' })).id
    const { id, instance } = await h.open('change', { title: 'Launch chat support', serviceId, requester: 'problem', data: { scope: 'chat' } })
    await h.complete(instance, 'Task_ClassifyChange', { changeType: 'normal', changeNature: 'new-service', potentialMajorImpact: true })
    await h.reached(instance, 'Task_StartServiceTransition')
    const transitionId = await h.until('the transition on the change', async () => {
      const v = (await changeOf(id)).data.serviceTransitionId
      return typeof v === 'string' ? v : undefined
    })
    const transition = await h.instanceOf('service-transition', transitionId)

    // when: the plan is not done within its time
    await h.armed(transition, 'Timer_PlanOverdue')
    await h.advance(11 * DAY)
    // then: the change managers are told and the record shows it; the plan step stays open (8.1)
    await h.reached(transition, 'EndEvent_OverdueStepEscalated')
    expect(await escalationsOf(transitionId)).toBe(1)
    expect((await transitionOf(transitionId)).data).toMatchObject({ escalationLevel: 'functional' })
    await h.task(transition, 'Task_PlanServiceTransition')

    // when: planned, but the design is overdue too
    await h.complete(transition, 'Task_PlanServiceTransition', plan, 'change')
    await h.armed(transition, 'Timer_DesignOverdue')
    await h.advance(11 * DAY)
    await h.until('the overdue design escalated', async () => (await escalationsOf(transitionId)) === 2 || undefined)

    // when: others try to withdraw it; then: only the change's requester may, with a reason
    const url = `/service-transitions/${transitionId}/withdraw`
    expect((await (await h.as('change')).post(url, { reason: 'Not needed' })).status).toBe(403)
    expect((await (await h.as('auditor')).post(url, { reason: 'Not needed' })).status).toBe(403)
    const requester = await h.as('problem')
    expect((await requester.post(url, { reason: ' ' })).status).toBe(400)
    expect((await transitionOf(transitionId)).status).toBe('planned')
    const withdrawn = await requester.post(url, { reason: 'The customer chose e-mail support instead.' })
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(202)

    // then: the transition closes withdrawn with who, when and why on the record (4.3.3)
    await h.reached(transition, 'EndEvent_TransitionClosedWithdrawn')
    const record = await transitionOf(transitionId)
    expect(record).toMatchObject({
      status: 'closed',
      data: { closureCode: 'withdrawn', withdrawnBy: 'problem', withdrawalReason: 'The customer chose e-mail support instead.' },
    })
    expect(typeof record.data.withdrawnAt).toBe('string')
    expect(record.statusHistory.at(-1)).toMatchObject({ to: 'closed', elementId: 'Task_WithdrawServiceTransition' })
    expect(await h.hasCompleted(transition, 'Task_DesignService')).toBe(false)
    const trail = await h.trail({ entityId: transitionId })
    expect(JSON.stringify(trail)).toContain('The customer chose e-mail support instead.')
    expect((await pathOf(transition, 'service-transition')).filter((e) => !escalation.has(e))).toEqual([
      'StartEvent_TransitionRequested',
      'Gateway_IsRetrospective',
      'Task_PlanServiceTransition',
      'Gateway_MergeToDesign',
      'StartEvent_TransitionWithdrawn',
      'Task_WithdrawServiceTransition',
      'EndEvent_TransitionClosedWithdrawn',
      'SubProcess_TransitionWithdrawn',
    ])
    // and: the change waiting for the design is withdrawn with it (9.2), and reports the outcome
    // to whoever raised it, so a problem waiting on it goes on (8.2)
    await h.reached(instance, 'EndEvent_ChangeWithdrawn')
    expect((await changeOf(id)).status).toBe('cancelled')
    const changePath = await pathOf(instance, 'change')
    expect(changePath).toEqual(
      expect.arrayContaining(['Message_ServiceDesignWithdrawn', 'Task_SetStatusWithdrawn', 'Task_NotifyRfcWithdrawn', 'EndEvent_ChangeWithdrawn']),
    )
    expect(changePath.indexOf('Task_NotifyRfcWithdrawn')).toBeGreaterThan(changePath.indexOf('Task_SetStatusWithdrawn'))
    expect(await h.hasCompleted(instance, 'Receive_ServiceDesignAccepted')).toBe(false)
    // a second withdrawal finds it closed
    expect((await requester.post(url, { reason: 'again' })).status).toBe(409)
  })

  /**
   * A change for a new service raised by the change manager for the problem manager, its
   * transition planned and designed, the review task claimed by the CAB: what races.
   */
  const atReview = async (title: string) => {
    const serviceId = (await h.record('service', { name: title, ownerGroup: 'service-desk' })).id
    const { id, instance } = await h.open('change', { title, serviceId, requester: 'problem', data: { scope: title } })
    await h.complete(instance, 'Task_ClassifyChange', { changeType: 'normal', changeNature: 'new-service', potentialMajorImpact: true })
    const transitionId = await h.until('the transition on the change', async () => {
      const v = (await changeOf(id)).data.serviceTransitionId
      return typeof v === 'string' ? v : undefined
    })
    const transition = await h.instanceOf('service-transition', transitionId)
    await h.complete(transition, 'Task_PlanServiceTransition', plan, 'change')
    await h.complete(transition, 'Task_DesignService', design, 'change')
    const review = await h.task(transition, 'Task_ReviewDesign')
    const cab = await h.as('cab')
    expect((await cab.post(`/tasks/${review.id}/claim`)).status).toBe(200)
    const requester = await h.as('problem')
    const withdrawal = await requester.get<{ mayWithdraw: boolean }>(`/service-transitions/${transitionId}/withdrawal`)
    expect(withdrawal.body.mayWithdraw).toBe(true)
    return {
      changeId: id,
      change: instance,
      transitionId,
      transition,
      accept: () => cab.post<{ message?: string; detail?: string }>(`/tasks/${review.id}/complete`, { data: { designAccepted: true, reviewedBy: 'CAB', customerAccepted: true, reviewNotes: 'ok' } }),
      withdraw: () => requester.post<{ message?: string; detail?: string }>(`/service-transitions/${transitionId}/withdraw`, { reason: 'No longer needed' }),
    }
  }
  /** The transition ended withdrawn, and its change with it (5.1, 9.2); never accepted. */
  const endedWithdrawn = async (r: Awaited<ReturnType<typeof atReview>>) => {
    await h.reached(r.transition, 'EndEvent_TransitionClosedWithdrawn')
    await h.reached(r.change, 'EndEvent_ChangeWithdrawn')
    const record = await transitionOf(r.transitionId)
    expect(record).toMatchObject({ status: 'closed', data: { closureCode: 'withdrawn', withdrawnBy: 'problem' } })
    expect(record.data.designAccepted).not.toBe(true)
    expect(await h.hasCompleted(r.transition, 'Task_AcceptServiceDesign')).toBe(false)
    expect((await changeOf(r.changeId)).status).toBe('cancelled')
  }
  /** The design was accepted and handed to the change (5.3, 9.2); no withdrawal is pending. */
  const endedAccepted = async (r: Awaited<ReturnType<typeof atReview>>) => {
    await h.reached(r.change, 'Receive_ServiceDesignAccepted')
    const record = await transitionOf(r.transitionId)
    expect(record).toMatchObject({ status: 'in-transition', data: { designAccepted: true } })
    expect(record.data.withdrawnBy).toBeUndefined()
    expect(await h.hasCompleted(r.transition, 'StartEvent_TransitionWithdrawn')).toBe(false)
    expect((await (await h.as('problem')).get<{ mayWithdraw: boolean }>(`/service-transitions/${r.transitionId}/withdrawal`)).body.mayWithdraw).toBe(false)
    await h.server.zeebe.cancelProcessInstance(r.transition)
    await h.server.zeebe.cancelProcessInstance(r.change)
  }

  it('#5.1-2 #5.3-1: a withdrawal and the acceptance of the design at the same moment: whichever comes first wins, the other gets 409, and the transition ends withdrawn or accepted, never both', async () => {
    // when: the requester withdraws just before the CAB accepts; then: the CAB is told it was withdrawn
    const first = await atReview('Kiosk support')
    expect((await first.withdraw()).status).toBe(202)
    const late = await first.accept()
    expect(late.status).toBe(409)
    // (refused on the record, or by the inbox once the procedure cancelled the review task)
    expect(JSON.stringify(late.body)).toMatch(/withdrawn by problem|no longer waits|cancelled/)
    await endedWithdrawn(first)

    // when: the CAB accepts just before the requester withdraws; then: the requester is told it was accepted
    const second = await atReview('Print support')
    expect((await second.accept()).status).toBe(200)
    const refused = await second.withdraw()
    expect(refused.status).toBe(409)
    expect(JSON.stringify(refused.body)).toMatch(/accepted at the gate/)
    await endedAccepted(second)

    // when: both at once; then: exactly one wins, and the transition ends the winner's way
    const third = await atReview('Fax support')
    const [withdrawn, accepted] = await Promise.all([third.withdraw(), third.accept()])
    expect([withdrawn.status, accepted.status].sort()).toEqual(withdrawn.status === 202 ? [202, 409] : [200, 409])
    if (withdrawn.status === 202) await endedWithdrawn(third)
    else await endedAccepted(third)
  })

  it('#5.4-4: the demo data shows a design and transition reported against its criteria, with its change', async () => {
    // given: a first start with demo data; the auditor reads (4.3.3)
    const auditor = await h.as('auditor')
    const list = await auditor.get<{ items: { id: string; title: string }[] }>('/service-transitions')
    expect(list.status).toBe(200)
    const demo = list.body.items.find((t) => t.title === 'Design and transition: Introduce self-service password reset')
    expect(demo).toBeDefined()
    // then: it is closed as transitioned with its plan, accepted design and report, linked to its change
    const record = (await auditor.get<Transition>(`/service-transitions/${demo!.id}`)).body
    expect(record).toMatchObject({
      status: 'closed',
      data: { designAccepted: true, customerAccepted: true, criteriaMet: 'met', closureCode: 'transitioned' },
    })
    expect(String(record.data.acceptanceCriteria)).not.toBe('')
    const changeId = String(record.data.changeId)
    expect(record.links).toEqual(
      expect.arrayContaining([expect.objectContaining({ toKind: 'change', toId: changeId, linkType: 'raised-from' })]),
    )
    expect((await auditor.get<Change>(`/changes/${changeId}`)).body.data).toMatchObject({ majorImpact: true, serviceTransitionId: demo!.id })
    // and nobody may change it but its change managers (auditors read only)
    expect((await auditor.patch(`/service-transitions/${demo!.id}`, { version: record.version, title: 'x' })).status).toBe(403)
  })

  it('#5.1-2: a change without major impact goes to assessment directly, with no transition', async () => {
    const { id, instance } = await h.open('change', { title: 'Patch the mail relay', data: { scope: 'patch' } })
    await h.complete(instance, 'Task_ClassifyChange', { changeType: 'normal', changeNature: 'ci-change', potentialMajorImpact: false })
    await h.task(instance, 'Task_AssessChange')
    expect(await h.hasCompleted(instance, 'Task_StartServiceTransition')).toBe(false)
    expect((await changeOf(id)).data.serviceTransitionId).toBeUndefined()
    await h.server.zeebe.cancelProcessInstance(instance)
  })

  it('#5.2-1 #9.2-1: the time each step has before it is escalated is the change policy\'s in force when the transition starts', async () => {
    // given: the SMS managers issue a change policy giving each step 3 days (4.3.2: drafted by
    // one, approved by the other, in force now)
    const current = (await (await h.as('change')).get<{ documentId: string; data: Record<string, unknown> }>('/sms/in-force?subject=change-policy')).body
    const author = await h.as('smsmgr')
    const url = `/sms/documents/${current.documentId}`
    const drafted = await author.put(`${url}/draft`, { data: { ...current.data, serviceTransition: { stepDays: 3 } }, changeSummary: 'steps of 3 days' })
    expect(drafted.status, JSON.stringify(drafted.body)).toBe(200)
    // a step time that is no whole number of days from 1 to 365 is refused
    expect((await author.put(`${url}/draft`, { data: { ...current.data, serviceTransition: { stepDays: 0 } }, changeSummary: 'x' })).status).toBe(400)
    expect((await author.post(`${url}/submit`)).status).toBe(200)
    expect((await (await h.as('smsmgr2')).post(`${url}/approve`, {})).status).toBe(200)
    expect((await author.post(`${url}/effective`)).status).toBe(200)

    // when: a change for a new service opens its transition and the plan waits 2 days
    const serviceId = (await h.record('service', { name: 'Video support', ownerGroup: 'service-desk' })).id
    const { instance, transitionId, transition } = await majorChange('Launch video support', serviceId, {
      changeNature: 'new-service',
      potentialMajorImpact: true,
    })
    await h.armed(transition, 'Timer_PlanOverdue')
    await h.advance(2 * DAY)
    await h.task(transition, 'Task_PlanServiceTransition')
    // then: nothing is escalated yet; after the third day it is (8.1)
    expect(await h.hasCompleted(transition, 'Timer_PlanOverdue')).toBe(false)
    await h.advance(DAY + 3_600_000)
    await h.reached(transition, 'EndEvent_OverdueStepEscalated')
    expect(await escalationsOf(transitionId)).toBe(1)
    await h.server.zeebe.cancelProcessInstance(transition)
    await h.server.zeebe.cancelProcessInstance(instance)
  })
})
