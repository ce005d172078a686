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

describe.each(testDatabaseTargets())(
  'gateways, errors and event sub-processes on $kind',
  (target) => {
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

    it('inclusive gateways fork on every true condition and join what was forked', async () => {
      const e = await open()
      await e.deployResources([
        {
          name: 'or.bpmn',
          content: bpmn(
            'or',
            `<bpmn:startEvent id="start" /><bpmn:inclusiveGateway id="fork" default="toC" /><bpmn:inclusiveGateway id="join" />
           ${serviceTask('a', 'or-a')}${serviceTask('b', 'or-b')}${serviceTask('c', 'or-c')}<bpmn:endEvent id="end" />
           ${flow('s', 'start', 'fork')}${flow('toA', 'fork', 'a', '= wantA')}${flow('toB', 'fork', 'b', '= wantB')}${flow('toC', 'fork', 'c')}
           ${flow('aj', 'a', 'join')}${flow('bj', 'b', 'join')}${flow('cj', 'c', 'join')}${flow('je', 'join', 'end')}`,
          ),
        },
      ])
      const pi = await e.createProcessInstance({
        bpmnProcessId: 'or',
        variables: { wantA: true, wantB: true },
      })
      await completeOne(e, 'or-a')
      expect(isActive(e, pi.processInstanceKey)).toBe(true)
      await completeOne(e, 'or-b')
      expect(isActive(e, pi.processInstanceKey)).toBe(false)
      const t = await trail(e, pi.processInstanceKey)
      expect(t.filter((x) => x === 'join:ELEMENT_ACTIVATING')).toHaveLength(1)
      expect(await completedPath(e, pi.processInstanceKey, { flows: true })).toEqual([
        'start',
        's',
        'fork',
        'toA',
        'toB',
        'a',
        'aj',
        'b',
        'bj',
        'join',
        'je',
        'end',
        'or',
      ])
      const only = await e.createProcessInstance({
        bpmnProcessId: 'or',
        variables: { wantA: false, wantB: false },
      })
      await completeOne(e, 'or-c')
      expect(isActive(e, only.processInstanceKey)).toBe(false)
      expect(await completedPath(e, only.processInstanceKey, { flows: true })).toEqual([
        'start',
        's',
        'fork',
        'toC',
        'c',
        'cj',
        'join',
        'je',
        'end',
        'or',
      ])
    })

    it('event-based gateways take the first event and close the others', async () => {
      const e = await open()
      await e.deployResources([
        {
          name: 'eb.bpmn',
          content: bpmn(
            'eb',
            `<bpmn:startEvent id="start" /><bpmn:eventBasedGateway id="gw" />
           <bpmn:intermediateCatchEvent id="Paid"><bpmn:messageEventDefinition messageRef="PaidMsg" /></bpmn:intermediateCatchEvent>
           <bpmn:intermediateCatchEvent id="Timeout"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
           <bpmn:endEvent id="paidEnd" /><bpmn:endEvent id="timeoutEnd" />
           ${chain('start', 'gw')}${flow('p', 'gw', 'Paid')}${flow('t', 'gw', 'Timeout')}${flow('pe', 'Paid', 'paidEnd')}${flow('te', 'Timeout', 'timeoutEnd')}`,
            message('PaidMsg', 'paid', '= id'),
          ),
        },
      ])
      const paid = await e.createProcessInstance({ bpmnProcessId: 'eb', variables: { id: 'p1' } })
      const late = await e.createProcessInstance({ bpmnProcessId: 'eb', variables: { id: 'p2' } })
      await e.publishMessage({
        name: 'paid',
        correlationKey: 'p1',
        timeToLiveMs: 0,
        variables: { amount: 5 },
      })
      expect(await completedPath(e, paid.processInstanceKey, { flows: true })).toEqual([
        'start',
        'f_start_gw',
        'gw',
        'p',
        'Paid',
        'pe',
        'paidEnd',
        'eb',
      ])
      const timers = await valuesOf(e, paid.processInstanceKey, 'TIMER')
      expect(timers.map((r) => r.intent)).toEqual(['CREATED', 'CANCELED'])
      clock.advance(3_600_000)
      await e.tick()
      expect(await completedPath(e, late.processInstanceKey, { flows: true })).toEqual([
        'start',
        'f_start_gw',
        'gw',
        't',
        'Timeout',
        'te',
        'timeoutEnd',
        'eb',
      ])
      const subs = await valuesOf(e, late.processInstanceKey, 'MESSAGE_SUBSCRIPTION')
      expect(subs.map((r) => r.intent)).toEqual(['CREATED', 'DELETED'])
    })

    it('throws job errors to the matching boundary, a catch-all, or an incident', async () => {
      const e = await open()
      await e.deployResources([
        {
          name: 'err.bpmn',
          content: bpmn(
            'err',
            `<bpmn:startEvent id="start" />${serviceTask('task', 'risky')}
           <bpmn:boundaryEvent id="OnNotFound" attachedToRef="task"><bpmn:errorEventDefinition errorRef="NotFound" /></bpmn:boundaryEvent>
           <bpmn:endEvent id="end" /><bpmn:endEvent id="notFoundEnd" />
           ${chain('start', 'task', 'end')}${flow('nf', 'OnNotFound', 'notFoundEnd')}`,
            '<bpmn:error id="NotFound" errorCode="NOT_FOUND" />',
          ),
        },
        {
          name: 'outer.bpmn',
          content: bpmn(
            'outer',
            `<bpmn:startEvent id="start" />
           <bpmn:callActivity id="Call"><bpmn:extensionElements><zeebe:calledElement processId="err" /></bpmn:extensionElements></bpmn:callActivity>
           <bpmn:boundaryEvent id="AnyError" attachedToRef="Call"><bpmn:errorEventDefinition /></bpmn:boundaryEvent>
           <bpmn:endEvent id="end" /><bpmn:endEvent id="caughtEnd" />${chain('start', 'Call', 'end')}${flow('c', 'AnyError', 'caughtEnd')}`,
          ),
        },
      ])
      const pi = await e.createProcessInstance({ bpmnProcessId: 'err' })
      const [job] = await e.activateJobs({
        type: 'risky',
        worker: 'w',
        timeoutMs: 1000,
        maxJobsToActivate: 1,
      })
      await e.throwError(job!.key, 'NOT_FOUND', 'missing', { reason: 'gone' })
      expect(await completedPath(e, pi.processInstanceKey)).toEqual([
        'start',
        'OnNotFound',
        'notFoundEnd',
        'err',
      ])
      const vars = await valuesOf(e, pi.processInstanceKey, 'VARIABLE')
      expect(vars.map((r) => fieldsOf(r).name)).toContain('reason')

      const outer = await e.createProcessInstance({ bpmnProcessId: 'outer' })
      const [inner] = await e.activateJobs({
        type: 'risky',
        worker: 'w',
        timeoutMs: 1000,
        maxJobsToActivate: 1,
      })
      await e.throwError(inner!.key, 'OTHER')
      expect(await completedPath(e, outer.processInstanceKey)).toEqual([
        'start',
        'AnyError',
        'caughtEnd',
        'outer',
      ])
      expect(isActive(e, inner!.processInstanceKey)).toBe(false)
      expect(await completedPath(e, inner!.processInstanceKey)).toEqual(['start'])
      expect((await trail(e, inner!.processInstanceKey)).at(-1)).toBe('err:ELEMENT_TERMINATED')

      const lone = await e.createProcessInstance({ bpmnProcessId: 'err' })
      const [j3] = await e.activateJobs({
        type: 'risky',
        worker: 'w',
        timeoutMs: 1000,
        maxJobsToActivate: 1,
      })
      await e.throwError(j3!.key, 'UNKNOWN_CODE', 'why')
      const [incident] = await valuesOf(e, lone.processInstanceKey, 'INCIDENT')
      expect(incident!.value).toMatchObject({
        errorType: 'UNHANDLED_ERROR_EVENT',
        jobKey: Number(j3!.key),
      })
      expect(String(fieldsOf(incident!).errorMessage)).toContain("'UNKNOWN_CODE'")
      await e.resolveIncident(incident!.key)
      await completeOne(e, 'risky')
      expect(isActive(e, lone.processInstanceKey)).toBe(false)
      expect(await completedPath(e, lone.processInstanceKey)).toEqual([
        'start',
        'task',
        'end',
        'err',
      ])
    })

    it('error end events and error event sub-processes; terminate end events', async () => {
      const e = await open()
      await e.deployResources([
        {
          name: 'esp.bpmn',
          content: bpmn(
            'esp',
            `<bpmn:startEvent id="start" /><bpmn:parallelGateway id="fork" />
           ${serviceTask('keep', 'esp-keep')}
           <bpmn:endEvent id="Fail"><bpmn:errorEventDefinition errorRef="Boom" /></bpmn:endEvent>
           <bpmn:subProcess id="OnBoom" triggeredByEvent="true">
             <bpmn:startEvent id="BoomStart"><bpmn:errorEventDefinition errorRef="Boom" /></bpmn:startEvent>
             <bpmn:endEvent id="BoomEnd" />${chain('BoomStart', 'BoomEnd')}
           </bpmn:subProcess>
           ${chain('start', 'fork')}${flow('k', 'fork', 'keep')}${flow('f', 'fork', 'Fail')}`,
            '<bpmn:error id="Boom" errorCode="BOOM" />',
          ),
        },
        {
          name: 'term.bpmn',
          content: bpmn(
            'term',
            `<bpmn:startEvent id="start" /><bpmn:parallelGateway id="fork" />${serviceTask('other', 'term-other')}
           <bpmn:endEvent id="Stop"><bpmn:terminateEventDefinition /></bpmn:endEvent>
           ${chain('start', 'fork')}${flow('o', 'fork', 'other')}${flow('s', 'fork', 'Stop')}`,
          ),
        },
      ])
      const pi = await e.createProcessInstance({ bpmnProcessId: 'esp' })
      const t = await trail(e, pi.processInstanceKey)
      expect(t).toContain('keep:ELEMENT_TERMINATED')
      expect(await completedPath(e, pi.processInstanceKey)).toEqual([
        'start',
        'fork',
        'BoomStart',
        'BoomEnd',
        'OnBoom',
        'esp',
      ])
      expect(isActive(e, pi.processInstanceKey)).toBe(false)
      const term = await e.createProcessInstance({ bpmnProcessId: 'term' })
      expect(isActive(e, term.processInstanceKey)).toBe(false)
      // a terminate end event completes the instance (it is not terminated)
      expect(await completedPath(e, term.processInstanceKey)).toEqual([
        'start',
        'fork',
        'Stop',
        'term',
      ])
      expect(await trail(e, term.processInstanceKey)).toContain('other:ELEMENT_TERMINATED')
    })

    it('a failing boundary timer expression is an incident; resolving re-runs the activation', async () => {
      const e = await open()
      await e.deployResources([
        {
          name: 'bt.bpmn',
          content: bpmn(
            'bt',
            `<bpmn:startEvent id="start" />${serviceTask('task', 'bt-task')}
           <bpmn:boundaryEvent id="Deadline" attachedToRef="task"><bpmn:timerEventDefinition><bpmn:timeDate>= dueAt</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:boundaryEvent>
           <bpmn:endEvent id="end" /><bpmn:endEvent id="late" />${chain('start', 'task', 'end')}${flow('l', 'Deadline', 'late')}`,
          ),
        },
      ])
      const pi = await e.createProcessInstance({ bpmnProcessId: 'bt' })
      const [incident] = await valuesOf(e, pi.processInstanceKey, 'INCIDENT')
      expect(incident!.value).toMatchObject({ errorType: 'EXTRACT_VALUE_ERROR', elementId: 'task' })
      expect(
        await e.activateJobs({
          type: 'bt-task',
          worker: 'w',
          timeoutMs: 1000,
          maxJobsToActivate: 1,
        }),
      ).toEqual([])
      await e.setVariables(
        pi.processInstanceKey,
        { dueAt: new Date(clock.now() + 60_000).toISOString() },
        false,
      )
      await e.resolveIncident(incident!.key)
      const timers = await valuesOf(e, pi.processInstanceKey, 'TIMER')
      expect(timers.map((r) => r.intent)).toEqual(['CREATED'])
      clock.advance(60_000)
      await e.tick()
      expect(await completedPath(e, pi.processInstanceKey, { flows: true })).toEqual([
        'start',
        'f_start_task',
        'Deadline',
        'l',
        'late',
        'bt',
      ])
    })

    it('escalations: non-interrupting boundary, interrupting event sub-process, uncaught', async () => {
      const e = await open()
      const escalation =
        '<bpmn:escalation id="Esc" escalationCode="LATE" /><bpmn:escalation id="Other" escalationCode="OTHER" />'
      await e.deployResources([
        {
          name: 'esc.bpmn',
          content: bpmn(
            'esc',
            `<bpmn:startEvent id="start" />
           <bpmn:subProcess id="Sub">
             <bpmn:startEvent id="subStart" />
             <bpmn:intermediateThrowEvent id="RaiseLate"><bpmn:escalationEventDefinition escalationRef="Esc" /></bpmn:intermediateThrowEvent>
             ${serviceTask('inner', 'esc-inner')}
             <bpmn:endEvent id="OtherEnd"><bpmn:escalationEventDefinition escalationRef="Other" /></bpmn:endEvent>
             ${chain('subStart', 'RaiseLate', 'inner', 'OtherEnd')}
           </bpmn:subProcess>
           <bpmn:boundaryEvent id="OnLate" attachedToRef="Sub" cancelActivity="false"><bpmn:escalationEventDefinition escalationRef="Esc" /></bpmn:boundaryEvent>
           <bpmn:endEvent id="end" /><bpmn:endEvent id="lateNoted" />
           ${chain('start', 'Sub', 'end')}${flow('l', 'OnLate', 'lateNoted')}
           <bpmn:subProcess id="OnOther" triggeredByEvent="true">
             <bpmn:startEvent id="OtherStart"><bpmn:escalationEventDefinition escalationRef="Other" /></bpmn:startEvent>
             <bpmn:endEvent id="OtherHandled" />${chain('OtherStart', 'OtherHandled')}
           </bpmn:subProcess>`,
            escalation,
          ),
        },
        {
          name: 'lone.bpmn',
          content: bpmn(
            'lone',
            `<bpmn:startEvent id="start" /><bpmn:endEvent id="Up"><bpmn:escalationEventDefinition escalationRef="Esc2" /></bpmn:endEvent>${chain('start', 'Up')}`,
            '<bpmn:escalation id="Esc2" escalationCode="NOBODY" />',
          ),
        },
      ])
      const pi = await e.createProcessInstance({ bpmnProcessId: 'esc' })
      let t = await trail(e, pi.processInstanceKey)
      expect(t).toContain('lateNoted:ELEMENT_COMPLETED')
      expect(t).toContain('RaiseLate:ELEMENT_COMPLETED')
      await completeOne(e, 'esc-inner')
      t = await trail(e, pi.processInstanceKey)
      expect(t).toContain('OtherHandled:ELEMENT_COMPLETED')
      expect(t).toContain('Sub:ELEMENT_TERMINATED')
      expect(t).not.toContain('end:ELEMENT_COMPLETED')
      expect(isActive(e, pi.processInstanceKey)).toBe(false)
      expect(await completedPath(e, pi.processInstanceKey)).toEqual([
        'start',
        'subStart',
        'RaiseLate',
        'OnLate',
        'lateNoted',
        'inner',
        'OtherStart',
        'OtherHandled',
        'OnOther',
        'esc',
      ])
      const lone = await e.createProcessInstance({ bpmnProcessId: 'lone' })
      expect(isActive(e, lone.processInstanceKey)).toBe(false)
      expect(await completedPath(e, lone.processInstanceKey)).toEqual(['start', 'Up', 'lone'])
      expect(await valuesOf(e, lone.processInstanceKey, 'INCIDENT')).toEqual([])
    })

    it('timer and message event sub-processes, interrupting and not', async () => {
      const e = await open()
      await e.deployResources([
        {
          name: 'esp2.bpmn',
          content: bpmn(
            'esp2',
            `<bpmn:startEvent id="start" />${serviceTask('work', 'esp2-work')}<bpmn:endEvent id="end" />${chain('start', 'work', 'end')}
           <bpmn:subProcess id="Reminder" triggeredByEvent="true">
             <bpmn:startEvent id="RemindStart" isInterrupting="false"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:startEvent>
             ${serviceTask('remind', 'esp2-remind')}<bpmn:endEvent id="RemindEnd" />${chain('RemindStart', 'remind', 'RemindEnd')}
           </bpmn:subProcess>
           <bpmn:subProcess id="Abort" triggeredByEvent="true">
             <bpmn:startEvent id="AbortStart"><bpmn:messageEventDefinition messageRef="AbortMsg" /></bpmn:startEvent>
             <bpmn:endEvent id="AbortEnd" />${chain('AbortStart', 'AbortEnd')}
           </bpmn:subProcess>`,
            message('AbortMsg', 'abort', '= caseId'),
          ),
        },
      ])
      const pi = await e.createProcessInstance({
        bpmnProcessId: 'esp2',
        variables: { caseId: 'c1' },
      })
      clock.advance(3_600_000)
      await e.tick()
      await completeOne(e, 'esp2-remind')
      expect(isActive(e, pi.processInstanceKey)).toBe(true)
      await e.publishMessage({
        name: 'abort',
        correlationKey: 'c1',
        timeToLiveMs: 0,
        variables: { aborted: true },
      })
      const t = await trail(e, pi.processInstanceKey)
      expect(t).toContain('RemindEnd:ELEMENT_COMPLETED')
      expect(t).toContain('work:ELEMENT_TERMINATED')
      expect(t).toContain('AbortEnd:ELEMENT_COMPLETED')
      expect(isActive(e, pi.processInstanceKey)).toBe(false)
      expect(await completedPath(e, pi.processInstanceKey)).toEqual([
        'start',
        'RemindStart',
        'remind',
        'RemindEnd',
        'Reminder',
        'AbortStart',
        'AbortEnd',
        'Abort',
        'esp2',
      ])
    })
  },
)
