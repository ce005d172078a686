/**
 * The incident procedure (ISO/IEC 20000-1 8.1) through the product as the roles use it: the
 * customer raises the incident over HTTP, the service desk works the tasks in the inbox API with
 * the forms' data, the workers do the automated steps, and the customer sees the progress.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, startHarness, type ApiClient, type Harness } from '../support/harness'

interface TaskItem {
  id: string
  elementId: string
  caseId: string | null
  state: string
  assignee: string | null
  candidateGroups: string[]
  formId: string | null
}

describe('incident procedure over HTTP (8.1)', () => {
  let h: Harness
  let customer: ApiClient
  let desk: ApiClient
  let admin: ApiClient

  beforeAll(async () => {
    h = await startHarness()
    customer = await h.login('customer')
    desk = await h.login('desk')
    admin = await h.login('admin')
  })
  afterAll(async () => {
    await h?.stop()
  })

  const openTask = (caseId: string, elementId: string) =>
    eventually(
      async () => {
        const res = await desk.get<{ items: TaskItem[] }>(`/tasks?caseId=${caseId}&view=all`)
        return res.body.items.find((t) => t.elementId === elementId && t.state === 'open')
      },
      20_000,
      `task ${elementId} of ${caseId}`,
    )
  const work = async (caseId: string, elementId: string, data: Record<string, unknown>) => {
    const task = await openTask(caseId, elementId)
    expect((await desk.post(`/tasks/${task.id}/claim`)).status).toBe(200)
    const done = await desk.post(`/tasks/${task.id}/complete`, { data })
    expect(done.status).toBe(200)
    return task
  }

  it('a customer raises an incident; the desk classifies, investigates and resolves it in the inbox; the customer is asked to confirm', async () => {
    // given: the customer raises an incident
    const raised = await customer.post<{ id: string }>('/incidents', { title: 'Cannot print payslips' })
    expect(raised.status).toBe(201)
    const id = raised.body.id
    // when: the service desk works the tasks with the forms' data
    const classify = await work(id, 'Task_ClassifyIncident', {
      category: 'hardware',
      impact: 3,
      urgency: 2,
      assignedGroup: 'service-desk',
      securityIncident: false,
      majorIncidentCandidate: false,
    })
    await work(id, 'Task_InvestigateAndDiagnose', { diagnosis: 'Toner empty' })
    await work(id, 'Task_ResolveIncident', { resolutionCode: 'fixed', resolution: 'Toner replaced' })
    // then: the confirmation is offered to the customer who raised it
    const confirm = await eventually(
      async () => {
        const res = await admin.get<{ items: TaskItem[] }>(`/tasks?caseId=${id}&view=all`)
        return res.body.items.find((t) => t.elementId === 'Task_ConfirmResolution')
      },
      20_000,
      'confirmation task',
    )
    expect(classify.formId).toBe('incident-classify')
    expect(confirm.assignee).toBe('customer')
    const incident = await customer.get<{ status: string; priority: number }>(`/incidents/${id}`)
    expect(incident.body).toMatchObject({ status: 'resolved', priority: 4 })
    const news = await customer.get<{ items: { template: string; caseId: string }[] }>('/notifications')
    expect(news.body.items.filter((n) => n.caseId === id).map((n) => n.template).sort()).toEqual([
      'incident-recorded',
      'incident-resolved',
    ])
    // and (8.1 g): the customer confirms in the portal and the incident closes
    const mine = await customer.get<{ items: TaskItem[] }>('/tasks?view=mine')
    const step = mine.body.items.find((t) => t.id === confirm.id)
    expect(step).toBeDefined()
    const confirmed = await customer.post(`/tasks/${confirm.id}/complete`, {
      data: { resolutionConfirmed: true, customerComment: 'Printing works again.' },
    })
    expect(confirmed.status).toBe(200)
    await eventually(
      async () => {
        const res = await customer.get<{ status: string }>(`/incidents/${id}`)
        return res.body.status === 'closed'
      },
      20_000,
      'the incident to close after the confirmation',
    )
  })

  it('rejects form data the task form does not allow', async () => {
    const raised = await customer.post<{ id: string }>('/incidents', { title: 'Screen flickers' })
    const task = await openTask(raised.body.id, 'Task_ClassifyIncident')
    await desk.post(`/tasks/${task.id}/claim`)
    const bad = await desk.post(`/tasks/${task.id}/complete`, {
      data: { category: 'software', impact: 9, urgency: 1, assignedGroup: 'service-desk' },
    })
    expect(bad.status).toBe(400)
  })
})
