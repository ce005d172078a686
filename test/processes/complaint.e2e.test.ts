/**
 * complaint.bpmn (ISO/IEC 20000-1 7.1) end to end, as the roles work it over HTTP: the customer
 * files a complaint in the portal, the relationship manager investigates it against the agreed
 * definition of a complaint (a controlled document), acts, the outcome is reported, and the
 * complaint closes only with the customer's agreement; one not resolved in time is escalated;
 * what does not meet the definition is answered and rejected. Satisfaction surveys follow the
 * closure (7.1) and the results reach the service report (6.2) and the management review input.
 * The engine's test clock drives the timers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets } from '../support/databases'
import { startHarness, type Harness } from './harness'
import { fieldsOf } from '../../engine/state/records'

const DAY = 24 * 3_600_000

interface Complaint {
  id: string
  status: string
  assignee: string | null
  requester: string | null
  serviceId: string | null
  data: Record<string, unknown>
  statusHistory: { to: string; elementId: string | null }[]
}

describe.each(testDatabaseTargets())('complaint procedure on $kind', (target) => {
  let h: Harness

  beforeAll(async () => {
    h = await startHarness(target)
  })
  afterAll(async () => {
    await h?.stop()
  })

  /** The flow nodes an instance completed, in the order the engine completed them. */
  const pathOf = async (instance: string) =>
    (
      await h.engine.engine.readRecords({
        processInstanceKey: instance,
        valueTypes: ['PROCESS_INSTANCE'],
        limit: 100_000,
      })
    )
      .filter((r) => r.intent === 'ELEMENT_COMPLETED' && fieldsOf(r).bpmnElementType !== 'SEQUENCE_FLOW')
      .map((r) => String(fieldsOf(r).elementId))

  const complaintOf = async (id: string, as = 'relman') => {
    const res = await (await h.as(as)).get<Complaint>(`/complaints/${id}`)
    expect(res.status).toBe(200)
    return res.body
  }

  it('7.1: a complaint is investigated against the agreed definition, acted on, reported, escalated when late and closed only with the customer\'s agreement', async () => {
    // given: the agreed definition of a complaint is the effective controlled document of the demo SMS
    const definition = await (await h.as('customer')).get<{ documentId: string; version: number }>(
      '/relationship/complaint-definition',
    )
    expect(definition.status).toBe(200)
    const services = await (await h.as('admin')).get<{ items: { id: string; name: string }[] }>('/services')
    const erp = services.body.items.find((s) => s.name === 'ERP')!

    // when: the customer files a complaint in the portal
    const { id, instance } = await h.open(
      'complaint',
      { title: 'Nobody called back about the invoice run', data: { description: 'Waited three days.', channel: 'portal' } },
      'customer',
    )
    await h.task(instance, 'Task_InvestigateComplaint')

    // then: it is acknowledged with the definition in force and a date to resolve it by, and
    // given to the relationship manager of the customer's organisation
    const acknowledged = await complaintOf(id)
    expect(acknowledged.status).toBe('acknowledged')
    expect(acknowledged.requester).toBe('customer')
    expect(acknowledged.assignee).toBe('relman')
    expect(acknowledged.data.complaintDefinition).toContain(`${definition.body.documentId} v${definition.body.version}`)
    const due = new Date(String(acknowledged.data.complaintDue)).getTime()
    expect(due - h.clock.now()).toBeGreaterThan(9 * DAY)
    const told = async (template: string, to: { recipient?: string; group?: string }) =>
      (await h.notifications.listForCase('complaint', id)).some(
        (n) =>
          n.template === template &&
          (!to.recipient || n.recipient === to.recipient) &&
          (!to.group || n.recipientGroup === to.group),
      )
    expect(await told('complaint-recorded', { recipient: 'customer' })).toBe(true)
    // another customer cannot see it (7.1: customers see their own only)
    expect((await (await h.as('customer2')).get(`/complaints/${id}`)).status).toBe(404)

    // the investigation shows what the record holds, the definition applied among it
    const investigateTask = await h.task(instance, 'Task_InvestigateComplaint')
    const shown = await (await h.as('relman')).get<{ context: { field: string }[] }>(
      `/tasks/${investigateTask.id}`,
    )
    expect(shown.body.context.map((c) => c.field)).toEqual(
      expect.arrayContaining(['description', 'complaintDefinition', 'complaintDue']),
    )

    // when: the relationship manager investigates: it meets the definition; the service is linked
    await h.complete(instance, 'Task_InvestigateComplaint', {
      serviceId: erp.id,
      category: 'communication',
      meetsDefinition: true,
      investigation: 'The batch was fixed but nobody told the customer.',
    })
    // and acts on it; the outcome is reported to the customer
    await h.complete(instance, 'Task_ActOnComplaint', {
      actionsTaken: 'Desk briefed.',
      response: 'We will call you back within a day from now on.',
    })
    // when: the customer does not agree yet
    const confirm = await h.task(instance, 'Task_ConfirmComplaintClosure')
    expect(confirm.assignee).toBe('customer')
    await h.complete(instance, 'Task_ConfirmComplaintClosure', { customerAgreed: false, customerComment: 'Not enough.' }, 'customer')

    // then: it is acted on again; when its time runs out it is escalated and goes on
    await h.task(instance, 'Task_ActOnComplaint')
    await h.armed(instance, 'Timer_ComplaintResolutionDue')
    await h.advance(11 * DAY)
    await h.reached(instance, 'EndEvent_ComplaintEscalated')
    const escalated = await complaintOf(id)
    expect(escalated.data.escalationLevel).toBe('hierarchical')
    expect(await told('escalation', { group: 'top-management' })).toBe(true)

    await h.complete(instance, 'Task_ActOnComplaint', {
      actionsTaken: 'Desk briefed; account manager calls weekly during month-end.',
      response: 'Your account manager will call you every week at month-end.',
    })
    await h.complete(instance, 'Task_ConfirmComplaintClosure', { customerAgreed: true, customerComment: 'Thanks.' }, 'customer')
    await h.reached(instance, 'EndEvent_ComplaintClosed')

    // then: closed with the customer's agreement, each decision on the record with its element
    const closed = await complaintOf(id, 'customer')
    expect(closed.status).toBe('closed')
    expect(closed.serviceId).toBe(erp.id)
    expect(closed.data).toMatchObject({ customerAgreed: true, category: 'communication', closureCode: 'agreed' })
    expect(closed.statusHistory.map((s) => [s.to, s.elementId])).toEqual([
      ['acknowledged', 'Task_AcknowledgeComplaint'],
      ['investigated', 'Task_InvestigateComplaint'],
      ['actioned', 'Task_ActOnComplaint'],
      ['closed', 'Task_CloseComplaint'],
    ])
    const path = await pathOf(instance)
    expect(path.filter((e) => e === 'Task_ConfirmComplaintClosure')).toHaveLength(2)
    expect(path).toContain('Task_ReportComplaintOutcome')
    const trail = await h.trail({ entityId: id })
    expect(trail.filter((e) => e.action === 'complaint.decided').length).toBeGreaterThanOrEqual(5)

    // 7.1: satisfaction is measured after the closure when the settings say so
    const relman = await h.as('relman')
    const settings = await relman.patch<{ surveyKinds: string[] }>('/relationship/settings', {
      surveyKinds: ['incident', 'service-request', 'complaint'],
    })
    expect(settings.status).toBe(200)
    await h.server.services.satisfactionSurveys.runNow()
    const mine = await (await h.as('customer')).get<{ items: { id: string; caseId: string | null; answeredAt: string | null }[] }>(
      '/relationship/surveys/mine',
    )
    const survey = mine.body.items.find((s) => s.caseId === id)!
    expect(survey).toBeDefined()
    // the customer answers their own survey once; nobody else can
    expect((await (await h.as('customer2')).post(`/relationship/surveys/${survey.id}/answer`, { score: 1 })).status).toBe(404)
    expect((await (await h.as('customer')).post(`/relationship/surveys/${survey.id}/answer`, { score: 9 })).status).toBe(400)
    const answered = await (await h.as('customer')).post<{ score: number }>(`/relationship/surveys/${survey.id}/answer`, {
      score: 4,
      comment: 'Handled well in the end.',
    })
    expect(answered.status).toBe(200)
    expect((await (await h.as('customer')).post(`/relationship/surveys/${survey.id}/answer`, { score: 5 })).status).toBe(409)

    // 6.2, 7.1: the service report shows it
    const owner = await h.as('owner')
    const today = new Date(h.clock.now())
    const from = new Date(today.getTime() - 30 * DAY).toISOString()
    const to = new Date(today.getTime() + DAY).toISOString()
    const def = await owner.post<{ id: string }>('/reports/definitions', {
      name: 'Customer satisfaction',
      audience: 'Customers',
      sections: ['satisfaction', 'complaints'],
      period: { kind: 'fixed', from, to },
      granularity: 'month',
      schedule: 'none',
    })
    expect(def.status).toBe(201)
    const run = await owner.post<{ content: { sections: { id: string; rows: Record<string, unknown>[] }[] } }>(
      `/reports/definitions/${def.body.id}/run`,
      {},
    )
    expect(run.status).toBe(201)
    const section = run.body.content.sections.find((s) => s.id === 'satisfaction')!
    const erpRow = section.rows.find((r) => r.dimension === 'service' && r.scope === 'ERP')
    expect(erpRow).toMatchObject({ answered: 1, averageScore: 4 })
  })

  it('7.1: what does not meet the agreed definition is answered and closed as rejected', async () => {
    // given: staff record a complaint on behalf of a customer
    const { id, instance } = await h.open(
      'complaint',
      { title: 'Please add a new report to the ERP', requester: 'customer2', data: { channel: 'phone' } },
      'desk',
    )
    // when: the investigation finds it is a request, not a complaint
    await h.complete(instance, 'Task_InvestigateComplaint', {
      category: 'other',
      meetsDefinition: false,
      investigation: 'A request for a new report: raised as a service request instead.',
    })
    await h.reached(instance, 'EndEvent_NotAComplaint')

    // then: the customer is told and the record is rejected, nothing acted on
    const rejected = await complaintOf(id)
    expect(rejected.status).toBe('rejected')
    expect(
      (await h.notifications.listForCase('complaint', id)).some(
        (n) => n.template === 'complaint-not-accepted' && n.recipient === 'customer2',
      ),
    ).toBe(true)
    const path = await pathOf(instance)
    expect(path).toEqual(expect.arrayContaining(['Task_NotifyNotAComplaint', 'EndEvent_NotAComplaintAnswered', 'Task_SetStatusNotAComplaint']))
    expect(path).not.toContain('Task_ActOnComplaint')
  })

  it('7.1: the definition of a complaint must be an approved controlled document', async () => {
    // given: a draft SMS document
    const mgr = await h.as('smsmgr')
    const draft = await mgr.post<{ id: string }>('/sms/documents', {
      kind: 'procedure',
      title: 'Complaint definition (draft)',
      content: 'Draft',
    })
    expect(draft.status).toBe(201)
    // when / then: naming it is refused; a customer may not change the settings at all
    expect((await mgr.patch('/relationship/settings', { complaintDefinitionDocumentId: draft.body.id })).status).toBe(422)
    expect((await (await h.as('customer')).patch('/relationship/settings', { periodicSurveyDays: 30 })).status).toBe(403)
    expect((await mgr.patch('/relationship/settings', { periodicSurveyDays: 1 })).status).toBe(400)
  })
})
