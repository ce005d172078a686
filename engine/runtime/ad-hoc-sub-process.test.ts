import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../../test/support/databases'
import { TestClock } from '../clock'
import type { Engine } from '../engine'
import {
  bpmn,
  chain,
  completedPath,
  completeOne,
  expectReplayMatches,
  finalVariables,
  freshEngine,
  isActive,
  serviceTask,
  trail,
  valuesOf,
} from '../test-support'
import { fieldsOf } from '../state/records'

/** An ad-hoc sub-process `ah` between a start and an end event. */
function adHocProcess(
  id: string,
  inner: string,
  options: {
    collection?: string
    condition?: string
    cancel?: boolean
    output?: { collection: string; element: string }
  } = {},
): Buffer {
  const adHoc = [
    options.collection
      ? `activeElementsCollection="${options.collection.replace(/"/g, '&quot;')}"`
      : '',
    options.output
      ? `outputCollection="${options.output.collection}" outputElement="${options.output.element}"`
      : '',
  ].join(' ')
  const cancel =
    options.cancel === undefined ? '' : ` cancelRemainingInstances="${String(options.cancel)}"`
  const condition = options.condition
    ? `<bpmn:completionCondition xsi:type="bpmn:tFormalExpression">${options.condition}</bpmn:completionCondition>`
    : ''
  return bpmn(
    id,
    `<bpmn:startEvent id="start" /><bpmn:adHocSubProcess id="ah"${cancel}><bpmn:extensionElements><zeebe:adHoc ${adHoc} /></bpmn:extensionElements>${inner}${condition}</bpmn:adHocSubProcess><bpmn:endEvent id="end" />${chain('start', 'ah', 'end')}`,
  )
}

const tasks = `${serviceTask('A', 'a')}${serviceTask('B', 'b')}${serviceTask('C', 'c')}`

describe.each(testDatabaseTargets())('ad-hoc sub-processes on $kind', (target) => {
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

  it('activates the elements of activeElementsCollection in inner instances; inner flows run inside them', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'ah.bpmn',
        content: adHocProcess('adhoc', `${tasks}<bpmn:manualTask id="A2" />${chain('A', 'A2')}`, {
          collection: '= toActivate',
        }),
      },
    ])
    const pi = (
      await e.createProcessInstance({
        bpmnProcessId: 'adhoc',
        variables: { toActivate: ['A', 'C'] },
      })
    ).processInstanceKey
    const records = await valuesOf(e, pi, 'PROCESS_INSTANCE')
    const ah = records.find((r) => fieldsOf(r).elementId === 'ah')!
    const inner = records.filter(
      (r) => fieldsOf(r).elementId === 'ah#innerInstance' && r.intent === 'ELEMENT_ACTIVATED',
    )
    expect(fieldsOf(ah).bpmnElementType).toBe('AD_HOC_SUB_PROCESS')
    expect(inner.map((r) => [fieldsOf(r).bpmnElementType, fieldsOf(r).flowScopeKey])).toEqual([
      ['AD_HOC_SUB_PROCESS_INNER_INSTANCE', Number(ah.key)],
      ['AD_HOC_SUB_PROCESS_INNER_INSTANCE', Number(ah.key)],
    ])
    const a = records.find((r) => fieldsOf(r).elementId === 'A')!
    const c = records.find((r) => fieldsOf(r).elementId === 'C')!
    expect([fieldsOf(a).flowScopeKey, fieldsOf(c).flowScopeKey]).toEqual(
      inner.map((r) => Number(r.key)),
    )
    expect(records.some((r) => fieldsOf(r).elementId === 'B')).toBe(false)
    await completeOne(e, 'a')
    expect(isActive(e, pi)).toBe(true)
    await completeOne(e, 'c')
    expect(isActive(e, pi)).toBe(false)
    expect(await completedPath(e, pi, { flows: true })).toEqual([
      'start',
      'f_start_ah',
      'A',
      'f_A_A2',
      'A2',
      'ah#innerInstance',
      'C',
      'ah#innerInstance',
      'ah',
      'f_ah_end',
      'end',
      'adhoc',
    ])
  })

  it('stays active with no elements to activate', async () => {
    const e = await open()
    await e.deployResources([{ name: 'ah.bpmn', content: adHocProcess('idle', tasks) }])
    const pi = (await e.createProcessInstance({ bpmnProcessId: 'idle' })).processInstanceKey
    expect(await trail(e, pi)).toEqual([
      'idle:ELEMENT_ACTIVATING',
      'idle:ELEMENT_ACTIVATED',
      'start:ELEMENT_ACTIVATING',
      'start:ELEMENT_ACTIVATED',
      'start:ELEMENT_COMPLETING',
      'start:ELEMENT_COMPLETED',
      'f_start_ah:SEQUENCE_FLOW_TAKEN',
      'ah:ELEMENT_ACTIVATING',
      'ah:ELEMENT_ACTIVATED',
    ])
    await e.cancelProcessInstance(pi)
  })

  it('completes when the completion condition holds and cancels the remaining instances', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'ah.bpmn',
        content: adHocProcess('cancel', `${tasks}<bpmn:task id="B2" />${chain('B', 'B2')}`, {
          collection: '= ["A", "B"]',
          condition: '= done',
        }),
      },
    ])
    const pi = (
      await e.createProcessInstance({ bpmnProcessId: 'cancel', variables: { done: false } })
    ).processInstanceKey
    await completeOne(e, 'a', { done: true })
    expect(isActive(e, pi)).toBe(false)
    const t = await trail(e, pi)
    expect(t).toContain('B:ELEMENT_TERMINATED')
    expect(t).not.toContain('B2:ELEMENT_ACTIVATING')
    expect(await completedPath(e, pi)).toEqual([
      'start',
      'A',
      'ah#innerInstance',
      'ah',
      'end',
      'cancel',
    ])
    expect(t.slice(t.indexOf('A:ELEMENT_COMPLETED'))).toEqual([
      'A:ELEMENT_COMPLETED',
      'ah#innerInstance:ELEMENT_COMPLETING',
      'ah#innerInstance:ELEMENT_COMPLETED',
      'ah#innerInstance:ELEMENT_TERMINATING',
      'B:ELEMENT_TERMINATING',
      'B:ELEMENT_TERMINATED',
      'ah#innerInstance:ELEMENT_TERMINATED',
      'ah:ELEMENT_COMPLETING',
      'ah:ELEMENT_COMPLETED',
      'f_ah_end:SEQUENCE_FLOW_TAKEN',
      'end:ELEMENT_ACTIVATING',
      'end:ELEMENT_ACTIVATED',
      'end:ELEMENT_COMPLETING',
      'end:ELEMENT_COMPLETED',
      'cancel:ELEMENT_COMPLETING',
      'cancel:ELEMENT_COMPLETED',
    ])
  })

  it('with cancelRemainingInstances="false" waits for the remaining instances, re-evaluating the condition', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'ah.bpmn',
        content: adHocProcess('wait', `${tasks}<bpmn:task id="B2" />${chain('B', 'B2')}`, {
          collection: '= ["A", "B"]',
          condition: '= done',
          cancel: false,
        }),
      },
    ])
    const pi = (
      await e.createProcessInstance({ bpmnProcessId: 'wait', variables: { done: false } })
    ).processInstanceKey
    await completeOne(e, 'a', { done: true })
    expect(isActive(e, pi)).toBe(true)
    expect(await trail(e, pi)).not.toContain('B:ELEMENT_TERMINATED')
    await completeOne(e, 'b')
    expect(isActive(e, pi)).toBe(false)
    expect(await completedPath(e, pi)).toEqual([
      'start',
      'A',
      'ah#innerInstance',
      'B',
      'B2',
      'ah#innerInstance',
      'ah',
      'end',
      'wait',
    ])
  })

  it('a condition that does not hold keeps it active after every element completed', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'ah.bpmn',
        content: adHocProcess('open', tasks, { collection: '= ["A"]', condition: '= done' }),
      },
    ])
    const pi = (
      await e.createProcessInstance({ bpmnProcessId: 'open', variables: { done: false } })
    ).processInstanceKey
    await completeOne(e, 'a')
    expect(isActive(e, pi)).toBe(true)
    expect(await completedPath(e, pi)).toEqual(['start', 'A', 'ah#innerInstance'])
    await e.cancelProcessInstance(pi)
  })

  it('an unknown element id is an incident; resolving it after fixing the variable activates', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'ah.bpmn',
        content: adHocProcess('unknown', `${tasks}<bpmn:task id="A2" />${chain('A', 'A2')}`, {
          collection: '= toActivate',
        }),
      },
    ])
    const pi = (
      await e.createProcessInstance({
        bpmnProcessId: 'unknown',
        variables: { toActivate: ['A', 'A2', 'D'] },
      })
    ).processInstanceKey
    const ah = Object.values(e.state.elementInstances).find((ei) => ei.elementId === 'ah')!
    const [incident] = await valuesOf(e, pi, 'INCIDENT')
    expect(incident!.value).toMatchObject({
      errorType: 'EXTRACT_VALUE_ERROR',
      elementId: 'ah',
      errorMessage: `Expected to activate activities for ad-hoc sub-process with key '${ah.key}', but the given elements [A2, D] do not exist.`,
    })
    expect(ah.state).toBe('ACTIVATING')
    await e.setVariables(pi, { toActivate: ['B'] }, true)
    await e.resolveIncident(incident!.key)
    await completeOne(e, 'b')
    expect(isActive(e, pi)).toBe(false)
    expect(await completedPath(e, pi)).toEqual([
      'start',
      'B',
      'ah#innerInstance',
      'ah',
      'end',
      'unknown',
    ])
  })

  it('incidents for a collection that is not a list of strings and a non-boolean condition', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'ah.bpmn',
        content: adHocProcess('types', tasks, { collection: '= ids', condition: '= flag' }),
      },
    ])
    const a = (await e.createProcessInstance({ bpmnProcessId: 'types', variables: { ids: null } }))
      .processInstanceKey
    const b = (await e.createProcessInstance({ bpmnProcessId: 'types', variables: { ids: [1] } }))
      .processInstanceKey
    const c = (
      await e.createProcessInstance({
        bpmnProcessId: 'types',
        variables: { ids: ['A'], flag: 'x' },
      })
    ).processInstanceKey
    expect(fieldsOf((await valuesOf(e, a, 'INCIDENT'))[0]!).errorMessage).toBe(
      "Failed to activate ad-hoc elements. Expected result of the expression 'ids' to be 'ARRAY', but was 'NULL'.",
    )
    expect(fieldsOf((await valuesOf(e, b, 'INCIDENT'))[0]!).errorMessage).toBe(
      "Failed to activate ad-hoc elements. Expected result of the expression 'ids' to be 'ARRAY' containing 'STRING' items, but was 'ARRAY' containing at least one non-'STRING' item.",
    )
    await completeOne(e, 'a')
    const [incident] = await valuesOf(e, c, 'INCIDENT')
    expect(incident!.value).toMatchObject({
      elementId: 'ah#innerInstance',
      errorType: 'EXTRACT_VALUE_ERROR',
      errorMessage:
        "Failed to evaluate completion condition. Expected result of the expression 'flag' to be 'BOOLEAN', but was 'STRING'.",
    })
    await e.setVariables(c, { flag: true }, true)
    await e.resolveIncident(incident!.key)
    expect(isActive(e, c)).toBe(false)
    await e.cancelProcessInstance(a)
    await e.cancelProcessInstance(b)
  })

  it('collects each inner instance output element into the output collection', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'ah.bpmn',
        content: adHocProcess('collect', tasks, {
          collection: '= ["A", "B"]',
          output: { collection: 'results', element: '= result' },
        }),
      },
    ])
    const pi = (await e.createProcessInstance({ bpmnProcessId: 'collect' })).processInstanceKey
    await completeOne(e, 'b', { result: 'b' })
    await completeOne(e, 'a', { result: 'a' })
    expect(isActive(e, pi)).toBe(false)
    expect(await finalVariables(e, pi)).toEqual({ results: ['b', 'a'] })
  })

  it('a multi-instance ad-hoc sub-process activates one element per item', async () => {
    const e = await open()
    const body = `<bpmn:startEvent id="start" /><bpmn:adHocSubProcess id="ah"><bpmn:extensionElements><zeebe:adHoc activeElementsCollection="= [item]" /></bpmn:extensionElements><bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="= [&quot;A&quot;, &quot;C&quot;]" inputElement="item" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics>${tasks}</bpmn:adHocSubProcess><bpmn:endEvent id="end" />${chain('start', 'ah', 'end')}`
    await e.deployResources([{ name: 'ah.bpmn', content: bpmn('mi', body) }])
    const pi = (await e.createProcessInstance({ bpmnProcessId: 'mi' })).processInstanceKey
    await completeOne(e, 'a')
    await completeOne(e, 'c')
    expect(await completedPath(e, pi)).toEqual([
      'start',
      'A',
      'ah#innerInstance',
      'ah',
      'C',
      'ah#innerInstance',
      'ah',
      'ah',
      'end',
      'mi',
    ])
  })

  it('rejects invalid ad-hoc sub-processes at deployment', async () => {
    const e = await open()
    const deploy = (inner: string, attrs = '') =>
      e.deployResources([
        {
          name: 'bad.bpmn',
          content: bpmn(
            'bad',
            `<bpmn:startEvent id="start" /><bpmn:adHocSubProcess id="ah"><bpmn:extensionElements><zeebe:adHoc ${attrs} /></bpmn:extensionElements>${inner}</bpmn:adHocSubProcess>${chain('start', 'ah')}`,
          ),
        },
      ])
    await expect(deploy('')).rejects.toThrow(
      '- Element: ah\n    - ERROR: Must have at least one activity.',
    )
    await expect(deploy('<bpmn:startEvent id="s" /><bpmn:task id="t" />')).rejects.toThrow(
      '- Element: ah\n    - ERROR: Must not contain a start event.',
    )
    await expect(deploy('<bpmn:task id="t" /><bpmn:endEvent id="x" />')).rejects.toThrow(
      '- Element: ah\n    - ERROR: Must not contain an end event.',
    )
    await expect(deploy('<bpmn:task id="t" />', 'outputCollection="r"')).rejects.toThrow(
      '- Element: ah\n    - ERROR: OutputElement and OutputCollection must both be set, or neither of them set. outputElement:null and outputCollection:r.',
    )
    await expect(deploy('<bpmn:task id="t" />', 'activeElementsCollection="ids"')).rejects.toThrow(
      "- Element: ah\n    - ERROR: Expected expression but found static value 'ids'.",
    )
  })
})
