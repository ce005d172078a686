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
  serviceTask,
} from '../test-support'
import { rejectionOf } from '../user-task/test-support'
import { fieldsOf } from '../state/records'

const timerStart = (version: string) =>
  bpmn(
    'nightly',
    `<bpmn:startEvent id="tick${version}"><bpmn:timerEventDefinition><bpmn:timeCycle>R/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>
     ${serviceTask('Work', `work-${version}`)}<bpmn:endEvent id="end" />${chain(`tick${version}`, 'Work', 'end')}`,
  )
const simple = (task: string) =>
  bpmn(
    'simple',
    `<bpmn:startEvent id="start" />${serviceTask(task, task)}<bpmn:endEvent id="end" />${chain('start', task, 'end')}`,
  )
const form = (label: string) =>
  Buffer.from(JSON.stringify({ id: 'triage', type: 'default', components: [{ label }] }))

describe.each(testDatabaseTargets())('resource deletion on $kind', (target) => {
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

  it('deletes the latest version: the previous one is latest again, its timer start rearmed', async () => {
    const e = await open()
    const d1 = await e.deployResources([{ name: 'nightly.bpmn', content: timerStart('1') }])
    const d2 = await e.deployResources([{ name: 'nightly.bpmn', content: timerStart('2') }])
    const v1 = d1.processes[0]!.processDefinitionKey
    const v2 = d2.processes[0]!.processDefinitionKey
    const [v2Timer] = Object.values(e.state.timers)
    const before = (await e.readRecords({})).length

    await e.deleteResource(v2)

    const records = (await e.readRecords({})).slice(before)
    expect(records.map((r) => `${r.valueType}:${r.intent}`)).toEqual([
      'RESOURCE_DELETION:DELETING',
      'PROCESS:DELETING',
      'TIMER:CANCELED',
      'TIMER:CREATED',
      'PROCESS:DELETED',
      'RESOURCE_DELETION:DELETED',
    ])
    expect(records[0]!.key).toBe(records[5]!.key)
    expect(records[0]!.value).toEqual({ resourceKey: Number(v2), tenantId: '<default>' })
    expect(records[2]!.key).toBe(String(v2Timer!.key))
    expect(records[3]!.value).toMatchObject({
      processDefinitionKey: Number(v1),
      targetElementId: 'tick1',
    })
    expect(records[4]!.value).toMatchObject({
      bpmnProcessId: 'nightly',
      version: 2,
      processDefinitionKey: Number(v2),
    })
    expect(e.state.processes[v2]).toBeUndefined()

    // the history keeps the deleted definition (its resource in PROCESS CREATED)
    const created = (await e.readRecords({ valueTypes: ['PROCESS'] })).filter(
      (r) => r.intent === 'CREATED' && fieldsOf(r).processDefinitionKey === Number(v2),
    )
    expect(String(fieldsOf(created[0]!).resource)).toContain('tick2')

    // instances start from version 1 again; a new deployment never reuses version 2
    await expect(e.createProcessInstance({ processDefinitionKey: v2 })).rejects.toThrow(
      `Expected to find process definition with key '${v2}', but none found`,
    )
    clock.advance(3600_000)
    await e.tick()
    const [started] = Object.values(e.state.elementInstances).filter((ei) => ei.type === 'PROCESS')
    expect(started!.defKey).toBe(Number(v1))
    await completeOne(e, 'work-1')
    expect(await completedPath(e, String(started!.key))).toEqual([
      'tick1',
      'Work',
      'end',
      'nightly',
    ])
    const d3 = await e.deployResources([{ name: 'nightly.bpmn', content: timerStart('2') }])
    expect(d3.processes[0]!.version).toBe(3)
  })

  it('rejects a definition with running instances and unknown keys, writing nothing', async () => {
    const e = await open()
    const d = await e.deployResources([{ name: 'simple.bpmn', content: simple('A') }])
    const key = d.processes[0]!.processDefinitionKey
    const { processInstanceKey: pi } = await e.createProcessInstance({ processDefinitionKey: key })
    const before = (await e.readRecords({})).length
    expect(await rejectionOf(e.deleteResource(key))).toEqual({
      code: 'FAILED_PRECONDITION',
      message: `Expected to delete resource with key \`${key}\` but there are still running instances`,
    })
    expect(await rejectionOf(e.deleteResource('12345'))).toEqual({
      code: 'NOT_FOUND',
      message: 'Expected to delete resource but no resource found with key `12345`',
    })
    expect((await e.readRecords({})).length).toBe(before)
    await completeOne(e, 'A')
    expect(await completedPath(e, pi)).toEqual(['start', 'A', 'end', 'simple'])
    await e.deleteResource(key)
    expect(e.state.processes[key]).toBeUndefined()
    const again = await e.deployResources([{ name: 'simple.bpmn', content: simple('A') }])
    expect(again.processes[0]!.version).toBe(2)
  })

  it('deletes a form: FORM DELETED, the previous version is linked again, across a restart', async () => {
    const e = await open()
    const f1 = await e.deployResources([{ name: 'triage.form', content: form('one') }])
    const f2 = await e.deployResources([{ name: 'triage.form', content: form('two') }])
    const before = (await e.readRecords({})).length
    await e.deleteResource(f2.forms[0]!.formKey)
    const records = (await e.readRecords({})).slice(before)
    expect(records.map((r) => `${r.valueType}:${r.intent}`)).toEqual([
      'RESOURCE_DELETION:DELETING',
      'FORM:DELETED',
      'RESOURCE_DELETION:DELETED',
    ])
    expect(records[1]!.value).toMatchObject({
      formId: 'triage',
      version: 2,
      formKey: Number(f2.forms[0]!.formKey),
    })
    await e.close()
    engine = await createEngine({ sql: db.database.sql, clock })
    expect(Object.keys(engine.state.forms)).toEqual([f1.forms[0]!.formKey])
    const f3 = await engine.deployResources([{ name: 'triage.form', content: form('three') }])
    expect(f3.forms[0]!.version).toBe(3)
  })
})
