/**
 * The task inbox end to end (ISO/IEC 20000-1 8.1 human steps): the real server on PGlite with
 * the embedded engine over gRPC; people act through HTTP and see changes over socket.io.
 */
import { io, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startOverdueEscalation } from '../../server/src/inbox/overdue.escalation'
import type { TaskView } from '../../server/src/inbox/task-model'
import { createLogger } from '../../server/src/log'
import { NotificationService } from '../../server/src/notifications/notification.service'
import { eventually, startHarness, type ApiClient, type Harness } from '../support/harness'
import { deployTriage, fixture, startTriage } from '../support/triage'

interface TaskPage {
  items: TaskView[]
  total: number
  counts: { mine: number; groups: number; unassigned: number; overdue: number }
}

let h: Harness
let desk: ApiClient
let desk2: ApiClient
let network: ApiClient
let admin: ApiClient
let auditor: ApiClient
let customer: ApiClient
let seq = 0

beforeAll(async () => {
  h = await startHarness({ deployProcesses: false })
  await deployTriage(h)
  ;[desk, desk2, network, admin, auditor, customer] = await Promise.all(
    ['desk', 'desk2', 'network', 'admin', 'auditor', 'customer'].map((u) => h.login(u)),
  )
})
afterAll(async () => {
  await h?.stop()
})

/** Starts a ticket and waits until its task is in the inbox. */
async function startTicket(title = 'Printer on floor 3 is down') {
  const caseId = `INC-T${++seq}`
  return { caseId, ...(await startTriage(h, desk, caseId, title)) }
}

describe('a user task becomes a task in the inbox', () => {
  it('shows the task to its candidate group with its form, headers and case in one request', async () => {
    const { task, caseId } = await startTicket()
    expect(task).toMatchObject({
      name: 'Triage the ticket',
      elementId: 'Task_TriageTicket',
      bpmnProcessId: 'inbox-triage',
      processName: 'Inbox triage',
      processVersion: 1,
      state: 'open',
      assignee: null,
      candidateGroups: ['service-desk'],
      priority: 80,
      caseKind: 'incident',
      caseId,
      caseTitle: 'Printer on floor 3 is down',
      formId: 'inbox-triage-form',
      overdue: true,
    })
    expect(task.dueDate).toBe('2020-01-01T09:00:00.000Z')
    const detail = await desk.get<{
      task: TaskView
      form: { id: string; components: unknown[] }
      variables: Record<string, unknown>
    }>(`/tasks/${task.id}`)
    expect(detail.status).toBe(200)
    expect(detail.body.form.id).toBe('inbox-triage-form')
    expect(detail.body.form.components.length).toBeGreaterThan(2)
    expect(detail.body.variables).toMatchObject({ caseId, title: 'Printer on floor 3 is down' })
  })

  it('filters by process version, variables, overdue and text, with counts', async () => {
    const { caseId } = await startTicket('Mail relay rejects messages')
    const byVersion = await desk.get<TaskPage>('/tasks?bpmnProcessId=inbox-triage&processVersion=1')
    expect(byVersion.body.total).toBeGreaterThanOrEqual(1)
    const none = await desk.get<TaskPage>('/tasks?bpmnProcessId=inbox-triage&processVersion=99')
    expect(none.body.total).toBe(0)
    const byVar = await desk.get<TaskPage>(`/tasks?var.caseId=${caseId}`)
    expect(byVar.body.items.map((t) => t.caseId)).toEqual([caseId])
    const byText = await desk.get<TaskPage>('/tasks?q=mail%20relay')
    expect(byText.body.items.map((t) => t.caseId)).toEqual([caseId])
    const overdue = await desk.get<TaskPage>('/tasks?overdue=true')
    expect(overdue.body.items.every((t) => t.overdue)).toBe(true)
    expect(overdue.body.counts.overdue).toBe(overdue.body.total)
    expect(byVersion.body.counts.unassigned).toBeGreaterThanOrEqual(1)
  })

  it('hides tasks from other groups and customers, lets auditors read', async () => {
    const { task } = await startTicket()
    expect((await network.get(`/tasks/${task.id}`)).status).toBe(404)
    expect((await network.get<TaskPage>(`/tasks?caseId=${task.caseId}`)).body.total).toBe(0)
    // customers reach the list, but only the steps assigned to them
    const forCustomer = await customer.get<TaskPage>('/tasks?view=all')
    expect(forCustomer.status).toBe(200)
    expect(forCustomer.body.items.some((t) => t.id === task.id)).toBe(false)
    expect((await customer.get(`/tasks/${task.id}`)).status).toBe(404)
    expect((await customer.post(`/tasks/${task.id}/claim`)).status).toBe(403)
    expect((await auditor.get(`/tasks/${task.id}`)).status).toBe(200)
    expect((await auditor.post(`/tasks/${task.id}/claim`)).status).toBe(403)
    expect((await network.post(`/tasks/${task.id}/claim`)).status).toBe(404)
  })

  it('rejects bad requests with a clear problem', async () => {
    const { task } = await startTicket()
    const badQuery = await desk.get<{ status: number; errors: unknown[] }>('/tasks?sort=sideways')
    expect(badQuery.status).toBe(400)
    expect(badQuery.body.errors.length).toBeGreaterThan(0)
    expect((await desk.post(`/tasks/${task.id}/claim`, { please: true })).status).toBe(400)
    expect((await desk.post(`/tasks/${task.id}/complete`, {})).status).toBe(400)
    expect((await desk.get('/tasks/no-such-task')).status).toBe(404)
    expect((await desk.post('/tasks/no-such-task/claim')).status).toBe(404)
  })
})

describe('claiming and completing', () => {
  it('lets exactly one of two concurrent claims win', async () => {
    const { task } = await startTicket()
    const results = await Promise.all([
      desk.post<TaskView>(`/tasks/${task.id}/claim`),
      desk2.post<TaskView>(`/tasks/${task.id}/claim`),
    ])
    expect(results.map((r) => r.status).sort()).toEqual([200, 409])
    const winner = results.find((r) => r.status === 200)!.body
    expect(['desk', 'desk2']).toContain(winner.assignee)
  })

  it('validates the form data, completes the job once, and refuses a second completion', async () => {
    const { task, processInstanceKey } = await startTicket()
    expect((await desk2.post(`/tasks/${task.id}/complete`, { data: {} })).status).toBe(403)
    expect((await desk.post(`/tasks/${task.id}/claim`)).status).toBe(200)
    expect((await desk2.post(`/tasks/${task.id}/complete`, { data: {} })).status).toBe(403)

    const bad = await desk.post<{ errors: { path: string }[] }>(`/tasks/${task.id}/complete`, {
      data: { impact: 'catastrophic', hours: -2, extra: 1 },
    })
    expect(bad.status).toBe(400)
    const paths = bad.body.errors.map((e) => e.path)
    expect(paths).toEqual(expect.arrayContaining(['/summary', '/impact', '/hours', '/extra']))
    // nothing was lost or completed by the bad submission
    expect((await desk.get<{ task: TaskView }>(`/tasks/${task.id}`)).body.task.state).toBe(
      'claimed',
    )

    const data = { summary: 'Toner jam, replaced cartridge', impact: 'low', hours: 1 }
    const done = await desk.post<TaskView>(`/tasks/${task.id}/complete`, { data })
    expect(done.status).toBe(200)
    expect(done.body).toMatchObject({ state: 'completed', completedBy: 'desk' })
    const again = await desk.post(`/tasks/${task.id}/complete`, { data })
    expect(again.status).toBe(409)

    await h.server.services.instances.settled()
    const history = await eventually(
      async () => {
        const r = await auditor.get<{
          instance: { state: string; version: number }
          steps: { elementId: string; intent: string; actor?: string | null }[]
          flowsTaken: string[]
          tasks: { completedBy: string; data: unknown }[]
          xml: string
        }>(`/process-instances/${processInstanceKey}/history`)
        return r.body.instance?.state === 'completed' ? r.body : undefined
      },
      15_000,
      'the instance to complete',
    )
    expect(history.instance.version).toBe(1)
    expect(history.xml).toContain('Task_TriageTicket')
    expect(history.flowsTaken).toEqual(expect.arrayContaining(['Flow_ToTriage', 'Flow_ToDone']))
    const completedTask = history.steps.find(
      (s) => s.elementId === 'Task_TriageTicket' && s.intent === 'ELEMENT_COMPLETED',
    )
    expect(completedTask?.actor).toBe('desk')
    expect(history.tasks[0]).toMatchObject({ completedBy: 'desk', data })
    const html = await auditor.get<string>(`/process-instances/${processInstanceKey}/history.html`)
    expect(html.status).toBe(200)
    expect(html.body).toContain('Triage the ticket')
  })

  it('closes the task as cancelled when its instance is gone (409 on completion)', async () => {
    const { task, processInstanceKey } = await startTicket()
    expect((await desk.post(`/tasks/${task.id}/claim`)).status).toBe(200)
    expect((await auditor.post(`/process-instances/${processInstanceKey}/cancel`)).status).toBe(403)
    expect((await admin.post(`/process-instances/${processInstanceKey}/cancel`)).status).toBe(202)
    const res = await desk.post<{ detail: string }>(`/tasks/${task.id}/complete`, {
      data: { summary: 'too late', impact: 'low' },
    })
    expect(res.status).toBe(409)
    expect(res.body.detail).toMatch(/no longer waits/)
    const after = await desk.get<{ task: TaskView }>(`/tasks/${task.id}`)
    expect(after.body.task.state).toBe('cancelled')
  })

  it('finds tasks whose jobs vanished while nobody worked on them', async () => {
    const { task, processInstanceKey } = await startTicket()
    expect((await admin.post(`/process-instances/${processInstanceKey}/cancel`)).status).toBe(202)
    // force the keep-alive to look at this task now
    await h.server.database.db
      .updateTable('tasks')
      .set({ job_deadline: new Date(0) })
      .where('id', '=', task.id)
      .execute()
    await h.server.services.intake.keepAlive()
    const after = await desk.get<{ task: TaskView }>(`/tasks/${task.id}`)
    expect(after.body.task.state).toBe('cancelled')
  })

  it('leaves a completing task to its completion when the job is found gone meanwhile', async () => {
    // a job that timed out comes back to the inbox worker, which stores it and extends its lock;
    // when the engine took the task's completion in between (the job is gone, the server has
    // not recorded the answer yet), the lock extension's "no such job" must not cancel the task
    const { task } = await startTicket()
    expect((await desk.post(`/tasks/${task.id}/claim`)).status).toBe(200)
    await h.server.database.db
      .updateTable('tasks')
      .set({ state: 'completing' })
      .where('id', '=', task.id)
      .execute()
    await h.server.zeebe.completeJob({ jobKey: task.jobKey!, variables: {} })
    await h.server.services.tasks.cancelByJobKey(task.jobKey!, 'The process no longer waits.')
    const after = await desk.get<{ task: TaskView }>(`/tasks/${task.id}`)
    expect(after.body.task.state).toBe('completing')
    const trail = await auditor.get<{ action: string }[]>(`/evidence?entityId=${task.id}`)
    expect(trail.body.map((e) => e.action)).not.toContain('task.cancelled')
  })

  it('records the keep-alive closing a task in the evidence with the task', async () => {
    const { task, processInstanceKey } = await startTicket()
    expect((await admin.post(`/process-instances/${processInstanceKey}/cancel`)).status).toBe(202)
    await h.server.database.db
      .updateTable('tasks')
      .set({ job_deadline: new Date(0) })
      .where('id', '=', task.id)
      .execute()
    await h.server.services.intake.keepAlive()
    const trail = await auditor.get<{ action: string; actor: string }[]>(
      `/evidence?entityId=${task.id}`,
    )
    expect(trail.body).toContainEqual(
      expect.objectContaining({ action: 'task.cancelled', actor: 'system:inbox' }),
    )
  })

  it('keeps comments on a task', async () => {
    const { task } = await startTicket()
    expect(
      (await desk.post(`/tasks/${task.id}/comments`, { body: 'Called the user.' })).status,
    ).toBe(201)
    expect((await desk.post(`/tasks/${task.id}/comments`, { body: '' })).status).toBe(400)
    const detail = await desk2.get<{ comments: { author: string; body: string }[] }>(
      `/tasks/${task.id}`,
    )
    expect(detail.body.comments).toEqual([
      expect.objectContaining({ author: 'desk', body: 'Called the user.' }),
    ])
  })

  it('lets a group lead assign a task to a member, and nobody else', async () => {
    const { task } = await startTicket()
    expect((await desk2.post(`/tasks/${task.id}/assign`, { assignee: 'desk2' })).status).toBe(403)
    const wrong = await desk.post(`/tasks/${task.id}/assign`, { assignee: 'network' })
    expect(wrong.status).toBe(400)
    const ok = await desk.post<TaskView>(`/tasks/${task.id}/assign`, { assignee: 'desk2' })
    expect(ok.status).toBe(200)
    expect(ok.body.assignee).toBe('desk2')
  })
})

describe('live updates', () => {
  const sockets: Socket[] = []
  afterAll(() => sockets.forEach((s) => s.close()))

  function connect(client: ApiClient): Promise<Socket> {
    const socket = io(h.url, {
      path: '/socket.io',
      transports: ['websocket'],
      extraHeaders: { cookie: client.cookie },
      reconnection: false,
    })
    sockets.push(socket)
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket))
      socket.once('connect_error', reject)
    })
  }

  it('tells the group when a colleague claims a task, and nobody outside it', async () => {
    const colleague = await connect(desk2)
    const outsider = await connect(network)
    const seenByOutsider: unknown[] = []
    outsider.on('task.claimed', (e: unknown) => seenByOutsider.push(e))
    const { task } = await startTicket()
    const claimed = new Promise<{ task: { taskId: string; assignee: string } }>((resolve) =>
      colleague.on('task.claimed', resolve),
    )
    expect((await desk.post(`/tasks/${task.id}/claim`)).status).toBe(200)
    const event = await claimed
    expect(event.task).toMatchObject({ taskId: task.id, assignee: 'desk' })
    // the event carries the row as the list shows it, so the colleague's inbox patches in place
    const listed = await desk.get<TaskPage>(
      `/tasks?view=mine&processInstanceKey=${task.processInstanceKey}`,
    )
    expect((event.task as { view?: unknown }).view).toEqual(
      listed.body.items.find((t) => t.id === task.id),
    )
    await new Promise((r) => setTimeout(r, 300))
    expect(seenByOutsider).toEqual([])
  })

  it('announces a comment on a task of a case as a work note to staff, never to the customer', async () => {
    const colleague = await connect(desk2)
    const customerSocket = await connect(customer)
    const seenByCustomer: unknown[] = []
    customerSocket.on('case.activity', (e: unknown) => seenByCustomer.push(e))
    const { task, caseId } = await startTicket()
    const announced = new Promise<{
      case: { caseId: string }
      entry: { id: string; type: string; visibility: string }
    }>((resolve) => colleague.on('case.activity', resolve))
    const posted = await desk.post<{ id: number }>(`/tasks/${task.id}/comments`, {
      body: 'Called the caller back.',
    })
    expect(posted.status).toBe(201)
    const event = await announced
    expect(event.case.caseId).toBe(caseId)
    expect(event.entry).toEqual({
      id: `task-comment:${posted.body.id}`,
      type: 'work-note',
      visibility: 'staff',
    })
    // the comment and its evidence entry were written together
    const trail = await auditor.get<{ action: string }[]>(`/evidence?entityId=${task.id}`)
    expect(trail.body.map((e) => e.action)).toContain('task.commented')
    await new Promise((r) => setTimeout(r, 300))
    expect(seenByCustomer).toEqual([])
  })

  it('refuses a socket without a session', async () => {
    const socket = io(h.url, { path: '/socket.io', transports: ['websocket'], reconnection: false })
    sockets.push(socket)
    const err = await new Promise<Error>((resolve) => socket.once('connect_error', resolve))
    expect(err.message).toMatch(/log in/i)
  })
})

describe('overdue escalation built in (8.1)', () => {
  it('notifies the candidate groups and the assignee once per overdue task, as evidence', async () => {
    const { task } = await startTicket('Overdue ticket')
    expect((await desk.post(`/tasks/${task.id}/claim`)).status).toBe(200)
    const notifications = new NotificationService({ db: h.server.database.db })
    const escalation = startOverdueEscalation({
      db: h.server.database.db,
      notifier: notifications,
      audit: h.server.services.audit,
      log: createLogger('silent'),
      everyMs: 3600_000,
    })
    try {
      expect(await escalation.runOnce()).toBeGreaterThanOrEqual(1)
      expect(await escalation.runOnce()).toBe(0)
    } finally {
      await escalation.stop()
    }
    const toGroup = await notifications.listFor({ username: 'desk2', groups: ['service-desk'] })
    expect(toGroup.some((n) => n.caseId === task.caseId && n.template === 'escalation')).toBe(true)
    const toAssignee = await notifications.listFor({ username: 'desk', groups: [] })
    expect(toAssignee.filter((n) => n.caseId === task.caseId)).toHaveLength(1)
    const after = await desk.get<{ task: TaskView }>(`/tasks/${task.id}`)
    expect(after.body.task.escalatedAt).not.toBeNull()
    const evidence = await h.server.services.audit.list({ entityId: task.id })
    expect(evidence.map((e) => e.action)).toContain('task.overdue-escalated')
  })
})

describe('the customer portal (8.1: the customer confirms)', () => {
  it('offers a customer only the steps assigned to them, with only their form data', async () => {
    const xml = fixture('inbox-triage.bpmn')
      .toString('utf8')
      .replace('id="inbox-triage"', 'id="customer-confirm"')
      .replace('bpmnElement="inbox-triage"', 'bpmnElement="customer-confirm"')
      .replace('name="Inbox triage"', 'name="Customer confirmation"')
      .replace('name="Triage the ticket"', 'name="Confirm the resolution"')
      .replace(
        '<zeebe:assignmentDefinition candidateGroups="service-desk" />',
        '<zeebe:assignmentDefinition assignee="=requester" />',
      )
    await h.server.services.processes.deploy(
      [{ name: 'customer-confirm.bpmn', content: Buffer.from(xml) }],
      { actor: 'admin' },
    )
    const customer2 = await h.login('customer2')
    await h.server.services.instances.start('customer-confirm', {
      caseKind: 'incident',
      caseId: 'INC-PORTAL',
      title: 'Mailbox full',
      requester: 'customer',
      internalNote: 'known flaky mailbox server',
    })
    const task = await eventually(
      async () => {
        const r = await customer.get<TaskPage>('/tasks?view=mine')
        return r.body.items.find((t) => t.caseId === 'INC-PORTAL')
      },
      15_000,
      'the customer task',
    )
    expect(task).toMatchObject({
      assignee: 'customer',
      state: 'claimed',
      name: 'Confirm the resolution',
    })
    expect((await customer2.get<TaskPage>('/tasks')).body.items).toEqual([])
    expect((await customer2.get(`/tasks/${task.id}`)).status).toBe(404)
    const detail = await customer.get<{ variables: Record<string, unknown>; form: unknown }>(
      `/tasks/${task.id}`,
    )
    expect(detail.body.form).not.toBeNull()
    expect(detail.body.variables).toMatchObject({ caseId: 'INC-PORTAL', title: 'Mailbox full' })
    expect(detail.body.variables).not.toHaveProperty('internalNote')
    expect(
      (
        await customer2.post(`/tasks/${task.id}/complete`, {
          data: { summary: 'x', impact: 'low' },
        })
      ).status,
    ).toBe(404)
    const done = await customer.post<TaskView>(`/tasks/${task.id}/complete`, {
      data: { summary: 'Works again, thanks', impact: 'low' },
    })
    expect(done.status).toBe(200)
    expect(done.body.completedBy).toBe('customer')
  })
})
