import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../../test/support/databases'
import { TestClock } from '../clock'
import type { Engine } from '../engine'
import {
  bpmn,
  chain,
  completedPath,
  expectReplayMatches,
  freshEngine,
  message,
  valuesOf,
} from '../test-support'

const catchEvent = (id: string, messageRef: string) =>
  `<bpmn:intermediateCatchEvent id="${id}"><bpmn:messageEventDefinition messageRef="${messageRef}" /></bpmn:intermediateCatchEvent>`

describe.each(testDatabaseTargets())(
  'message correlation (Zeebe 8.8 CORRELATE) on $kind',
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

    it('answers the instance the message correlated to, and the instance continues', async () => {
      // given an instance waiting at a message catch event for its order id
      engine = await freshEngine(db.database.sql, clock)
      await engine.deployResources([
        {
          name: 'wait.bpmn',
          content: bpmn(
            'wait',
            `<bpmn:startEvent id="start" />${catchEvent('Catch_Paid', 'Msg_Paid')}<bpmn:endEvent id="end" />${chain('start', 'Catch_Paid', 'end')}`,
            message('Msg_Paid', 'paid', '= orderId'),
          ),
        },
      ])
      const other = await engine.createProcessInstance({
        bpmnProcessId: 'wait',
        variables: { orderId: 'o-1' },
      })
      const pi = await engine.createProcessInstance({
        bpmnProcessId: 'wait',
        variables: { orderId: 'o-2' },
      })

      // when
      const answer = await engine.correlateMessage({
        name: 'paid',
        correlationKey: 'o-2',
        variables: { amount: 5 },
      })

      // then
      expect(answer.processInstanceKey).toBe(pi.processInstanceKey)
      expect(await completedPath(engine, pi.processInstanceKey)).toEqual([
        'start',
        'Catch_Paid',
        'end',
        'wait',
      ])
      expect(await completedPath(engine, other.processInstanceKey)).toEqual(['start'])
      const records = await engine.readRecords({ valueTypes: ['MESSAGE_CORRELATION', 'MESSAGE'] })
      expect(records.map((r) => `${r.valueType}:${r.intent}`)).toEqual([
        'MESSAGE:PUBLISHED',
        'MESSAGE_CORRELATION:CORRELATING',
        'MESSAGE:EXPIRED',
        'MESSAGE_CORRELATION:CORRELATED',
      ])
      expect(records.at(-1)!.value).toMatchObject({
        name: 'paid',
        correlationKey: 'o-2',
        messageKey: Number(answer.key),
        processInstanceKey: Number(pi.processInstanceKey),
      })
      expect(
        (await valuesOf(engine, pi.processInstanceKey, 'VARIABLE')).at(-1)!.value,
      ).toMatchObject({ name: 'amount', value: '5' })
    })

    it('starts an instance at a message start event and answers its key', async () => {
      // given
      engine = await freshEngine(db.database.sql, clock)
      await engine.deployResources([
        {
          name: 'start.bpmn',
          content: bpmn(
            'by-message',
            `<bpmn:startEvent id="Start_Order"><bpmn:messageEventDefinition messageRef="Msg_Order" /></bpmn:startEvent><bpmn:endEvent id="end" />${chain('Start_Order', 'end')}`,
            message('Msg_Order', 'order'),
          ),
        },
      ])

      // when
      const answer = await engine.correlateMessage({ name: 'order', correlationKey: '' })

      // then
      expect(await completedPath(engine, answer.processInstanceKey)).toEqual([
        'Start_Order',
        'end',
        'by-message',
      ])
      // a start event correlates within the command: CORRELATED comes before EXPIRED (Zeebe)
      const records = await engine.readRecords({ valueTypes: ['MESSAGE_CORRELATION', 'MESSAGE'] })
      expect(records.map((r) => `${r.valueType}:${r.intent}`)).toEqual([
        'MESSAGE:PUBLISHED',
        'MESSAGE_CORRELATION:CORRELATING',
        'MESSAGE_CORRELATION:CORRELATED',
        'MESSAGE:EXPIRED',
      ])
      expect(records[2]!.value).toMatchObject({
        name: 'order',
        processInstanceKey: Number(answer.processInstanceKey),
      })
    })

    it('rejects a message nothing waits for with NOT_FOUND and writes nothing (no buffering)', async () => {
      // given
      engine = await freshEngine(db.database.sql, clock)
      const before = await engine.readRecords({})

      // when
      const rejection = engine.correlateMessage({ name: 'nobody', correlationKey: 'k' })

      // then
      await expect(rejection).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message:
          "Expected to find subscription for message with name 'nobody' and correlation key 'k', but none was found.",
      })
      expect(await engine.readRecords({})).toEqual(before)
    })
  },
)
