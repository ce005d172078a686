/**
 * Camunda user tasks (`zeebe:userTask`, what the modeler draws) in the inbox, end to end: the real
 * server with the embedded engine; the inbox reads them through the v2 REST API and claims,
 * unclaims and completes them through it — the same calls a Camunda 8.8 cluster answers
 * (ISO/IEC 20000-1 8.1: the human steps of the procedures, with their evidence).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { completedPath } from '../../engine/test-support'
import type { TaskView } from '../../server/src/inbox/task-model'
import type { CamundaUserTask, UserTaskApi } from '../../server/src/camunda/camunda-rest'
import { testDatabaseTargets } from '../support/databases'
import { eventually, startHarness, type ApiClient, type Harness } from '../support/harness'
import { deployTriage, fixture, startTriage } from '../support/triage'

const BPMN = readFileSync(join(import.meta.dirname, 'camunda-user-task.bpmn'))
const DUE = '2031-05-01T09:00:00.000Z'

describe.each(testDatabaseTargets())('Camunda user tasks in the inbox ($kind)', (target) => {
  let h: Harness
  let desk: ApiClient
  let desk2: ApiClient
  let admin: ApiClient
  let api: UserTaskApi
  let seq = 0

  beforeAll(async () => {
    h = await startHarness({ deployProcesses: false, database: target })
    await deployTriage(h)
    await h.server.services.processes.deploy(
      [
        { name: 'inbox-triage-form.form', content: fixture('inbox-triage-form.form') },
        { name: 'camunda-user-task.bpmn', content: BPMN },
      ],
      { actor: 'admin' },
    )
    api = h.server.services.userTasks!
    ;[desk, desk2, admin] = await Promise.all(['desk', 'desk2', 'admin'].map((u) => h.login(u)))
  })
  afterAll(async () => {
    await h?.stop()
  })

  /** Starts a review of a new ticket and waits until `desk` sees its first task. */
  async function startReview(title = 'VPN drops every hour') {
    const caseId = `INC-CUT${++seq}`
    const { processInstanceKey } = await h.server.services.instances.start(
      'camunda-user-task',
      { caseKind: 'incident', caseId, title, dueAt: DUE, owner: 'desk' },
      { caseKind: 'incident', caseId, actor: 'desk' },
    )
    const task = await taskOf(caseId, 'Task_ReviewTicket')
    return { caseId, processInstanceKey, task }
  }

  const taskOf = (caseId: string, elementId: string, state?: string) =>
    eventually(
      async () =>
        (
          await desk.get<{ items: TaskView[] }>(
            `/tasks?caseId=${caseId}${state ? `&state=${state}` : ''}`,
          )
        ).body.items.find((t) => t.elementId === elementId),
      15_000,
      `${elementId} of ${caseId}${state ? ` (${state})` : ''}`,
    )

  it('shows a Camunda user task to its candidate group with its form, due date and priority', async () => {
    // given a process whose user task is a Camunda user task (zeebe:userTask)
    // when an instance reaches it
    const { task, caseId, processInstanceKey } = await startReview()
    // then the inbox shows it like a job-worker task, keyed by its user task key
    expect(task).toMatchObject({
      kind: 'camunda',
      jobKey: null,
      name: 'Review the ticket',
      elementId: 'Task_ReviewTicket',
      bpmnProcessId: 'camunda-user-task',
      processName: 'Camunda user task review',
      processInstanceKey,
      state: 'open',
      assignee: null,
      candidateGroups: ['service-desk'],
      priority: 70,
      dueDate: DUE,
      caseKind: 'incident',
      caseId,
      caseTitle: 'VPN drops every hour',
      formId: 'inbox-triage-form',
    })
    expect(task.userTaskKey).toMatch(/^\d+$/)
    const detail = await desk.get<{ form: { id: string }; variables: Record<string, unknown> }>(
      `/tasks/${task.id}`,
    )
    expect(detail.body.form.id).toBe('inbox-triage-form')
    expect(detail.body.variables).toMatchObject({ caseId, dueAt: DUE, owner: 'desk' })
  })

  it('claims, unclaims and completes through v2; the instance walks on and ends', async () => {
    // given an open Camunda user task
    const { task, caseId, processInstanceKey } = await startReview('Printer offline')
    const key = task.userTaskKey!

    // (v2 reads come from the secondary storage: they show a command a moment later, as on 8.8)
    const engineSays = (what: string, test: (t: CamundaUserTask) => boolean) =>
      eventually(async () => test(await api.getUserTask(key)), 10_000, what)

    // when desk2 claims it, the engine holds it for desk2 and a second claim loses
    expect((await desk2.post(`/tasks/${task.id}/claim`)).status).toBe(200)
    await engineSays('assignee desk2', (t) => t.assignee === 'desk2')
    expect((await desk.post(`/tasks/${task.id}/claim`)).status).toBe(409)
    // and an unclaim frees it in the engine too
    expect((await desk2.post(`/tasks/${task.id}/unclaim`)).status).toBe(200)
    await engineSays('no assignee', (t) => t.assignee === undefined)
    expect((await desk.post(`/tasks/${task.id}/claim`)).status).toBe(200)
    await engineSays('assignee desk', (t) => t.assignee === 'desk')

    // the form still validates the submission (the same rules as job-worker tasks)
    expect((await desk.post(`/tasks/${task.id}/complete`, { data: { impact: 'x' } })).status).toBe(
      400,
    )
    const data = { summary: 'Driver reinstalled', impact: 'low', hours: 1 }
    const done = await desk.post<TaskView>(`/tasks/${task.id}/complete`, { data })
    expect(done.status).toBe(200)
    expect(done.body).toMatchObject({ state: 'completed', completedBy: 'desk' })
    await engineSays('the task completed', (t) => t.state === 'COMPLETED')

    // then the next task arrives assigned by its FEEL expression (=owner) and completes too
    const confirm = await taskOf(caseId, 'Task_ConfirmReview')
    expect(confirm).toMatchObject({ kind: 'camunda', state: 'claimed', assignee: 'desk' })
    const variables = (
      await desk.get<{ variables: Record<string, unknown> }>(`/tasks/${confirm.id}`)
    ).body.variables
    expect(variables).toMatchObject({ summary: 'Driver reinstalled', impact: 'low' })
    expect((await desk.post(`/tasks/${confirm.id}/complete`, { data: {} })).status).toBe(200)

    const engine = h.server.engine!.engine
    expect(
      await eventually(async () => {
        const path = await completedPath(engine, processInstanceKey)
        return path.includes('camunda-user-task') ? path : undefined
      }),
    ).toEqual([
      'StartEvent_TicketRaised',
      'Task_ReviewTicket',
      'Task_ConfirmReview',
      'EndEvent_TicketReviewed',
      'camunda-user-task',
    ])
  })

  it('closes the task when its instance is cancelled', async () => {
    // given an open task
    const { task, caseId, processInstanceKey } = await startReview('Mail queue stuck')
    // when an admin cancels the instance
    expect((await admin.post(`/process-instances/${processInstanceKey}/cancel`)).status).toBe(202)
    // then the intake sees the user task CANCELED and closes the task
    const closed = await taskOf(caseId, 'Task_ReviewTicket', 'cancelled')
    expect(closed.id).toBe(task.id)
    expect((await desk.post(`/tasks/${task.id}/claim`)).status).toBe(409)
  })

  it('closes tasks completed outside the inbox', async () => {
    // given two open tasks, completed by another v2 client
    const a = await startReview('Completed elsewhere A')
    const b = await startReview('Completed elsewhere B')
    await api.completeUserTask(a.task.userTaskKey!, {})
    // then the polling intake closes the first
    await taskOf(a.caseId, 'Task_ReviewTicket', 'cancelled')
    // and a full pass (the one that mends what incremental passes missed) the second
    await api.completeUserTask(b.task.userTaskKey!, {})
    await eventually(async () => {
      await h.server.services.camundaIntake!.fullPass()
      const closed = await desk.get<{ task: TaskView }>(`/tasks/${b.task.id}`)
      return closed.body.task.state === 'cancelled'
    })
  })

  it('takes assignments made by other v2 clients, with evidence by the engine', async () => {
    // given an open task
    const { task } = await startReview('Assigned in Tasklist')
    const key = task.userTaskKey!
    const db = h.server.database.db
    const trail = async () =>
      (
        await db
          .selectFrom('evidence')
          .select(['actor', 'action', 'after'])
          .where('entity_id', '=', task.id)
          .orderBy('seq')
          .execute()
      ).map((e) => ({ actor: e.actor, action: e.action, after: e.after as { assignee?: unknown } }))
    const inbox = async () => (await desk.get<{ task: TaskView }>(`/tasks/${task.id}`)).body.task
    // when another client of the engine's v2 API (Tasklist, a script) assigns it to desk2
    await api.assignUserTask(key, 'desk2', true)
    // then the inbox takes the engine's assignee, with an evidence entry by the engine
    await eventually(async () => (await inbox()).assignee === 'desk2', 20_000, 'assignee desk2')
    expect(await inbox()).toMatchObject({ state: 'claimed', assignee: 'desk2' })
    expect(await trail()).toContainEqual(
      expect.objectContaining({
        actor: 'system:engine',
        action: 'task.assigned',
        after: expect.objectContaining({ assignee: 'desk2' }) as unknown,
      }),
    )
    // when the other client takes the assignee away again, the task is open again
    await api.unassignUserTask(key)
    await eventually(async () => (await inbox()).state === 'open', 20_000, 'open again')
    expect((await trail()).filter((e) => e.actor === 'system:engine').map((e) => e.action)).toEqual(
      ['task.assigned', 'task.unclaimed'],
    )
    // and a claim in the inbox is not undone by a search that still shows the task unassigned
    expect((await desk.post(`/tasks/${task.id}/claim`)).status).toBe(200)
    const intake = h.server.services.camundaIntake!
    await intake.fullPass()
    await new Promise((resolve) => setTimeout(resolve, 2500)) // past the settle time (2 s)
    await intake.pass()
    expect(await inbox()).toMatchObject({ state: 'claimed', assignee: 'desk' })
    expect(
      (await desk.post(`/tasks/${task.id}/complete`, { data: { summary: 'ok', impact: 'low' } }))
        .status,
    ).toBe(200)
  })

  it('confirms from the task search a completion whose answer a crash lost', async () => {
    // given a task whose submission is stored and whose completion reached the engine, but the
    // server died before recording the answer (the outbox row is still pending)
    const { task } = await startReview('Crash between send and record')
    expect((await desk.post(`/tasks/${task.id}/claim`)).status).toBe(200)
    const tasks = h.server.services.tasks
    const db = h.server.database.db
    const outboxId = await db.transaction().execute(async (tx) => {
      await tx
        .updateTable('tasks')
        .set({ state: 'completing', completed_by: 'desk', submitted_data: '{}' })
        .where('id', '=', task.id)
        .execute()
      return tasks.completions.enqueue(tx, task.id, {
        userTaskKey: task.userTaskKey!,
        variables: { summary: 'sent once' },
        actor: 'desk',
      })
    })
    await api.completeUserTask(task.userTaskKey!, { summary: 'sent once' })
    // when the reconciler sends it again, the engine answers 404 (until the task search shows
    // the task COMPLETED, the completion stays pending)
    const outcome = await eventually(async () => {
      const o = await tasks.completions.deliver(outboxId)
      return o.state === 'pending' ? undefined : o
    })
    // then the task search says COMPLETED: the task is completed, not cancelled
    expect(outcome.state).toBe('completed')
    const after = await desk.get<{ task: TaskView }>(`/tasks/${task.id}`)
    expect(after.body.task.state).toBe('completed')
    const evidence = await db
      .selectFrom('evidence')
      .select(['action', 'after'])
      .where('entity_id', '=', task.id)
      .where('action', '=', 'task.completed')
      .execute()
    expect(JSON.stringify(evidence[0]?.after)).toContain('"confirmedBy":"search"')
  })

  it('keeps job-worker user tasks working beside Camunda user tasks', async () => {
    // given the triage procedure, whose user task is a job-worker task
    const { task } = await startTriage(h, desk, `INC-JOB${++seq}`, 'Old style task')
    expect(task).toMatchObject({ kind: 'job', userTaskKey: null })
    expect(task.jobKey).toMatch(/^\d+$/)
    // when it is claimed and completed, then the job completes as before
    expect((await desk.post(`/tasks/${task.id}/claim`)).status).toBe(200)
    const data = { summary: 'Done the old way', impact: 'low', hours: 1 }
    const done = await desk.post<TaskView>(`/tasks/${task.id}/complete`, { data })
    expect(done.status).toBe(200)
    expect(done.body.state).toBe('completed')
  })
})
