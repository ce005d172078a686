/**
 * Canceling task listeners (Zeebe 8.8's UserTaskProcessor.onTerminateInternal, TaskListenerTest):
 * when a Camunda user task's element is terminated, USER_TASK CANCELING is written and the
 * element stays TERMINATING while its canceling listeners run one after the other as
 * TASK_LISTENER jobs; the last one's completion writes CANCELED and the termination goes on
 * (CONTINUE_TERMINATING_ELEMENT): ELEMENT_TERMINATED, then what waited for it (the flow scope's
 * termination, the interrupting boundary event). A canceling listener cannot deny.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../../test/support/databases'
import type { ActivatedJob } from '../api'
import { TestClock } from '../clock'
import { createEngine, type Engine } from '../engine'
import {
  bpmn,
  chain,
  completedPath,
  expectReplayMatches,
  flow,
  freshEngine,
  isActive,
  serviceTask,
  trail,
} from '../test-support'
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

describe.each(testDatabaseTargets())('canceling task listeners on $kind', (target) => {
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

  const cancelingTask = camundaUserTask(
    'Task',
    `<zeebe:assignmentDefinition candidateGroups="ops" />${listeners(
      ['canceling', 'on-cancel-1'],
      ['cancel', 'on-cancel-2'],
    )}`,
  )

  it('instance cancel: CANCELING, each canceling listener in order, CANCELED, then the task and the process TERMINATED', async () => {
    const e = await open()
    await e.deployResources([{ name: 'p.bpmn', content: taskProcess('p', cancelingTask) }])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'p', variables: { amount: 3 } })
    const key = openTask(e, pi.processInstanceKey).userTaskKey
    await e.cancelProcessInstance(pi.processInstanceKey)
    // the termination waits for the listeners: the instance and its task are still there
    expect(isActive(e, pi.processInstanceKey)).toBe(true)
    expect(e.getUserTask(key)?.state).toBe('CANCELING')
    expect(e.listUserTasks({ processInstanceKey: pi.processInstanceKey })).toHaveLength(1)
    const first = await activate(e, 'on-cancel-1')
    expect(first).toMatchObject({ variables: { amount: 3 } })
    expect(first.customHeaders).toMatchObject({
      'io.camunda.zeebe:userTaskKey': key,
      'io.camunda.zeebe:candidateGroups': '["ops"]',
    })
    // canceling listeners cannot deny (Zeebe's rejection, its wording)
    expect(await rejectionOf(e.completeJob(first.key, {}, { denied: true }))).toEqual({
      code: 'INVALID_ARGUMENT',
      message: `Denying result is not supported for 'CANCELING' task listener jobs (job key '${first.key}', type 'on-cancel-1', processInstanceKey '${pi.processInstanceKey}'). Only the following listener event types support denying: [ASSIGNING, COMPLETING, UPDATING].`,
    })
    await e.completeJob(first.key)
    expect(isActive(e, pi.processInstanceKey)).toBe(true)
    await e.completeJob((await activate(e, 'on-cancel-2')).key)
    expect(isActive(e, pi.processInstanceKey)).toBe(false)
    expect(e.getUserTask(key)).toBeUndefined()
    expect(await taskPath(e, pi.processInstanceKey)).toEqual([
      'PI:ELEMENT_ACTIVATING',
      'USER_TASK:CREATING',
      'USER_TASK:CREATED',
      'PI:ELEMENT_ACTIVATED',
      'PI:ELEMENT_TERMINATING',
      'USER_TASK:CANCELING',
      'JOB:CREATED:CANCELING',
      'JOB:COMPLETED:CANCELING',
      'JOB:CREATED:CANCELING',
      'JOB:COMPLETED:CANCELING',
      'USER_TASK:CANCELED',
      'PI:ELEMENT_TERMINATED',
    ])
    expect((await trail(e, pi.processInstanceKey)).slice(-4)).toEqual([
      'p:ELEMENT_TERMINATING',
      'Task:ELEMENT_TERMINATING',
      'Task:ELEMENT_TERMINATED',
      'p:ELEMENT_TERMINATED',
    ])
    const canceled = (await userTaskRecords(e, pi.processInstanceKey)).at(-1)!
    expect(canceled).toMatchObject({
      intent: 'CANCELED',
      value: { action: '', userTaskKey: Number(key) },
    })
  })

  it('an interrupting boundary event activates only after the canceling listeners', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'p.bpmn',
        content: bpmn(
          'p',
          `<bpmn:startEvent id="start" />${camundaUserTask('Task', listeners(['canceling', 'on-cancel']))}
           <bpmn:boundaryEvent id="late" attachedToRef="Task"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
           ${serviceTask('escalate', 'escalate')}
           <bpmn:endEvent id="end" /><bpmn:endEvent id="end2" />${chain('start', 'Task', 'end')}${flow('f1', 'late', 'escalate')}${flow('f2', 'escalate', 'end2')}`,
        ),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'p' })
    clock.advance(60_000)
    await e.tick()
    expect((await trail(e, pi.processInstanceKey)).slice(-1)).toEqual(['Task:ELEMENT_TERMINATING'])
    expect(
      await e.activateJobs({
        type: 'escalate',
        worker: 'w',
        timeoutMs: 1000,
        maxJobsToActivate: 1,
      }),
    ).toEqual([])
    await e.completeJob((await activate(e, 'on-cancel')).key)
    await e.completeJob((await activate(e, 'escalate')).key)
    expect(await completedPath(e, pi.processInstanceKey)).toEqual([
      'start',
      'late',
      'escalate',
      'end2',
      'p',
    ])
    const steps = await trail(e, pi.processInstanceKey)
    const at = steps.indexOf('Task:ELEMENT_TERMINATING')
    expect(steps.slice(at, at + 4)).toEqual([
      'Task:ELEMENT_TERMINATING',
      'Task:ELEMENT_TERMINATED',
      'late:ELEMENT_ACTIVATING',
      'late:ELEMENT_ACTIVATED',
    ])
    expect((await taskPath(e, pi.processInstanceKey)).slice(-4)).toEqual([
      'JOB:CREATED:CANCELING',
      'JOB:COMPLETED:CANCELING',
      'USER_TASK:CANCELED',
      'PI:ELEMENT_TERMINATED',
    ])
  })

  it('canceled while an assigning listener runs: that job is CANCELED, the assignment is told, then the canceling listener runs', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'p.bpmn',
        content: taskProcess(
          'p',
          camundaUserTask(
            'Task',
            listeners(['assigning', 'on-assign'], ['canceling', 'on-cancel']),
          ),
        ),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'p' })
    const key = openTask(e, pi.processInstanceKey).userTaskKey
    const assignment = rejectionOf(e.assignUserTask(key, { assignee: 'ann' }))
    const assigning = await activate(e, 'on-assign')
    await e.cancelProcessInstance(pi.processInstanceKey)
    expect(await assignment).toMatchObject({ code: 'FAILED_PRECONDITION' })
    expect(await rejectionOf(e.completeJob(assigning.key))).toMatchObject({ code: 'NOT_FOUND' })
    await e.completeJob((await activate(e, 'on-cancel')).key)
    expect(isActive(e, pi.processInstanceKey)).toBe(false)
    const path = await taskPath(e, pi.processInstanceKey)
    expect(path.slice(path.indexOf('PI:ELEMENT_TERMINATING'))).toEqual([
      'PI:ELEMENT_TERMINATING',
      'JOB:CANCELED:ASSIGNING',
      'USER_TASK:CANCELING',
      'JOB:CREATED:CANCELING',
      'JOB:COMPLETED:CANCELING',
      'USER_TASK:CANCELED',
      'PI:ELEMENT_TERMINATED',
    ])
    // CANCELING carries the task as it stood (the assignment never happened)
    const canceling = (await userTaskRecords(e, pi.processInstanceKey)).find(
      (r) => r.intent === 'CANCELING',
    )
    expect(canceling && fieldsOf(canceling).assignee).toBe('')
  })

  it('a terminate end event and an interrupting event sub-process wait for the canceling listeners', async () => {
    const e = await open()
    const task = camundaUserTask('Task', listeners(['canceling', 'on-cancel']))
    await e.deployResources([
      {
        name: 'term.bpmn',
        content: bpmn(
          'term',
          `<bpmn:startEvent id="start" /><bpmn:parallelGateway id="fork" />${task}
           ${serviceTask('go', 'go')}<bpmn:endEvent id="end" />
           <bpmn:endEvent id="kill"><bpmn:terminateEventDefinition /></bpmn:endEvent>
           ${chain('start', 'fork', 'Task', 'end')}${flow('f1', 'fork', 'go')}${flow('f2', 'go', 'kill')}`,
        ),
      },
      {
        name: 'esp.bpmn',
        content: bpmn(
          'esp',
          `<bpmn:startEvent id="start" />${task}<bpmn:endEvent id="end" />${chain('start', 'Task', 'end')}
           <bpmn:subProcess id="late" triggeredByEvent="true">
             <bpmn:startEvent id="tick" isInterrupting="true"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:startEvent>
             <bpmn:endEvent id="lateEnd" />${chain('tick', 'lateEnd')}
           </bpmn:subProcess>`,
        ),
      },
    ])
    const term = await e.createProcessInstance({ bpmnProcessId: 'term' })
    await e.completeJob((await activate(e, 'go')).key)
    // the terminate end event completed; the process waits for the task's termination
    expect(isActive(e, term.processInstanceKey)).toBe(true)
    await e.completeJob((await activate(e, 'on-cancel')).key)
    expect(await completedPath(e, term.processInstanceKey)).toEqual([
      'start',
      'fork',
      'go',
      'kill',
      'term',
    ])

    const esp = await e.createProcessInstance({ bpmnProcessId: 'esp' })
    clock.advance(60_000)
    await e.tick()
    expect((await trail(e, esp.processInstanceKey)).slice(-1)).toEqual(['Task:ELEMENT_TERMINATING'])
    await e.completeJob((await activate(e, 'on-cancel')).key)
    expect(await completedPath(e, esp.processInstanceKey)).toEqual([
      'start',
      'tick',
      'lateEnd',
      'late',
      'esp',
    ])
    const steps = await trail(e, esp.processInstanceKey)
    expect(steps.indexOf('Task:ELEMENT_TERMINATED')).toBeLessThan(
      steps.indexOf('late:ELEMENT_ACTIVATING'),
    )
  })

  it('inside a sub-process, by a terminate instruction of a modification, and across a restart', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'p.bpmn',
        content: bpmn(
          'p',
          `<bpmn:startEvent id="start" /><bpmn:subProcess id="sub"><bpmn:startEvent id="s0" />${camundaUserTask(
            'Task',
            listeners(['canceling', 'on-cancel']),
          )}<bpmn:endEvent id="s1" />${chain('s0', 'Task', 's1')}</bpmn:subProcess>
           <bpmn:endEvent id="end" />${chain('start', 'sub', 'end')}`,
        ),
      },
    ])
    // a modification terminates the task: the sub-process (left empty) ends after it
    const pi = await e.createProcessInstance({ bpmnProcessId: 'p' })
    const task = openTask(e, pi.processInstanceKey)
    await e.modifyProcessInstance({
      processInstanceKey: pi.processInstanceKey,
      terminateInstructions: [{ elementInstanceKey: task.elementInstanceKey }],
    })
    expect((await trail(e, pi.processInstanceKey)).slice(-1)).toEqual(['Task:ELEMENT_TERMINATING'])
    await e.completeJob((await activate(e, 'on-cancel')).key)
    expect((await trail(e, pi.processInstanceKey)).slice(-5)).toEqual([
      'Task:ELEMENT_TERMINATED',
      'sub:ELEMENT_TERMINATING',
      'sub:ELEMENT_TERMINATED',
      'p:ELEMENT_TERMINATING',
      'p:ELEMENT_TERMINATED',
    ])
    expect(isActive(e, pi.processInstanceKey)).toBe(false)

    // instance cancel: the sub-process waits for its task, the process for the sub-process,
    // and that survives a restart (the rest is derived from the state)
    const second = await e.createProcessInstance({ bpmnProcessId: 'p' })
    await e.cancelProcessInstance(second.processInstanceKey)
    await e.close()
    engine = await createEngine({ sql: db.database.sql, clock })
    expect(isActive(engine, second.processInstanceKey)).toBe(true)
    await engine.completeJob((await activate(engine, 'on-cancel')).key)
    expect(isActive(engine, second.processInstanceKey)).toBe(false)
    expect((await trail(engine, second.processInstanceKey)).slice(-6)).toEqual([
      'p:ELEMENT_TERMINATING',
      'sub:ELEMENT_TERMINATING',
      'Task:ELEMENT_TERMINATING',
      'Task:ELEMENT_TERMINATED',
      'sub:ELEMENT_TERMINATED',
      'p:ELEMENT_TERMINATED',
    ])
  })
})
