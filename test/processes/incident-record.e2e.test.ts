/**
 * Decisions flow onto the record, declared in the diagram (ISO/IEC 20000-1 4.3.3, 8.1 d): each
 * user task of the incident procedure writes what it decides on the incident (its `record:`
 * extension properties), and the status follows the procedure with a history naming who, when
 * and which element. Checked after every task as the roles see it over HTTP.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { repoRoot } from '../../server/src/paths'
import { eventually, startHarness, type ApiClient, type Harness } from '../support/harness'

interface TaskItem {
  id: string
  elementId: string
  state: string
}
interface StatusChange {
  from: string | null
  to: string
  actor: string
  at: string
  elementId: string | null
}
interface Incident {
  id: string
  status: string
  serviceId: string | null
  ciId: string | null
  assignedGroup: string | null
  priority: number | null
  data: Record<string, unknown>
  statusHistory: StatusChange[]
}

describe('the incident record follows its procedure (8.1 d)', () => {
  let h: Harness
  let customer: ApiClient
  let desk: ApiClient
  let network: ApiClient
  let admin: ApiClient

  beforeAll(async () => {
    h = await startHarness()
    customer = await h.login('customer')
    desk = await h.login('desk')
    network = await h.login('network')
    admin = await h.login('admin')
  })
  afterAll(async () => {
    await h?.stop()
  })

  const openTask = (who: ApiClient, caseId: string, elementId: string, state = 'open') =>
    eventually(
      async () => {
        const res = await who.get<{ items: TaskItem[] }>(`/tasks?caseId=${caseId}&view=all`)
        return res.body.items.find((t) => t.elementId === elementId && t.state === state)
      },
      20_000,
      `task ${elementId} of ${caseId}`,
    )
  const work = async (
    who: ApiClient,
    caseId: string,
    elementId: string,
    data: Record<string, unknown>,
  ) => {
    const task = await openTask(who, caseId, elementId)
    expect((await who.post(`/tasks/${task.id}/claim`)).status).toBe(200)
    const done = await who.post(`/tasks/${task.id}/complete`, { data })
    expect(done.status).toBe(200)
    return task
  }
  const incident = async (id: string) => (await admin.get<Incident>(`/incidents/${id}`)).body

  it('classification, diagnosis and resolution are on the incident after each task, and its status changes at each stage #8.1-c #8.1-d #8.1-f', async () => {
    const service = await admin.post<{ id: string }>('/services', { name: 'Office network' })
    expect(service.status).toBe(201)
    const ci = await admin.post<{ id: string }>('/cis', { name: 'Switch 3F', ciType: 'network' })
    expect(ci.status).toBe(201)
    const raised = await customer.post<{ id: string }>('/incidents', {
      title: 'No network on the third floor',
    })
    expect(raised.status).toBe(201)
    const id = raised.body.id
    expect(await incident(id)).toMatchObject({ status: 'new', statusHistory: [] })

    // the desk classifies with a service, a CI, a category and the network group
    await work(desk, id, 'Task_ClassifyIncident', {
      serviceId: service.body.id,
      ciId: ci.body.id,
      category: 'network',
      impact: 2,
      urgency: 2,
      assignedGroup: 'network',
      securityIncident: false,
      majorIncidentCandidate: false,
      classificationNotes: 'Whole floor affected',
    })
    const classified = await incident(id)
    expect(classified).toMatchObject({
      status: 'classified',
      serviceId: service.body.id,
      ciId: ci.body.id,
      assignedGroup: 'network',
      data: {
        category: 'network',
        impact: 2,
        urgency: 2,
        securityIncident: false,
        classificationNotes: 'Whole floor affected',
      },
    })
    expect(classified.statusHistory).toEqual([
      {
        from: 'new',
        to: 'classified',
        actor: 'desk',
        at: expect.any(String),
        elementId: 'Task_ClassifyIncident',
        processInstanceKey: expect.any(String),
      },
    ])

    // the network group investigates (the task is offered to the group the desk chose)
    await work(network, id, 'Task_InvestigateAndDiagnose', { diagnosis: 'Switch power supply failed' })
    const diagnosed = await incident(id)
    expect(diagnosed).toMatchObject({
      status: 'diagnosed',
      data: { diagnosis: 'Switch power supply failed' },
    })
    expect(diagnosed.statusHistory.map((s) => [s.to, s.actor, s.elementId])).toEqual([
      ['classified', 'desk', 'Task_ClassifyIncident'],
      ['in-progress', 'system:set-case-status', 'Task_SetStatusInProgress'],
      ['diagnosed', 'network', 'Task_InvestigateAndDiagnose'],
    ])

    // and resolves it
    await work(network, id, 'Task_ResolveIncident', {
      resolutionCode: 'workaround',
      resolution: 'Patched the floor to the spare switch',
      workaroundUsed: true,
    })
    const resolved = await incident(id)
    expect(resolved).toMatchObject({
      status: 'resolved',
      data: {
        resolutionCode: 'workaround',
        resolution: 'Patched the floor to the spare switch',
        workaroundUsed: true,
        diagnosis: 'Switch power supply failed',
      },
    })
    expect(resolved.statusHistory.map((s) => [s.to, s.elementId])).toEqual([
      ['classified', 'Task_ClassifyIncident'],
      ['in-progress', 'Task_SetStatusInProgress'],
      ['diagnosed', 'Task_InvestigateAndDiagnose'],
      ['resolved', 'Task_ResolveIncident'],
    ])

    // the customer confirms: the procedure closes the incident, the history names the element
    const confirm = await openTask(admin, id, 'Task_ConfirmResolution', 'claimed')
    const confirmed = await customer.post(`/tasks/${confirm.id}/complete`, {
      data: { resolutionConfirmed: true, customerComment: 'Works again.' },
    })
    expect(confirmed.status).toBe(200)
    const closed = await eventually(
      async () => {
        const r = await incident(id)
        return r.status === 'closed' ? r : undefined
      },
      20_000,
      'the incident to close',
    )
    expect(closed.statusHistory.at(-1)).toMatchObject({ from: 'resolved', to: 'closed' })
    expect(closed.data).toMatchObject({ resolutionConfirmed: true, customerComment: 'Works again.' })
    expect(closed.statusHistory.at(-1)?.elementId).toMatch(/^Task_/)

    // 4.3.3: the evidence names each task's decision with its element and actor
    const evidence = await admin.get<{ action: string; actor: string; after: unknown }[]>(
      `/evidence?entityType=incident&entityId=${id}`,
    )
    expect(evidence.status).toBe(200)
    const decided = evidence.body.filter((e) => e.action === 'incident.decided')
    expect(decided.map((e) => [e.actor, (e.after as { elementId: string }).elementId])).toEqual([
      ['desk', 'Task_ClassifyIncident'],
      ['network', 'Task_InvestigateAndDiagnose'],
      ['network', 'Task_ResolveIncident'],
      ['customer', 'Task_ConfirmResolution'],
    ])
  })

  it('a decision the record refuses (an unknown service) is a 400; neither the task nor the incident changes', async () => {
    const raised = await customer.post<{ id: string }>('/incidents', { title: 'Phone is dead' })
    const id = raised.body.id
    const task = await openTask(desk, id, 'Task_ClassifyIncident')
    expect((await desk.post(`/tasks/${task.id}/claim`)).status).toBe(200)
    const refused = await desk.post<{ errors?: { path: string }[] }>(
      `/tasks/${task.id}/complete`,
      {
        data: {
          serviceId: 'SVC-999999',
          category: 'hardware',
          impact: 3,
          urgency: 3,
          assignedGroup: 'network',
        },
      },
    )
    expect(refused.status).toBe(400)
    expect(JSON.stringify(refused.body)).toContain('serviceId')
    const after = await desk.get<{ task: { state: string } }>(`/tasks/${task.id}`)
    expect(after.body.task.state).toBe('claimed')
    expect(await incident(id)).toMatchObject({
      status: 'new',
      serviceId: null,
      assignedGroup: 'service-desk',
      statusHistory: [],
    })
  })

  it('a draft declaring a record field the incident does not have gets a lint error and cannot be submitted (4.3.2)', async () => {
    const owner = await h.login('owner')
    const xml = readFileSync(join(repoRoot, 'processes', 'incident.bpmn'), 'utf8').replace(
      'name="record:diagnosis" value="diagnosis"',
      'name="record:diagnosys" value="diagnosis"',
    )
    const draft = await owner.post<{
      id: string
      lint: { rule: string; id: string; category: string; message: string }[]
    }>('/process-drafts', { xml })
    expect(draft.status).toBe(201)
    expect(draft.body.lint.filter((p) => p.rule === 'record-updates')).toEqual([
      {
        rule: 'record-updates',
        category: 'error',
        id: 'Task_InvestigateAndDiagnose',
        message: 'record:diagnosys: incidents have no field "diagnosys"',
      },
    ])
    expect((await owner.post(`/process-drafts/${draft.body.id}/submit`)).status).toBe(400)
  })
})
