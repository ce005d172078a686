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
  isActive,
  rootVariables,
  serviceTask,
  trail,
} from '../test-support'
import { rejectionOf } from '../user-task/test-support'
import { fieldsOf } from '../state/records'

const linear = bpmn(
  'linear',
  `<bpmn:startEvent id="start" />${serviceTask('A', 'a')}${serviceTask('B', 'b')}<bpmn:endEvent id="end" />${chain('start', 'A', 'B', 'end')}`,
)

const withSub = bpmn(
  'withSub',
  `<bpmn:startEvent id="start" />${serviceTask('A', 'a')}
   <bpmn:subProcess id="sub">
     <bpmn:startEvent id="subStart" />${serviceTask('inner', 'inner')}<bpmn:endEvent id="subEnd" />
     ${chain('subStart', 'inner', 'subEnd')}
   </bpmn:subProcess>
   <bpmn:boundaryEvent id="subTimer" attachedToRef="sub"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
   <bpmn:endEvent id="timedOut" />
   <bpmn:endEvent id="end" />${chain('start', 'A', 'sub', 'end')}${chain('subTimer', 'timedOut')}`,
)

const multi = bpmn(
  'multi',
  `<bpmn:startEvent id="start" />
   <bpmn:subProcess id="sub">
     <bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="= [1, 2]" inputElement="item" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics>
     <bpmn:startEvent id="subStart" />${serviceTask('T', 't')}${serviceTask('T2', 't2')}<bpmn:endEvent id="subEnd" />
     ${chain('subStart', 'T', 'subEnd')}
   </bpmn:subProcess>
   <bpmn:endEvent id="end" />${chain('start', 'sub', 'end')}`,
)

const preMulti = bpmn(
  'preMulti',
  `<bpmn:startEvent id="start" />${serviceTask('A', 'a')}
   <bpmn:subProcess id="msub">
     <bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="= [1, 2]" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics>
     <bpmn:startEvent id="mStart" />${serviceTask('T', 'mt')}<bpmn:endEvent id="mEnd" />${chain('mStart', 'T', 'mEnd')}
   </bpmn:subProcess>
   <bpmn:endEvent id="end" />${chain('start', 'A', 'msub', 'end')}`,
)

const parent = bpmn(
  'parent',
  `<bpmn:startEvent id="start" /><bpmn:callActivity id="call"><bpmn:extensionElements><zeebe:calledElement processId="linear" /></bpmn:extensionElements></bpmn:callActivity><bpmn:endEvent id="end" />${chain('start', 'call', 'end')}`,
)

describe.each(testDatabaseTargets())('process instance modification on $kind', (target) => {
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
  const open = async () => {
    engine = await freshEngine(db.database.sql, clock)
    await engine.deployResources([
      { name: 'linear.bpmn', content: linear },
      { name: 'withSub.bpmn', content: withSub },
      { name: 'multi.bpmn', content: multi },
      { name: 'parent.bpmn', content: parent },
      { name: 'preMulti.bpmn', content: preMulti },
    ])
    return engine
  }
  const keyOf = (e: Engine, pi: string, elementId: string) =>
    Object.values(e.state.elementInstances).filter(
      (ei) => String(ei.piKey) === pi && ei.elementId === elementId,
    )

  it('activates an element with variables and terminates another (Zeebe record order)', async () => {
    const e = await open()
    const { processInstanceKey: pi } = await e.createProcessInstance({ bpmnProcessId: 'linear' })
    const a = keyOf(e, pi, 'A')[0]!
    const before = (await e.readRecords({ processInstanceKey: pi })).length

    await e.modifyProcessInstance({
      processInstanceKey: pi,
      activateInstructions: [
        {
          elementId: 'B',
          variableInstructions: [{ variables: { x: 1 } }, { variables: { y: 2 }, scopeId: 'B' }],
        },
      ],
      terminateInstructions: [{ elementInstanceKey: String(a.key) }],
    })

    const records = (await e.readRecords({ processInstanceKey: pi })).slice(before)
    expect(
      records.map(
        (r) =>
          `${r.valueType}:${r.intent}:${String(fieldsOf(r).elementId ?? fieldsOf(r).name ?? '')}`,
      ),
    ).toEqual([
      'VARIABLE:CREATED:x',
      'PROCESS_INSTANCE:ELEMENT_TERMINATING:A',
      'JOB:CANCELED:A',
      'PROCESS_INSTANCE:ELEMENT_TERMINATED:A',
      'PROCESS_INSTANCE_MODIFICATION:MODIFIED:',
      'PROCESS_INSTANCE:ELEMENT_ACTIVATING:B',
      'VARIABLE:CREATED:y',
      'PROCESS_INSTANCE:ELEMENT_ACTIVATED:B',
      'JOB:CREATED:B',
    ])
    const modified = records.find((r) => r.intent === 'MODIFIED')!
    expect(modified.key).toBe(pi)
    expect(modified.value).toMatchObject({
      processInstanceKey: Number(pi),
      activateInstructions: [
        { elementId: 'B', ancestorScopeKey: -1, ancestorScopeKeys: [Number(pi)] },
      ],
      terminateInstructions: [{ elementInstanceKey: a.key }],
    })
    expect(rootVariables(e, pi)).toEqual({ x: 1 })
    await completeOne(e, 'b')
    expect(await completedPath(e, pi)).toEqual(['start', 'B', 'end', 'linear'])
  })

  it('creates a missing sub-process scope without its start event, with its boundary timer', async () => {
    const e = await open()
    const { processInstanceKey: pi } = await e.createProcessInstance({ bpmnProcessId: 'withSub' })
    const a = keyOf(e, pi, 'A')[0]!

    await e.modifyProcessInstance({
      processInstanceKey: pi,
      activateInstructions: [
        {
          elementId: 'inner',
          variableInstructions: [{ variables: { local: true }, scopeId: 'sub' }],
        },
      ],
      terminateInstructions: [{ elementInstanceKey: String(a.key) }],
    })

    const sub = keyOf(e, pi, 'sub')[0]!
    expect(e.state.variables[sub.key]?.local?.value).toBe(true)
    expect(Object.values(e.state.timers).map((t) => t.value.targetElementId)).toEqual(['subTimer'])
    expect(await trail(e, pi)).toEqual([
      'withSub:ELEMENT_ACTIVATING',
      'withSub:ELEMENT_ACTIVATED',
      'start:ELEMENT_ACTIVATING',
      'start:ELEMENT_ACTIVATED',
      'start:ELEMENT_COMPLETING',
      'start:ELEMENT_COMPLETED',
      'f_start_A:SEQUENCE_FLOW_TAKEN',
      'A:ELEMENT_ACTIVATING',
      'A:ELEMENT_ACTIVATED',
      'sub:ELEMENT_ACTIVATING',
      'sub:ELEMENT_ACTIVATED',
      'A:ELEMENT_TERMINATING',
      'A:ELEMENT_TERMINATED',
      'inner:ELEMENT_ACTIVATING',
      'inner:ELEMENT_ACTIVATED',
    ])
    await completeOne(e, 'inner')
    expect(await completedPath(e, pi)).toEqual([
      'start',
      'inner',
      'subEnd',
      'sub',
      'end',
      'withSub',
    ])
    expect(e.state.timers).toEqual({})
  })

  it('terminates the process instance when its last element is terminated', async () => {
    const e = await open()
    const { processInstanceKey: pi } = await e.createProcessInstance({ bpmnProcessId: 'linear' })
    const a = keyOf(e, pi, 'A')[0]!
    await e.modifyProcessInstance({
      processInstanceKey: pi,
      terminateInstructions: [{ elementInstanceKey: String(a.key) }],
    })
    expect(isActive(e, pi)).toBe(false)
    expect((await trail(e, pi)).slice(-4)).toEqual([
      'A:ELEMENT_TERMINATING',
      'A:ELEMENT_TERMINATED',
      'linear:ELEMENT_TERMINATING',
      'linear:ELEMENT_TERMINATED',
    ])
    expect(await completedPath(e, pi)).toEqual(['start'])
  })

  it('selects the flow scope instance by ancestor key inside a multi-instance sub-process', async () => {
    const e = await open()
    const { processInstanceKey: pi } = await e.createProcessInstance({ bpmnProcessId: 'multi' })
    const inners = keyOf(e, pi, 'sub').filter((ei) => ei.loopCounter !== undefined)
    expect(inners).toHaveLength(2)

    const ambiguous = await rejectionOf(
      e.modifyProcessInstance({
        processInstanceKey: pi,
        activateInstructions: [{ elementId: 'T2' }],
      }),
    )
    expect(ambiguous).toEqual({
      code: 'INVALID_ARGUMENT',
      message:
        "Expected to modify instance of process 'multi' but it contains one or more activate instructions for an element that has a flow scope with more than one active instance: 'sub'. Can't decide in which instance of the flow scope the element should be activated. Please specify an ancestor element instance key for this activate instruction.",
    })

    await e.modifyProcessInstance({
      processInstanceKey: pi,
      activateInstructions: [
        { elementId: 'T2', ancestorElementInstanceKey: String(inners[1]!.key) },
      ],
    })
    const t2 = keyOf(e, pi, 'T2')
    expect(t2.map((ei) => ei.flowScopeKey)).toEqual([inners[1]!.key])
    await completeOne(e, 't')
    await completeOne(e, 't')
    await completeOne(e, 't2')
    expect(await completedPath(e, pi)).toEqual([
      'start',
      'subStart',
      'subStart',
      'T',
      'subEnd',
      'sub',
      'T',
      'subEnd',
      'T2',
      'sub',
      'sub',
      'end',
      'multi',
    ])
  })

  it('keeps its state across a restart (snapshot) and continues', async () => {
    const e = await open()
    const { processInstanceKey: pi } = await e.createProcessInstance({ bpmnProcessId: 'withSub' })
    const a = keyOf(e, pi, 'A')[0]!
    await e.modifyProcessInstance({
      processInstanceKey: pi,
      activateInstructions: [{ elementId: 'inner' }],
      terminateInstructions: [{ elementInstanceKey: String(a.key) }],
    })
    const state = JSON.stringify(e.state)
    await e.close()
    engine = await createEngine({ sql: db.database.sql, clock })
    expect(JSON.stringify(engine.state)).toBe(state)
    clock.advance(2 * 3600_000)
    await engine.tick()
    expect(await completedPath(engine, pi)).toEqual(['start', 'subTimer', 'timedOut', 'withSub'])
  })

  it("rejects invalid instructions with Zeebe's messages and writes nothing", async () => {
    const e = await open()
    const { processInstanceKey: pi } = await e.createProcessInstance({ bpmnProcessId: 'withSub' })
    const { processInstanceKey: other } = await e.createProcessInstance({ bpmnProcessId: 'linear' })
    const a = keyOf(e, pi, 'A')[0]!
    const otherA = keyOf(e, other, 'A')[0]!
    const before = (await e.readRecords({})).length
    const p = (msg: string) =>
      `Expected to modify instance of process 'withSub' but it contains one or more ${msg}`
    const cases: [Parameters<Engine['modifyProcessInstance']>[0], string, string][] = [
      [
        { processInstanceKey: '123' },
        'NOT_FOUND',
        "Expected to modify process instance but no process instance found with key '123'",
      ],
      [
        { processInstanceKey: pi, activateInstructions: [{ elementId: 'nope' }] },
        'INVALID_ARGUMENT',
        p("activate instructions with an element that could not be found: 'nope'"),
      ],
      [
        {
          processInstanceKey: pi,
          activateInstructions: [{ elementId: 'subStart' }, { elementId: 'subTimer' }],
        },
        'INVALID_ARGUMENT',
        p(
          "activate instructions for elements that are unsupported: 'subStart', 'subTimer'. The activation of elements with type 'START_EVENT', 'BOUNDARY_EVENT' is not supported. Supported element types are: [PROCESS, SUB_PROCESS, EVENT_SUB_PROCESS, AD_HOC_SUB_PROCESS, AD_HOC_SUB_PROCESS_INNER_INSTANCE, INTERMEDIATE_CATCH_EVENT, INTERMEDIATE_THROW_EVENT, END_EVENT, SERVICE_TASK, RECEIVE_TASK, USER_TASK, MANUAL_TASK, TASK, EXCLUSIVE_GATEWAY, PARALLEL_GATEWAY, EVENT_BASED_GATEWAY, INCLUSIVE_GATEWAY, MULTI_INSTANCE_BODY, CALL_ACTIVITY, BUSINESS_RULE_TASK, SCRIPT_TASK, SEND_TASK].",
        ),
      ],
      [
        {
          processInstanceKey: pi,
          terminateInstructions: [{ elementInstanceKey: String(otherA.key) }],
        },
        'INVALID_ARGUMENT',
        p(
          `terminate instructions with an element instance that could not be found: '${otherA.key}'`,
        ),
      ],
      [
        {
          processInstanceKey: pi,
          activateInstructions: [
            { elementId: 'inner', variableInstructions: [{ variables: {}, scopeId: 'ghost' }] },
          ],
        },
        'INVALID_ARGUMENT',
        p("variable instructions with a scope element id that could not be found: 'ghost'"),
      ],
      [
        {
          processInstanceKey: pi,
          activateInstructions: [
            { elementId: 'inner', variableInstructions: [{ variables: {}, scopeId: 'A' }] },
          ],
        },
        'INVALID_ARGUMENT',
        p(
          "variable instructions with a scope element that doesn't belong to the activating element's flow scope. These variables should be set before or after the modification.",
        ),
      ],
      [
        {
          processInstanceKey: pi,
          activateInstructions: [{ elementId: 'inner', ancestorElementInstanceKey: '99' }],
        },
        'INVALID_ARGUMENT',
        p(
          "activate instructions with an ancestor scope key that does not exist, or is not in an active state: '99'",
        ),
      ],
      [
        {
          processInstanceKey: pi,
          activateInstructions: [{ elementId: 'inner', ancestorElementInstanceKey: other }],
        },
        'INVALID_ARGUMENT',
        p(
          `activate instructions with an ancestor scope key that does not belong to the modified process instance: '${other}'`,
        ),
      ],
      [
        {
          processInstanceKey: pi,
          activateInstructions: [{ elementId: 'inner', ancestorElementInstanceKey: String(a.key) }],
        },
        'INVALID_ARGUMENT',
        p(
          `activate instructions with an ancestor scope key that is not an ancestor of the element to activate:\n- instance '${a.key}' of element 'A' is not an ancestor of element 'inner'`,
        ),
      ],
      [
        {
          processInstanceKey: pi,
          activateInstructions: [{ elementId: 'A' }],
          terminateInstructions: [{ elementInstanceKey: pi }],
        },
        'INVALID_ARGUMENT',
        p(
          `activate instructions for elements whose required flow scope instance is also being terminated: element 'A' requires flow scope instance '${pi}' which is being terminated. Please provide a valid ancestor scope key for the activation or avoid terminating the required flow scope.`,
        ),
      ],
    ]
    for (const [cmd, code, message] of cases) {
      expect(await rejectionOf(e.modifyProcessInstance(cmd))).toEqual({ code, message })
    }
    expect((await e.readRecords({})).length).toBe(before)
  })

  it('rejects creating a multi-instance scope and ending a called instance', async () => {
    const e = await open()
    const { processInstanceKey: caller } = await e.createProcessInstance({
      bpmnProcessId: 'parent',
    })
    const called = Object.values(e.state.elementInstances).find(
      (ei) => ei.parentPiKey === Number(caller),
    )!
    const calledA = keyOf(e, String(called.key), 'A')[0]!
    expect(
      await rejectionOf(
        e.modifyProcessInstance({
          processInstanceKey: String(called.key),
          terminateInstructions: [{ elementInstanceKey: String(calledA.key) }],
        }),
      ),
    ).toEqual({
      code: 'INVALID_ARGUMENT',
      message:
        "Expected to modify instance of process 'linear' but the given instructions would terminate the instance. The instance was created by a call activity in the parent process. To terminate this instance please modify the parent process instead.",
    })

    const { processInstanceKey: m } = await e.createProcessInstance({
      bpmnProcessId: 'multi',
      startInstructions: [{ elementId: 'end' }],
    })
    expect(isActive(e, m)).toBe(false)
    const { processInstanceKey: pre } = await e.createProcessInstance({ bpmnProcessId: 'preMulti' })
    expect(
      await rejectionOf(
        e.modifyProcessInstance({
          processInstanceKey: pre,
          activateInstructions: [{ elementId: 'T' }],
        }),
      ),
    ).toEqual({
      code: 'INVALID_ARGUMENT',
      message:
        "Expected to modify instance of process 'preMulti' but it contains one or more activate instructions that would result in the activation of multi-instance element 'msub', which is currently unsupported.",
    })
    // the multi-instance activity itself may be activated: its body starts the inner instances
    await e.modifyProcessInstance({
      processInstanceKey: pre,
      activateInstructions: [{ elementId: 'msub' }],
    })
    expect(keyOf(e, pre, 'T')).toHaveLength(2)
  })
})
