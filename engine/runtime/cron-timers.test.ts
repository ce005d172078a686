/**
 * Cron timer cycles (Zeebe's CronTimer, docs "Timer events": `timeCycle` with a cron expression)
 * on timer start events, non-interrupting boundary events and event sub-processes. The next due
 * date is computed from the engine clock in the process's time zone, so the expected times here
 * are built with local `Date` constructors.
 */
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
  serviceTask,
  valuesOf,
} from '../test-support'
import { fieldsOf } from '../state/records'

const local = (y: number, mo: number, d: number, h = 0, mi = 0) =>
  new Date(y, mo - 1, d, h, mi).getTime()
const cycle = (expression: string) =>
  `<bpmn:timerEventDefinition><bpmn:timeCycle>${expression}</bpmn:timeCycle></bpmn:timerEventDefinition>`

describe.each(testDatabaseTargets())('cron timer cycles on $kind', (target) => {
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

  it('starts an instance every weekday at 09:00, none over the weekend', async () => {
    // 2025-01-03 is a Friday.
    clock.set(local(2025, 1, 3, 8))
    const e = await open()
    await e.deployResources([
      {
        name: 'daily.bpmn',
        content: bpmn(
          'daily',
          `<bpmn:startEvent id="Daily">${cycle('0 0 9 * * MON-FRI')}</bpmn:startEvent><bpmn:endEvent id="end" />${chain('Daily', 'end')}`,
        ),
      },
    ])
    const timers = async () =>
      (await e.readRecords({ valueTypes: ['TIMER'] })).map(
        (r) => `${r.intent} ${new Date(Number(fieldsOf(r).dueDate)).toString().slice(0, 21)}`,
      )
    expect(await timers()).toEqual(['CREATED Fri Jan 03 2025 09:00'])
    const at = [
      local(2025, 1, 3, 9),
      local(2025, 1, 4, 9),
      local(2025, 1, 5, 9),
      local(2025, 1, 6, 9),
      local(2025, 1, 7, 9),
    ]
    for (const t of at) {
      clock.set(t)
      await e.tick()
    }
    const created = await e.readRecords({ valueTypes: ['PROCESS_INSTANCE_CREATION'] })
    expect(created.map((r) => new Date(r.timestamp).toString().slice(0, 21))).toEqual([
      'Fri Jan 03 2025 09:00',
      'Mon Jan 06 2025 09:00',
      'Tue Jan 07 2025 09:00',
    ])
    expect(await timers()).toEqual([
      'CREATED Fri Jan 03 2025 09:00',
      'TRIGGERED Fri Jan 03 2025 09:00',
      'CREATED Mon Jan 06 2025 09:00',
      'TRIGGERED Mon Jan 06 2025 09:00',
      'CREATED Tue Jan 07 2025 09:00',
      'TRIGGERED Tue Jan 07 2025 09:00',
      'CREATED Wed Jan 08 2025 09:00',
    ])
    const repetitions = (await e.readRecords({ valueTypes: ['TIMER'] })).map(
      (r) => fieldsOf(r).repetitions,
    )
    expect(new Set(repetitions)).toEqual(new Set([-1]))
    for (const r of created) {
      expect(await completedPath(e, String(fieldsOf(r).processInstanceKey))).toEqual([
        'Daily',
        'end',
        'daily',
      ])
    }
  })

  it('fires a non-interrupting cron boundary event repeatedly while the task waits', async () => {
    clock.set(local(2025, 3, 10, 10, 5))
    const e = await open()
    await e.deployResources([
      {
        name: 'remind.bpmn',
        content: bpmn(
          'remind',
          `<bpmn:startEvent id="start" />${serviceTask('task', 'review')}
           <bpmn:boundaryEvent id="Remind" attachedToRef="task" cancelActivity="false">${cycle('0 0/15 * * * ?')}</bpmn:boundaryEvent>
           <bpmn:endEvent id="end" /><bpmn:endEvent id="reminded" />
           ${chain('start', 'task', 'end')}${flow('fRemind', 'Remind', 'reminded')}`,
        ),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'remind' })
    for (const t of [local(2025, 3, 10, 10, 15), local(2025, 3, 10, 10, 30)]) {
      clock.set(t)
      await e.tick()
    }
    const due = (await valuesOf(e, pi.processInstanceKey, 'TIMER'))
      .filter((r) => r.intent === 'CREATED')
      .map((r) => Number(fieldsOf(r).dueDate))
    expect(due).toEqual([
      local(2025, 3, 10, 10, 15),
      local(2025, 3, 10, 10, 30),
      local(2025, 3, 10, 10, 45),
    ])
    await completeOne(e, 'review')
    expect(await completedPath(e, pi.processInstanceKey)).toEqual([
      'start',
      'Remind',
      'reminded',
      'Remind',
      'reminded',
      'task',
      'end',
      'remind',
    ])
    const last = (await valuesOf(e, pi.processInstanceKey, 'TIMER')).at(-1)!
    expect(last.intent).toBe('CANCELED')
  })

  it('triggers a non-interrupting event sub-process on each cron time', async () => {
    clock.set(local(2025, 3, 10, 23, 0))
    const e = await open()
    await e.deployResources([
      {
        name: 'nightly.bpmn',
        content: bpmn(
          'nightly',
          `<bpmn:startEvent id="start" />${serviceTask('task', 'long')}<bpmn:endEvent id="end" />
           ${chain('start', 'task', 'end')}
           <bpmn:subProcess id="Nightly" triggeredByEvent="true">
             <bpmn:startEvent id="AtMidnight" isInterrupting="false">${cycle('@daily')}</bpmn:startEvent>
             <bpmn:endEvent id="nightlyEnd" />${chain('AtMidnight', 'nightlyEnd')}
           </bpmn:subProcess>`,
        ),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'nightly' })
    for (const t of [local(2025, 3, 11), local(2025, 3, 12)]) {
      clock.set(t)
      await e.tick()
    }
    await completeOne(e, 'long')
    expect(await completedPath(e, pi.processInstanceKey)).toEqual([
      'start',
      'AtMidnight',
      'nightlyEnd',
      'Nightly',
      'AtMidnight',
      'nightlyEnd',
      'Nightly',
      'task',
      'end',
      'nightly',
    ])
    const due = (await valuesOf(e, pi.processInstanceKey, 'TIMER'))
      .filter((r) => r.intent === 'CREATED')
      .map((r) => Number(fieldsOf(r).dueDate))
    expect(due).toEqual([local(2025, 3, 11), local(2025, 3, 12), local(2025, 3, 13)])
  })

  it('rejects an invalid cron cycle at deployment', async () => {
    const e = await open()
    const message = await e
      .deployResources([
        {
          name: 'bad.bpmn',
          content: bpmn(
            'badCron',
            `<bpmn:startEvent id="Bad">${cycle('0 0 9 * *')}</bpmn:startEvent><bpmn:endEvent id="end" />${chain('Bad', 'end')}`,
          ),
        },
      ])
      .then(
        () => '',
        (err: unknown) => (err as Error).message,
      )
    expect(message).toContain(
      "- Element: Bad\n    - ERROR: Invalid timer cycle '0 0 9 * *': Cron expression contains 5 parts but we expect one of [6]",
    )
  })
})
