import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../../test/support/databases'
import { TestClock } from '../clock'
import { createEngine, type Engine } from '../engine'
import {
  bpmn,
  chain,
  expectReplayMatches,
  flow,
  freshEngine,
  isActive,
  rootVariables,
  serviceTask,
  trail,
} from '../test-support'
import {
  camundaUserTask,
  openTask,
  rejectionOf,
  taskPath,
  taskProcess,
  userTaskRecords,
} from './test-support'
import { fieldsOf } from '../state/records'

describe.each(testDatabaseTargets())('Camunda user tasks on $kind', (target) => {
  let db: TestDatabase
  let engine: Engine
  const clock = new TestClock(Date.UTC(2026, 0, 10, 12, 0, 0))

  beforeAll(async () => {
    db = await target.open()
  })
  afterAll(async () => {
    await db.drop()
  })
  afterEach(async () => {
    await expectReplayMatches(engine, db.database.sql)
    await engine.close()
  })
  const open = async () => (engine = await freshEngine(db.database.sql, clock))

  it('creates a task with FEEL and static assignment, schedule and priority: CREATING, CREATED, ELEMENT_ACTIVATED, ASSIGNING, ASSIGNED', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'triage.bpmn',
        content: taskProcess(
          'triage',
          camundaUserTask(
            'Task',
            `<zeebe:assignmentDefinition assignee="= owner" candidateGroups="ops, qa" candidateUsers="= [&quot;ann&quot;, &quot;bob&quot;]" />
             <zeebe:taskSchedule dueDate="2026-02-01T10:00:00Z" followUpDate="= date and time(&quot;2026-01-31T09:00:30+01:00&quot;)" />
             <zeebe:priorityDefinition priority="= base + 20" />
             <zeebe:taskHeaders><zeebe:header key="kind" value="incident" /></zeebe:taskHeaders>`,
          ),
        ),
      },
    ])
    const pi = await e.createProcessInstance({
      bpmnProcessId: 'triage',
      variables: { owner: 'carol', base: 50 },
    })
    // then: Zeebe 8.8's order (bpmn/task/UserTaskProcessor): the task is created before the
    // element is ACTIVATED, and the definition's assignee is assigned after it.
    expect(await taskPath(e, pi.processInstanceKey)).toEqual([
      'PI:ELEMENT_ACTIVATING',
      'USER_TASK:CREATING',
      'USER_TASK:CREATED',
      'PI:ELEMENT_ACTIVATED',
      'USER_TASK:ASSIGNING',
      'USER_TASK:ASSIGNED',
    ])
    const records = await userTaskRecords(e, pi.processInstanceKey)
    const [creating, created, assigning, assigned] = records.map((r) => r.value)
    expect(records.every((r) => r.key === records[0]!.key)).toBe(true)
    expect(creating).toMatchObject({
      userTaskKey: Number(records[0]!.key),
      assignee: 'carol',
      candidateGroupsList: ['ops', 'qa'],
      candidateUsersList: ['ann', 'bob'],
      dueDate: '2026-02-01T10:00Z',
      followUpDate: '2026-01-31T09:00:30+01:00',
      priority: 70,
      formKey: -1,
      externalFormReference: '',
      customHeaders: { kind: 'incident' },
      elementId: 'Task',
      bpmnProcessId: 'triage',
      processDefinitionVersion: 1,
      processInstanceKey: Number(pi.processInstanceKey),
      tenantId: '<default>',
      creationTimestamp: clock.now(),
    })
    expect(created).toMatchObject({ assignee: '', changedAttributes: [] })
    expect(assigning).toMatchObject({ assignee: 'carol', changedAttributes: ['assignee'] })
    expect(assigned).toMatchObject({ assignee: 'carol', action: '' })
    // no job: a Camunda user task is not a job-worker task
    expect(
      await e.readRecords({ processInstanceKey: pi.processInstanceKey, valueTypes: ['JOB'] }),
    ).toEqual([])
    expect(openTask(e, pi.processInstanceKey)).toMatchObject({
      state: 'CREATED',
      assignee: 'carol',
      candidateGroups: ['ops', 'qa'],
      priority: 70,
      dueDate: '2026-02-01T10:00Z',
    })
    expect(e.listUserTasks({ candidateGroup: 'qa' })).toHaveLength(1)
    expect(e.listUserTasks({ assignee: 'nobody' })).toHaveLength(0)
  })

  it('claims, assigns, unassigns, updates and completes; variables go through output mappings', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'review.bpmn',
        content: bpmn(
          'review',
          `<bpmn:startEvent id="start" />
           ${camundaUserTask('Task', '<zeebe:ioMapping><zeebe:output source="= decision" target="result" /></zeebe:ioMapping>')}
           ${serviceTask('next', 'next')}
           ${chain('start', 'Task', 'next')}`,
        ),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'review' })
    const key = openTask(e, pi.processInstanceKey).userTaskKey
    // claim
    expect(await e.claimUserTask(key, { assignee: 'ann' })).toMatchObject({ assignee: 'ann' })
    expect(await rejectionOf(e.claimUserTask(key, { assignee: 'bob' }))).toEqual({
      code: 'FAILED_PRECONDITION',
      message: `Expected to claim user task with key '${key}', but it has already been assigned`,
    })
    // claiming one's own task again is allowed (no change)
    await e.claimUserTask(key, { assignee: 'ann' })
    expect(await rejectionOf(e.claimUserTask(key, { assignee: ' ' }))).toEqual({
      code: 'FAILED_PRECONDITION',
      message: `Expected to claim user task with key '${key}', but provided assignee is empty`,
    })
    // assign overrides; allowOverride: false is a claim
    expect((await e.assignUserTask(key, { assignee: 'bob', action: 'escalate' })).assignee).toBe(
      'bob',
    )
    expect(
      await rejectionOf(e.assignUserTask(key, { assignee: 'cid', allowOverride: false })),
    ).toMatchObject({
      message: `Expected to claim user task with key '${key}', but it has already been assigned`,
    })
    expect((await e.unassignUserTask(key)).assignee).toBeUndefined()
    // update
    const updated = await e.updateUserTask(key, {
      changeset: { priority: 80, candidateGroups: ['ops'], dueDate: '2026-03-01T08:00:00+02:00' },
    })
    expect(updated).toMatchObject({
      priority: 80,
      candidateGroups: ['ops'],
      dueDate: '2026-03-01T08:00+02:00',
    })
    expect(
      await rejectionOf(e.updateUserTask(key, { changeset: { priority: 101 } })),
    ).toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    expect(
      await rejectionOf(e.updateUserTask(key, { changeset: { dueDate: 'tomorrow' } })),
    ).toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    // complete
    const done = await e.completeUserTask(key, {
      variables: { decision: 'approved' },
      action: 'approve',
    })
    expect(done.state).toBe('COMPLETED')
    const records = await userTaskRecords(e, pi.processInstanceKey)
    expect(records.map((r) => `${r.intent}:${String(fieldsOf(r).action)}`)).toEqual([
      'CREATING:',
      'CREATED:',
      'CLAIMING:claim',
      'ASSIGNED:claim',
      'CLAIMING:claim',
      'ASSIGNED:claim',
      'ASSIGNING:escalate',
      'ASSIGNED:escalate',
      'ASSIGNING:unassign',
      'ASSIGNED:unassign',
      'UPDATING:update',
      'UPDATED:update',
      'COMPLETING:approve',
      'COMPLETED:approve',
    ])
    expect(fieldsOf(records[10]!).changedAttributes).toEqual([
      'candidateGroupsList',
      'dueDate',
      'priority',
    ])
    expect(fieldsOf(records[4]!).changedAttributes).toEqual([])
    expect(fieldsOf(records[13]!).variables).toEqual({ decision: 'approved' })
    expect(await taskPath(e, pi.processInstanceKey)).toEqual(
      expect.arrayContaining([
        'USER_TASK:COMPLETED',
        'PI:ELEMENT_COMPLETING',
        'PI:ELEMENT_COMPLETED',
      ]),
    )
    const path = await taskPath(e, pi.processInstanceKey)
    expect(path.slice(-4)).toEqual([
      'USER_TASK:COMPLETING',
      'USER_TASK:COMPLETED',
      'PI:ELEMENT_COMPLETING',
      'PI:ELEMENT_COMPLETED',
    ])
    // output mapping: `decision` stays local to the task, `result` reaches the process
    expect(rootVariables(e, pi.processInstanceKey)).toEqual({ result: 'approved' })
    expect(await trail(e, pi.processInstanceKey)).toContain('next:ELEMENT_ACTIVATED')
    // commands on a completed task
    expect(await rejectionOf(e.assignUserTask(key, { assignee: 'ann' }))).toEqual({
      code: 'NOT_FOUND',
      message: `Expected to assign user task with key '${key}', but no such user task was found`,
    })
    expect(await rejectionOf(e.completeUserTask('12'))).toEqual({
      code: 'NOT_FOUND',
      message: "Expected to complete user task with key '12', but no such user task was found",
    })
    expect(await rejectionOf(e.completeUserTask('x1'))).toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect(e.getUserTask(key)).toBeUndefined()
  })

  it('without output mappings, completion variables propagate to the process', async () => {
    const e = await open()
    await e.deployResources([
      { name: 'p.bpmn', content: taskProcess('p', camundaUserTask('Task')) },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'p', variables: { a: 1 } })
    await e.completeUserTask(openTask(e, pi.processInstanceKey).userTaskKey, {
      variables: { a: 2, b: 'x' },
    })
    expect(isActive(e, pi.processInstanceKey)).toBe(false)
    const vars = await e.readRecords({
      processInstanceKey: pi.processInstanceKey,
      valueTypes: ['VARIABLE'],
    })
    expect(
      vars.map((r) => `${r.intent}:${String(fieldsOf(r).name)}=${String(fieldsOf(r).value)}`),
    ).toEqual(['CREATED:a=1', 'UPDATED:a=2', 'CREATED:b="x"'])
  })

  it('an interrupting timer boundary cancels the task: CANCELING, CANCELED, then the boundary', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'sla.bpmn',
        content: bpmn(
          'sla',
          `<bpmn:startEvent id="start" />
           ${camundaUserTask('Task', '<zeebe:assignmentDefinition assignee="ann" />')}
           <bpmn:boundaryEvent id="late" attachedToRef="Task"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
           <bpmn:endEvent id="done" /><bpmn:endEvent id="escalated" />
           ${chain('start', 'Task', 'done')}${flow('f_late', 'late', 'escalated')}`,
        ),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'sla' })
    clock.advance(3_600_000)
    await e.tick()
    expect(await taskPath(e, pi.processInstanceKey)).toEqual([
      'PI:ELEMENT_ACTIVATING',
      'USER_TASK:CREATING',
      'USER_TASK:CREATED',
      'PI:ELEMENT_ACTIVATED',
      'USER_TASK:ASSIGNING',
      'USER_TASK:ASSIGNED',
      'PI:ELEMENT_TERMINATING',
      'USER_TASK:CANCELING',
      'USER_TASK:CANCELED',
      'PI:ELEMENT_TERMINATED',
    ])
    const canceled = (await userTaskRecords(e, pi.processInstanceKey)).at(-1)!
    expect(fieldsOf(canceled).assignee).toBe('ann')
    expect(await trail(e, pi.processInstanceKey)).toContain('escalated:ELEMENT_COMPLETED')
    expect(e.listUserTasks()).toEqual([])
  })

  it('cancelling the instance cancels its open task', async () => {
    const e = await open()
    await e.deployResources([
      { name: 'p.bpmn', content: taskProcess('p', camundaUserTask('Task')) },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'p' })
    const key = openTask(e, pi.processInstanceKey).userTaskKey
    await e.cancelProcessInstance(pi.processInstanceKey)
    expect((await userTaskRecords(e, pi.processInstanceKey)).map((r) => r.intent)).toEqual([
      'CREATING',
      'CREATED',
      'CANCELING',
      'CANCELED',
    ])
    expect(await rejectionOf(e.completeUserTask(key))).toMatchObject({ code: 'NOT_FOUND' })
  })

  it('a parallel multi-instance Camunda user task creates one task per item and completes with all of them', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'mi.bpmn',
        content: taskProcess(
          'mi',
          camundaUserTask(
            'Task',
            '<zeebe:assignmentDefinition assignee="= reviewer" />',
            '<bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="= reviewers" inputElement="reviewer" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics>',
          ),
        ),
      },
    ])
    const pi = await e.createProcessInstance({
      bpmnProcessId: 'mi',
      variables: { reviewers: ['ann', 'bob'] },
    })
    const tasks = e.listUserTasks({ processInstanceKey: pi.processInstanceKey })
    expect(tasks.map((t) => t.assignee)).toEqual(['ann', 'bob'])
    await e.completeUserTask(tasks[0]!.userTaskKey)
    expect(isActive(e, pi.processInstanceKey)).toBe(true)
    await e.completeUserTask(tasks[1]!.userTaskKey)
    expect(isActive(e, pi.processInstanceKey)).toBe(false)
  })

  it('an engine reopened on the same database keeps an open task completable (snapshot and log replay)', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'p.bpmn',
        content: taskProcess(
          'p',
          camundaUserTask('Task', '<zeebe:assignmentDefinition candidateGroups="ops" />'),
        ),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'p' })
    const key = openTask(e, pi.processInstanceKey).userTaskKey
    await e.claimUserTask(key, { assignee: 'ann' })
    await e.close()
    engine = await createEngine({ sql: db.database.sql, clock })
    expect(engine.getUserTask(key)).toMatchObject({
      assignee: 'ann',
      candidateGroups: ['ops'],
      state: 'CREATED',
    })
    // again without the snapshot: the log alone rebuilds the task
    await engine.close()
    await db.database.sql.query('delete from engine_snapshots')
    engine = await createEngine({ sql: db.database.sql, clock })
    expect(engine.getUserTask(key)).toMatchObject({ assignee: 'ann' })
    await engine.completeUserTask(key, { variables: { ok: true } })
    expect(isActive(engine, pi.processInstanceKey)).toBe(false)
  })
})
