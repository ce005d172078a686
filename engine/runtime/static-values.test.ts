/**
 * Static values and expressions in `zeebe:` attributes, per attribute as Zeebe 8.8 decides: a
 * value that starts with `=` is FEEL, anything else is a static value (never FEEL). Where Zeebe
 * requires an expression (output mapping sources, correlation keys, input collections, output
 * elements, sequence flow conditions), a static value is rejected at deployment with Zeebe's
 * message (ZeebeRuntimeValidators, ZeebeExpressionValidator).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../../test/support/databases'
import { TestClock } from '../clock'
import type { Engine } from '../engine'
import {
  bpmn,
  chain,
  completedPath,
  expectReplayMatches,
  flow,
  freshEngine,
  message,
  serviceTask,
  valuesOf,
} from '../test-support'
import { fieldsOf } from '../state/records'

const staticError = (value: string) =>
  `Expected expression but found static value '${value}'. An expression must start with '=' (e.g. '=${value}').`

describe.each(testDatabaseTargets())('static values and expressions on $kind', (target) => {
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
  const activate = async (e: Engine, type: string) => {
    const [job] = await e.activateJobs({
      type,
      worker: 'w',
      timeoutMs: 60_000,
      maxJobsToActivate: 1,
    })
    if (!job) throw new Error(`no job of type ${type}`)
    return job
  }

  it('input mapping sources without `=` are static strings (URLs, words, numbers, quotes)', async () => {
    const e = await open()
    const inputs = [
      ['https://example.com/api?q=1&amp;b=2', 'url'],
      ['noAuth', 'authentication.type'],
      ['POST', 'method'],
      ['5', 'five'],
      ['say &quot;hi&quot;', 'quoted'],
      ['= x + 1', 'next'],
    ]
      .map(([source, target]) => `<zeebe:input source="${source}" target="${target}" />`)
      .join('')
    await e.deployResources([
      {
        name: 'connector.bpmn',
        content: bpmn(
          'connector',
          `<bpmn:startEvent id="start" />${serviceTask('call', 'http', `<zeebe:ioMapping>${inputs}</zeebe:ioMapping>`)}<bpmn:endEvent id="end" />${chain('start', 'call', 'end')}`,
        ),
      },
    ])
    const p = await e.createProcessInstance({ bpmnProcessId: 'connector', variables: { x: 41 } })
    const job = await activate(e, 'http')
    expect(job.variables).toEqual({
      x: 41,
      url: 'https://example.com/api?q=1&b=2',
      authentication: { type: 'noAuth' },
      method: 'POST',
      five: '5',
      quoted: 'say "hi"',
      next: 42,
    })
    await e.completeJob(job.key)
    expect(await valuesOf(e, p.processInstanceKey, 'INCIDENT')).toEqual([])
    expect(await completedPath(e, p.processInstanceKey)).toEqual([
      'start',
      'call',
      'end',
      'connector',
    ])
  })

  it('job type and retries: static or FEEL; custom headers are always static text', async () => {
    const e = await open()
    const task = (id: string, type: string, retries: string) =>
      `<bpmn:serviceTask id="${id}"><bpmn:extensionElements><zeebe:taskDefinition type="${type}" retries="${retries}" /><zeebe:taskHeaders><zeebe:header key="url" value="https://example.com" /><zeebe:header key="formula" value="= 1 + 2" /></zeebe:taskHeaders></bpmn:extensionElements></bpmn:serviceTask>`
    await e.deployResources([
      {
        name: 'types.bpmn',
        content: bpmn(
          'types',
          `<bpmn:startEvent id="start" />${task('static', 'payment', '5')}${task('feel', '= &quot;pay-&quot; + kind', '= tries')}<bpmn:endEvent id="end" />${chain('start', 'static', 'feel', 'end')}`,
        ),
      },
    ])
    const p = await e.createProcessInstance({
      bpmnProcessId: 'types',
      variables: { kind: 'card', tries: 2 },
    })
    const first = await activate(e, 'payment')
    expect(first.retries).toBe(5)
    expect(first.customHeaders).toEqual({ url: 'https://example.com', formula: '= 1 + 2' })
    await e.completeJob(first.key)
    const second = await activate(e, 'pay-card')
    expect(second.retries).toBe(2)
    expect(second.customHeaders).toEqual({ url: 'https://example.com', formula: '= 1 + 2' })
    await e.completeJob(second.key)
    expect(await completedPath(e, p.processInstanceKey)).toEqual([
      'start',
      'static',
      'feel',
      'end',
      'types',
    ])
  })

  it('called element process id: static or FEEL', async () => {
    const e = await open()
    const call = (id: string, processId: string) =>
      `<bpmn:callActivity id="${id}"><bpmn:extensionElements><zeebe:calledElement processId="${processId}" /></bpmn:extensionElements></bpmn:callActivity>`
    await e.deployResources([
      {
        name: 'callee.bpmn',
        content: bpmn(
          'callee',
          `<bpmn:startEvent id="s" /><bpmn:endEvent id="e" />${chain('s', 'e')}`,
        ),
      },
      {
        name: 'caller.bpmn',
        content: bpmn(
          'caller',
          `<bpmn:startEvent id="start" />${call('byName', 'callee')}${call('byFeel', '= &quot;cal&quot; + suffix')}<bpmn:endEvent id="end" />${chain('start', 'byName', 'byFeel', 'end')}`,
        ),
      },
    ])
    const p = await e.createProcessInstance({
      bpmnProcessId: 'caller',
      variables: { suffix: 'lee' },
    })
    expect(await completedPath(e, p.processInstanceKey)).toEqual([
      'start',
      'byName',
      'byFeel',
      'end',
      'caller',
    ])
  })

  it('timers: static ISO-8601 text or FEEL', async () => {
    const e = await open()
    const wait = (id: string, duration: string) =>
      `<bpmn:intermediateCatchEvent id="${id}"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">${duration}</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>`
    await e.deployResources([
      {
        name: 'timers.bpmn',
        content: bpmn(
          'timers',
          `<bpmn:startEvent id="start" />${wait('staticWait', 'PT1M')}${wait('feelWait', '= &quot;PT&quot; + string(minutes) + &quot;M&quot;')}<bpmn:endEvent id="end" />${chain('start', 'staticWait', 'feelWait', 'end')}`,
        ),
      },
    ])
    const p = await e.createProcessInstance({ bpmnProcessId: 'timers', variables: { minutes: 2 } })
    const timers = async () =>
      (await valuesOf(e, p.processInstanceKey, 'TIMER')).filter((r) => r.intent === 'CREATED')
    const [first] = await timers()
    expect(Number(fieldsOf(first!).dueDate) - clock.now()).toBe(60_000)
    clock.advance(60_000)
    await e.tick()
    const [, second] = await timers()
    expect(Number(fieldsOf(second!).dueDate) - clock.now()).toBe(120_000)
    clock.advance(120_000)
    await e.tick()
    expect(await completedPath(e, p.processInstanceKey)).toEqual([
      'start',
      'staticWait',
      'feelWait',
      'end',
      'timers',
    ])
  })

  it('message and signal names: static or FEEL; correlation keys are always FEEL', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'names.bpmn',
        content: bpmn(
          'names',
          `<bpmn:startEvent id="start" />
           <bpmn:intermediateCatchEvent id="staticMsg"><bpmn:messageEventDefinition messageRef="M1" /></bpmn:intermediateCatchEvent>
           <bpmn:intermediateCatchEvent id="feelMsg"><bpmn:messageEventDefinition messageRef="M2" /></bpmn:intermediateCatchEvent>
           <bpmn:intermediateCatchEvent id="staticSig"><bpmn:signalEventDefinition signalRef="S1" /></bpmn:intermediateCatchEvent>
           <bpmn:intermediateCatchEvent id="feelSig"><bpmn:signalEventDefinition signalRef="S2" /></bpmn:intermediateCatchEvent>
           <bpmn:endEvent id="end" />${chain('start', 'staticMsg', 'feelMsg', 'staticSig', 'feelSig', 'end')}`,
          message('M1', 'order-paid', '= orderId') +
            message('M2', '= &quot;order-&quot; + next', '= orderId') +
            '<bpmn:signal id="S1" name="go" /><bpmn:signal id="S2" name="= &quot;go-&quot; + next" />',
        ),
      },
    ])
    const p = await e.createProcessInstance({
      bpmnProcessId: 'names',
      variables: { orderId: 'o-1', next: 'shipped' },
    })
    await e.publishMessage({ name: 'order-paid', correlationKey: 'o-1', timeToLiveMs: 0 })
    await e.publishMessage({ name: 'order-shipped', correlationKey: 'o-1', timeToLiveMs: 0 })
    await e.broadcastSignal('go')
    await e.broadcastSignal('go-shipped')
    expect(await completedPath(e, p.processInstanceKey)).toEqual([
      'start',
      'staticMsg',
      'feelMsg',
      'staticSig',
      'feelSig',
      'end',
      'names',
    ])
  })

  it('rejects static values where Zeebe requires an expression', async () => {
    const e = await open()
    const deploy = (name: string, body: string, roots = '') =>
      e.deployResources([{ name: `${name}.bpmn`, content: bpmn(name, body, roots) }])
    const start = '<bpmn:startEvent id="start" />'
    await expect(
      deploy(
        'out',
        `${start}${serviceTask('t', 't', '<zeebe:ioMapping><zeebe:output source="result" target="r" /></zeebe:ioMapping>')}${chain('start', 't')}`,
      ),
    ).rejects.toThrow(`- Element: t\n    - ERROR: ${staticError('result')}`)
    await expect(
      deploy(
        'corr',
        `${start}<bpmn:receiveTask id="r" messageRef="M" />${chain('start', 'r')}`,
        message('M', 'm', 'orderId'),
      ),
    ).rejects.toThrow(`- Element: r\n    - ERROR: ${staticError('orderId')}`)
    await expect(
      deploy(
        'coll',
        `${start}<bpmn:serviceTask id="t"><bpmn:extensionElements><zeebe:taskDefinition type="t" /></bpmn:extensionElements><bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="items" outputCollection="out" outputElement="x" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics></bpmn:serviceTask>${chain('start', 't')}`,
      ),
    ).rejects.toThrow(
      `- Element: t\n    - ERROR: ${staticError('items')}\n- Element: t\n    - ERROR: ${staticError('x')}`,
    )
    await expect(
      deploy(
        'cond',
        `${start}<bpmn:exclusiveGateway id="g" default="f2" /><bpmn:endEvent id="a" /><bpmn:endEvent id="b" />${flow('f0', 'start', 'g')}${flow('f1', 'g', 'a', 'approved')}${flow('f2', 'g', 'b')}`,
      ),
    ).rejects.toThrow(`- Element: f1\n    - ERROR: ${staticError('approved')}`)
  })
})
