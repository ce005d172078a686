/**
 * Conformance with camunda/zeebe-process-test: every model in
 * engine/conformance/zeebe-process-test/ deploys, and behaves as the Java tests in that
 * repository's `qa/abstracts/` expect (assertions, examples, inspections, jobs, timers). Each
 * `it` names the Java test it follows.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../../test/support/databases'
import { TestClock } from '../clock'
import type { Engine } from '../engine'
import { parseBpmn } from '../model/parse'
import { completedPath, expectReplayMatches, freshEngine } from '../test-support'
import { RecordStream } from './record-stream'
import { fieldsOf } from '../state/records'

const MODELS = join(import.meta.dirname, 'zeebe-process-test')
const resource = (name: string) => ({ name, content: readFileSync(join(MODELS, name)) })

describe.each(testDatabaseTargets())('zeebe-process-test conformance on $kind', (target) => {
  let db: TestDatabase
  let engine: Engine
  let stream: RecordStream
  const clock = new TestClock(Date.UTC(2026, 0, 1))

  beforeAll(async () => {
    db = await target.open()
  })
  afterAll(async () => {
    await db.drop()
  })
  afterEach(async () => {
    stream.close()
    await expectReplayMatches(engine, db.database.sql)
    await engine.close()
  })

  async function open(...names: string[]): Promise<Engine> {
    engine = await freshEngine(db.database.sql, clock)
    stream = new RecordStream(engine)
    if (names.length > 0) await engine.deployResources(names.map(resource))
    return engine
  }

  /** ZPT Utilities.completeTask: completes the latest open job of an element. */
  async function completeTask(elementId: string, variables: Record<string, unknown> = {}) {
    const created = stream.of('JOB', 'CREATED').filter((r) => fieldsOf(r).elementId === elementId)
    const closed = new Set(
      stream.records
        .filter(
          (r) => r.valueType === 'JOB' && (r.intent === 'COMPLETED' || r.intent === 'CANCELED'),
        )
        .map((r) => r.key),
    )
    const open = created.filter((r) => !closed.has(r.key))
    const last = open[open.length - 1]
    if (!last) throw new Error(`Tried to complete task \`${elementId}\`, but it was not found`)
    await engine.completeJob(last.key, variables)
  }

  /** The element ids an instance completed, in order (see completedPath). */
  const pathOf = (key: string | number) => completedPath(engine, String(key))

  async function increaseTime(ms: number) {
    clock.advance(ms)
    await engine.tick()
  }

  it('deploys every model of the conformance set', async () => {
    const names = readdirSync(MODELS).filter(
      (n) => n.endsWith('.bpmn') && n !== 'named-elements-v2.bpmn',
    )
    const e = await open()
    const d = await e.deployResources(names.map(resource))
    expect(d.processes.map((p) => p.resourceName).sort()).toEqual(names.sort())
    const v2 = await e.deployResources([resource('named-elements-v2.bpmn')])
    expect(v2.processes[0]).toMatchObject({ bpmnProcessId: 'NamedProcess', version: 2 })
  })

  it('ProcessDefinitionInspections: element ids by name', async () => {
    const { processes } = await parseBpmn(readFileSync(join(MODELS, 'named-elements.bpmn'), 'utf8'))
    const byName = (name: string) =>
      [...processes[0]!.elements.values()].filter((n) => n.name === name).map((n) => n.id)
    expect(byName('Process started')).toEqual(['ProcessStartedStartEvent'])
    expect(byName('Process complete')).toEqual(['ProcessCompleteEndEvent'])
    expect(byName('Do something').length).toBeGreaterThan(1)
  })

  describe('ProcessInstanceAssert (looping-servicetask, multiple-tasks, message-event, call activities)', () => {
    it('isStarted / isActive / isCompleted / hasPassedElement / hasVariable', async () => {
      const e = await open('looping-servicetask.bpmn')
      const pi = await e.createProcessInstance({
        bpmnProcessId: 'looping-servicetask',
        variables: { totalLoops: 1 },
      })
      const view = stream.instance(pi.processInstanceKey)
      expect(view.isStarted).toBe(true)
      expect(view.isActive).toBe(true)
      expect(view.isCompleted).toBe(false)
      expect(view.passed('servicetask')).toBe(0)
      expect(view.variables()).toHaveProperty('totalLoops', 1)
      await completeTask('servicetask')
      expect(view.isCompleted).toBe(true)
      expect(view.passed('servicetask')).toBe(1)
      expect(await pathOf(view.key)).toEqual([
        'startevent',
        'servicetask',
        'Gateway_0fhwf5d',
        'endevent',
        'looping-servicetask',
      ])
    })

    it('hasPassedElement multiple times and hasPassedElementsInOrder', async () => {
      const e = await open('looping-servicetask.bpmn')
      const pi = await e.createProcessInstance({
        bpmnProcessId: 'looping-servicetask',
        variables: { totalLoops: 5 },
      })
      for (let i = 0; i < 5; i++) await completeTask('servicetask')
      const view = stream.instance(pi.processInstanceKey)
      expect(view.passed('servicetask')).toBe(5)
      expect(view.passed('loopSequenceFlow')).toBe(4)
      const two = await e.createProcessInstance({
        bpmnProcessId: 'looping-servicetask',
        variables: { totalLoops: 2 },
      })
      await completeTask('servicetask')
      await completeTask('servicetask')
      const ids = ['startevent', 'servicetask', 'Gateway_0fhwf5d', 'loopSequenceFlow', 'endevent']
      expect(stream.instance(two.processInstanceKey).passedInOrder(...ids)).toEqual([
        'startevent',
        'servicetask',
        'Gateway_0fhwf5d',
        'loopSequenceFlow',
        'servicetask',
        'Gateway_0fhwf5d',
        'endevent',
      ])
      expect(await completedPath(e, two.processInstanceKey, { flows: true })).toEqual([
        'startevent',
        'Flow_0gk7cr0',
        'servicetask',
        'Flow_0cw7eu9',
        'Gateway_0fhwf5d',
        'loopSequenceFlow',
        'servicetask',
        'Flow_0cw7eu9',
        'Gateway_0fhwf5d',
        'Flow_117ogjm',
        'endevent',
        'looping-servicetask',
      ])
    })

    it('isTerminated after cancel', async () => {
      const e = await open('looping-servicetask.bpmn')
      const pi = await e.createProcessInstance({
        bpmnProcessId: 'looping-servicetask',
        variables: { totalLoops: 1 },
      })
      await e.cancelProcessInstance(pi.processInstanceKey)
      const view = stream.instance(pi.processInstanceKey)
      expect(view.isTerminated).toBe(true)
      expect(view.isActive).toBe(false)
    })

    it('isWaitingAtElements / isWaitingExactlyAtElements (multiple-tasks)', async () => {
      const e = await open('multiple-tasks.bpmn')
      const pi = await e.createProcessInstance({ bpmnProcessId: 'multiple-tasks' })
      const view = stream.instance(pi.processInstanceKey)
      expect(view.waitingAt()).toEqual(['servicetask1', 'servicetask2', 'servicetask3'])
      await completeTask('servicetask1')
      expect(view.waitingAt()).toEqual(['servicetask2', 'servicetask3'])
      await completeTask('servicetask2')
      await completeTask('servicetask3')
      expect(view.waitingAt()).toEqual([])
      expect(await pathOf(view.key)).toEqual([
        'startevent',
        'Gateway_0s6ix13',
        'servicetask1',
        'servicetask2',
        'servicetask3',
        'Gateway_12nd7sp',
        'endevent',
        'multiple-tasks',
      ])
    })

    it('isWaitingForMessages / hasCorrelatedMessageByName / ByCorrelationKey (message-event)', async () => {
      const e = await open('message-event.bpmn')
      const pi = await e.createProcessInstance({
        bpmnProcessId: 'message-event',
        variables: { correlationKey: 'key' },
      })
      const view = stream.instance(pi.processInstanceKey)
      expect(view.waitingForMessages()).toEqual(['message'])
      await e.publishMessage({ name: 'message', correlationKey: 'key', timeToLiveMs: 0 })
      expect(view.waitingForMessages()).toEqual([])
      expect(view.correlatedMessages('messageName', 'message')).toBe(1)
      expect(view.correlatedMessages('correlationKey', 'key')).toBe(1)
      expect(view.isCompleted).toBe(true)
      expect(await pathOf(view.key)).toEqual([
        'StartEvent_1',
        'Event_1qemgo0',
        'Event_1pevv8z',
        'message-event',
      ])
    })

    it('hasVariableWithValue for typed variables', async () => {
      const e = await open('looping-servicetask.bpmn')
      const typed = {
        stringProperty: 'stringValue',
        numberProperty: 123,
        booleanProperty: true,
        complexProperty: ['Element 1', 'Element 2'],
        nullProperty: null,
      }
      const pi = await e.createProcessInstance({
        bpmnProcessId: 'looping-servicetask',
        variables: typed,
      })
      expect(stream.instance(pi.processInstanceKey).variables()).toMatchObject(typed)
    })

    it('hasAnyIncidents / extractingLatestIncident: a string totalLoops is an EXTRACT_VALUE_ERROR at the gateway', async () => {
      const e = await open('looping-servicetask.bpmn')
      const pi = await e.createProcessInstance({
        bpmnProcessId: 'looping-servicetask',
        variables: { totalLoops: 'invalid value' },
      })
      const view = stream.instance(pi.processInstanceKey)
      expect(view.incidents()).toEqual([])
      await completeTask('servicetask')
      const [incident] = view.incidents()
      expect(incident!.value).toMatchObject({
        errorType: 'EXTRACT_VALUE_ERROR',
        elementId: 'Gateway_0fhwf5d',
      })
      expect(num(fieldsOf(incident!).processInstanceKey)).toBe(Number(pi.processInstanceKey))
      expect(stream.of('INCIDENT', 'RESOLVED')).toEqual([])
    })

    it('hasCalledProcess / extractingLatestCalledProcess (call-activity, multiple-call-activity)', async () => {
      const e = await open(
        'multiple-call-activity.bpmn',
        'alternate-start-end.bpmn',
        'call-activity.bpmn',
        'start-end.bpmn',
      )
      const pi = await e.createProcessInstance({ bpmnProcessId: 'multiple-call-activity' })
      const view = stream.instance(pi.processInstanceKey)
      expect([...new Set(view.calledProcesses().map((c) => c.bpmnProcessId))].sort()).toEqual([
        'alternate-start-end',
        'call-activity',
      ])
      const nested = view.latestCalled('call-activity')
      expect(nested.calledProcesses().map((c) => c.bpmnProcessId)).toEqual(['start-end'])
      expect(nested.latestCalled().calledProcesses()).toEqual([])
      expect(() => nested.latestCalled().latestCalled()).toThrow(
        'No process was called from this process',
      )
      expect(() => view.latestCalled('NonCalledProcessId')).toThrow(
        'No process with id `NonCalledProcessId` was called from this process',
      )
      expect(view.latestCalled('alternate-start-end').calledProcesses()).toEqual([])
      expect(view.isCompleted).toBe(true)
      expect(await pathOf(view.key)).toEqual([
        'StartEvent_1',
        'callactivityTwo',
        'callactivityOne',
        'Event_1w612bd',
        'multiple-call-activity',
      ])
      expect(await pathOf(nested.key)).toEqual([
        'StartEvent_1',
        'callactivity',
        'Event_1w612bd',
        'call-activity',
      ])
    })
  })

  describe('ProcessInstanceInspections (call-activity)', () => {
    it('finds the called instance by parent key and process id; both completed', async () => {
      const e = await open('call-activity.bpmn', 'start-end.bpmn')
      const pi = await e.createProcessInstance({ bpmnProcessId: 'call-activity' })
      const view = stream.instance(pi.processInstanceKey)
      const child = view.calledProcesses().find((c) => c.bpmnProcessId === 'start-end')
      expect(child).toBeDefined()
      expect(stream.instance(child!.key).isCompleted).toBe(true)
      expect(view.passed('callactivity')).toBe(1)
      expect(view.isCompleted).toBe(true)
      expect(view.calledProcesses().filter((c) => c.bpmnProcessId === 'wrongId')).toEqual([])
      expect(await pathOf(view.key)).toEqual([
        'StartEvent_1',
        'callactivity',
        'Event_1w612bd',
        'call-activity',
      ])
      expect(await pathOf(child!.key)).toEqual(['StartEvent_1', 'Event_0ahcnkn', 'start-end'])
    })
  })

  describe('MessageAssert (message-event, message-start-event)', () => {
    it('hasBeenCorrelated / hasNotBeenCorrelated', async () => {
      const e = await open('message-event.bpmn')
      const lonely = await e.publishMessage({
        name: 'message',
        correlationKey: 'correlationkey',
        timeToLiveMs: 0,
      })
      const correlatedTo = (key: string) =>
        stream
          .of('MESSAGE_SUBSCRIPTION', 'CORRELATED')
          .filter((r) => String(fieldsOf(r).messageKey) === key)
      expect(correlatedTo(lonely.key)).toEqual([])
      const pi = await e.createProcessInstance({
        bpmnProcessId: 'message-event',
        variables: { correlationKey: 'correlationkey' },
      })
      const sent = await e.publishMessage({
        name: 'message',
        correlationKey: 'correlationkey',
        timeToLiveMs: 0,
      })
      expect(correlatedTo(sent.key).map((r) => num(fieldsOf(r).processInstanceKey))).toEqual([
        Number(pi.processInstanceKey),
      ])
      expect(stream.instance(pi.processInstanceKey).isCompleted).toBe(true)
    })

    it('hasCreatedProcessInstance / hasNotCreatedProcessInstance (message start event)', async () => {
      const e = await open('message-start-event.bpmn')
      const started = await e.publishMessage({
        name: 'start-message',
        correlationKey: '',
        timeToLiveMs: 0,
      })
      const wrong = await e.publishMessage({
        name: 'wrongmessagename',
        correlationKey: '',
        timeToLiveMs: 0,
      })
      const created = (key: string) =>
        stream
          .of('MESSAGE_START_EVENT_SUBSCRIPTION', 'CORRELATED')
          .filter((r) => String(fieldsOf(r).messageKey) === key)
      expect(created(wrong.key)).toEqual([])
      const [c] = created(started.key)
      expect(stream.instance(num(fieldsOf(c!).processInstanceKey)).isCompleted).toBe(true)
      expect(await pathOf(num(fieldsOf(c!).processInstanceKey))).toEqual([
        'StartEvent_1',
        'Event_0hmgljx',
        'message-start-event',
      ])
    })

    it('hasExpired / hasNotExpired', async () => {
      const e = await open('message-event.bpmn')
      const day = 24 * 3_600_000
      const msg = await e.publishMessage({
        name: 'message',
        correlationKey: 'correlationkey',
        timeToLiveMs: day,
      })
      const minute = await e.publishMessage({
        name: 'message',
        correlationKey: 'other',
        timeToLiveMs: 60_000 * 60 * 48,
      })
      const expired = (key: string) => stream.of('MESSAGE', 'EXPIRED').some((r) => r.key === key)
      expect(expired(msg.key)).toBe(false)
      await increaseTime(day + 60_000)
      expect(expired(msg.key)).toBe(true)
      expect(expired(minute.key)).toBe(false)
    })
  })

  describe('JobAssert and IncidentAssert (looping-servicetask)', () => {
    it('activated job: element id, deadline, process id, retries, variables, headers', async () => {
      const e = await open('looping-servicetask.bpmn')
      await e.createProcessInstance({
        bpmnProcessId: 'looping-servicetask',
        variables: { totalLoops: 1 },
      })
      const [job] = await e.activateJobs({
        type: 'test',
        worker: 'w',
        timeoutMs: 100,
        maxJobsToActivate: 1,
      })
      expect(job).toMatchObject({
        elementId: 'servicetask',
        bpmnProcessId: 'looping-servicetask',
        retries: 1,
      })
      expect(job!.deadline).toBe(clock.now() + 100)
      expect(job!.variables).toEqual({ totalLoops: 1, loopAmount: 0 })
      expect(job!.customHeaders).toEqual({})
    })

    it('an uncaught error is an UNHANDLED_ERROR_EVENT incident on the job; resolving it resolves', async () => {
      const e = await open('looping-servicetask.bpmn')
      const pi = await e.createProcessInstance({ bpmnProcessId: 'looping-servicetask' })
      const [job] = await e.activateJobs({
        type: 'test',
        worker: 'w',
        timeoutMs: 60_000,
        maxJobsToActivate: 1,
      })
      await e.throwError(job!.key, 'error', 'error occurred')
      const [incident] = stream.of('INCIDENT', 'CREATED')
      expect(incident!.value).toMatchObject({
        errorType: 'UNHANDLED_ERROR_EVENT',
        errorMessage:
          "Expected to throw an error event with the code 'error' with message 'error occurred', but it was not caught. No error events are available in the scope.",
        processInstanceKey: Number(pi.processInstanceKey),
        jobKey: Number(job!.key),
        elementId: 'servicetask',
      })
      expect(stream.of('INCIDENT', 'RESOLVED')).toEqual([])
      await e.resolveIncident(incident!.key)
      expect(stream.of('INCIDENT', 'RESOLVED').map((r) => r.key)).toEqual([incident!.key])
    })
  })

  describe('examples: PrCreated (pr-created, automated-tests)', () => {
    async function prCreated() {
      const e = await open('pr-created.bpmn', 'automated-tests.bpmn')
      const response = await e.publishMessage({
        name: 'prCreated',
        correlationKey: '',
        timeToLiveMs: 0,
        variables: { prId: '123' },
      })
      const [created] = stream
        .of('MESSAGE_START_EVENT_SUBSCRIPTION', 'CORRELATED')
        .filter((r) => fieldsOf(r).messageKey === Number(response.key))
      expect(created).toBeDefined()
      return stream.instance(num(fieldsOf(created!).processInstanceKey))
    }

    it('testPRCreateddHappyPath', async () => {
      const pi = await prCreated()
      await completeTask('requestReview')
      await engine.publishMessage({
        name: 'reviewReceived',
        correlationKey: '123',
        timeToLiveMs: 0,
        variables: { reviewResult: 'approved' },
      })
      for (let i = 0; i < 3; i++) await completeTask('runTests')
      await completeTask('mergeCode')
      await completeTask('deploySnapshot')
      expect(pi.passedInOrder('requestReview', 'mergeCode', 'deploySnapshot')).toEqual([
        'requestReview',
        'mergeCode',
        'deploySnapshot',
      ])
      expect(pi.passed('remindReviewer')).toBe(0)
      expect(pi.passed('makeChanges')).toBe(0)
      expect(pi.variables()).toMatchObject({ reviewResult: 'approved' })
      expect(pi.latestCalled('automatedTestsProcess').passed('runTests')).toBe(3)
      expect(pi.isCompleted).toBe(true)
      expect(await pathOf(pi.key)).toEqual([
        'prCreated',
        'Gateway_0lfyniu',
        'requestReview',
        'Gateway_1wymgxc',
        'reviewReceived',
        'Gateway_0febbwp',
        'triggerTests',
        'Gateway_0ywtzgs',
        'mergeCode',
        'deploySnapshot',
        'Event_12sbcc5',
        'prCreatedProcess',
      ])
      // the multi-instance sub-process (one inner instance per operating system), then its
      // body, then the flow to the end event
      const inner = ['runTests', 'Event_1xtvw54', 'Activity_1kq2g9a']
      expect(
        await completedPath(engine, String(pi.latestCalled('automatedTestsProcess').key), {
          flows: true,
        }),
      ).toEqual([
        'automatedTestsTriggered',
        'Flow_1ffhit7',
        'Event_1i6p8uy',
        'Flow_14xhr6b',
        'Event_1i6p8uy',
        'Flow_14xhr6b',
        'Event_1i6p8uy',
        'Flow_14xhr6b',
        ...[1, 2, 3].flatMap(() => [inner[0], 'Flow_1h74e0o', inner[1], inner[2]]),
        'Activity_1kq2g9a',
        'Flow_1wap6x2',
        'Event_0mdz5cy',
        'automatedTestsProcess',
      ])
    })

    it('testRemindReviewer', async () => {
      const pi = await prCreated()
      await completeTask('requestReview')
      for (let i = 0; i < 3; i++) await completeTask('runTests')
      await increaseTime(24 * 3_600_000)
      await completeTask('remindReviewer')
      await engine.publishMessage({
        name: 'reviewReceived',
        correlationKey: '123',
        timeToLiveMs: 0,
        variables: { reviewResult: 'approved' },
      })
      await completeTask('mergeCode')
      await completeTask('deploySnapshot')
      expect(
        pi.passedInOrder('requestReview', 'remindReviewer', 'mergeCode', 'deploySnapshot'),
      ).toEqual(['requestReview', 'remindReviewer', 'mergeCode', 'deploySnapshot'])
      expect(pi.passed('makeChanges')).toBe(0)
      expect(pi.isCompleted).toBe(true)
      expect(await pathOf(pi.key)).toEqual([
        'prCreated',
        'Gateway_0lfyniu',
        'requestReview',
        'triggerTests',
        'Gateway_1wymgxc',
        'remindReviewerTimer',
        'remindReviewer',
        'Gateway_1wymgxc',
        'reviewReceived',
        'Gateway_0febbwp',
        'Gateway_0ywtzgs',
        'mergeCode',
        'deploySnapshot',
        'Event_12sbcc5',
        'prCreatedProcess',
      ])
    })

    it('testRejectReview', async () => {
      const pi = await prCreated()
      await completeTask('requestReview')
      for (let i = 0; i < 3; i++) await completeTask('runTests')
      await engine.publishMessage({
        name: 'reviewReceived',
        correlationKey: '123',
        timeToLiveMs: 0,
        variables: { reviewResult: 'rejected' },
      })
      await completeTask('makeChanges')
      await completeTask('requestReview')
      await engine.publishMessage({
        name: 'reviewReceived',
        correlationKey: '123',
        timeToLiveMs: 0,
        variables: { reviewResult: 'approved' },
      })
      await completeTask('mergeCode')
      await completeTask('deploySnapshot')
      expect(
        pi.passedInOrder('requestReview', 'makeChanges', 'mergeCode', 'deploySnapshot'),
      ).toEqual(['requestReview', 'makeChanges', 'requestReview', 'mergeCode', 'deploySnapshot'])
      expect(pi.passed('remindReviewer')).toBe(0)
      expect(pi.isCompleted).toBe(true)
      expect(await pathOf(pi.key)).toEqual([
        'prCreated',
        'Gateway_0lfyniu',
        'requestReview',
        'triggerTests',
        'Gateway_1wymgxc',
        'reviewReceived',
        'Gateway_0febbwp',
        'makeChanges',
        'requestReview',
        'Gateway_1wymgxc',
        'reviewReceived',
        'Gateway_0febbwp',
        'Gateway_0ywtzgs',
        'mergeCode',
        'deploySnapshot',
        'Event_12sbcc5',
        'prCreatedProcess',
      ])
    })
  })

  describe('timers (test_timer_events, timer-start-event-daily)', () => {
    it('AbstractTimerTest: due dates compare correctly for different now dates', async () => {
      const e = await open('test_timer_events.bpmn')
      const nows = [
        '2023-10-05T15:50:00+02:00',
        '2023-10-31T00:00:00+02:00',
        '2023-10-31T23:00:00+02:00',
        '2023-10-31T23:59:00+02:00',
        '2023-10-31T23:59:59+02:00',
        '2023-12-31T23:59:59+02:00',
      ]
      for (const now of nows) {
        clock.set(Date.parse(now))
        await e.tick()
        const pi = await e.createProcessInstance({ bpmnProcessId: 'Process_Timer_Test_01' })
        const [job] = await e.activateJobs({
          type: 'SimpleLog01',
          worker: 'w',
          timeoutMs: 60_000,
          maxJobsToActivate: 1,
        })
        await e.completeJob(job!.key)
        await increaseTime(1000)
        const view = stream.instance(pi.processInstanceKey)
        expect(view.isCompleted).toBe(true)
        expect(view.passed('EndEvent_FastFlow')).toBe(1)
        expect(view.passed('EndEvent_SlowFlow')).toBe(0)
        // the fast path's terminate end event ends the instance (completed); the 30-day timer
        // catch event is terminated, so it is not on the path
        expect(await pathOf(view.key)).toEqual([
          'StartEvent_Main',
          'Gateway_SplitParallel',
          'Activity_InvokeDummyWorker',
          'TimerEvent_Wait1s',
          'EndEvent_FastFlow',
          'Process_Timer_Test_01',
        ])
        const timers = stream
          .of('TIMER')
          .filter((r) => num(fieldsOf(r).processInstanceKey) === view.key)
        const wait30 = timers.find(
          (r) => r.intent === 'CREATED' && fieldsOf(r).targetElementId === 'TimerEvent_Wait30d',
        )
        expect(fieldsOf(wait30!).dueDate).toBe(Date.parse(now) + 30 * 24 * 3_600_000)
      }
      clock.set(Date.UTC(2026, 0, 1))
    })

    it('ProcessEventInspections: a daily timer start event creates completed instances', async () => {
      const e = await open()
      const d = await e.deployResources([resource('timer-start-event-daily.bpmn')])
      await increaseTime(24 * 3_600_000)
      const started = stream
        .of('PROCESS_INSTANCE', 'ELEMENT_ACTIVATING')
        .filter(
          (r) =>
            fieldsOf(r).bpmnElementType === 'PROCESS' &&
            String(fieldsOf(r).processDefinitionKey) === d.processes[0]!.processDefinitionKey,
        )
      expect(started).toHaveLength(1)
      expect(stream.instance(started[0]!.key).isCompleted).toBe(true)
      expect(stream.instance(started[0]!.key).passed('timer')).toBe(1)
      expect(await pathOf(started[0]!.key)).toEqual([
        'timer',
        'endevent',
        'timer-start-event-daily',
      ])
      const next = stream.of('TIMER', 'CREATED').at(-1)
      expect(fieldsOf(next!).dueDate).toBe(clock.now() + 24 * 3_600_000)
    })
  })
})

function num(v: unknown): number {
  return Number(v)
}
