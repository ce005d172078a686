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
  finalVariables,
  flow,
  freshEngine,
  isActive,
  serviceTask,
  valuesOf,
} from '../test-support'
import { fieldsOf } from '../state/records'

/** A job task with a compensation boundary event whose handler is the job task `undo<id>`. */
const compensable = (id: string, type = id.toLowerCase()): string =>
  serviceTask(id, type) +
  `<bpmn:boundaryEvent id="${id}_comp" attachedToRef="${id}"><bpmn:compensateEventDefinition /></bpmn:boundaryEvent>` +
  handler(`Undo${id}`, `undo-${type}`) +
  `<bpmn:association id="${id}_assoc" associationDirection="One" sourceRef="${id}_comp" targetRef="Undo${id}" />`

const handler = (id: string, type: string): string =>
  `<bpmn:serviceTask id="${id}" isForCompensation="true"><bpmn:extensionElements><zeebe:taskDefinition type="${type}" /></bpmn:extensionElements></bpmn:serviceTask>`

const compThrow = (id: string, activityRef?: string): string =>
  `<bpmn:intermediateThrowEvent id="${id}"><bpmn:compensateEventDefinition${activityRef ? ` activityRef="${activityRef}"` : ''} /></bpmn:intermediateThrowEvent>`

const compEnd = (id: string): string =>
  `<bpmn:endEvent id="${id}"><bpmn:compensateEventDefinition /></bpmn:endEvent>`

/** COMPENSATION_SUBSCRIPTION records as `intent compensableActivityId handler throw`. */
async function subscriptionTrail(e: Engine, pi: string): Promise<string[]> {
  return (await valuesOf(e, pi, 'COMPENSATION_SUBSCRIPTION')).map(
    (r) =>
      `${r.intent} ${String(fieldsOf(r).compensableActivityId)} ${String(fieldsOf(r).compensationHandlerId) || '-'} ${String(fieldsOf(r).throwEventId) || '-'}`,
  )
}

describe.each(testDatabaseTargets())('compensation on $kind', (target) => {
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

  it('an intermediate throw event runs the handlers of both completed tasks, not of one not yet run', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'c.bpmn',
        content: bpmn(
          'comp',
          `<bpmn:startEvent id="start" />${compensable('A')}${compensable('B')}${compThrow('undoAll')}${compensable('C')}<bpmn:endEvent id="end" />${chain('start', 'A', 'B', 'undoAll', 'C', 'end')}`,
        ),
      },
    ])
    const pi = (await e.createProcessInstance({ bpmnProcessId: 'comp' })).processInstanceKey
    await completeOne(e, 'a')
    await completeOne(e, 'b')
    // Both handlers run at once; the throw event waits for them.
    const handlers = await e.activateJobs({
      type: 'undo-a',
      worker: 'w',
      timeoutMs: 60_000,
      maxJobsToActivate: 5,
    })
    expect(handlers.map((j) => j.elementId)).toEqual(['UndoA'])
    const undoB = await e.activateJobs({
      type: 'undo-b',
      worker: 'w',
      timeoutMs: 60_000,
      maxJobsToActivate: 5,
    })
    expect(undoB.map((j) => j.elementId)).toEqual(['UndoB'])
    const throwEvent = Object.values(e.state.elementInstances).find(
      (ei) => ei.elementId === 'undoAll',
    )
    expect(throwEvent?.state).toBe('ACTIVATED')
    // The handlers run in the throw event's flow scope, with the COMPENSATION event type.
    expect(handlers[0]!.processInstanceKey).toBe(pi)
    await e.completeJob(handlers[0]!.key)
    expect(isActive(e, pi)).toBe(true)
    expect(Object.values(e.state.elementInstances).some((ei) => ei.elementId === 'undoAll')).toBe(
      true,
    )
    await e.completeJob(undoB[0]!.key)
    await completeOne(e, 'c')
    expect(isActive(e, pi)).toBe(false)
    expect(
      await e.activateJobs({ type: 'undo-c', worker: 'w', timeoutMs: 1000, maxJobsToActivate: 1 }),
    ).toEqual([])
    expect(await completedPath(e, pi, { flows: true })).toEqual([
      'start',
      'f_start_A',
      'A',
      'f_A_B',
      'B',
      'f_B_undoAll',
      'A_comp',
      'B_comp',
      'UndoA',
      'UndoB',
      'undoAll',
      'f_undoAll_C',
      'C',
      'f_C_end',
      'end',
      'comp',
    ])
    expect(await subscriptionTrail(e, pi)).toEqual([
      'CREATED A UndoA -',
      'CREATED B UndoB -',
      'TRIGGERED A UndoA undoAll',
      'TRIGGERED B UndoB undoAll',
      'COMPLETED A UndoA undoAll',
      'COMPLETED B UndoB undoAll',
      'CREATED C UndoC -',
      'DELETED C UndoC -',
    ])
    const records = await valuesOf(e, pi, 'COMPENSATION_SUBSCRIPTION')
    const pis = await valuesOf(e, pi, 'PROCESS_INSTANCE')
    const keyOf = (id: string, intent = 'ELEMENT_ACTIVATING') =>
      Number(pis.find((r) => fieldsOf(r).elementId === id && r.intent === intent)!.key)
    expect(records[2]!.value).toMatchObject({
      tenantId: '<default>',
      processInstanceKey: Number(pi),
      compensableActivityId: 'A',
      compensableActivityScopeKey: Number(pi),
      compensableActivityInstanceKey: keyOf('A'),
      throwEventId: 'undoAll',
      throwEventInstanceKey: keyOf('undoAll'),
      compensationHandlerId: 'UndoA',
      compensationHandlerInstanceKey: keyOf('UndoA'),
      variables: {},
    })
    const undoA = pis.find((r) => fieldsOf(r).elementId === 'UndoA')!
    expect(undoA.value).toMatchObject({ bpmnEventType: 'COMPENSATION', flowScopeKey: Number(pi) })
    const boundary = pis.filter((r) => fieldsOf(r).elementId === 'A_comp').map((r) => r.intent)
    expect(boundary).toEqual([
      'ELEMENT_ACTIVATING',
      'ELEMENT_ACTIVATED',
      'ELEMENT_COMPLETING',
      'ELEMENT_COMPLETED',
    ])
  })

  it('does not compensate an activity that is still active, and completes at once with nothing to compensate', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'c.bpmn',
        content: bpmn(
          'active',
          `<bpmn:startEvent id="start" /><bpmn:parallelGateway id="fork" />${compensable('A')}${compensable('D')}${compThrow('undo')}${compThrow('again')}<bpmn:endEvent id="endA" /><bpmn:endEvent id="endD" />${chain('start', 'fork', 'A', 'undo', 'again', 'endA')}${flow('f_fork_D', 'fork', 'D')}${flow('f_D_endD', 'D', 'endD')}`,
        ),
      },
    ])
    const pi = (await e.createProcessInstance({ bpmnProcessId: 'active' })).processInstanceKey
    await completeOne(e, 'a')
    await completeOne(e, 'undo-a')
    // `again` finds A's subscription completed: nothing left to compensate.
    await completeOne(e, 'd')
    expect(isActive(e, pi)).toBe(false)
    expect(await completedPath(e, pi)).toEqual([
      'start',
      'fork',
      'A',
      'A_comp',
      'UndoA',
      'undo',
      'again',
      'endA',
      'D',
      'endD',
      'active',
    ])
    expect(await subscriptionTrail(e, pi)).toEqual([
      'CREATED A UndoA -',
      'TRIGGERED A UndoA undo',
      'COMPLETED A UndoA undo',
      'CREATED D UndoD -',
      'DELETED D UndoD -',
    ])
  })

  it('a compensation end event; the handler is a job worker that sees and sets variables', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'c.bpmn',
        content: bpmn(
          'endComp',
          `<bpmn:startEvent id="start" />${compensable('Charge', 'charge')}${compEnd('refund')}${chain('start', 'Charge', 'refund')}`,
        ),
      },
    ])
    const pi = (
      await e.createProcessInstance({ bpmnProcessId: 'endComp', variables: { orderId: 42 } })
    ).processInstanceKey
    await completeOne(e, 'charge', { charged: 10 })
    const [job] = await e.activateJobs({
      type: 'undo-charge',
      worker: 'w',
      timeoutMs: 60_000,
      maxJobsToActivate: 1,
    })
    expect(job).toMatchObject({ elementId: 'UndoCharge', variables: { orderId: 42, charged: 10 } })
    await e.completeJob(job!.key, { refunded: 10 })
    expect(isActive(e, pi)).toBe(false)
    expect(await completedPath(e, pi)).toEqual([
      'start',
      'Charge',
      'Charge_comp',
      'UndoCharge',
      'refund',
      'endComp',
    ])
    expect(await finalVariables(e, pi)).toEqual({ orderId: 42, charged: 10, refunded: 10 })
  })

  it('activityRef compensates only the referenced activity, so handlers run in a chosen order', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'c.bpmn',
        content: bpmn(
          'ref',
          `<bpmn:startEvent id="start" />${compensable('A')}${compensable('B')}${compThrow('undoB', 'B')}${compThrow('undoA', 'A')}<bpmn:endEvent id="end" />${chain('start', 'A', 'B', 'undoB', 'undoA', 'end')}`,
        ),
      },
    ])
    const pi = (await e.createProcessInstance({ bpmnProcessId: 'ref' })).processInstanceKey
    await completeOne(e, 'a')
    await completeOne(e, 'b')
    expect(
      await e.activateJobs({ type: 'undo-a', worker: 'w', timeoutMs: 1000, maxJobsToActivate: 1 }),
    ).toEqual([])
    await completeOne(e, 'undo-b')
    await completeOne(e, 'undo-a')
    expect(await completedPath(e, pi)).toEqual([
      'start',
      'A',
      'B',
      'B_comp',
      'UndoB',
      'undoB',
      'A_comp',
      'UndoA',
      'undoA',
      'end',
      'ref',
    ])
  })

  it('a throw inside an embedded sub-process compensates only that sub-process', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'c.bpmn',
        content: bpmn(
          'inner',
          `<bpmn:startEvent id="start" />${compensable('B')}<bpmn:subProcess id="sub"><bpmn:startEvent id="sStart" />${compensable('A')}${compThrow('sThrow')}<bpmn:endEvent id="sEnd" />${chain('sStart', 'A', 'sThrow', 'sEnd')}</bpmn:subProcess><bpmn:endEvent id="end" />${chain('start', 'B', 'sub', 'end')}`,
        ),
      },
    ])
    const pi = (await e.createProcessInstance({ bpmnProcessId: 'inner' })).processInstanceKey
    await completeOne(e, 'b')
    await completeOne(e, 'a')
    const [undo] = await e.activateJobs({
      type: 'undo-a',
      worker: 'w',
      timeoutMs: 60_000,
      maxJobsToActivate: 1,
    })
    const sub = Object.values(e.state.elementInstances).find((ei) => ei.elementId === 'sub')!
    expect(e.state.elementInstances[undo!.elementInstanceKey]?.flowScopeKey).toBe(sub.key)
    await e.completeJob(undo!.key)
    expect(isActive(e, pi)).toBe(false)
    expect(await completedPath(e, pi)).toEqual([
      'start',
      'B',
      'sStart',
      'A',
      'A_comp',
      'UndoA',
      'sThrow',
      'sEnd',
      'sub',
      'end',
      'inner',
    ])
    expect(await subscriptionTrail(e, pi)).toEqual([
      'CREATED B UndoB -',
      'CREATED A UndoA -',
      'TRIGGERED A UndoA sThrow',
      'COMPLETED A UndoA sThrow',
      'DELETED B UndoB -',
    ])
  })

  it('a throw at process level compensates inside completed sub-processes too', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'c.bpmn',
        content: bpmn(
          'outer',
          `<bpmn:startEvent id="start" /><bpmn:subProcess id="sub"><bpmn:startEvent id="sStart" />${compensable('A')}<bpmn:endEvent id="sEnd" />${chain('sStart', 'A', 'sEnd')}</bpmn:subProcess>${compensable('B')}${compThrow('undoAll')}<bpmn:endEvent id="end" />${chain('start', 'sub', 'B', 'undoAll', 'end')}`,
        ),
      },
    ])
    const pi = (await e.createProcessInstance({ bpmnProcessId: 'outer' })).processInstanceKey
    await completeOne(e, 'a')
    await completeOne(e, 'b')
    const [undoA] = await e.activateJobs({
      type: 'undo-a',
      worker: 'w',
      timeoutMs: 60_000,
      maxJobsToActivate: 1,
    })
    // Activated in the throw event's scope (the sub-process instance is gone).
    expect(e.state.elementInstances[undoA!.elementInstanceKey]?.flowScopeKey).toBe(Number(pi))
    await e.completeJob(undoA!.key)
    expect(isActive(e, pi)).toBe(true)
    await completeOne(e, 'undo-b')
    expect(isActive(e, pi)).toBe(false)
    expect(await completedPath(e, pi)).toEqual([
      'start',
      'sStart',
      'A',
      'sEnd',
      'sub',
      'B',
      'A_comp',
      'B_comp',
      'UndoA',
      'UndoB',
      'undoAll',
      'end',
      'outer',
    ])
    expect(await subscriptionTrail(e, pi)).toEqual([
      'CREATED A UndoA -',
      'CREATED sub - -',
      'CREATED B UndoB -',
      'TRIGGERED sub - undoAll',
      'TRIGGERED A UndoA undoAll',
      'TRIGGERED B UndoB undoAll',
      'COMPLETED A UndoA undoAll',
      'COMPLETED sub - undoAll',
      'COMPLETED B UndoB undoAll',
    ])
  })

  it('a compensation end event in an error event sub-process compensates the process scope', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'c.bpmn',
        content: bpmn(
          'esp',
          `<bpmn:startEvent id="start" />${compensable('A')}${serviceTask('Ship', 'ship')}<bpmn:endEvent id="end" />${chain('start', 'A', 'Ship', 'end')}
          <bpmn:subProcess id="onError" triggeredByEvent="true"><bpmn:startEvent id="errStart"><bpmn:errorEventDefinition errorRef="Err" /></bpmn:startEvent>${compEnd('rollback')}${chain('errStart', 'rollback')}</bpmn:subProcess>`,
          '<bpmn:error id="Err" errorCode="SHIP_FAILED" />',
        ),
      },
    ])
    const pi = (await e.createProcessInstance({ bpmnProcessId: 'esp' })).processInstanceKey
    await completeOne(e, 'a')
    const [ship] = await e.activateJobs({
      type: 'ship',
      worker: 'w',
      timeoutMs: 60_000,
      maxJobsToActivate: 1,
    })
    await e.throwError(ship!.key, 'SHIP_FAILED')
    const [undo] = await e.activateJobs({
      type: 'undo-a',
      worker: 'w',
      timeoutMs: 60_000,
      maxJobsToActivate: 1,
    })
    const esp = Object.values(e.state.elementInstances).find((ei) => ei.elementId === 'onError')!
    expect(e.state.elementInstances[undo!.elementInstanceKey]?.flowScopeKey).toBe(esp.key)
    await e.completeJob(undo!.key)
    expect(isActive(e, pi)).toBe(false)
    expect(await completedPath(e, pi)).toEqual([
      'start',
      'A',
      'errStart',
      'A_comp',
      'UndoA',
      'rollback',
      'onError',
      'esp',
    ])
  })

  it('compensates a multi-instance activity once, with its body', async () => {
    const e = await open()
    const mi = `<bpmn:serviceTask id="A"><bpmn:extensionElements><zeebe:taskDefinition type="a" /></bpmn:extensionElements><bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="= [1, 2]" inputElement="item" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics></bpmn:serviceTask>`
    await e.deployResources([
      {
        name: 'c.bpmn',
        content: bpmn(
          'mi',
          `<bpmn:startEvent id="start" />${mi}<bpmn:boundaryEvent id="A_comp" attachedToRef="A"><bpmn:compensateEventDefinition /></bpmn:boundaryEvent>${handler('UndoA', 'undo-a')}<bpmn:association id="as" sourceRef="A_comp" targetRef="UndoA" />${compEnd('undo')}${chain('start', 'A', 'undo')}`,
        ),
      },
    ])
    const pi = (await e.createProcessInstance({ bpmnProcessId: 'mi' })).processInstanceKey
    await completeOne(e, 'a')
    await completeOne(e, 'a')
    await completeOne(e, 'undo-a')
    expect(
      await e.activateJobs({ type: 'undo-a', worker: 'w', timeoutMs: 1000, maxJobsToActivate: 1 }),
    ).toEqual([])
    expect(isActive(e, pi)).toBe(false)
    expect(await completedPath(e, pi)).toEqual([
      'start',
      'A',
      'A',
      'A',
      'A_comp',
      'UndoA',
      'undo',
      'mi',
    ])
  })

  it('continues a compensation after a restart in the middle of it', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'c.bpmn',
        content: bpmn(
          'restart',
          `<bpmn:startEvent id="start" />${compensable('A')}${compensable('B')}${compEnd('undo')}${chain('start', 'A', 'B', 'undo')}`,
        ),
      },
    ])
    const pi = (await e.createProcessInstance({ bpmnProcessId: 'restart' })).processInstanceKey
    await completeOne(e, 'a')
    await completeOne(e, 'b')
    await completeOne(e, 'undo-a')
    await e.close()
    // A second engine on the same log: the throw event still waits for UndoB.
    engine = await createEngine({ sql: db.database.sql, clock })
    expect(Object.values(engine.state.compensationSubscriptions?.[pi] ?? {})).toHaveLength(1)
    await completeOne(engine, 'undo-b')
    expect(isActive(engine, pi)).toBe(false)
    expect(await completedPath(engine, pi)).toEqual([
      'start',
      'A',
      'B',
      'A_comp',
      'B_comp',
      'UndoA',
      'UndoB',
      'undo',
      'restart',
    ])
  })

  it('cancelling an instance deletes its subscriptions; a terminated sub-process takes its own along', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'c.bpmn',
        content: bpmn(
          'cancel',
          `<bpmn:startEvent id="start" /><bpmn:subProcess id="sub"><bpmn:startEvent id="sStart" />${compensable('A')}${serviceTask('Wait', 'wait')}<bpmn:endEvent id="sEnd" />${chain('sStart', 'A', 'Wait', 'sEnd')}</bpmn:subProcess><bpmn:endEvent id="end" />${chain('start', 'sub', 'end')}`,
        ),
      },
    ])
    const pi = (await e.createProcessInstance({ bpmnProcessId: 'cancel' })).processInstanceKey
    await completeOne(e, 'a')
    await e.cancelProcessInstance(pi)
    expect(await subscriptionTrail(e, pi)).toEqual(['CREATED A UndoA -', 'DELETED A UndoA -'])
    expect(engine.state.compensationSubscriptions?.[pi]).toBeUndefined()
  })

  it('rejects invalid compensation models at deployment, in Zeebe words', async () => {
    const e = await open()
    const deploy = (body: string) =>
      e.deployResources([{ name: 'bad.bpmn', content: bpmn('bad', body) }])
    const start = '<bpmn:startEvent id="start" />'
    await expect(
      deploy(
        `${start}${serviceTask('A', 'a')}<bpmn:boundaryEvent id="A_comp" attachedToRef="A"><bpmn:compensateEventDefinition /></bpmn:boundaryEvent>${chain('start', 'A')}`,
      ),
    ).rejects.toThrow(
      '- Element: A_comp\n    - ERROR: Compensation boundary events must have a compensation association and no outgoing sequence flows',
    )
    await expect(
      deploy(
        `${start}${compensable('A')}<bpmn:endEvent id="e" />${chain('start', 'A')}${flow('f2', 'UndoA', 'e')}`,
      ),
    ).rejects.toThrow(
      '- Element: UndoA\n    - ERROR: A compensation handler should have no outgoing sequence flows',
    )
    await expect(
      deploy(`${start}${compensable('A')}${compThrow('t', 'Nope')}${chain('start', 'A', 't')}`),
    ).rejects.toThrow(
      "- Element: t\n    - ERROR: The referenced compensation activity 'Nope' doesn't exist",
    )
    await expect(
      deploy(`${start}${serviceTask('A', 'a')}${compThrow('t', 'A')}${chain('start', 'A', 't')}`),
    ).rejects.toThrow(
      "- Element: t\n    - ERROR: The referenced compensation activity 'A' must have either a compensation boundary event or be a subprocess",
    )
    await expect(
      deploy(
        `${start}<bpmn:subProcess id="sub"><bpmn:startEvent id="s" />${compensable('A')}${chain('s', 'A')}</bpmn:subProcess>${compThrow('t', 'A')}${chain('start', 'sub', 't')}`,
      ),
    ).rejects.toThrow(
      "- Element: t\n    - ERROR: The referenced compensation activity 'A' must be in the same scope as the compensation throw event",
    )
    await expect(
      deploy(
        `${start}<bpmn:subProcess id="esp" triggeredByEvent="true"><bpmn:startEvent id="cs"><bpmn:compensateEventDefinition /></bpmn:startEvent></bpmn:subProcess>`,
      ),
    ).rejects.toThrow('- Element: cs\n    - ERROR: Compensation start events are not supported')
  })
})
