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
  flow,
  freshEngine,
  isActive,
  message,
  serviceTask,
  trail,
  valuesOf,
} from '../test-support'
import { fieldsOf } from '../state/records'

const timerCatch = (id: string, kind: 'timeDuration' | 'timeDate' | 'timeCycle', value: string) =>
  `<bpmn:intermediateCatchEvent id="${id}"><bpmn:timerEventDefinition><bpmn:${kind}>${value}</bpmn:${kind}></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>`

describe.each(testDatabaseTargets())('timers, messages and signals on $kind', (target) => {
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

  it('fires an intermediate timer when the clock reaches it (FEEL duration)', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 't.bpmn',
        content: bpmn(
          'timer',
          `<bpmn:startEvent id="start" />${timerCatch('Timer_Wait', 'timeDuration', '= wait')}<bpmn:endEvent id="end" />${chain('start', 'Timer_Wait', 'end')}`,
        ),
      },
    ])
    const pi = await e.createProcessInstance({
      bpmnProcessId: 'timer',
      variables: { wait: 'PT1H' },
    })
    const [created] = await valuesOf(e, pi.processInstanceKey, 'TIMER')
    expect(created!.value).toMatchObject({
      targetElementId: 'Timer_Wait',
      dueDate: clock.now() + 3_600_000,
    })
    clock.advance(3_599_000)
    await e.tick()
    expect(isActive(e, pi.processInstanceKey)).toBe(true)
    clock.advance(1000)
    await e.tick()
    expect(isActive(e, pi.processInstanceKey)).toBe(false)
    expect((await valuesOf(e, pi.processInstanceKey, 'TIMER')).map((r) => r.intent)).toEqual([
      'CREATED',
      'TRIGGERED',
    ])
    expect(await completedPath(e, pi.processInstanceKey, { flows: true })).toEqual([
      'start',
      'f_start_Timer_Wait',
      'Timer_Wait',
      'f_Timer_Wait_end',
      'end',
      'timer',
    ])
  })

  it('interrupting and non-interrupting timer boundary events', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'b.bpmn',
        content: bpmn(
          'boundary',
          `<bpmn:startEvent id="start" />${serviceTask('task', 'slow')}
           <bpmn:boundaryEvent id="Remind" attachedToRef="task" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeCycle>R2/PT1M</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:boundaryEvent>
           <bpmn:boundaryEvent id="Escalate" attachedToRef="task"><bpmn:timerEventDefinition><bpmn:timeDuration>PT10M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
           <bpmn:endEvent id="end" /><bpmn:endEvent id="reminded" /><bpmn:endEvent id="escalated" />
           ${chain('start', 'task', 'end')}${flow('r', 'Remind', 'reminded')}${flow('x', 'Escalate', 'escalated')}`,
        ),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'boundary' })
    for (let i = 0; i < 3; i++) {
      clock.advance(60_000)
      await e.tick()
    }
    let t = await trail(e, pi.processInstanceKey)
    expect(t.filter((x) => x === 'reminded:ELEMENT_COMPLETED')).toHaveLength(2)
    expect(isActive(e, pi.processInstanceKey)).toBe(true)
    clock.advance(10 * 60_000)
    await e.tick()
    t = await trail(e, pi.processInstanceKey)
    expect(t).toContain('task:ELEMENT_TERMINATED')
    expect(t).toContain('escalated:ELEMENT_COMPLETED')
    expect(isActive(e, pi.processInstanceKey)).toBe(false)
    expect(await completedPath(e, pi.processInstanceKey)).toEqual([
      'start',
      'Remind',
      'reminded',
      'Remind',
      'reminded',
      'Escalate',
      'escalated',
      'boundary',
    ])
    expect(
      await e.activateJobs({ type: 'slow', worker: 'w', timeoutMs: 1, maxJobsToActivate: 1 }),
    ).toEqual([])
  })

  it('timer start events create instances per cycle; a new version replaces them', async () => {
    const e = await open()
    const model = (cycle: string) =>
      bpmn(
        'ticker',
        `<bpmn:startEvent id="Every"><bpmn:timerEventDefinition><bpmn:timeCycle>${cycle}</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent><bpmn:endEvent id="end" />${chain('Every', 'end')}`,
      )
    await e.deployResources([{ name: 'ticker.bpmn', content: model('R3/PT1H') }])
    for (let i = 0; i < 5; i++) {
      clock.advance(3_600_000)
      await e.tick()
    }
    const started = (await e.readRecords({ valueTypes: ['PROCESS_INSTANCE'] })).filter(
      (r) => r.intent === 'ELEMENT_COMPLETED' && fieldsOf(r).bpmnElementType === 'PROCESS',
    )
    expect(started).toHaveLength(3)
    for (const r of started) {
      expect(await completedPath(e, r.key)).toEqual(['Every', 'end', 'ticker'])
    }
    await e.deployResources([{ name: 'ticker.bpmn', content: model('R/PT1H') }])
    expect(Object.values(e.state.timers)).toHaveLength(1)
    // A FEEL timer start event is evaluated on deployment.
    await e.deployResources([
      {
        name: 'once.bpmn',
        content: bpmn(
          'once',
          `<bpmn:startEvent id="At"><bpmn:timerEventDefinition><bpmn:timeDate>= now() + duration("PT2H")</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:startEvent><bpmn:endEvent id="end" />${chain('At', 'end')}`,
        ),
      },
    ])
    clock.advance(2 * 3_600_000)
    await e.tick()
    const once = (await e.readRecords({ valueTypes: ['PROCESS_INSTANCE'] })).filter(
      (r) =>
        r.intent === 'ELEMENT_COMPLETED' &&
        fieldsOf(r).bpmnProcessId === 'once' &&
        fieldsOf(r).bpmnElementType === 'PROCESS',
    )
    expect(once).toHaveLength(1)
    expect(await completedPath(e, once[0]!.key)).toEqual(['At', 'end', 'once'])
  })

  it('correlates published messages to catch events, buffering with TTL and rejecting duplicate ids', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'm.bpmn',
        content: bpmn(
          'msg',
          `<bpmn:startEvent id="start" />
           <bpmn:intermediateCatchEvent id="Wait"><bpmn:messageEventDefinition messageRef="Msg" /></bpmn:intermediateCatchEvent>
           <bpmn:endEvent id="end" />${chain('start', 'Wait', 'end')}`,
          message('Msg', 'approved', '= orderId'),
        ),
      },
    ])
    const a = await e.createProcessInstance({ bpmnProcessId: 'msg', variables: { orderId: 'A' } })
    await e.publishMessage({
      name: 'approved',
      correlationKey: 'A',
      timeToLiveMs: 0,
      variables: { ok: true },
    })
    expect(isActive(e, a.processInstanceKey)).toBe(false)
    expect(await completedPath(e, a.processInstanceKey)).toEqual(['start', 'Wait', 'end', 'msg'])
    // Buffered: published before the instance exists.
    await e.publishMessage({
      name: 'approved',
      correlationKey: 'B',
      timeToLiveMs: 60_000,
      messageId: 'm1',
      variables: { n: 1 },
    })
    await expect(
      e.publishMessage({
        name: 'approved',
        correlationKey: 'B',
        timeToLiveMs: 60_000,
        messageId: 'm1',
      }),
    ).rejects.toMatchObject({ code: 'ALREADY_EXISTS' })
    const b = await e.createProcessInstance({ bpmnProcessId: 'msg', variables: { orderId: 'B' } })
    expect(isActive(e, b.processInstanceKey)).toBe(false)
    expect(await completedPath(e, b.processInstanceKey)).toEqual(['start', 'Wait', 'end', 'msg'])
    const recs = await e.readRecords({
      processInstanceKey: b.processInstanceKey,
      valueTypes: ['VARIABLE'],
    })
    expect(recs.map((r) => fieldsOf(r).name)).toContain('n')
    // Expired: TTL passed before the subscription opened.
    await e.publishMessage({ name: 'approved', correlationKey: 'C', timeToLiveMs: 1000 })
    clock.advance(2000)
    await e.tick()
    const c = await e.createProcessInstance({ bpmnProcessId: 'msg', variables: { orderId: 'C' } })
    expect(isActive(e, c.processInstanceKey)).toBe(true)
    // A correlation key that is not a string or number: incident.
    const d = await e.createProcessInstance({ bpmnProcessId: 'msg', variables: { orderId: null } })
    const [incident] = await valuesOf(e, d.processInstanceKey, 'INCIDENT')
    expect(incident!.value).toMatchObject({ errorType: 'EXTRACT_VALUE_ERROR', elementId: 'Wait' })
  })

  it('message boundary events, receive tasks and message start events (one instance per key)', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'mb.bpmn',
        content: bpmn(
          'mb',
          `<bpmn:startEvent id="start" />${serviceTask('task', 'mb-task')}
           <bpmn:boundaryEvent id="Cancelled" attachedToRef="task"><bpmn:messageEventDefinition messageRef="Cancel" /></bpmn:boundaryEvent>
           <bpmn:receiveTask id="Receive" messageRef="Done" />
           <bpmn:endEvent id="end" /><bpmn:endEvent id="cancelledEnd" />
           ${chain('start', 'task', 'Receive', 'end')}${flow('c', 'Cancelled', 'cancelledEnd')}`,
          message('Cancel', 'cancel', '= id') + message('Done', 'done', '= id'),
        ),
      },
      {
        name: 'ms.bpmn',
        content: bpmn(
          'ms',
          `<bpmn:startEvent id="MsgStart"><bpmn:messageEventDefinition messageRef="Open" /></bpmn:startEvent>${serviceTask('work', 'ms-work')}<bpmn:endEvent id="end" />${chain('MsgStart', 'work', 'end')}`,
          message('Open', 'open'),
        ),
      },
    ])
    const one = await e.createProcessInstance({ bpmnProcessId: 'mb', variables: { id: 1 } })
    const two = await e.createProcessInstance({ bpmnProcessId: 'mb', variables: { id: 2 } })
    await e.publishMessage({ name: 'cancel', correlationKey: '1', timeToLiveMs: 0 })
    expect(await completedPath(e, one.processInstanceKey)).toEqual([
      'start',
      'Cancelled',
      'cancelledEnd',
      'mb',
    ])
    await completeOne(e, 'mb-task')
    expect(isActive(e, two.processInstanceKey)).toBe(true)
    await e.publishMessage({
      name: 'done',
      correlationKey: '2',
      timeToLiveMs: 0,
      variables: { answer: 42 },
    })
    expect(isActive(e, two.processInstanceKey)).toBe(false)
    expect(await completedPath(e, two.processInstanceKey, { flows: true })).toEqual([
      'start',
      'f_start_task',
      'task',
      'f_task_Receive',
      'Receive',
      'f_Receive_end',
      'end',
      'mb',
    ])

    const first = await e.publishMessage({
      name: 'open',
      correlationKey: 'k1',
      timeToLiveMs: 0,
      variables: { v: 1 },
    })
    await e.publishMessage({ name: 'open', correlationKey: 'k1', timeToLiveMs: 0 })
    await e.publishMessage({ name: 'open', correlationKey: 'k2', timeToLiveMs: 0 })
    const starts = (
      await e.readRecords({ valueTypes: ['MESSAGE_START_EVENT_SUBSCRIPTION'] })
    ).filter((r) => r.intent === 'CORRELATED')
    expect(starts.map((r) => fieldsOf(r).correlationKey)).toEqual(['k1', 'k2'])
    expect(fieldsOf(starts[0]!).messageKey).toBe(Number(first.key))
    const jobs = await e.activateJobs({
      type: 'ms-work',
      worker: 'w',
      timeoutMs: 1000,
      maxJobsToActivate: 5,
    })
    expect(jobs).toHaveLength(2)
    expect(jobs[0]!.variables).toEqual({ v: 1 })
    for (const job of jobs) {
      await e.completeJob(job.key)
      expect(await completedPath(e, job.processInstanceKey)).toEqual([
        'MsgStart',
        'work',
        'end',
        'ms',
      ])
    }
  })

  it('a buffered message starts the next instance once the one with its key has ended', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'one.bpmn',
        content: bpmn(
          'one',
          `<bpmn:startEvent id="MsgStart"><bpmn:messageEventDefinition messageRef="Go" /></bpmn:startEvent>${serviceTask('work', 'one-work')}<bpmn:endEvent id="end" />${chain('MsgStart', 'work', 'end')}`,
          message('Go', 'go-one'),
        ),
      },
    ])
    await e.publishMessage({
      name: 'go-one',
      correlationKey: 'k',
      timeToLiveMs: 60_000,
      variables: { n: 1 },
    })
    await e.publishMessage({
      name: 'go-one',
      correlationKey: 'k',
      timeToLiveMs: 60_000,
      variables: { n: 2 },
    })
    const first = await e.activateJobs({
      type: 'one-work',
      worker: 'w',
      timeoutMs: 1000,
      maxJobsToActivate: 5,
    })
    expect(first.map((j) => j.variables.n)).toEqual([1])
    await e.completeJob(first[0]!.key)
    const second = await e.activateJobs({
      type: 'one-work',
      worker: 'w',
      timeoutMs: 1000,
      maxJobsToActivate: 5,
    })
    expect(second.map((j) => j.variables.n)).toEqual([2])
    await e.completeJob(second[0]!.key)
    for (const job of [first[0]!, second[0]!]) {
      expect(await completedPath(e, job.processInstanceKey)).toEqual([
        'MsgStart',
        'work',
        'end',
        'one',
      ])
    }
  })

  it('link events continue at the catch link of the same name', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'link.bpmn',
        content: bpmn(
          'link',
          `<bpmn:startEvent id="start" />
           <bpmn:intermediateThrowEvent id="GoTo"><bpmn:linkEventDefinition name="next" /></bpmn:intermediateThrowEvent>
           <bpmn:intermediateCatchEvent id="Landing"><bpmn:linkEventDefinition name="next" /></bpmn:intermediateCatchEvent>
           <bpmn:endEvent id="end" />${chain('start', 'GoTo')}${chain('Landing', 'end')}`,
        ),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'link' })
    const t = await trail(e, pi.processInstanceKey)
    expect(t.at(-1)).toBe('link:ELEMENT_COMPLETED')
    expect(await completedPath(e, pi.processInstanceKey, { flows: true })).toEqual([
      'start',
      'f_start_GoTo',
      'GoTo',
      'Landing',
      'f_Landing_end',
      'end',
      'link',
    ])
    const broken = bpmn(
      'brokenLink',
      `<bpmn:startEvent id="start" /><bpmn:intermediateThrowEvent id="GoTo"><bpmn:linkEventDefinition name="nowhere" /></bpmn:intermediateThrowEvent>${chain('start', 'GoTo')}`,
    )
    await expect(e.deployResources([{ name: 'broken.bpmn', content: broken }])).rejects.toThrow(
      /GoTo/,
    )
  })

  it('with the system clock, the engine fires due timers by itself', async () => {
    await db.database.sql.query('drop table if exists engine_records, engine_snapshots')
    const { createEngine } = await import('../engine')
    engine = await createEngine({ sql: db.database.sql })
    const e = engine
    await e.deployResources([
      {
        name: 'auto.bpmn',
        content: bpmn(
          'auto',
          `<bpmn:startEvent id="start" />${timerCatch('Short', 'timeDuration', 'PT0.2S')}<bpmn:endEvent id="end" />${chain('start', 'Short', 'end')}`,
        ),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'auto' })
    const completed = new Promise<void>((resolve) => {
      const stop = e.onRecord((r) => {
        if (r.key === pi.processInstanceKey && r.intent === 'ELEMENT_COMPLETED') {
          stop()
          resolve()
        }
      })
    })
    await completed
    expect(isActive(e, pi.processInstanceKey)).toBe(false)
    expect(await completedPath(e, pi.processInstanceKey)).toEqual(['start', 'Short', 'end', 'auto'])
  })

  it('non-interrupting message boundary events fire per message; signal event sub-processes start', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'ni.bpmn',
        content: bpmn(
          'ni',
          `<bpmn:startEvent id="start" />${serviceTask('task', 'ni-task')}
           <bpmn:boundaryEvent id="Note" attachedToRef="task" cancelActivity="false"><bpmn:messageEventDefinition messageRef="NoteMsg" /></bpmn:boundaryEvent>
           <bpmn:endEvent id="end" /><bpmn:endEvent id="noted" />${chain('start', 'task', 'end')}${flow('n', 'Note', 'noted')}
           <bpmn:subProcess id="OnStop" triggeredByEvent="true">
             <bpmn:startEvent id="StopStart"><bpmn:signalEventDefinition signalRef="Stop" /></bpmn:startEvent>
             <bpmn:endEvent id="StopEnd" />${chain('StopStart', 'StopEnd')}
           </bpmn:subProcess>`,
          message('NoteMsg', 'note', '= id') + '<bpmn:signal id="Stop" name="stop" />',
        ),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'ni', variables: { id: 'x' } })
    await e.publishMessage({ name: 'note', correlationKey: 'x', timeToLiveMs: 0 })
    await e.publishMessage({ name: 'note', correlationKey: 'x', timeToLiveMs: 0 })
    let t = await trail(e, pi.processInstanceKey)
    expect(t.filter((x) => x === 'noted:ELEMENT_COMPLETED')).toHaveLength(2)
    expect(isActive(e, pi.processInstanceKey)).toBe(true)
    await e.broadcastSignal('stop')
    t = await trail(e, pi.processInstanceKey)
    expect(t).toContain('task:ELEMENT_TERMINATED')
    expect(t).toContain('StopEnd:ELEMENT_COMPLETED')
    expect(isActive(e, pi.processInstanceKey)).toBe(false)
    expect(await completedPath(e, pi.processInstanceKey)).toEqual([
      'start',
      'Note',
      'noted',
      'Note',
      'noted',
      'StopStart',
      'StopEnd',
      'OnStop',
      'ni',
    ])
    const jobs = await valuesOf(e, pi.processInstanceKey, 'JOB')
    expect(jobs.map((r) => r.intent)).toEqual(['CREATED', 'CANCELED'])
  })

  it('broadcasts signals to catch events, boundary events and signal start events', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 's.bpmn',
        content: bpmn(
          'sig',
          `<bpmn:startEvent id="start" />
           <bpmn:intermediateCatchEvent id="WaitGo"><bpmn:signalEventDefinition signalRef="Go" /></bpmn:intermediateCatchEvent>
           <bpmn:endEvent id="end" />${chain('start', 'WaitGo', 'end')}`,
          '<bpmn:signal id="Go" name="go" />',
        ),
      },
      {
        name: 'ss.bpmn',
        content: bpmn(
          'sigstart',
          `<bpmn:startEvent id="OnGo"><bpmn:signalEventDefinition signalRef="Go2" /></bpmn:startEvent><bpmn:endEvent id="end" />${chain('OnGo', 'end')}`,
          '<bpmn:signal id="Go2" name="go" />',
        ),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'sig' })
    await e.broadcastSignal('go', { fromSignal: 'yes' })
    expect(isActive(e, pi.processInstanceKey)).toBe(false)
    expect(await completedPath(e, pi.processInstanceKey)).toEqual(['start', 'WaitGo', 'end', 'sig'])
    const created = (await e.readRecords({ valueTypes: ['PROCESS_INSTANCE'] })).filter(
      (r) =>
        r.intent === 'ELEMENT_COMPLETED' &&
        fieldsOf(r).bpmnProcessId === 'sigstart' &&
        fieldsOf(r).bpmnElementType === 'PROCESS',
    )
    expect(created).toHaveLength(1)
    expect(await completedPath(e, created[0]!.key)).toEqual(['OnGo', 'end', 'sigstart'])
    const vars = await valuesOf(e, pi.processInstanceKey, 'VARIABLE')
    expect(vars.map((r) => [fieldsOf(r).name, fieldsOf(r).value])).toEqual([
      ['fromSignal', '"yes"'],
    ])
  })
})
