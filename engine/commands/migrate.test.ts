import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../../test/support/databases'
import { TestClock } from '../clock'
import { createEngine, type Engine } from '../engine'
import {
  bpmn,
  chain,
  completedPath,
  completeOne,
  expectReplayMatches,
  freshEngine,
  message,
  serviceTask,
} from '../test-support'
import { camundaUserTask, rejectionOf } from '../user-task/test-support'
import { fieldsOf } from '../state/records'

const timer = (id: string, host: string, duration: string) =>
  `<bpmn:boundaryEvent id="${id}" attachedToRef="${host}"><bpmn:timerEventDefinition><bpmn:timeDuration>${duration}</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>`
const onMessage = (id: string, host: string, ref: string) =>
  `<bpmn:boundaryEvent id="${id}" attachedToRef="${host}"><bpmn:messageEventDefinition messageRef="${ref}" /></bpmn:boundaryEvent>`

const v1 = bpmn(
  'order',
  `<bpmn:startEvent id="start" />${serviceTask('A', 'a')}${timer('T1', 'A', 'PT1H')}${onMessage('M1', 'A', 'msg1')}
   <bpmn:endEvent id="late" /><bpmn:endEvent id="cancelled" /><bpmn:endEvent id="end" />
   ${chain('start', 'A', 'end')}${chain('T1', 'late')}${chain('M1', 'cancelled')}`,
  message('msg1', 'cancel', '= orderId'),
)
const v2 = bpmn(
  'order',
  `<bpmn:startEvent id="start" />${serviceTask('A2', 'a-new')}${serviceTask('C', 'c')}${timer('T2', 'A2', 'PT2H')}${onMessage('M2', 'A2', 'msg2')}
   <bpmn:endEvent id="late2" /><bpmn:endEvent id="escalated" /><bpmn:endEvent id="end" />
   ${chain('start', 'A2', 'C', 'end')}${chain('T2', 'late2')}${chain('M2', 'escalated')}`,
  message('msg2', 'escalate', '= orderId'),
)
const subV1 = bpmn(
  'subs',
  `<bpmn:startEvent id="start" /><bpmn:subProcess id="sub"><bpmn:startEvent id="s" />${serviceTask('inner', 'inner')}<bpmn:endEvent id="e" />${chain('s', 'inner', 'e')}</bpmn:subProcess>
   <bpmn:endEvent id="end" />${chain('start', 'sub', 'end')}`,
)
const subV2 = bpmn(
  'subs',
  `<bpmn:startEvent id="start" /><bpmn:subProcess id="sub2"><bpmn:startEvent id="s" />${serviceTask('inner2', 'inner')}${serviceTask('after', 'after')}<bpmn:endEvent id="e" />${chain('s', 'inner2', 'after', 'e')}</bpmn:subProcess>
   ${serviceTask('outside', 'inner')}<bpmn:endEvent id="end" />${chain('start', 'sub2', 'end')}${chain('outside')}`,
)
const utV1 = bpmn(
  'ut',
  `<bpmn:startEvent id="start" />${camundaUserTask('Task', '<zeebe:assignmentDefinition assignee="ann" />')}<bpmn:endEvent id="end" />${chain('start', 'Task', 'end')}`,
)
const utV2 = bpmn(
  'ut',
  `<bpmn:startEvent id="start" />${camundaUserTask('Review')}${serviceTask('Archive', 'archive')}<bpmn:endEvent id="end" />${chain('start', 'Review', 'Archive', 'end')}`,
)
const utJob = bpmn(
  'utJob',
  `<bpmn:startEvent id="start" /><bpmn:userTask id="Task" /><bpmn:endEvent id="end" />${chain('start', 'Task', 'end')}`,
)
const brokenV1 = bpmn(
  'broken',
  `<bpmn:startEvent id="start" />${serviceTask('A', '= jobType')}<bpmn:endEvent id="end" />${chain('start', 'A', 'end')}`,
)
const brokenV2 = bpmn(
  'broken',
  `<bpmn:startEvent id="start" />${serviceTask('A', 'a')}<bpmn:endEvent id="end" />${chain('start', 'A', 'end')}`,
)
const joinV1 = bpmn(
  'join',
  `<bpmn:startEvent id="start" /><bpmn:parallelGateway id="fork" />${serviceTask('P', 'p')}${serviceTask('Q', 'q')}<bpmn:parallelGateway id="merge" /><bpmn:endEvent id="end" />
   ${chain('start', 'fork')}${chain('fork', 'P', 'merge')}${chain('fork', 'Q', 'merge')}${chain('merge', 'end')}`,
)
const throwV1 = bpmn(
  'thrower',
  `<bpmn:startEvent id="start" /><bpmn:intermediateThrowEvent id="notify"><bpmn:extensionElements><zeebe:taskDefinition type="notify" /></bpmn:extensionElements><bpmn:messageEventDefinition messageRef="note" /></bpmn:intermediateThrowEvent><bpmn:endEvent id="end" />${chain('start', 'notify', 'end')}`,
  message('note', 'note'),
)

describe.each(testDatabaseTargets())('process instance migration on $kind', (target) => {
  let db: TestDatabase
  let engine: Engine
  const clock = new TestClock()
  const keys: Record<string, string> = {}

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
  const deploy = async (e: Engine, name: string, content: Buffer) => {
    const d = await e.deployResources([{ name, content }])
    return d.processes[0]!.processDefinitionKey
  }
  const open = async () => {
    engine = await freshEngine(db.database.sql, clock)
    keys.v1 = await deploy(engine, 'order.bpmn', v1)
    keys.v2 = await deploy(engine, 'order.bpmn', v2)
    keys.subV1 = await deploy(engine, 'subs.bpmn', subV1)
    keys.subV2 = await deploy(engine, 'subs.bpmn', subV2)
    keys.utV1 = await deploy(engine, 'ut.bpmn', utV1)
    keys.utV2 = await deploy(engine, 'ut.bpmn', utV2)
    keys.utJob = await deploy(engine, 'utJob.bpmn', utJob)
    keys.brokenV1 = await deploy(engine, 'broken.bpmn', brokenV1)
    keys.brokenV2 = await deploy(engine, 'broken.bpmn', brokenV2)
    keys.join = await deploy(engine, 'join.bpmn', joinV1)
    keys.thrower = await deploy(engine, 'thrower.bpmn', throwV1)
    return engine
  }

  it('moves a waiting service task with its job, timer and message subscription (Zeebe records)', async () => {
    const e = await open()
    const { processInstanceKey: pi } = await e.createProcessInstance({
      processDefinitionKey: keys.v1!,
      variables: { orderId: 'o-1' },
    })
    clock.advance(20 * 60_000)
    const [job] = Object.values(e.state.jobs)
    const [oldTimer] = Object.values(e.state.timers)
    const before = (await e.readRecords({ processInstanceKey: pi })).length

    await e.migrateProcessInstance({
      processInstanceKey: pi,
      targetProcessDefinitionKey: keys.v2!,
      mappingInstructions: [
        { sourceElementId: 'A', targetElementId: 'A2' },
        { sourceElementId: 'T1', targetElementId: 'T2' },
      ],
    })

    const records = (await e.readRecords({ processInstanceKey: pi })).slice(before)
    expect(
      records.map(
        (r) =>
          `${r.valueType}:${r.intent}:${String(fieldsOf(r).elementId ?? fieldsOf(r).targetElementId ?? fieldsOf(r).name ?? '')}`,
      ),
    ).toEqual([
      'PROCESS_INSTANCE:ELEMENT_MIGRATED:order',
      'VARIABLE:MIGRATED:orderId',
      'PROCESS_INSTANCE:ELEMENT_MIGRATED:A2',
      'JOB:MIGRATED:A2',
      'MESSAGE_SUBSCRIPTION:DELETED:M1',
      'MESSAGE_SUBSCRIPTION:CREATED:M2',
      'TIMER:MIGRATED:T2',
      'PROCESS_INSTANCE_MIGRATION:MIGRATED:',
    ])
    const migratedJob = records.find((r) => r.valueType === 'JOB')!
    expect(migratedJob.key).toBe(String(job!.key))
    expect(migratedJob.value).toMatchObject({
      type: 'a',
      bpmnProcessId: 'order',
      processDefinitionKey: Number(keys.v2),
      processDefinitionVersion: 2,
      elementId: 'A2',
    })
    const timerRecord = records.find((r) => r.valueType === 'TIMER')!
    expect(timerRecord.key).toBe(String(oldTimer!.key))
    expect(timerRecord.value.dueDate).toBe(oldTimer!.value.dueDate)
    expect(records.at(-1)!.value).toMatchObject({
      processInstanceKey: Number(pi),
      targetProcessDefinitionKey: Number(keys.v2),
      mappingInstructions: [
        { sourceElementId: 'A', targetElementId: 'A2' },
        { sourceElementId: 'T1', targetElementId: 'T2' },
      ],
    })

    // the old message no longer correlates, the new one is subscribed under the target name
    await e.publishMessage({ name: 'cancel', correlationKey: 'o-1', timeToLiveMs: 0 })
    expect(e.state.elementInstances[pi]).toBeDefined()
    await completeOne(e, 'a')
    await completeOne(e, 'c')
    expect(await completedPath(e, pi)).toEqual(['start', 'A2', 'C', 'end', 'order'])
  })

  it('keeps the migrated timer due date across a restart and fires it on the target', async () => {
    const e = await open()
    const { processInstanceKey: pi } = await e.createProcessInstance({
      processDefinitionKey: keys.v1!,
      variables: { orderId: 'o-2' },
    })
    await e.migrateProcessInstance({
      processInstanceKey: pi,
      targetProcessDefinitionKey: keys.v2!,
      mappingInstructions: [
        { sourceElementId: 'A', targetElementId: 'A2' },
        { sourceElementId: 'T1', targetElementId: 'T2' },
      ],
    })
    const state = JSON.stringify(e.state)
    await e.close()
    engine = await createEngine({ sql: db.database.sql, clock })
    expect(JSON.stringify(engine.state)).toBe(state)
    clock.advance(3600_000)
    await engine.tick()
    expect(await completedPath(engine, pi)).toEqual(['start', 'T2', 'late2', 'order'])
  })

  it('migrates an embedded sub-process with its inner task', async () => {
    const e = await open()
    const { processInstanceKey: pi } = await e.createProcessInstance({
      processDefinitionKey: keys.subV1!,
    })
    const mapping = [
      { sourceElementId: 'sub', targetElementId: 'sub2' },
      { sourceElementId: 'inner', targetElementId: 'inner2' },
    ]
    await e.migrateProcessInstance({
      processInstanceKey: pi,
      targetProcessDefinitionKey: keys.subV2!,
      mappingInstructions: mapping,
    })
    const migrated = await e.readRecords({
      processInstanceKey: pi,
      valueTypes: ['PROCESS_INSTANCE'],
    })
    expect(
      migrated.filter((r) => r.intent === 'ELEMENT_MIGRATED').map((r) => fieldsOf(r).elementId),
    ).toEqual(['subs', 'sub2', 'inner2'])
    await completeOne(e, 'inner')
    await completeOne(e, 'after')
    expect(await completedPath(e, pi)).toEqual([
      'start',
      's',
      'inner2',
      'after',
      'e',
      'sub2',
      'end',
      'subs',
    ])
  })

  it('migrates a Camunda user task: same key and assignee, on the target element', async () => {
    const e = await open()
    const { processInstanceKey: pi } = await e.createProcessInstance({
      processDefinitionKey: keys.utV1!,
    })
    const [task] = e.listUserTasks({ processInstanceKey: pi })
    expect(task!.assignee).toBe('ann')
    await e.migrateProcessInstance({
      processInstanceKey: pi,
      targetProcessDefinitionKey: keys.utV2!,
      mappingInstructions: [{ sourceElementId: 'Task', targetElementId: 'Review' }],
    })
    const moved = e.getUserTask(task!.userTaskKey)!
    expect(moved).toMatchObject({
      elementId: 'Review',
      assignee: 'ann',
      processDefinitionKey: keys.utV2,
      processDefinitionVersion: 2,
    })
    const [record] = await e
      .readRecords({ processInstanceKey: pi, valueTypes: ['USER_TASK'] })
      .then((rs) => rs.filter((r) => r.intent === 'MIGRATED'))
    expect(record!.key).toBe(task!.userTaskKey)
    await e.completeUserTask(task!.userTaskKey)
    await completeOne(e, 'archive')
    expect(await completedPath(e, pi)).toEqual(['start', 'Review', 'Archive', 'end', 'ut'])
  })

  it('migrates an incident, which resolves on the corrected target', async () => {
    const e = await open()
    const { processInstanceKey: pi } = await e.createProcessInstance({
      processDefinitionKey: keys.brokenV1!,
    })
    const [incident] = Object.values(e.state.incidents)
    await e.migrateProcessInstance({
      processInstanceKey: pi,
      targetProcessDefinitionKey: keys.brokenV2!,
      mappingInstructions: [{ sourceElementId: 'A', targetElementId: 'A' }],
    })
    const incidents = await e.readRecords({ processInstanceKey: pi, valueTypes: ['INCIDENT'] })
    expect(incidents.map((r) => r.intent)).toEqual(['CREATED', 'MIGRATED'])
    expect(incidents[1]!.value).toMatchObject({
      processDefinitionKey: Number(keys.brokenV2),
      elementId: 'A',
    })
    await e.resolveIncident(String(incident!.key))
    await completeOne(e, 'a')
    expect(await completedPath(e, pi)).toEqual(['start', 'A', 'end', 'broken'])
  })

  it('rejects what Zeebe rejects, with its messages, and writes nothing', async () => {
    const e = await open()
    const { processInstanceKey: pi } = await e.createProcessInstance({
      processDefinitionKey: keys.v1!,
      variables: { orderId: 'o-3' },
    })
    const { processInstanceKey: sub } = await e.createProcessInstance({
      processDefinitionKey: keys.subV1!,
    })
    const { processInstanceKey: ut } = await e.createProcessInstance({
      processDefinitionKey: keys.utV1!,
    })
    const { processInstanceKey: join } = await e.createProcessInstance({
      processDefinitionKey: keys.join!,
    })
    await completeOne(e, 'p')
    const { processInstanceKey: thrower } = await e.createProcessInstance({
      processDefinitionKey: keys.thrower!,
    })
    const before = (await e.readRecords({})).length
    const cases: [Parameters<Engine['migrateProcessInstance']>[0], string, string][] = [
      [
        { processInstanceKey: '42', targetProcessDefinitionKey: keys.v2!, mappingInstructions: [] },
        'NOT_FOUND',
        "Expected to migrate process instance but no process instance found with key '42'",
      ],
      [
        { processInstanceKey: pi, targetProcessDefinitionKey: '42', mappingInstructions: [] },
        'NOT_FOUND',
        "Expected to migrate process instance to process definition but no process definition found with key '42'",
      ],
      [
        {
          processInstanceKey: pi,
          targetProcessDefinitionKey: keys.v2!,
          mappingInstructions: [
            { sourceElementId: 'A', targetElementId: 'A2' },
            { sourceElementId: 'A', targetElementId: 'C' },
          ],
        },
        'INVALID_ARGUMENT',
        `Expected to migrate process instance '${pi}' but the mapping instructions contain duplicate source element ids '[A]'.`,
      ],
      [
        {
          processInstanceKey: pi,
          targetProcessDefinitionKey: keys.v2!,
          mappingInstructions: [{ sourceElementId: 'X', targetElementId: 'A2' }],
        },
        'INVALID_ARGUMENT',
        `Expected to migrate process instance '${pi}' but mapping instructions contain a non-existing source element id 'X'. Elements provided in mapping instructions must exist in the source process definition.`,
      ],
      [
        {
          processInstanceKey: pi,
          targetProcessDefinitionKey: keys.v2!,
          mappingInstructions: [{ sourceElementId: 'A', targetElementId: 'Y' }],
        },
        'INVALID_ARGUMENT',
        `Expected to migrate process instance '${pi}' but mapping instructions contain a non-existing target element id 'Y'. Elements provided in mapping instructions must exist in the target process definition.`,
      ],
      [
        { processInstanceKey: pi, targetProcessDefinitionKey: keys.v2!, mappingInstructions: [] },
        'FAILED_PRECONDITION',
        `Expected to migrate process instance '${pi}' but no mapping instruction defined for active element with id 'A'. Elements cannot be migrated without a mapping.`,
      ],
      [
        {
          processInstanceKey: pi,
          targetProcessDefinitionKey: keys.v2!,
          mappingInstructions: [{ sourceElementId: 'A', targetElementId: 'late2' }],
        },
        'FAILED_PRECONDITION',
        `Expected to migrate process instance '${pi}' but active element with id 'A' and type 'SERVICE_TASK' is mapped to an element with id 'late2' and different type 'END_EVENT'. Elements must be mapped to elements of the same type.`,
      ],
      [
        {
          processInstanceKey: pi,
          targetProcessDefinitionKey: keys.v2!,
          mappingInstructions: [
            { sourceElementId: 'A', targetElementId: 'C' },
            { sourceElementId: 'T1', targetElementId: 'T2' },
          ],
        },
        'FAILED_PRECONDITION',
        `Expected to migrate process instance '${pi}' but active element with id 'A' is mapped to an element with id 'C' and has a catch event with id 'T1' that is mapped to a catch event with id 'T2'. These mappings detach the catch event from the element in the target process. Catch events must stay attached to the same element instance.`,
      ],
      [
        {
          processInstanceKey: pi,
          targetProcessDefinitionKey: keys.v2!,
          mappingInstructions: [
            { sourceElementId: 'A', targetElementId: 'A2' },
            { sourceElementId: 'T1', targetElementId: 'M2' },
          ],
        },
        'FAILED_PRECONDITION',
        `Expected to migrate process instance '${pi}' but active element with id 'A' has a catch event with id 'T1' that is mapped to a catch event with id 'M2'. These catch events have different event types: 'TIMER' and 'MESSAGE'. The event type of a catch event cannot be changed by process instance migration. Please ensure the event type of the catch event remains the same or remove the mapping instruction for these catch events.`,
      ],
      [
        {
          processInstanceKey: sub,
          targetProcessDefinitionKey: keys.subV2!,
          mappingInstructions: [
            { sourceElementId: 'sub', targetElementId: 'sub2' },
            { sourceElementId: 'inner', targetElementId: 'outside' },
          ],
        },
        'FAILED_PRECONDITION',
        `Expected to migrate process instance '${sub}' but the flow scope of active element with id 'inner' is changed. The flow scope of the active element is expected to be 'sub2' but was 'subs'. The flow scope of an element cannot be changed during migration yet.`,
      ],
      [
        {
          processInstanceKey: ut,
          targetProcessDefinitionKey: keys.utJob!,
          mappingInstructions: [{ sourceElementId: 'Task', targetElementId: 'Task' }],
        },
        'FAILED_PRECONDITION',
        `Expected to migrate process instance '${ut}' but active user task with id 'Task' and implementation 'zeebe user task' is mapped to an user task with id 'Task' and different implementation 'job worker'. Elements must be mapped to elements of the same implementation.`,
      ],
      [
        {
          processInstanceKey: thrower,
          targetProcessDefinitionKey: keys.thrower!,
          mappingInstructions: [{ sourceElementId: 'notify', targetElementId: 'notify' }],
        },
        'FAILED_PRECONDITION',
        `Expected to migrate process instance '${thrower}' but active element with id 'notify' has an unsupported type. The migration of a INTERMEDIATE_THROW_EVENT is not supported.`,
      ],
      [
        {
          processInstanceKey: join,
          targetProcessDefinitionKey: keys.join!,
          mappingInstructions: [{ sourceElementId: 'Q', targetElementId: 'Q' }],
        },
        'FAILED_PRECONDITION',
        `Expected to migrate process instance '${join}' but active element with id 'join' has taken sequence flows waiting at the joining gateway 'merge'. This engine does not migrate joining gateways yet; migrate once the gateway joined, or use process instance modification.`,
      ],
    ]
    for (const [cmd, code, msg] of cases) {
      expect(await rejectionOf(e.migrateProcessInstance(cmd))).toEqual({ code, message: msg })
    }
    expect((await e.readRecords({})).length).toBe(before)
  })
})
