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
import { dmnResource as dmn, literalDecision, ruleProcess, taggedDecision } from './test-support'
import { fieldsOf } from '../state/records'

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
      namespace: '',
      deploymentKey: -1,
    })
    expect(String(fieldsOf(records[3]!).resource)).toContain('Decision_Route')
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
    expect(
      incidents.map((r) => [r.intent, fieldsOf(r).elementId, fieldsOf(r).errorMessage]),
    ).toEqual([
      [
        'CREATED',
        'Task_Decide',
        "Expected to evaluate decision 'Decision_Route', but no decision found for id 'Decision_Route'",
      ],
    ])
    expect(await completedPath(e, stuck.processInstanceKey)).toEqual(['start'])
  })

  it('a business rule task bound to latest evaluates the previous version once the latest is deleted', async () => {
    // given two versions, and a process calling the decision by its latest version
    const e = await open()
    const v1 = await e.deployResources([route('v1')])
    const v2 = await e.deployResources([route('v2')])
    await e.deployResources([
      {
        name: 'decide.bpmn',
        content: ruleProcess('decide', 'decisionId="Decision_Route" resultVariable="r"'),
      },
    ])
    const before = await e.createProcessInstanceWithResult({ bpmnProcessId: 'decide' })
    expect(before.variables.r).toBe('v2')
    // when the latest DRG is deleted
    await e.deleteResource(v2.decisionRequirements[0]!.decisionRequirementsKey)
    // then a new instance evaluates version 1 and walks on
    const after = await e.createProcessInstanceWithResult({ bpmnProcessId: 'decide' })
    expect(after.variables.r).toBe('v1')
    expect(await completedPath(e, after.processInstanceKey)).toEqual([
      'start',
      'Task_Decide',
      'end',
      'decide',
    ])
    const evaluations = await e.readRecords({
      processInstanceKey: after.processInstanceKey,
      valueTypes: ['DECISION_EVALUATION'],
    })
    expect(
      evaluations.map((r) => [r.intent, fieldsOf(r).decisionKey, fieldsOf(r).decisionVersion]),
    ).toEqual([['EVALUATED', Number(v1.decisions[1]!.decisionKey), 1]])
  })

  it('bindingType deployment: the deleted decision of the process deployment raises an incident', async () => {
    // given a process deployed together with its decision, and a newer version deployed apart
    const e = await open()
    const together = await e.deployResources([
      route('v1'),
      {
        name: 'bound.bpmn',
        content: ruleProcess(
          'bound',
          'decisionId="Decision_Route" resultVariable="r" bindingType="deployment"',
        ),
      },
    ])
    await e.deployResources([route('v2')])
    const ran = await e.createProcessInstanceWithResult({ bpmnProcessId: 'bound' })
    expect(ran.variables.r).toBe('v1')
    // when the DRG of the process's deployment is deleted
    await e.deleteResource(together.decisionRequirements[0]!.decisionRequirementsKey)
    // then the binding finds nothing (not the other deployment's version): an incident
    const stuck = await e.createProcessInstance({ bpmnProcessId: 'bound' })
    const incidents = await e.readRecords({
      processInstanceKey: stuck.processInstanceKey,
      valueTypes: ['INCIDENT'],
    })
    expect(incidents.map((r) => [fieldsOf(r).errorType, fieldsOf(r).errorMessage])).toEqual([
      [
        'CALLED_DECISION_ERROR',
        `Expected to evaluate decision 'Decision_Route' with binding type 'deployment', but no such decision found in the deployment with key ${together.key} which contained the current process. To resolve this incident, migrate the process instance to a process definition that is deployed together with the intended decision to evaluate.`,
      ],
    ])
    expect(await completedPath(e, stuck.processInstanceKey)).toEqual(['start'])
  })

  it('bindingType versionTag: a deleted tagged version is no longer found', async () => {
    const e = await open()
    const tagged = await e.deployResources([
      dmn('tagged.dmn', taggedDecision('Decision_Tagged', '"one"', 'v1.0'), 'Tagged_DRG'),
    ])
    await e.deployResources([
      {
        name: 'tag.bpmn',
        content: ruleProcess(
          'tag',
          'decisionId="Decision_Tagged" resultVariable="r" bindingType="versionTag" versionTag="v1.0"',
        ),
      },
    ])
    expect((await e.createProcessInstanceWithResult({ bpmnProcessId: 'tag' })).variables.r).toBe(
      'one',
    )
    await e.deleteResource(tagged.decisionRequirements[0]!.decisionRequirementsKey)
    const stuck = await e.createProcessInstance({ bpmnProcessId: 'tag' })
    const incidents = await e.readRecords({
      processInstanceKey: stuck.processInstanceKey,
      valueTypes: ['INCIDENT'],
    })
    expect(incidents.map((r) => fieldsOf(r).errorMessage)).toEqual([
      "Expected to evaluate decision with id 'Decision_Tagged' and version tag 'v1.0', but no such decision found. To resolve this incident, deploy a decision with the given id and version tag.",
    ])
  })
})
