/**
 * DMN through the official @camunda8/sdk 8.8 client over real gRPC: deploying a `.dmn`
 * resource (alone and with the process that calls it), evaluating decisions with
 * `evaluateDecision`, and a business rule task deciding an incident's priority (ISO/IEC
 * 20000-1 8.1: prioritized by impact and urgency).
 */
import { readFileSync } from 'node:fs'
import { Camunda8 } from '@camunda8/sdk'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { testDatabaseTargets } from '../support/databases'
import { fixture, instanceRecords, startTestEngine, type TestEngine } from './support'
import { fieldsOf } from '../../engine/state/records'

type Zeebe = ReturnType<Camunda8['getZeebeGrpcApiClient']>

async function rejection(promise: Promise<unknown>): Promise<{ code?: unknown; message: string }> {
  try {
    await promise
  } catch (err) {
    const code = err && typeof err === 'object' && 'code' in err ? err.code : undefined
    return { code, message: err instanceof Error ? err.message : String(err) }
  }
  throw new Error('expected the call to be rejected')
}

describe.each(testDatabaseTargets())('DMN with @camunda8/sdk ($kind)', (target) => {
  let t: TestEngine
  let zeebe: Zeebe

  beforeAll(async () => {
    t = await startTestEngine(target)
    const c8 = new Camunda8({
      ZEEBE_GRPC_ADDRESS: `grpc://127.0.0.1:${t.port}`,
      CAMUNDA_AUTH_STRATEGY: 'NONE',
      zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE' },
      CAMUNDA_LOG_LEVEL: 'none',
    })
    zeebe = c8.getZeebeGrpcApiClient()
  })

  afterAll(async () => {
    await zeebe?.close()
    await t?.stop()
  })

  test('deployResource of a .dmn answers the decision and its DRG', async () => {
    // when
    const deployed = await zeebe.deployResource({
      name: 'priority-matrix.dmn',
      decision: readFileSync(fixture('priority-matrix.dmn')),
    })
    // then
    expect(deployed.deployments).toHaveLength(2)
    const { decision } = deployed.deployments[0]!
    const { decisionRequirements } = deployed.deployments[1] as unknown as {
      decisionRequirements: Record<string, unknown>
    }
    expect(decision).toEqual({
      dmnDecisionId: 'Decision_PriorityMatrix',
      dmnDecisionName: 'Priority from impact and urgency',
      version: 1,
      decisionKey: expect.stringMatching(/^\d+$/) as string,
      dmnDecisionRequirementsId: 'PriorityMatrix_DRG',
      decisionRequirementsKey: decisionRequirements.decisionRequirementsKey,
      tenantId: '<default>',
    })
    expect(decisionRequirements).toMatchObject({
      dmnDecisionRequirementsId: 'PriorityMatrix_DRG',
      dmnDecisionRequirementsName: 'Priority matrix',
      version: 1,
      resourceName: 'priority-matrix.dmn',
      tenantId: '<default>',
    })
  })

  test('evaluateDecision by id and by key answers the output and the matched rule', async () => {
    // given
    const deployed = await zeebe.deployResource({
      decisionFilename: fixture('priority-matrix.dmn'),
    })
    const decisionKey = deployed.deployments[0]!.decision.decisionKey
    // when
    const byId = await zeebe.evaluateDecision({
      decisionId: 'Decision_PriorityMatrix',
      variables: { impact: 'medium', urgency: 'high' },
    })
    const byKey = await zeebe.evaluateDecision({
      decisionKey,
      variables: { impact: 'low', urgency: 'low' },
    })
    // then
    expect(byId.decisionOutput).toBe('"P2"')
    expect(byId.decisionId).toBe('Decision_PriorityMatrix')
    expect(byId.failedDecisionId).toBe('')
    expect(byId.evaluatedDecisions).toEqual([
      {
        decisionKey: byId.decisionKey,
        decisionId: 'Decision_PriorityMatrix',
        decisionName: 'Priority from impact and urgency',
        decisionVersion: byId.decisionVersion,
        decisionType: 'DECISION_TABLE',
        decisionOutput: '"P2"',
        matchedRules: [
          {
            ruleId: 'Rule_MH',
            ruleIndex: 4,
            evaluatedOutputs: [
              { outputId: 'Output_Priority', outputName: 'Priority', outputValue: '"P2"' },
            ],
          },
        ],
        evaluatedInputs: [
          { inputId: 'Input_Impact', inputName: 'Impact', inputValue: '"medium"' },
          { inputId: 'Input_Urgency', inputName: 'Urgency', inputValue: '"high"' },
        ],
        tenantId: '<default>',
      },
    ])
    expect(byKey.decisionKey).toBe(decisionKey)
    expect(byKey.decisionOutput).toBe('"P4"')
    const record = (await t.engine.readRecords({ valueTypes: ['DECISION_EVALUATION'] })).at(-1)
    // the SDK's typings predate `decisionInstanceKey` (field 12 of its zeebe.proto)
    expect(record?.key).toBe(
      (byKey as unknown as { decisionInstanceKey: string }).decisionInstanceKey,
    )
  })

  test('an unknown decision is NOT_FOUND; a failing evaluation is an answer with its failure', async () => {
    // when
    const unknown = await rejection(zeebe.evaluateDecision({ decisionId: 'nope', variables: {} }))
    // then
    expect(unknown.code).toBe(5) // NOT_FOUND
    expect(unknown.message).toContain("Expected to evaluate decision 'nope', but no decision found")
    // given: a decision whose rules overlap (UNIQUE)
    const overlapping = readFileSync(fixture('priority-matrix.dmn'), 'utf8')
      .replace('id="PriorityMatrix_DRG"', 'id="Overlap_DRG"')
      .replace('id="Decision_PriorityMatrix"', 'id="Decision_Overlap"')
      .replace(
        '<text>"low"</text></inputEntry><inputEntry><text>"low"</text>',
        '<text>"low"</text></inputEntry><inputEntry><text>-</text>',
      )
    await zeebe.deployResource({ name: 'overlap.dmn', decision: Buffer.from(overlapping) })
    // when
    const failed = await zeebe.evaluateDecision({
      decisionId: 'Decision_Overlap',
      variables: { impact: 'low', urgency: 'high' },
    })
    // then
    expect(failed.decisionId).toBe('Decision_Overlap')
    expect(failed.failedDecisionId).toBe('Decision_Overlap')
    expect(failed.failureMessage).toMatch(/^Expected to evaluate decision 'Decision_Overlap', but /)
    expect(failed.decisionOutput).toBe('')
  })

  test('a business rule task deployed with its decision sets the priority', async () => {
    // given
    await zeebe.deployResources([
      { processFilename: fixture('priority.bpmn') },
      { decisionFilename: fixture('priority-matrix.dmn') },
    ])
    // when
    const result = await zeebe.createProcessInstanceWithResult({
      bpmnProcessId: 'gw-priority',
      variables: { impact: 'high', urgency: 'high' },
      requestTimeout: 20_000,
    })
    // then
    expect(result.variables).toEqual({ impact: 'high', urgency: 'high', priority: 'P1' })
    const records = await instanceRecords(t.engine, result.processInstanceKey)
    expect(
      records
        .filter((r) => r.valueType === 'PROCESS_INSTANCE' && r.intent === 'ELEMENT_COMPLETED')
        .map((r) => fieldsOf(r).elementId),
    ).toEqual(['start', 'Task_Prioritize', 'end', 'gw-priority'])
    expect(
      records.filter((r) => r.valueType === 'DECISION_EVALUATION').map((r) => r.intent),
    ).toEqual(['EVALUATED'])
  })
})
