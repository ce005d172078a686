/**
 * Record values carry the fields Zeebe 8.8's exporter JSON has (protocol JsonSerializableToJsonTest):
 * PROCESS_INSTANCE and INCIDENT the element tree path (ElementTreePathBuilder), JOB
 * `jobListenerEventType` and `changedAttributes`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../../test/support/databases'
import { TestClock } from '../clock'
import type { Engine } from '../engine'
import { bpmn, chain, expectReplayMatches, freshEngine, serviceTask } from '../test-support'
import { fieldsOf } from './records'

describe.each(testDatabaseTargets())('record values on $kind', (target) => {
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

  it('PROCESS_INSTANCE and INCIDENT carry elementInstancePath, processDefinitionPath and callingElementPath across a call activity', async () => {
    const e = (engine = await freshEngine(db.database.sql, clock))
    const deployed = await e.deployResources([
      {
        name: 'parent.bpmn',
        content: bpmn(
          'parent',
          `<bpmn:startEvent id="start" /><bpmn:subProcess id="sub"><bpmn:startEvent id="s0" />
           <bpmn:callActivity id="zCall"><bpmn:extensionElements><zeebe:calledElement processId="child" /></bpmn:extensionElements></bpmn:callActivity>
           <bpmn:endEvent id="s1" />${chain('s0', 'zCall', 's1')}</bpmn:subProcess>
           <bpmn:callActivity id="aCall"><bpmn:extensionElements><zeebe:calledElement processId="none" /></bpmn:extensionElements></bpmn:callActivity>
           <bpmn:endEvent id="end" />${chain('start', 'sub', 'end')}`,
        ),
      },
      {
        name: 'child.bpmn',
        content: bpmn(
          'child',
          `<bpmn:startEvent id="c0" />${serviceTask('work', '= undefinedType')}<bpmn:endEvent id="c1" />${chain('c0', 'work', 'c1')}`,
        ),
      },
    ])
    const parentDef = Number(
      deployed.processes.find((p) => p.bpmnProcessId === 'parent')!.processDefinitionKey,
    )
    const childDef = Number(
      deployed.processes.find((p) => p.bpmnProcessId === 'child')!.processDefinitionKey,
    )
    const pi = await e.createProcessInstance({ bpmnProcessId: 'parent' })
    const root = Number(pi.processInstanceKey)
    const parentRecords = await e.readRecords({
      processInstanceKey: pi.processInstanceKey,
      valueTypes: ['PROCESS_INSTANCE'],
    })
    const keyOf = (id: string) =>
      Number(parentRecords.find((r) => fieldsOf(r).elementId === id)!.key)
    const sub = keyOf('sub')
    const call = keyOf('zCall')
    const activating = (id: string) =>
      parentRecords.find((r) => fieldsOf(r).elementId === id && r.intent === 'ELEMENT_ACTIVATING')!
        .value
    expect(activating('parent')).toMatchObject({
      elementInstancePath: [[root]],
      processDefinitionPath: [parentDef],
      callingElementPath: [],
    })
    expect(activating('zCall')).toMatchObject({
      elementInstancePath: [[root, sub, call]],
      processDefinitionPath: [parentDef],
      callingElementPath: [],
    })
    // a sequence flow carries the path of the element it leaves (as Zeebe copies its value)
    const flow = parentRecords.find((r) => fieldsOf(r).elementId === 'f_s0_zCall')!
    expect(fieldsOf(flow).elementInstancePath).toEqual([[root, sub, keyOf('s0')]])

    const child = Object.values(e.state.elementInstances).find((ei) => ei.elementId === 'child')!
    const childRecords = await e.readRecords({
      processInstanceKey: String(child.key),
      valueTypes: ['PROCESS_INSTANCE', 'INCIDENT'],
    })
    const work = childRecords.find(
      (r) => fieldsOf(r).elementId === 'work' && r.valueType === 'PROCESS_INSTANCE',
    )!
    // zCall is the second of the call activity ids sorted (aCall, zCall): index 1
    const expected = {
      elementInstancePath: [
        [root, sub, call],
        [child.key, Number(work.key)],
      ],
      processDefinitionPath: [parentDef, childDef],
      callingElementPath: [1],
    }
    expect(work.value).toMatchObject(expected)
    expect(childRecords.find((r) => fieldsOf(r).elementId === 'child')!.value).toMatchObject({
      elementInstancePath: [[root, sub, call], [child.key]],
      processDefinitionPath: [parentDef, childDef],
      callingElementPath: [1],
    })
    const incident = childRecords.find((r) => r.valueType === 'INCIDENT')!
    expect(incident.value).toMatchObject({ errorType: 'EXTRACT_VALUE_ERROR', ...expected })
  })

  it('JOB records name the listener event type as Zeebe does and list changedAttributes', async () => {
    const e = (engine = await freshEngine(db.database.sql, clock))
    await e.deployResources([
      {
        name: 'p.bpmn',
        content: bpmn(
          'p',
          `<bpmn:startEvent id="start" />${serviceTask('work', 'work', '<zeebe:executionListeners><zeebe:executionListener eventType="start" type="before" /></zeebe:executionListeners>')}<bpmn:endEvent id="end" />${chain('start', 'work', 'end')}`,
        ),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'p' })
    const [listener] = await e.activateJobs({
      type: 'before',
      worker: 'w',
      timeoutMs: 1000,
      maxJobsToActivate: 1,
    })
    await e.completeJob(listener!.key)
    const jobs = await e.readRecords({
      processInstanceKey: pi.processInstanceKey,
      valueTypes: ['JOB'],
    })
    expect(
      jobs.map((r) => [
        r.intent,
        fieldsOf(r).jobKind,
        fieldsOf(r).jobListenerEventType,
        fieldsOf(r).changedAttributes,
      ]),
    ).toEqual([
      ['CREATED', 'EXECUTION_LISTENER', 'START', []],
      ['COMPLETED', 'EXECUTION_LISTENER', 'START', []],
      ['CREATED', 'BPMN_ELEMENT', 'UNSPECIFIED', []],
    ])
  })
})
