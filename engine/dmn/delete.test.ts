/**
 * Deleting deployed decisions (DeleteResource with a DRG key), as Zeebe's
 * ResourceDeletionDeleteProcessor: the records it writes, the previous version becoming the
 * latest again, version numbers never given twice, decision keys refused like unknown keys,
 * business rule tasks raising an incident once nothing is left, and the state after replay.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../../test/support/databases'
import { TestClock } from '../clock'
import type { Engine } from '../engine'
import { completedPath, expectReplayMatches, freshEngine } from '../test-support'
import { rejectionOf } from '../user-task/test-support'
import { dmnResource as dmn, literalDecision, ruleProcess } from './test-support'

const route = (answer: string) =>
  dmn(
    'route.dmn',
    literalDecision('Decision_Base', '"base"') +
      literalDecision('Decision_Route', `"${answer}"`, { variable: 'route' }),
    'Route_DRG',
  )

describe.each(testDatabaseTargets())('deleting decisions on $kind', (target) => {
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

  it('writes DECISION DELETED per decision, then DECISION_REQUIREMENTS DELETED; the previous version is latest again', async () => {
    // given two versions of one DRG
    const e = await open()
    const v1 = await e.deployResources([route('v1')])
    const v2 = await e.deployResources([route('v2')])
    const drg2 = v2.decisionRequirements[0]!.decisionRequirementsKey
    const before = (await e.readRecords({})).length
    // when
    await e.deleteResource(drg2)
    // then
    const records = (await e.readRecords({})).slice(before)
    expect(records.map((r) => `${r.valueType}:${r.intent}`)).toEqual([
      'RESOURCE_DELETION:DELETING',
      'DECISION:DELETED',
      'DECISION:DELETED',
      'DECISION_REQUIREMENTS:DELETED',
      'RESOURCE_DELETION:DELETED',
    ])
    expect(records[1]!.value).toMatchObject({
      decisionId: 'Decision_Base',
      version: 2,
      decisionKey: Number(v2.decisions[0]!.decisionKey),
      decisionRequirementsKey: Number(drg2),
    })
    expect(records[3]!.value).toMatchObject({
      decisionRequirementsId: 'Route_DRG',
      decisionRequirementsVersion: 2,
      decisionRequirementsKey: Number(drg2),
      resourceName: 'route.dmn',
    })
    expect(String(records[3]!.value.resource)).toContain('Decision_Route')
    // the record keys are new keys, not the deleted resources' keys (as Zeebe)
    expect(records[1]!.key).not.toBe(Number(v2.decisions[0]!.decisionKey))
    const latest = await e.evaluateDecision({ decisionId: 'Decision_Route', variables: {} })
    expect(latest).toMatchObject({
      decisionVersion: 1,
      decisionKey: v1.decisions[1]!.decisionKey,
      decisionOutput: '"v1"',
    })
  })

  it('never gives a deleted version number again, also when the same content comes back', async () => {
    const e = await open()
    await e.deployResources([route('v1')])
    const v2 = await e.deployResources([route('v2')])
    await e.deleteResource(v2.decisionRequirements[0]!.decisionRequirementsKey)
    // the deleted content again: version 3, not 2
    const again = await e.deployResources([route('v2')])
    expect(again.decisionRequirements.map((d) => d.version)).toEqual([3])
    expect(again.decisions.map((d) => [d.decisionId, d.version])).toEqual([
      ['Decision_Base', 3],
      ['Decision_Route', 3],
    ])
    // v1's content again after deleting v3: a duplicate check against v1, so no new version
    await e.deleteResource(again.decisionRequirements[0]!.decisionRequirementsKey)
    const v1Again = await e.deployResources([route('v1')])
    expect(v1Again.decisionRequirements[0]!.version).toBe(1)
  })

  it('refuses a decision key and an unknown key with NOT_FOUND, writing nothing', async () => {
    const e = await open()
    const v1 = await e.deployResources([route('v1')])
    const before = (await e.readRecords({})).length
    for (const key of [v1.decisions[0]!.decisionKey, '2251799813699999']) {
      const rejection = await rejectionOf(e.deleteResource(key))
      expect(rejection).toMatchObject({ code: 'NOT_FOUND' })
      expect(rejection.message).toBe(
        `Expected to delete resource but no resource found with key \`${key}\``,
      )
    }
    expect((await e.readRecords({})).length).toBe(before)
  })

  it('a business rule task of a deleted decision raises an incident; the path stops before it', async () => {
    const e = await open()
    const only = await e.deployResources([route('v1')])
    await e.deployResources([
      {
        name: 'decide.bpmn',
        content: ruleProcess('decide', 'decisionId="Decision_Route" resultVariable="r"'),
      },
    ])
    const ran = await e.createProcessInstanceWithResult({ bpmnProcessId: 'decide' })
    expect(ran.variables.r).toBe('v1')
    expect(await completedPath(e, ran.processInstanceKey)).toEqual([
      'start',
      'Task_Decide',
      'end',
      'decide',
    ])
    await e.deleteResource(only.decisionRequirements[0]!.decisionRequirementsKey)
    // when
    const stuck = await e.createProcessInstance({ bpmnProcessId: 'decide' })
    // then
    const incidents = await e.readRecords({
      processInstanceKey: stuck.processInstanceKey,
      valueTypes: ['INCIDENT'],
    })
    expect(incidents.map((r) => [r.intent, r.value.elementId, r.value.errorMessage])).toEqual([
      [
        'CREATED',
        'Task_Decide',
        "Expected to evaluate decision 'Decision_Route', but no decision found for id 'Decision_Route'",
      ],
    ])
    expect(await completedPath(e, stuck.processInstanceKey)).toEqual(['start'])
  })
})
