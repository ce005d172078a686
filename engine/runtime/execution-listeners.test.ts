/**
 * Execution listeners (Zeebe 8.8, docs "Execution listeners"; BpmnStreamProcessor): start and end
 * listeners as EXECUTION_LISTENER jobs that gate the element's lifecycle, their variables, retries
 * and incidents, the ThrowError rejection and the deployment rules per element kind.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../../test/support/databases'
import { EngineError } from '../api'
import { TestClock } from '../clock'
import type { Engine } from '../engine'
import { type EngineRecord, fieldsOf } from '../state/records'
import {
  bpmn,
  chain,
  completedPath,
  completeOne,
  expectReplayMatches,
  flow,
  freshEngine,
  serviceTask,
  valuesOf,
} from '../test-support'

const listeners = (...ls: [eventType: string, type: string, retries?: string][]) =>
  `<zeebe:executionListeners>${ls
    .map(
      ([eventType, type, retries]) =>
        `<zeebe:executionListener eventType="${eventType}" type="${type}"${retries ? ` retries="${retries}"` : ''} />`,
    )
    .join('')}</zeebe:executionListeners>`

/** A document whose process element carries `processExtensions`. */
function withProcessExtensions(processId: string, processExtensions: string, body: string): Buffer {
  const doc = bpmn(processId, body).toString()
  return Buffer.from(
    doc.replace(
      `<bpmn:process id="${processId}" isExecutable="true">`,
      `<bpmn:process id="${processId}" isExecutable="true"><bpmn:extensionElements>${processExtensions}</bpmn:extensionElements>`,
    ),
  )
}

/** PROCESS_INSTANCE transitions and listener JOB CREATED/COMPLETED records, in log order. */
async function sequence(engine: Engine, pi: string): Promise<string[]> {
  const records = await engine.readRecords({
    processInstanceKey: pi,
    valueTypes: ['PROCESS_INSTANCE', 'JOB'],
  })
  return records
    .filter(
      (r: EngineRecord) =>
        (r.valueType === 'PROCESS_INSTANCE' && r.intent !== 'SEQUENCE_FLOW_TAKEN') ||
        (r.valueType === 'JOB' && (r.intent === 'CREATED' || r.intent === 'COMPLETED')),
    )
    .map((r) =>
      r.valueType === 'JOB'
        ? `JOB ${String(r.value.jobKind)} ${String(r.value.listenerEventType)} ${String(r.value.type)}:${r.intent}`
        : `${String(fieldsOf(r).elementId)}:${r.intent}`,
    )
}

describe.each(testDatabaseTargets())('execution listeners on $kind', (target) => {
  let db: TestDatabase
  let engine: Engine
  const clock = new TestClock()

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

  it('runs start listeners before a service task is ACTIVATED and end listeners before it is COMPLETED', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'el.bpmn',
        content: bpmn(
          'el',
          `<bpmn:startEvent id="start" />
           ${serviceTask('task', 'work', listeners(['start', 'before-1'], ['start', 'before-2'], ['end', 'after']))}
           <bpmn:endEvent id="end" />${chain('start', 'task', 'end')}`,
        ),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'el' })
    const [first] = await e.activateJobs({
      type: 'before-1',
      worker: 'w',
      timeoutMs: 10_000,
      maxJobsToActivate: 5,
    })
    // The listener job is an ordinary job for workers; no custom headers.
    expect(first).toMatchObject({ type: 'before-1', elementId: 'task', customHeaders: {} })
    expect(e.state.elementInstances[first!.elementInstanceKey]?.state).toBe('ACTIVATING')
    await e.completeJob(first!.key)
    await completeOne(e, 'before-2')
    await completeOne(e, 'work')
    await completeOne(e, 'after')
    expect(await sequence(e, pi.processInstanceKey)).toEqual([
      'el:ELEMENT_ACTIVATING',
      'el:ELEMENT_ACTIVATED',
      'start:ELEMENT_ACTIVATING',
      'start:ELEMENT_ACTIVATED',
      'start:ELEMENT_COMPLETING',
      'start:ELEMENT_COMPLETED',
      'task:ELEMENT_ACTIVATING',
      'JOB EXECUTION_LISTENER START before-1:CREATED',
      'JOB EXECUTION_LISTENER START before-1:COMPLETED',
      'JOB EXECUTION_LISTENER START before-2:CREATED',
      'JOB EXECUTION_LISTENER START before-2:COMPLETED',
      'task:ELEMENT_ACTIVATED',
      'JOB BPMN_ELEMENT UNSPECIFIED work:CREATED',
      'JOB BPMN_ELEMENT UNSPECIFIED work:COMPLETED',
      'task:ELEMENT_COMPLETING',
      'JOB EXECUTION_LISTENER END after:CREATED',
      'JOB EXECUTION_LISTENER END after:COMPLETED',
      'task:ELEMENT_COMPLETED',
      'end:ELEMENT_ACTIVATING',
      'end:ELEMENT_ACTIVATED',
      'end:ELEMENT_COMPLETING',
      'end:ELEMENT_COMPLETED',
      'el:ELEMENT_COMPLETING',
      'el:ELEMENT_COMPLETED',
    ])
    expect(await completedPath(e, pi.processInstanceKey)).toEqual(['start', 'task', 'end', 'el'])
  })

  it('runs the process, gateway and end event listeners; start listener variables steer the gateway', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'el-proc.bpmn',
        content: withProcessExtensions(
          'elProc',
          listeners(['start', 'proc-start'], ['end', 'proc-end']),
          `<bpmn:startEvent id="start" />
           <bpmn:exclusiveGateway id="gw" default="toLow"><bpmn:extensionElements>${listeners(['start', 'decide'])}</bpmn:extensionElements></bpmn:exclusiveGateway>
           <bpmn:endEvent id="high"><bpmn:extensionElements>${listeners(['start', 'high-start'], ['end', 'high-end'])}</bpmn:extensionElements></bpmn:endEvent>
           <bpmn:endEvent id="low" />
           ${flow('f1', 'start', 'gw')}
           ${flow('toHigh', 'gw', 'high', '= amount > 100')}
           ${flow('toLow', 'gw', 'low')}`,
        ),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'elProc' })
    // Nothing starts before the process's start listener completed.
    expect(e.state.elementInstances[pi.processInstanceKey]?.state).toBe('ACTIVATING')
    await completeOne(e, 'proc-start')
    // The gateway's start listener sets a variable the condition reads (local to the gateway).
    await completeOne(e, 'decide', { amount: 500 })
    await completeOne(e, 'high-start')
    await completeOne(e, 'high-end')
    // The process's end listener runs after the last element left.
    expect(e.state.elementInstances[pi.processInstanceKey]?.state).toBe('COMPLETING')
    await completeOne(e, 'proc-end', { closedBy: 'listener' })
    const seq = await sequence(e, pi.processInstanceKey)
    expect(seq.slice(0, 4)).toEqual([
      'elProc:ELEMENT_ACTIVATING',
      'JOB EXECUTION_LISTENER START proc-start:CREATED',
      'JOB EXECUTION_LISTENER START proc-start:COMPLETED',
      'elProc:ELEMENT_ACTIVATED',
    ])
    expect(seq.filter((s) => s.startsWith('gw') || s.includes('decide'))).toEqual([
      'gw:ELEMENT_ACTIVATING',
      'JOB EXECUTION_LISTENER START decide:CREATED',
      'JOB EXECUTION_LISTENER START decide:COMPLETED',
      'gw:ELEMENT_ACTIVATED',
      'gw:ELEMENT_COMPLETING',
      'gw:ELEMENT_COMPLETED',
    ])
    expect(seq.filter((s) => s.startsWith('high') || s.includes(' high-'))).toEqual([
      'high:ELEMENT_ACTIVATING',
      'JOB EXECUTION_LISTENER START high-start:CREATED',
      'JOB EXECUTION_LISTENER START high-start:COMPLETED',
      'high:ELEMENT_ACTIVATED',
      'high:ELEMENT_COMPLETING',
      'JOB EXECUTION_LISTENER END high-end:CREATED',
      'JOB EXECUTION_LISTENER END high-end:COMPLETED',
      'high:ELEMENT_COMPLETED',
    ])
    expect(seq.slice(-4)).toEqual([
      'elProc:ELEMENT_COMPLETING',
      'JOB EXECUTION_LISTENER END proc-end:CREATED',
      'JOB EXECUTION_LISTENER END proc-end:COMPLETED',
      'elProc:ELEMENT_COMPLETED',
    ])
    expect(await completedPath(e, pi.processInstanceKey, { flows: true })).toEqual([
      'start',
      'f1',
      'gw',
      'toHigh',
      'high',
      'elProc',
    ])
    // Variables: the gateway listener's `amount` was local to the gateway; the process end
    // listener's variables land on the process scope.
    const vars = await valuesOf(e, pi.processInstanceKey, 'VARIABLE')
    const byName = (n: string) => vars.filter((r) => fieldsOf(r).name === n).map((r) => r.value)
    const gwKey = (await valuesOf(e, pi.processInstanceKey, 'PROCESS_INSTANCE')).find(
      (r) => fieldsOf(r).elementId === 'gw',
    )!.key
    expect(byName('amount')).toMatchObject([{ scopeKey: Number(gwKey), value: '500' }])
    expect(byName('closedBy')).toMatchObject([
      { scopeKey: Number(pi.processInstanceKey), value: '"listener"' },
    ])
  })

  it('sets start listener variables locally on the element and end listener variables on its flow scope', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'el-vars.bpmn',
        content: bpmn(
          'elVars',
          `<bpmn:startEvent id="start" />
           <bpmn:subProcess id="sub">
             <bpmn:startEvent id="subStart" />
             ${serviceTask('task', '= jobType', `<zeebe:ioMapping><zeebe:input source="= base + 1" target="fromInput" /><zeebe:output source="= fromInput" target="mapped" /></zeebe:ioMapping>${listeners(['start', 'prepare'], ['end', 'finish'])}`)}
             <bpmn:endEvent id="subEnd" />
             ${chain('subStart', 'task', 'subEnd')}
           </bpmn:subProcess>
           <bpmn:endEvent id="end" />${chain('start', 'sub', 'end')}`,
        ),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'elVars', variables: { base: 1 } })
    // The start listener sees the input mapping's local variable.
    const [prepare] = await e.activateJobs({
      type: 'prepare',
      worker: 'w',
      timeoutMs: 10_000,
      maxJobsToActivate: 1,
    })
    expect(prepare!.variables).toEqual({ base: 1, fromInput: 2 })
    // Its variables become locals of the task: the job type expression reads one.
    await e.completeJob(prepare!.key, { jobType: 'computed' })
    const taskKey = prepare!.elementInstanceKey
    expect(e.state.variables[taskKey]?.jobType?.value).toBe('computed')
    await completeOne(e, 'computed')
    // The end listener sees the output mapping's result; its variables go to the sub-process.
    const [finish] = await e.activateJobs({
      type: 'finish',
      worker: 'w',
      timeoutMs: 10_000,
      maxJobsToActivate: 1,
    })
    expect(finish!.variables).toMatchObject({ mapped: 2, fromInput: 2 })
    const subKey = e.state.elementInstances[taskKey]!.flowScopeKey
    await e.completeJob(finish!.key, { audited: true })
    const vars = await valuesOf(e, pi.processInstanceKey, 'VARIABLE')
    expect(vars.find((r) => fieldsOf(r).name === 'audited')!.value).toMatchObject({
      scopeKey: subKey,
      value: 'true',
    })
    expect(await completedPath(e, pi.processInstanceKey)).toEqual([
      'start',
      'subStart',
      'task',
      'subEnd',
      'sub',
      'end',
      'elVars',
    ])
  })

  it('retries a failing listener job, raises JOB_NO_RETRIES and goes on after the incident is resolved', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'el-fail.bpmn',
        content: bpmn(
          'elFail',
          `<bpmn:startEvent id="start" />
           ${serviceTask('task', 'work', listeners(['start', 'first'], ['start', 'flaky', '2']))}
           <bpmn:endEvent id="end" />${chain('start', 'task', 'end')}`,
        ),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'elFail' })
    await completeOne(e, 'first')
    const take = async () =>
      (
        await e.activateJobs({
          type: 'flaky',
          worker: 'w',
          timeoutMs: 10_000,
          maxJobsToActivate: 1,
        })
      )[0]!
    let job = await take()
    expect(job.retries).toBe(2)
    await e.failJob(job.key, 1, 'service down')
    job = await take()
    await e.failJob(job.key, 0, 'still down')
    const [incident] = Object.values(e.state.incidents)
    expect(incident!.value).toMatchObject({
      errorType: 'JOB_NO_RETRIES',
      errorMessage: 'still down',
      elementId: 'task',
      jobKey: Number(job.key),
    })
    await e.updateJobRetries(job.key, 1)
    await e.resolveIncident(String(incident!.key))
    // Only the failed listener runs again, not the one that completed.
    await completeOne(e, 'flaky')
    await completeOne(e, 'work')
    const created = (await valuesOf(e, pi.processInstanceKey, 'JOB')).filter(
      (r) => r.intent === 'CREATED',
    )
    expect(created.map((r) => fieldsOf(r).type)).toEqual(['first', 'flaky', 'work'])
    expect(await completedPath(e, pi.processInstanceKey)).toEqual([
      'start',
      'task',
      'end',
      'elFail',
    ])
  })

  it('raises EXTRACT_VALUE_ERROR for a failing listener type expression and runs the listeners again after resolving', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'el-expr.bpmn',
        content: bpmn(
          'elExpr',
          `<bpmn:startEvent id="start" />
           ${serviceTask('task', 'work', listeners(['start', 'first'], ['start', '= listenerType']))}
           <bpmn:endEvent id="end" />${chain('start', 'task', 'end')}`,
        ),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'elExpr' })
    await completeOne(e, 'first')
    const [incident] = Object.values(e.state.incidents)
    expect(incident!.value).toMatchObject({ errorType: 'EXTRACT_VALUE_ERROR', elementId: 'task' })
    await e.setVariables(pi.processInstanceKey, { listenerType: 'second' }, false)
    await e.resolveIncident(String(incident!.key))
    // Zeebe resets the listener index: `first` runs again, then `second`.
    await completeOne(e, 'first')
    await completeOne(e, 'second')
    await completeOne(e, 'work')
    expect(await completedPath(e, pi.processInstanceKey)).toEqual([
      'start',
      'task',
      'end',
      'elExpr',
    ])
  })

  it('rejects ThrowError from a listener job as Zeebe does, and cancels the job with the instance', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'el-err.bpmn',
        content: bpmn(
          'elErr',
          `<bpmn:startEvent id="start" />
           ${serviceTask('task', 'work', listeners(['start', 'guard']))}
           <bpmn:boundaryEvent id="caught" attachedToRef="task"><bpmn:errorEventDefinition /></bpmn:boundaryEvent>
           <bpmn:endEvent id="end" /><bpmn:endEvent id="errEnd" />
           ${chain('start', 'task', 'end')}${flow('fErr', 'caught', 'errEnd')}`,
        ),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'elErr' })
    const [job] = await e.activateJobs({
      type: 'guard',
      worker: 'w',
      timeoutMs: 10_000,
      maxJobsToActivate: 1,
    })
    const thrown = await e.throwError(job!.key, 'NOPE').then(
      () => null,
      (err: unknown) => err,
    )
    expect(thrown).toBeInstanceOf(EngineError)
    expect((thrown as EngineError).code).toBe('FAILED_PRECONDITION')
    expect((thrown as EngineError).message).toBe(
      `Cannot throw BPMN error from EXECUTION_LISTENER job with key '${job!.key}', type 'guard' and processInstanceKey '${pi.processInstanceKey}'`,
    )
    await e.cancelProcessInstance(pi.processInstanceKey)
    // as Zeebe's stream: the activation is a JOB_BATCH record, not one of the job's
    const jobs = await valuesOf(e, pi.processInstanceKey, 'JOB')
    expect(jobs.map((r) => r.intent)).toEqual(['CREATED', 'CANCELED'])
    const [batch] = await e.readRecords({ valueTypes: ['JOB_BATCH'] })
    expect(batch).toMatchObject({
      intent: 'ACTIVATED',
      value: { type: 'guard', worker: 'w', jobKeys: [Number(job!.key)] },
    })
    expect(await completedPath(e, pi.processInstanceKey)).toEqual(['start'])
  })

  it('runs end listeners of start, boundary and intermediate events', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'el-events.bpmn',
        content: bpmn(
          'elEvents',
          `<bpmn:startEvent id="start"><bpmn:extensionElements>${listeners(['end', 'started'])}</bpmn:extensionElements></bpmn:startEvent>
           ${serviceTask('task', 'work')}
           <bpmn:boundaryEvent id="late" attachedToRef="task"><bpmn:extensionElements>${listeners(['end', 'escalate'])}</bpmn:extensionElements><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
           <bpmn:intermediateThrowEvent id="note"><bpmn:extensionElements>${listeners(['start', 'note-start'], ['end', 'note-end'])}</bpmn:extensionElements></bpmn:intermediateThrowEvent>
           <bpmn:endEvent id="end" /><bpmn:endEvent id="lateEnd" />
           ${chain('start', 'task', 'end')}${chain('late', 'note', 'lateEnd')}`,
        ),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'elEvents' })
    // The task is not reached before the start event's end listener completed.
    expect(Object.values(e.state.elementInstances).some((ei) => ei.elementId === 'task')).toBe(
      false,
    )
    await completeOne(e, 'started')
    clock.advance(3_600_000)
    await e.tick()
    await completeOne(e, 'escalate')
    await completeOne(e, 'note-start')
    await completeOne(e, 'note-end')
    expect(await completedPath(e, pi.processInstanceKey)).toEqual([
      'start',
      'late',
      'note',
      'lateEnd',
      'elEvents',
    ])
  })

  it('rejects listeners where Zeebe does', async () => {
    const e = await open()
    const deploy = (body: string) =>
      e.deployResources([{ name: 'bad.bpmn', content: bpmn('bad', body) }]).then(
        () => '',
        (err: unknown) => (err as Error).message,
      )
    expect(
      await deploy(
        `<bpmn:startEvent id="start"><bpmn:extensionElements>${listeners(['start', 'x'])}</bpmn:extensionElements></bpmn:startEvent><bpmn:endEvent id="end" />${chain('start', 'end')}`,
      ),
    ).toContain(
      "- Element: start\n    - ERROR: Execution listeners of type 'start' are not supported by start events",
    )
    expect(
      await deploy(
        `<bpmn:startEvent id="start" /><bpmn:parallelGateway id="gw"><bpmn:extensionElements>${listeners(['end', 'x'])}</bpmn:extensionElements></bpmn:parallelGateway><bpmn:endEvent id="end" />${chain('start', 'gw', 'end')}`,
      ),
    ).toContain("Execution listeners of type 'end' are not supported by gateway element")
    const errorDoc = Buffer.from(
      bpmn(
        'badErr',
        `<bpmn:startEvent id="start" /><bpmn:endEvent id="end"><bpmn:extensionElements>${listeners(['end', 'x'])}</bpmn:extensionElements><bpmn:errorEventDefinition errorRef="err" /></bpmn:endEvent>${chain('start', 'end')}`,
        '<bpmn:error id="err" errorCode="E1" />',
      ),
    )
    const errorMessage = await e
      .deployResources([{ name: 'bad-err.bpmn', content: errorDoc }])
      .then(
        () => '',
        (err: unknown) => (err as Error).message,
      )
    expect(errorMessage).toContain(
      "Execution listeners of type 'end' are not supported by [error] end events",
    )
    expect(
      await deploy(
        `<bpmn:startEvent id="start" />${serviceTask('task', 'w', listeners(['start', 'dup'], ['start', 'dup'], ['end', 'dup']))}<bpmn:endEvent id="end" />${chain('start', 'task', 'end')}`,
      ),
    ).toContain(
      "Found '2' duplicates based on eventType[start] and type[dup], these combinations should be unique.",
    )
    expect(
      await deploy(
        `<bpmn:startEvent id="start" />${serviceTask('task', 'w', listeners(['start', '']))}<bpmn:endEvent id="end" />${chain('start', 'task', 'end')}`,
      ),
    ).toContain("Attribute 'type' must be present and not empty")
  })
})
