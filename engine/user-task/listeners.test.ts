import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../../test/support/databases'
import type { ActivatedJob } from '../api'
import { TestClock } from '../clock'
import { createEngine, type Engine } from '../engine'
import { bpmn, chain, expectReplayMatches, flow, freshEngine, isActive } from '../test-support'
import {
  camundaUserTask,
  listeners,
  openTask,
  rejectionOf,
  taskPath,
  taskProcess,
  userTaskRecords,
} from './test-support'
import { fieldsOf } from '../state/records'

describe.each(testDatabaseTargets())('user task listeners on $kind', (target) => {
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

  /** Activates the one job of `type` (fails the test when there is none). */
  async function activate(e: Engine, type: string): Promise<ActivatedJob> {
    const [job] = await e.activateJobs({
      type,
      worker: 'w',
      timeoutMs: 60_000,
      maxJobsToActivate: 1,
    })
    if (!job) throw new Error(`no job of type ${type}`)
    return job
  }

  it('runs creating and assigning listeners as TASK_LISTENER jobs; each transition waits for its jobs', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'p.bpmn',
        content: taskProcess(
          'p',
          camundaUserTask(
            'Task',
            `<zeebe:assignmentDefinition assignee="ann" candidateGroups="ops" />${listeners(
              ['creating', 'on-create'],
              ['assigning', 'on-assign-1'],
              ['assigning', 'on-assign-2'],
            )}`,
          ),
        ),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'p' })
    expect(openTask(e, pi.processInstanceKey).state).toBe('CREATING')
    const create = await activate(e, 'on-create')
    expect(create.customHeaders).toMatchObject({
      'io.camunda.zeebe:assignee': 'ann',
      'io.camunda.zeebe:candidateGroups': '["ops"]',
      'io.camunda.zeebe:priority': '50',
      'io.camunda.zeebe:userTaskKey': openTask(e, pi.processInstanceKey).userTaskKey,
    })
    await e.completeJob(create.key)
    expect(openTask(e, pi.processInstanceKey).state).toBe('ASSIGNING')
    await e.completeJob((await activate(e, 'on-assign-1')).key)
    expect(
      await e.activateJobs({
        type: 'on-assign-1',
        worker: 'w',
        timeoutMs: 1,
        maxJobsToActivate: 1,
      }),
    ).toEqual([])
    const second = await activate(e, 'on-assign-2')
    expect(second.customHeaders['io.camunda.zeebe:changedAttributes']).toBe('["assignee"]')
    await e.completeJob(second.key)
    expect(await taskPath(e, pi.processInstanceKey)).toEqual([
      'PI:ELEMENT_ACTIVATING',
      'USER_TASK:CREATING',
      'JOB:CREATED:CREATING',
      'PI:ELEMENT_ACTIVATED',
      'JOB:COMPLETED:CREATING',
      'USER_TASK:CREATED',
      'USER_TASK:ASSIGNING',
      'JOB:CREATED:ASSIGNING',
      'JOB:COMPLETED:ASSIGNING',
      'JOB:CREATED:ASSIGNING',
      'JOB:COMPLETED:ASSIGNING',
      'USER_TASK:ASSIGNED',
    ])
    const jobs = await e.readRecords({
      processInstanceKey: pi.processInstanceKey,
      valueTypes: ['JOB'],
    })
    expect(jobs.every((j) => fieldsOf(j).jobKind === 'TASK_LISTENER')).toBe(true)
    expect(openTask(e, pi.processInstanceKey)).toMatchObject({ state: 'CREATED', assignee: 'ann' })
  })

  it('a completing listener denies, then approves; the command rejects, the task is CREATED again, the retry completes', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'p.bpmn',
        content: taskProcess('p', camundaUserTask('Task', listeners(['completing', 'check']))),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'p', variables: { amount: 5 } })
    const key = openTask(e, pi.processInstanceKey).userTaskKey
    // the outcome is taken at once: the command rejects later, when the listener denies
    const first = rejectionOf(e.completeUserTask(key, { variables: { amount: 7, note: 'x' } }))
    const job = await activate(e, 'check')
    // the listener sees the completion's variables over the process's
    expect(job.variables).toEqual({ amount: 7, note: 'x' })
    // other commands wait until the transition is over
    expect(await rejectionOf(e.assignUserTask(key, { assignee: 'bob' }))).toEqual({
      code: 'FAILED_PRECONDITION',
      message: `Expected to assign user task with key '${key}', but it is in state 'COMPLETING'`,
    })
    expect(await rejectionOf(e.completeJob(job.key, { y: 1 }))).toEqual({
      code: 'INVALID_ARGUMENT',
      message: `Task Listener job completion with variables payload provided is not yet supported (job key '${job.key}', type 'check', processInstanceKey '${pi.processInstanceKey}'). Support will be enabled with the resolution of issue #23702.`,
    })
    await e.completeJob(job.key, {}, { denied: true, deniedReason: 'amount too high' })
    expect(await first).toEqual({
      code: 'FAILED_PRECONDITION',
      message: `Completion of the User Task with key '${key}' was denied by Task Listener. Reason to deny: 'amount too high'`,
    })
    expect(openTask(e, pi.processInstanceKey).state).toBe('CREATED')
    const second = e.completeUserTask(key, { variables: { amount: 3 } })
    await e.completeJob((await activate(e, 'check')).key)
    expect((await second).state).toBe('COMPLETED')
    expect((await userTaskRecords(e, pi.processInstanceKey)).map((r) => r.intent)).toEqual([
      'CREATING',
      'CREATED',
      'COMPLETING',
      'COMPLETION_DENIED',
      'COMPLETING',
      'COMPLETED',
    ])
    const denied = (await userTaskRecords(e, pi.processInstanceKey))[3]!
    expect(denied.value).toMatchObject({ deniedReason: 'amount too high', action: 'complete' })
    const completedJob = (
      await e.readRecords({ processInstanceKey: pi.processInstanceKey, valueTypes: ['JOB'] })
    ).find((r) => r.intent === 'COMPLETED')!
    expect(fieldsOf(completedJob).result).toMatchObject({
      denied: true,
      deniedReason: 'amount too high',
    })
    expect(isActive(e, pi.processInstanceKey)).toBe(false)
  })

  it('an assigning listener corrects the task (CORRECTED) and an updating listener denies an update', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'p.bpmn',
        content: taskProcess(
          'p',
          camundaUserTask('Task', listeners(['assigning', 'route'], ['updating', 'guard'])),
        ),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'p' })
    const key = openTask(e, pi.processInstanceKey).userTaskKey
    const assigned = e.assignUserTask(key, { assignee: 'ann' })
    await e.completeJob(
      (await activate(e, 'route')).key,
      {},
      {
        corrections: { assignee: 'bob', priority: 90, dueDate: '2026-02-01T00:00:00Z' },
      },
    )
    expect(await assigned).toMatchObject({
      assignee: 'bob',
      priority: 90,
      dueDate: '2026-02-01T00:00Z',
    })
    const records = await userTaskRecords(e, pi.processInstanceKey)
    expect(records.map((r) => r.intent)).toEqual([
      'CREATING',
      'CREATED',
      'ASSIGNING',
      'CORRECTED',
      'ASSIGNED',
    ])
    expect(fieldsOf(records[3]!).changedAttributes).toEqual(['assignee', 'dueDate', 'priority'])
    expect(records[4]!.value).toMatchObject({ assignee: 'bob', priority: 90 })
    // a correction out of range is refused
    const update = rejectionOf(e.updateUserTask(key, { changeset: { priority: 10 } }))
    const guard = await activate(e, 'guard')
    expect(guard.customHeaders['io.camunda.zeebe:changedAttributes']).toBe('["priority"]')
    expect(
      await rejectionOf(e.completeJob(guard.key, {}, { corrections: { priority: 500 } })),
    ).toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    await e.completeJob(guard.key, {}, { denied: true })
    expect(await update).toMatchObject({
      message: `Update of the User Task with key '${key}' was denied by Task Listener. Reason to deny: ''`,
    })
    expect(openTask(e, pi.processInstanceKey)).toMatchObject({ state: 'CREATED', priority: 90 })
    expect((await userTaskRecords(e, pi.processInstanceKey)).at(-1)!.intent).toBe('UPDATE_DENIED')
  })

  it('a creating listener may not deny; its job fails like any job (incident, retries, resolve)', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'p.bpmn',
        content: taskProcess('p', camundaUserTask('Task', listeners(['creating', 'setup']))),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'p' })
    const job = await activate(e, 'setup')
    expect(await rejectionOf(e.completeJob(job.key, {}, { denied: true }))).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: `Denying result is not supported for 'CREATING' task listener jobs (job key '${job.key}', type 'setup', processInstanceKey '${pi.processInstanceKey}'). Only the following listener event types support denying: [ASSIGNING, COMPLETING, UPDATING].`,
    })
    await e.failJob(job.key, 0, 'directory down')
    const [incident] = Object.values(e.state.incidents)
    expect(incident?.value).toMatchObject({ errorType: 'JOB_NO_RETRIES', elementId: 'Task' })
    await e.updateJobRetries(job.key, 1)
    await e.resolveIncident(String(incident!.key))
    await e.completeJob(
      (await activate(e, 'setup')).key,
      {},
      { corrections: { candidateUsers: ['ann'] } },
    )
    expect(openTask(e, pi.processInstanceKey)).toMatchObject({
      state: 'CREATED',
      candidateUsers: ['ann'],
    })
  })

  it("rejects a denial with corrections, and a creating listener's assignee correction when the model names one", async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'p.bpmn',
        content: taskProcess(
          'p',
          camundaUserTask(
            'Task',
            `<zeebe:assignmentDefinition assignee="ann" />${listeners(['creating', 'setup'], ['completing', 'check'])}`,
          ),
        ),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'p' })
    const ids = (key: string, type: string) =>
      `(job key '${key}', type '${type}', processInstanceKey '${pi.processInstanceKey}')`
    const setup = await activate(e, 'setup')
    expect(
      await rejectionOf(e.completeJob(setup.key, {}, { corrections: { assignee: 'bob' } })),
    ).toEqual({
      code: 'INVALID_ARGUMENT',
      message: `Expected to complete task listener job, but correcting the assignee on 'CREATING' event is not supported when the user task has an assignee defined in the model ${ids(setup.key, 'setup')}. Use the 'CREATING' event to set an assignee only if it was not defined. Use the 'ASSIGNING' event to correct an assignee that is already defined.`,
    })
    await e.completeJob(setup.key, {}, { corrections: { priority: 70 } })
    const key = openTask(e, pi.processInstanceKey).userTaskKey
    void e.completeUserTask(key).catch(() => undefined)
    const check = await activate(e, 'check')
    expect(
      await rejectionOf(
        e.completeJob(check.key, {}, { denied: true, corrections: { priority: 10 } }),
      ),
    ).toEqual({
      code: 'INVALID_ARGUMENT',
      message: `Expected to complete task listener job with corrections, but the job result is denied ${ids(check.key, 'check')}. The corrections would be reverted by the denial. Either complete the job with corrections without setting denied, or complete the job with a denied result but no corrections.`,
    })
    await e.completeJob(check.key)
    expect(isActive(e, pi.processInstanceKey)).toBe(false)
    expect(await taskPath(e, pi.processInstanceKey)).toContain('USER_TASK:CORRECTED')
  })

  it('a pending listener job is canceled with the task; the waiting command is told', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'p.bpmn',
        content: bpmn(
          'p',
          `<bpmn:startEvent id="start" />${camundaUserTask('Task', listeners(['completing', 'slow']))}
           <bpmn:boundaryEvent id="late" attachedToRef="Task"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
           <bpmn:endEvent id="end" />${chain('start', 'Task', 'end')}${flow('f', 'late', 'end')}`,
        ),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'p' })
    const completion = rejectionOf(
      e.completeUserTask(openTask(e, pi.processInstanceKey).userTaskKey),
    )
    await activate(e, 'slow')
    clock.advance(60_000)
    await e.tick()
    expect(await completion).toEqual({
      code: 'FAILED_PRECONDITION',
      message: 'user task was canceled during ongoing transition',
    })
    expect((await taskPath(e, pi.processInstanceKey)).slice(-5)).toEqual([
      'PI:ELEMENT_TERMINATING',
      'JOB:CANCELED:COMPLETING',
      'USER_TASK:CANCELING',
      'USER_TASK:CANCELED',
      'PI:ELEMENT_TERMINATED',
    ])
    expect(isActive(e, pi.processInstanceKey)).toBe(false)
  })

  it('a listener job left open survives a restart and finishes the transition', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'p.bpmn',
        content: taskProcess('p', camundaUserTask('Task', listeners(['completing', 'audit']))),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'p' })
    const key = openTask(e, pi.processInstanceKey).userTaskKey
    const pending = rejectionOf(e.completeUserTask(key, { variables: { v: 1 } }))
    await e.close()
    expect(await pending).toMatchObject({ code: 'UNIMPLEMENTED' })
    engine = await createEngine({ sql: db.database.sql, clock })
    expect(engine.getUserTask(key)?.state).toBe('COMPLETING')
    const job = await activate(engine, 'audit')
    expect(job.variables).toEqual({ v: 1 })
    await engine.completeJob(job.key)
    expect(isActive(engine, pi.processInstanceKey)).toBe(false)
  })
})
