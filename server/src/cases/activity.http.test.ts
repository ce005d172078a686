/**
 * One activity stream per case (ISO/IEC 20000-1 8.1 communication with the customer, 7.1,
 * 4.3.3 records), through HTTP and socket.io as the roles use them, on PGlite and PostgreSQL:
 * staff write work notes and replies on the case and from its task; the customer who raised it
 * reads and writes replies and never receives a work note (case, list, search, activity,
 * comments, task and socket routes); auditors read and get 403 on writes; bodies are
 * validated; unknown cases are 404; a closed case refuses its customer's reply with 409;
 * comments on the case's tasks join the stream as work notes.
 */
import { io, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { testDatabaseTargets } from '../../../test/support/databases'
import { startHarness, type ApiClient, type Harness } from '../../../test/support/harness'
import { systemActor } from './access'
import type { ActivityEntry } from './activity'
import type { CaseComment } from './case-record'

/** The incident procedure of this test: a desk task and a step for the customer, in parallel. */
const incidentProcess = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_Activity" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="incident" name="Incident (activity test)" isExecutable="true">
    <bpmn:startEvent id="StartEvent_Reported"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:parallelGateway id="Gateway_Split"><bpmn:incoming>Flow_1</bpmn:incoming><bpmn:outgoing>Flow_2</bpmn:outgoing><bpmn:outgoing>Flow_3</bpmn:outgoing></bpmn:parallelGateway>
    <bpmn:userTask id="Task_Investigate" name="Investigate">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="service-desk" /></bpmn:extensionElements>
      <bpmn:incoming>Flow_2</bpmn:incoming><bpmn:outgoing>Flow_4</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:userTask id="Task_CustomerConfirm" name="Confirm">
      <bpmn:extensionElements><zeebe:assignmentDefinition assignee="=requester" /></bpmn:extensionElements>
      <bpmn:incoming>Flow_3</bpmn:incoming><bpmn:outgoing>Flow_5</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="EndEvent_Investigated"><bpmn:incoming>Flow_4</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="EndEvent_Confirmed"><bpmn:incoming>Flow_5</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_Reported" targetRef="Gateway_Split" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Gateway_Split" targetRef="Task_Investigate" />
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Gateway_Split" targetRef="Task_CustomerConfirm" />
    <bpmn:sequenceFlow id="Flow_4" sourceRef="Task_Investigate" targetRef="EndEvent_Investigated" />
    <bpmn:sequenceFlow id="Flow_5" sourceRef="Task_CustomerConfirm" targetRef="EndEvent_Confirmed" />
  </bpmn:process>
</bpmn:definitions>`

interface Task {
  id: string
  elementId: string
  caseId: string | null
  state: string
}
interface Problem {
  status: number
  detail: string
  errors?: { path: string }[]
}
interface ActivityEvent {
  case: { caseId: string }
  entry: { id: string; visibility: string }
}

describe.each(testDatabaseTargets())('the activity stream of a case on $kind', (target) => {
  let h: Harness
  const as = {} as Record<'admin' | 'desk' | 'customer' | 'customer2' | 'auditor', ApiClient>
  const sockets: Socket[] = []

  beforeAll(async () => {
    h = await startHarness({ deployProcesses: false, database: target })
    await h.server.services.processes.deploy(
      [{ name: 'incident.bpmn', content: Buffer.from(incidentProcess) }],
      { actor: 'admin' },
    )
    for (const r of ['admin', 'desk', 'customer', 'customer2', 'auditor'] as const) {
      as[r] = await h.login(r)
    }
  })

  afterAll(async () => {
    sockets.forEach((s) => s.close())
    await h?.stop()
  })

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

  /** The customer's incident and its two tasks (the desk's and the customer's). */
  async function customerIncident(title: string) {
    const created = await as.customer.post<{ id: string }>('/incidents', { title })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    const id = created.body.id
    let tasks: Task[] = []
    await expect
      .poll(
        async () => {
          const all = await as.admin.get<{ items: Task[] }>(`/tasks?view=all&caseId=${id}`)
          tasks = all.body.items
          return tasks.length
        },
        { timeout: 20_000 },
      )
      .toBe(2)
    const deskTask = tasks.find((t) => t.elementId === 'Task_Investigate')!
    const customerTask = tasks.find((t) => t.elementId === 'Task_CustomerConfirm')!
    return { id, deskTask, customerTask }
  }

  test('a staff work note never reaches the customer; replies go both ways (8.1, 7.1)', async () => {
    // given the customer's incident, and both sides listening
    const { id, deskTask, customerTask } = await customerIncident('Printer jams on every page')
    const customerSocket = await connect(as.customer)
    const deskSocket = await connect(as.desk)
    const customerEvents: ActivityEvent[] = []
    const deskEvents: ActivityEvent[] = []
    customerSocket.on('case.activity', (e: ActivityEvent) => customerEvents.push(e))
    deskSocket.on('case.activity', (e: ActivityEvent) => deskEvents.push(e))
    const secret = 'worknote-secret-4711'

    // when the desk writes a work note from the task and a reply on the case, and the customer replies
    const note = await as.desk.post<ActivityEntry>(`/tasks/${deskTask.id}/activity`, {
      type: 'work-note',
      body: `Toner vendor is ${secret}`,
    })
    const reply = await as.desk.post<ActivityEntry>(`/incidents/${id}/activity`, {
      type: 'reply',
      body: 'We have ordered a new drum.',
    })
    const answer = await as.customer.post<ActivityEntry>(`/tasks/${customerTask.id}/activity`, {
      type: 'reply',
      body: 'Thanks, it still jams meanwhile.',
    })
    const customerNote = await as.customer.post<Problem>(`/incidents/${id}/activity`, {
      type: 'work-note',
      body: 'Customers write no notes',
    })
    await expect.poll(() => customerEvents.length).toBe(2)
    await expect.poll(() => deskEvents.length).toBe(3)

    // then the entries are stored as written, the note naming its task
    expect(note.status, JSON.stringify(note.body)).toBe(201)
    expect(note.body).toMatchObject({
      type: 'work-note',
      visibility: 'staff',
      actor: 'desk',
      taskId: deskTask.id,
    })
    expect(reply.status).toBe(201)
    expect(reply.body).toMatchObject({ type: 'reply', visibility: 'customer' })
    expect(answer.status).toBe(201)
    expect(answer.body).toMatchObject({
      type: 'reply',
      actor: 'customer',
      actorName: 'Cora Customer',
      taskId: customerTask.id,
    })
    expect(customerNote.status).toBe(403)

    // and the customer reads the replies through every route, and never the note
    const reads = {
      detail: await as.customer.get<{ activity: ActivityEntry[]; comments: unknown[] }>(
        `/incidents/${id}`,
      ),
      list: await as.customer.get('/incidents'),
      search: await as.customer.get<{ total: number }>(`/incidents?q=${secret}`),
      activity: await as.customer.get<ActivityEntry[]>(`/incidents/${id}/activity`),
      comments: await as.customer.get<unknown[]>(`/incidents/${id}/comments`),
      task: await as.customer.get<{ case: { activity: ActivityEntry[] } }>(
        `/tasks/${customerTask.id}`,
      ),
      tasks: await as.customer.get('/tasks?view=all'),
    }
    for (const [route, r] of Object.entries(reads)) {
      expect(r.status, route).toBe(200)
      expect(JSON.stringify(r.body), route).not.toContain(secret)
      expect(JSON.stringify(r.body), route).not.toContain('work-note')
    }
    expect(JSON.stringify(customerEvents)).not.toContain(note.body.id)
    expect(customerEvents.every((e) => e.entry.visibility === 'customer')).toBe(true)
    const bodies = (entries: ActivityEntry[]) => entries.map((e) => e.body).filter(Boolean)
    expect(bodies(reads.activity.body)).toEqual([
      'We have ordered a new drum.',
      'Thanks, it still jams meanwhile.',
    ])
    expect(bodies(reads.detail.body.activity)).toEqual(bodies(reads.activity.body))
    expect(reads.comments.body).toHaveLength(2)
    expect(bodies(reads.task.body.case.activity)).toEqual(bodies(reads.activity.body))
    const stranger = await as.customer2.get(`/incidents/${id}/activity`)
    expect(stranger.status).toBe(404)

    // and staff see the whole conversation, in order, beside their task as on the case
    const staffStream = await as.desk.get<ActivityEntry[]>(`/incidents/${id}/activity`)
    const staffTask = await as.desk.get<{ case: { activity: ActivityEntry[] } }>(
      `/tasks/${deskTask.id}`,
    )
    expect(staffStream.body.map((e) => [e.type, e.actor])).toEqual([
      ['work-note', 'desk'],
      ['reply', 'desk'],
      ['reply', 'customer'],
    ])
    expect(staffStream.body[0]).toMatchObject({
      taskName: 'Investigate',
      actorName: 'Sam Service-Desk',
    })
    expect(staffTask.body.case.activity.map((e) => e.id)).toEqual(staffStream.body.map((e) => e.id))
    expect(deskEvents.map((e) => e.entry.visibility)).toEqual(['staff', 'customer', 'customer'])

    // and each entry has its evidence entry (4.3.3)
    const trail = await as.admin.get<{ action: string; actor: string }[]>(
      `/evidence?entityId=${id}`,
    )
    expect(
      trail.body.filter((e) => e.action.endsWith('.added')).map((e) => [e.action, e.actor]),
    ).toEqual(
      expect.arrayContaining([
        ['work-note.added', 'desk'],
        ['reply.added', 'desk'],
        ['reply.added', 'customer'],
      ]),
    )
  })

  test("comments on a case's tasks are work notes in its stream: staff read them, the customer never (8.1, 4.3.3)", async () => {
    // given the customer's incident with a work note and a reply on the case
    const { id, deskTask, customerTask } = await customerIncident('Scanner shows paper jam')
    const secret = 'task-comment-secret-0815'
    await as.desk.post(`/incidents/${id}/activity`, { type: 'work-note', body: 'First look' })

    // when the desk comments on its task, and the customer on their own task
    const deskComment = await as.desk.post<{ id: number }>(`/tasks/${deskTask.id}/comments`, {
      body: `Rollers worn, vendor ${secret}`,
    })
    const customerComment = await as.customer.post<{ id: number }>(
      `/tasks/${customerTask.id}/comments`,
      { body: `My own note ${secret}` },
    )
    await as.desk.post(`/incidents/${id}/activity`, { type: 'reply', body: 'Rollers ordered.' })

    // then staff read both in the case's stream, in time order, as work notes naming their task
    expect(deskComment.status, JSON.stringify(deskComment.body)).toBe(201)
    expect(customerComment.status, JSON.stringify(customerComment.body)).toBe(201)
    const staffStream = await as.desk.get<ActivityEntry[]>(`/incidents/${id}/activity`)
    expect(staffStream.body.map((e) => [e.type, e.visibility, e.actor, e.body])).toEqual([
      ['work-note', 'staff', 'desk', 'First look'],
      ['work-note', 'staff', 'desk', `Rollers worn, vendor ${secret}`],
      ['work-note', 'staff', 'customer', `My own note ${secret}`],
      ['reply', 'customer', 'desk', 'Rollers ordered.'],
    ])
    expect(staffStream.body[1]).toMatchObject({
      id: `task-comment:${deskComment.body.id}`,
      taskId: deskTask.id,
      taskName: 'Investigate',
      actorName: 'Sam Service-Desk',
    })
    // and on the case page and beside the task alike
    const staffCase = await as.desk.get<{ activity: ActivityEntry[] }>(`/incidents/${id}`)
    const staffTask = await as.desk.get<{ case: { activity: ActivityEntry[] } }>(
      `/tasks/${deskTask.id}`,
    )
    const ids = staffStream.body.map((e) => e.id)
    expect(staffCase.body.activity.map((e) => e.id)).toEqual(ids)
    expect(staffTask.body.case.activity.map((e) => e.id)).toEqual(ids)

    // and the customer reads neither comment in the stream, the case or beside their task
    const reads = {
      activity: await as.customer.get<ActivityEntry[]>(`/incidents/${id}/activity`),
      detail: await as.customer.get<{ activity: ActivityEntry[] }>(`/incidents/${id}`),
      comments: await as.customer.get(`/incidents/${id}/comments`),
      search: await as.customer.get(`/incidents?q=${secret}`),
      task: await as.customer.get<{ case: { activity: ActivityEntry[] } }>(
        `/tasks/${customerTask.id}`,
      ),
    }
    // (the task's own `comments` list is the inbox's, where the customer sees what they wrote)
    const seen = { ...reads, task: { ...reads.task, body: reads.task.body.case } }
    for (const [route, r] of Object.entries(seen)) {
      expect(r.status, route).toBe(200)
      expect(JSON.stringify(r.body), route).not.toContain(secret)
    }
    expect(reads.activity.body.map((e) => [e.type, e.body])).toEqual([
      ['reply', 'Rollers ordered.'],
    ])
    expect(reads.detail.body.activity.map((e) => e.id)).toEqual(
      reads.activity.body.map((e) => e.id),
    )
  })

  test("the legacy comments list is the stream's notes and replies: staff read task comments among the work notes, the customer replies only (8.1, 4.3.3)", async () => {
    // given the customer's incident with a work note, a task comment and a reply
    const { id, deskTask } = await customerIncident('Badge reader beeps')
    const secret = 'legacy-comments-secret-4711'
    const note = await as.desk.post<ActivityEntry>(`/incidents/${id}/activity`, {
      type: 'work-note',
      body: `Reader firmware ${secret}`,
    })
    const taskComment = await as.desk.post<{ id: number }>(`/tasks/${deskTask.id}/comments`, {
      body: `Swapped the reader, ${secret}`,
    })
    const reply = await as.desk.post<ActivityEntry>(`/incidents/${id}/activity`, {
      type: 'reply',
      body: 'A new reader is installed.',
    })
    expect([note.status, taskComment.status, reply.status]).toEqual([201, 201, 201])

    // when staff and the customer read the legacy list and the stream
    const staff = await as.desk.get<CaseComment[]>(`/incidents/${id}/comments`)
    const staffStream = await as.desk.get<ActivityEntry[]>(`/incidents/${id}/activity`)
    const staffCase = await as.desk.get<{ comments: CaseComment[] }>(`/incidents/${id}`)
    const customer = await as.customer.get<CaseComment[]>(`/incidents/${id}/comments`)
    const customerCase = await as.customer.get<{ comments: CaseComment[] }>(`/incidents/${id}`)

    // then staff read the same notes and replies as the stream, the task comment a work note
    expect(staff.status).toBe(200)
    const written = staffStream.body.filter((e) => e.type === 'work-note' || e.type === 'reply')
    expect(staff.body.map((c) => c.entryId)).toEqual(written.map((e) => e.id))
    expect(staff.body.map((c) => [c.source, c.visibility, c.body])).toEqual([
      ['case', 'staff', `Reader firmware ${secret}`],
      ['task', 'staff', `Swapped the reader, ${secret}`],
      ['case', 'customer', 'A new reader is installed.'],
    ])
    expect(staff.body[1]).toMatchObject({
      id: taskComment.body.id,
      entryId: `task-comment:${taskComment.body.id}`,
      author: 'desk',
      authorName: 'Sam Service-Desk',
      taskId: deskTask.id,
    })
    expect(staffCase.body.comments).toEqual(staff.body)
    // and the customer reads the reply only, in the list as on the case, naming no task
    for (const r of [customer, customerCase]) {
      expect(r.status).toBe(200)
      expect(JSON.stringify(r.body)).not.toContain(secret)
      expect(JSON.stringify(r.body)).not.toContain(deskTask.id)
    }
    expect(customer.body).toEqual([
      expect.objectContaining({
        entryId: reply.body.id,
        source: 'case',
        visibility: 'customer',
        body: 'A new reader is installed.',
        taskId: null,
      }),
    ])
    expect(customerCase.body.comments).toEqual(customer.body)
  })

  test('status changes and completed tasks join the stream; customers see the status only', async () => {
    // given an incident whose procedure changes its status and whose desk task is done
    const { id, deskTask } = await customerIncident('Monitor flickers')
    await h.server.services.cases.setStatus('incident', id, 'in-progress', systemActor('test'), {
      elementId: 'Task_Investigate',
    })
    expect((await as.desk.post(`/tasks/${deskTask.id}/claim`)).status).toBe(200)
    const done = await as.desk.post(`/tasks/${deskTask.id}/complete`, { data: {} })
    expect(done.status, JSON.stringify(done.body)).toBe(200)

    // when
    const staff = await as.desk.get<ActivityEntry[]>(`/incidents/${id}/activity`)
    const customer = await as.customer.get<ActivityEntry[]>(`/incidents/${id}/activity`)

    // then staff see both, the customer the status change without the element behind it
    expect(staff.body.map((e) => e.type)).toEqual(['status-change', 'task-completed'])
    expect(staff.body[0]).toMatchObject({ to: 'in-progress', elementId: 'Task_Investigate' })
    expect(staff.body[1]).toMatchObject({ taskName: 'Investigate', actor: 'desk' })
    expect(customer.body.map((e) => e.type)).toEqual(['status-change'])
    expect(customer.body[0]).toMatchObject({ to: 'in-progress' })
    expect(customer.body[0]).not.toHaveProperty('elementId')
  })

  test('auditors read the stream and get 403 on every write', async () => {
    // given
    const { id, deskTask } = await customerIncident('Keyboard missing keys')
    // when
    const read = await as.auditor.get(`/incidents/${id}/activity`)
    const writes = [
      await as.auditor.post<Problem>(`/incidents/${id}/activity`, { type: 'work-note', body: 'x' }),
      await as.auditor.post<Problem>(`/incidents/${id}/activity`, { type: 'reply', body: 'x' }),
      await as.auditor.post<Problem>(`/tasks/${deskTask.id}/activity`, {
        type: 'reply',
        body: 'x',
      }),
      await as.auditor.post<Problem>(`/incidents/${id}/comments`, { body: 'x' }),
    ]
    // then
    expect(read.status).toBe(200)
    expect(writes.map((w) => w.status)).toEqual([403, 403, 403, 403])
    expect((await as.admin.get<unknown[]>(`/incidents/${id}/activity`)).body).toEqual([])
  })

  test.each([
    ['no type', { body: 'Hello' }, '/type'],
    ['an unknown type', { type: 'shout', body: 'Hello' }, '/type'],
    ['an empty body', { type: 'reply', body: '' }, '/body'],
    ['a blank body', { type: 'reply', body: '   ' }, '/body'],
    ['a body too long', { type: 'reply', body: 'x'.repeat(20_001) }, '/body'],
    ['an extra field', { type: 'reply', body: 'Hello', visibility: 'customer' }, '/visibility'],
    ['a body that is no string', { type: 'work-note', body: 42 }, '/body'],
  ])('a write with %s is 400 naming the field', async (_what, body, path) => {
    // given
    const { id } = await customerIncident('Bad bodies')
    // when
    const r = await as.desk.post<Problem>(`/incidents/${id}/activity`, body)
    // then
    expect(r.status).toBe(400)
    expect(r.body.errors?.map((e) => e.path)).toContain(path)
  })

  test('an unknown case, or a task without one, is answered with a problem', async () => {
    // when
    const unknown = await as.desk.get<Problem>('/incidents/INC-999999/activity')
    const unknownWrite = await as.desk.post<Problem>('/incidents/INC-999999/activity', {
      type: 'work-note',
      body: 'Hello',
    })
    const malformed = await as.desk.get<Problem>('/incidents/not-an-id/activity')
    const noTask = await as.desk.post<Problem>('/tasks/no-such-task/activity', {
      type: 'work-note',
      body: 'Hello',
    })
    // then
    expect(unknown.status).toBe(404)
    expect(unknown.body.detail).toContain('INC-999999')
    expect(unknownWrite.status).toBe(404)
    expect(malformed.status).toBe(404)
    expect(noTask.status).toBe(404)
  })

  test('a closed case takes work notes and staff replies, and refuses its customer with 409', async () => {
    // given a closed incident of the customer's
    const { id } = await customerIncident('Mouse stops working')
    await h.server.services.cases.setStatus('incident', id, 'closed', systemActor('close'))
    // when
    const byCustomer = await as.customer.post<Problem>(`/incidents/${id}/activity`, {
      type: 'reply',
      body: 'It is broken again',
    })
    const legacy = await as.customer.post<Problem>(`/incidents/${id}/comments`, { body: 'Again' })
    const note = await as.desk.post(`/incidents/${id}/activity`, {
      type: 'work-note',
      body: 'Closed with the customer by phone',
    })
    const reply = await as.desk.post(`/incidents/${id}/activity`, {
      type: 'reply',
      body: 'Please raise a new incident if it happens again.',
    })
    const stream = await as.customer.get<ActivityEntry[]>(`/incidents/${id}/activity`)
    // then
    expect(byCustomer.status).toBe(409)
    expect(byCustomer.body.detail).toContain(`${id} is closed`)
    expect(legacy.status).toBe(409)
    expect(note.status).toBe(201)
    expect(reply.status).toBe(201)
    expect(stream.body.filter((e) => e.type === 'reply').map((e) => e.actor)).toEqual(['desk'])
  })
})
