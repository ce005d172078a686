/**
 * Incidents of business rule tasks with `zeebe:calledDecision`: a failed evaluation
 * (DECISION_EVALUATION_ERROR after a FAILED record) and a decision that cannot be found
 * (CALLED_DECISION_ERROR), each resolved by fixing its cause, which evaluates again.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../../test/support/databases'
import { TestClock } from '../clock'
import {
  dmnResource as dmn,
  literalDecision,
  ruleProcess,
  tableDecision,
  taggedDecision as tagged,
} from '../dmn/test-support'
import type { Engine } from '../engine'
import {
  expectReplayMatches,
  freshEngine,
  isActive,
  rootVariables,
  valuesOf,
} from '../test-support'
import { fieldsOf } from '../state/records'

describe.each(testDatabaseTargets())('business rule task incidents on $kind', (target) => {
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

  it('a failed evaluation raises an incident; fixing the variables and resolving completes', async () => {
    // given: a UNIQUE table whose rules overlap above 10
    const e = await open()
    await e.deployResources([
      dmn(
        'fee.dmn',
        tableDecision({
          id: 'Decision_Fee',
          inputs: ['amount'],
          outputs: ['fee'],
          rules: [
            ['>= 0', '"small"'],
            ['>= 10', '"large"'],
          ],
        }),
      ),
      {
        name: 'fee.bpmn',
        content: ruleProcess('fee', 'decisionId="Decision_Fee" resultVariable="fee"'),
      },
    ])
    // when
    const pi = await e.createProcessInstance({ bpmnProcessId: 'fee', variables: { amount: 15 } })
    // then
    const [failed] = await valuesOf(e, pi.processInstanceKey, 'DECISION_EVALUATION')
    expect(failed!.intent).toBe('FAILED')
    expect(fieldsOf(failed!).failedDecisionId).toBe('Decision_Fee')
    expect(fieldsOf(failed!).decisionOutput).toBe('null')
    const [incident] = await valuesOf(e, pi.processInstanceKey, 'INCIDENT')
    expect(fieldsOf(incident!).errorType).toBe('DECISION_EVALUATION_ERROR')
    expect(fieldsOf(incident!).errorMessage).toBe(fieldsOf(failed!).evaluationFailureMessage)
    expect(String(fieldsOf(incident!).errorMessage)).toMatch(
      /^Expected to evaluate decision 'Decision_Fee', but /,
    )
    expect(fieldsOf(incident!).elementId).toBe('Task_Decide')
    expect(e.state.elementInstances[String(fieldsOf(incident!).elementInstanceKey)]?.state).toBe(
      'ACTIVATING',
    )
    // when: the variable is fixed and the incident resolved
    await e.setVariables(pi.processInstanceKey, { amount: 5 }, false)
    await e.resolveIncident(incident!.key)
    // then: evaluated again, the instance completes
    const evaluations = await valuesOf(e, pi.processInstanceKey, 'DECISION_EVALUATION')
    expect(evaluations.map((r) => [r.intent, fieldsOf(r).decisionOutput])).toEqual([
      ['FAILED', 'null'],
      ['EVALUATED', '"small"'],
    ])
    expect(isActive(e, pi.processInstanceKey)).toBe(false)
    expect(rootVariables(e, pi.processInstanceKey)).toEqual({})
    const fee = (await valuesOf(e, pi.processInstanceKey, 'VARIABLE')).find(
      (v) => fieldsOf(v).name === 'fee',
    )
    expect(fee && fieldsOf(fee).value).toBe('"small"')
  })

  it('a decision that is not deployed raises CALLED_DECISION_ERROR until it is', async () => {
    // given
    const e = await open()
    await e.deployResources([
      {
        name: 'missing.bpmn',
        content: ruleProcess('missing', 'decisionId="Decision_Later" resultVariable="r"'),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'missing' })
    const [incident] = await valuesOf(e, pi.processInstanceKey, 'INCIDENT')
    expect(incident!.value).toMatchObject({
      errorType: 'CALLED_DECISION_ERROR',
      errorMessage:
        "Expected to evaluate decision 'Decision_Later', but no decision found for id 'Decision_Later'",
    })
    // when
    await e.deployResources([dmn('later.dmn', literalDecision('Decision_Later', '"found"'))])
    await e.resolveIncident(incident!.key)
    // then
    expect(isActive(e, pi.processInstanceKey)).toBe(false)
    const r = (await valuesOf(e, pi.processInstanceKey, 'VARIABLE')).find(
      (v) => fieldsOf(v).name === 'r',
    )
    expect(r && fieldsOf(r).value).toBe('"found"')
  })

  it('a version tag no decision carries raises an incident with Zeebe message', async () => {
    const e = await open()
    await e.deployResources([
      dmn('rule.dmn', tagged('Decision_Rule', '"one"', 'v1')),
      {
        name: 'tag.bpmn',
        content: ruleProcess(
          'tag',
          'decisionId="Decision_Rule" resultVariable="r" bindingType="versionTag" versionTag="v9"',
        ),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'tag' })
    const [incident] = await valuesOf(e, pi.processInstanceKey, 'INCIDENT')
    expect(fieldsOf(incident!).errorType).toBe('CALLED_DECISION_ERROR')
    expect(fieldsOf(incident!).errorMessage).toBe(
      "Expected to evaluate decision with id 'Decision_Rule' and version tag 'v9', but no such decision found. To resolve this incident, deploy a decision with the given id and version tag.",
    )
  })
})
