/**
 * Incidents escalated to major at any point, and service requests prioritised (ISO/IEC 20000-1
 * 8.1), through HTTP as the roles do it on the embedded engine: staff escalate an incident that
 * is already being investigated, or not yet classified; the procedure's event sub-process records
 * it by the one major-incident definition the reports count with, tells top management and asks
 * for a manager, and the incident is reviewed as major before it closes. A service request gets
 * its priority from the priority matrix and the SLA targets of that priority.
 */
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { completedPath } from '../../engine/test-support'
import { majorIncidentSql } from '../../server/src/cases/major-incident'
import { testDatabaseTargets } from '../support/databases'
import { startHarness, type Harness } from './harness'

interface Problem {
  status: number
  detail: string
}

describe.each(testDatabaseTargets())('major incident escalation and request priority on $kind', (target) => {
  let h: Harness

  beforeAll(async () => {
    h = await startHarness(target)
  })
  afterAll(async () => {
    await h?.stop()
  })

  const escalate = async (id: string, as: string, body: unknown = { reason: 'Whole site down' }) =>
    (await h.as(as)).post<Problem & { state?: string }>(`/incidents/${id}/escalate-major`, body)

  /** Whether the reports' form of the major-incident rule counts the incident. */
  const reportsCountAsMajor = async (id: string) => {
    const { rows } = await sql<{ major: boolean }>`select ${majorIncidentSql('c')} as major
      from cases c where c.id = ${id}`.execute(h.database.db)
    return rows[0]?.major
  }

  /** Investigates, resolves, confirms and (as major) reviews an incident to its end. */
  const resolveAsMajor = async (instance: string) => {
    await h.complete(instance, 'Task_InvestigateAndDiagnose', { diagnosis: 'Core switch failed' })
    await h.complete(instance, 'Task_ResolveIncident', { resolutionCode: 'fixed', resolution: 'Switch replaced' })
    await h.complete(instance, 'Task_ConfirmResolution', { resolutionConfirmed: true })
    const review = await h.complete(instance, 'Task_MajorIncidentReview', {
      reviewSummary: 'Outage of the site',
      lessonsLearned: 'Spare switch on site',
      openProblem: false,
      improvementOpportunity: false,
    })
    await h.reached(instance, 'EndEvent_IncidentClosed')
    return review
  }

  it('8.1: staff escalate an incident under investigation to major; the procedure records it by the one rule, tells top management, names a manager and reviews it', async () => {
    // given: a low-impact incident, classified as not major, being investigated
    const { id, instance } = await h.open('incident', { title: 'Printer offline', requester: 'customer' })
    await h.complete(instance, 'Task_ClassifyIncident', {
      category: 'hardware',
      impact: 3,
      urgency: 3,
      assignedGroup: 'service-desk',
    })
    await h.task(instance, 'Task_InvestigateAndDiagnose')
    expect((await h.cases.findCase('incident', id))?.data.major).toBe(false)
    expect(await reportsCountAsMajor(id)).toBe(false)
    // when: the customer may not escalate, nor may a reason be missing; the desk escalates
    expect((await escalate(id, 'customer')).status).toBe(403)
    expect((await escalate(id, 'desk', {})).status).toBe(400)
    const accepted = await escalate(id, 'desk', { reason: 'Turns out the whole floor cannot print payslips' })
    expect(accepted.status).toBe(202)
    const assign = await h.complete(instance, 'Task_AssignEscalatedMajorIncidentManager', {
      majorIncidentManager: 'desk',
      communicationPlan: 'Hourly updates to the floor',
    })
    // then: the incident is major on the record, with who, when and why, and the reports count it
    const major = await h.cases.findCase('incident', id)
    expect(major?.data).toMatchObject({
      major: true,
      majorEscalatedBy: 'desk',
      majorEscalationReason: 'Turns out the whole floor cannot print payslips',
      majorIncidentManager: 'desk',
    })
    expect(await reportsCountAsMajor(id)).toBe(true)
    expect(assign.candidateGroups).toEqual(['service-desk'])
    const top = await h.notifications.listFor({ username: 'topmgmt', groups: ['top-management'] })
    expect(top.some((n) => n.caseId === id && n.template === 'major-incident')).toBe(true)
    // and a second escalation is refused: it is major already
    const again = await escalate(id, 'desk')
    expect(again.status).toBe(409)
    expect(again.body.detail).toMatch(/already a major incident/)
    // and the investigation went on meanwhile; the closure takes the major incident review
    const review = await resolveAsMajor(instance)
    expect(review.assignee).toBe('desk')
    const path = await completedPath(h.engine.engine, instance)
    expect(path).toEqual(
      expect.arrayContaining([
        'StartEvent_EscalatedToMajor',
        'Task_RecordMajorEscalation',
        'Task_NotifyTopManagementOfEscalation',
        'Task_AssignEscalatedMajorIncidentManager',
        'EndEvent_MajorIncidentEscalated',
        'SubProcess_EscalatedToMajor',
        'Task_MajorIncidentReview',
      ]),
    )
    expect(path).not.toContain('Task_NotifyTopManagement')
    expect(path.indexOf('Task_ClassifyIncident')).toBeLessThan(path.indexOf('StartEvent_EscalatedToMajor'))
    // a closed incident cannot be escalated
    expect((await escalate(id, 'desk')).status).toBe(409)
  })

  it('8.1: an incident escalated before classification stays major when classified low, and the major steps are not repeated', async () => {
    // given
    const { id, instance } = await h.open('incident', { title: 'Branch network down', requester: 'customer' })
    await h.task(instance, 'Task_ClassifyIncident')
    // when
    expect((await escalate(id, 'desk')).status).toBe(202)
    await h.complete(instance, 'Task_AssignEscalatedMajorIncidentManager', {
      majorIncidentManager: 'desk',
      communicationPlan: 'Branch manager by phone',
    })
    await h.complete(instance, 'Task_ClassifyIncident', {
      category: 'network',
      impact: 3,
      urgency: 2,
      assignedGroup: 'service-desk',
    })
    await h.task(instance, 'Task_InvestigateAndDiagnose')
    // then: the rule (escalated by staff) keeps it major through prioritisation
    const incident = await h.cases.findCase('incident', id)
    expect(incident?.priority).toBe(4)
    expect(incident?.data.major).toBe(true)
    expect(await reportsCountAsMajor(id)).toBe(true)
    await resolveAsMajor(instance)
    const path = await completedPath(h.engine.engine, instance)
    const gateway = path.indexOf('Gateway_IsMajorIncident')
    expect(path[gateway + 1]).toBe('Gateway_MergeMajorPath')
    expect(path).not.toContain('Task_AssignMajorIncidentManager')
  })

  /** The open "assign major incident manager" tasks of an instance, main path or escalation. */
  const managerTasks = async (instance: string) => {
    const res = await (await h.as('admin')).get<{ items: { elementId: string; state: string }[] }>(
      `/tasks?view=all&processInstanceKey=${instance}&pageSize=200`,
    )
    return res.body.items.filter(
      (t) =>
        (t.elementId === 'Task_AssignMajorIncidentManager' ||
          t.elementId === 'Task_AssignEscalatedMajorIncidentManager') &&
        (t.state === 'open' || t.state === 'claimed'),
    )
  }
  const times = (path: string[], id: string) => path.filter((e) => e === id).length
  const majorNotices = async (id: string) =>
    (await h.notifications.listFor({ username: 'topmgmt', groups: ['top-management'] })).filter(
      (n) => n.caseId === id && n.template === 'major-incident',
    ).length

  it('8.1: two escalations to major at the same moment run the major incident steps once', async () => {
    // given: an incident under investigation, not major
    const { id, instance } = await h.open('incident', { title: 'VPN drops', requester: 'customer' })
    await h.complete(instance, 'Task_ClassifyIncident', {
      category: 'network',
      impact: 3,
      urgency: 3,
      assignedGroup: 'service-desk',
    })
    await h.task(instance, 'Task_InvestigateAndDiagnose')
    // when: the desk and an admin escalate it at the same moment
    const answers = await Promise.all([
      escalate(id, 'desk', { reason: 'Whole office offline' }),
      escalate(id, 'admin', { reason: 'Board cannot dial in' }),
    ])
    // then: one is accepted, the other told it is on its way; nothing half-done
    expect(answers.map((a) => a.status).sort()).toEqual([202, 409])
    expect(answers.find((a) => a.status === 409)?.body.detail).toMatch(/already (being escalated|a major incident)/)
    await h.until('the major incident manager task', async () => (await managerTasks(instance)).length > 0)
    await h.reached(instance, 'Gateway_EscalationStepsHere')
    expect(await managerTasks(instance)).toHaveLength(1)
    await h.complete(instance, 'Task_AssignEscalatedMajorIncidentManager', {
      majorIncidentManager: 'desk',
      communicationPlan: 'Status page',
    })
    await h.reached(instance, 'EndEvent_MajorIncidentEscalated')
    const path = await completedPath(h.engine.engine, instance)
    expect(times(path, 'StartEvent_EscalatedToMajor')).toBe(1)
    expect(times(path, 'Task_RecordMajorEscalation')).toBe(1)
    expect(times(path, 'Task_NotifyTopManagementOfEscalation')).toBe(1)
    expect(times(path, 'Task_AssignEscalatedMajorIncidentManager')).toBe(1)
    expect(path).not.toContain('Task_NotifyTopManagement')
    expect(path).not.toContain('EndEvent_MajorStepsInHand')
    expect(await majorNotices(id)).toBe(1)
    const incident = await h.cases.findCase('incident', id)
    expect(incident?.data).toMatchObject({ major: true, majorIncidentManager: 'desk' })
  })

  it("8.1: an escalation at the same moment as the procedure's own rule makes the incident major runs the major incident steps once", async () => {
    // given: an incident waiting for classification
    const { id, instance } = await h.open('incident', { title: 'Data centre power lost', requester: 'customer' })
    await h.task(instance, 'Task_ClassifyIncident')
    // when: the desk classifies it as priority 1 with high impact (major by the rule) while
    // someone escalates it to major
    const [, escalation] = await Promise.all([
      h.complete(instance, 'Task_ClassifyIncident', {
        category: 'hardware',
        impact: 1,
        urgency: 1,
        assignedGroup: 'service-desk',
      }),
      escalate(id, 'admin', { reason: 'Both halls dark' }),
    ])
    expect([202, 409]).toContain(escalation.status)
    // then: both are settled, and one of them, not both, took the major incident steps
    await h.reached(instance, 'Gateway_IsMajorIncident')
    if (escalation.status === 202) await h.reached(instance, 'Gateway_EscalationStepsHere')
    await h.until('the major incident manager task', async () => (await managerTasks(instance)).length > 0)
    const [manager, ...more] = await managerTasks(instance)
    expect(more).toEqual([])
    await h.complete(instance, manager!.elementId, {
      majorIncidentManager: 'desk',
      communicationPlan: 'Bridge call every 30 minutes',
    })
    await h.task(instance, 'Task_InvestigateAndDiagnose')
    expect(await managerTasks(instance)).toEqual([])
    const path = await completedPath(h.engine.engine, instance)
    const notified = times(path, 'Task_NotifyTopManagement') + times(path, 'Task_NotifyTopManagementOfEscalation')
    const assigned =
      times(path, 'Task_AssignMajorIncidentManager') + times(path, 'Task_AssignEscalatedMajorIncidentManager')
    expect(notified).toBe(1)
    expect(assigned).toBe(1)
    // the step that passed them by did so on its modelled path
    if (escalation.status === 202 && path.includes('Task_NotifyTopManagement')) {
      expect(path).toContain('EndEvent_MajorStepsInHand')
    }
    expect(await majorNotices(id)).toBe(1)
    const incident = await h.cases.findCase('incident', id)
    expect(incident).toMatchObject({ priority: 1, data: { major: true, majorIncidentManager: 'desk' } })
    expect(await reportsCountAsMajor(id)).toBe(true)
  })

  it('8.1 b, 6.1: a service request is prioritised by the priority matrix and gets the SLA targets of its priority', async () => {
    // given: a service with an agreed SLA whose targets differ per priority
    const serviceId = (await h.record('service', { name: 'Workplace' })).id
    const targets = Object.fromEntries(
      [1, 2, 3, 4].map((p) => [String(p), { responseMinutes: 10 * p, resolutionMinutes: 100 * p }]),
    )
    await h.record('sla', { name: 'Workplace SLA', serviceId, data: { targets } })
    // when: one request of high impact and medium urgency, one with neither recorded
    const urgent = await h.open('service-request', {
      title: 'Laptops for the new trading desk',
      requester: 'customer',
      serviceId,
      data: { impact: 1, urgency: 2 },
    })
    const plain = await h.open('service-request', { title: 'New mouse', requester: 'customer', serviceId })
    const urgentTask = await h.task(urgent.instance, 'Task_FulfilRequest')
    await h.task(plain.instance, 'Task_FulfilRequest')
    // then: priority 2 (matrix: impact 1 × urgency 2), and 3 (medium × medium), with their targets
    const dueSpan = (data: Record<string, unknown>) =>
      (Date.parse(String(data.resolutionDue)) - Date.parse(String(data.responseDue))) / 60_000
    const first = await h.cases.findCase('service-request', urgent.id)
    expect(first).toMatchObject({ priority: 2, data: { impact: 1, urgency: 2, priorityDecisionVersion: 1 } })
    expect(dueSpan(first!.data)).toBe(200 - 20)
    expect(urgentTask.dueDate).toBe(first!.data.resolutionDue)
    const second = await h.cases.findCase('service-request', plain.id)
    expect(second).toMatchObject({ priority: 3, data: { impact: 2, urgency: 2 } })
    expect(dueSpan(second!.data)).toBe(300 - 30)
    const path = await completedPath(h.engine.engine, urgent.instance)
    expect(path.slice(0, 4)).toEqual([
      'StartEvent_RequestRaised',
      'Task_DecidePriority',
      'Task_PrioritiseRequest',
      'Task_LoadSlaTargets',
    ])
    // and both run to their end
    for (const r of [urgent, plain]) {
      await h.complete(r.instance, 'Task_FulfilRequest', { fulfilmentNotes: 'Delivered' })
      await h.complete(r.instance, 'Task_ConfirmFulfilment', { fulfilmentConfirmed: true })
      await h.reached(r.instance, 'EndEvent_RequestClosed')
    }
  })
})
