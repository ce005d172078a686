import { describe, expect, test } from 'vitest'
import { evaluateDecision } from './evaluate'
import { decisionEvaluationRecord } from './records'
import type { StoredDecision } from './registry'
import {
  definitions,
  drgOf,
  fixture,
  literalDecision,
  outputOf,
  tableDecision,
} from './test-support'

/** Change classification: risk (table) from impact and a required "is large" literal. */
const changeDrg = definitions(
  literalDecision('Decision_IsLarge', 'affectedServices > 3', {
    variable: 'isLarge',
    typeRef: 'boolean',
  }) +
    tableDecision({
      id: 'Decision_Risk',
      hitPolicy: 'FIRST',
      inputs: ['isLarge', 'impact'],
      outputs: ['risk'],
      rules: [
        ['true', '-', '"high"'],
        ['-', '"high"', '"high"'],
        ['-', '-', '"low"'],
      ],
      requires: ['Decision_IsLarge'],
    }) +
    literalDecision(
      'Decision_ChangeClass',
      'if Decision_Risk = "high" then "normal" else "standard"',
      {
        requires: ['Decision_Risk'],
      },
    ),
  'Drg_Change',
)

describe('required decisions', () => {
  test('a chain evaluates the required decisions first and binds each result by its name', async () => {
    // given
    const drg = await drgOf(changeDrg)
    // when
    const result = evaluateDecision(drg, 'Decision_ChangeClass', {
      affectedServices: 5,
      impact: 'low',
    })
    // then
    expect(outputOf(result)).toBe('normal')
    expect(result.evaluatedDecisions.map((d) => [d.decisionId, d.decisionOutput])).toEqual([
      ['Decision_IsLarge', 'true'],
      ['Decision_Risk', '"high"'],
      ['Decision_ChangeClass', '"normal"'],
    ])
  })

  test('a required decision shared by two others is evaluated for each (as dmn-scala does)', async () => {
    // given: C requires A and B, B requires A
    const drg = await drgOf(fixture('non-cyclic-nested-dependencies-in-decisions.dmn'))
    // when
    const result = evaluateDecision(drg, 'C', {})
    // then
    expect(result.evaluatedDecisions.map((d) => d.decisionId)).toEqual(['A', 'A', 'B', 'C'])
  })

  test('a failing required decision fails the evaluation and is named as the failed one', async () => {
    // given
    const drg = await drgOf(
      definitions(
        literalDecision('Decision_Broken', 'services', { variable: 'count', typeRef: 'number' }) +
          literalDecision('Decision_Top', 'count + 1', { requires: ['Decision_Broken'] }),
      ),
    )
    // when
    const result = evaluateDecision(drg, 'Decision_Top', { services: 'many' })
    // then: the type check failed after the decision was evaluated, so its output is listed
    expect(result).toMatchObject({
      failed: true,
      failedDecisionId: 'Decision_Broken',
      evaluationFailureMessage:
        "Expected to evaluate decision 'Decision_Top', but expected 'number' but found 'ValString(many)'",
    })
    expect(result.evaluatedDecisions.map((d) => [d.decisionId, d.decisionOutput])).toEqual([
      ['Decision_Broken', '"many"'],
    ])
  })
})

describe('literal expressions', () => {
  test('evaluate FEEL over the variables', async () => {
    // given
    const drg = await drgOf(
      definitions(
        literalDecision('Decision_Due', 'date(opened) + duration("P" + string(days) + "D")'),
      ),
    )
    // when
    const result = evaluateDecision(drg, 'Decision_Due', { opened: '2024-02-27', days: 3 })
    // then
    expect(outputOf(result)).toBe('2024-03-01')
    expect(result.evaluatedDecisions[0]).toEqual({
      decisionId: 'Decision_Due',
      decisionName: 'Decision_Due name',
      decisionType: 'LITERAL_EXPRESSION',
      decisionOutput: '"2024-03-01"',
      evaluatedInputs: [],
      matchedRules: [],
    })
  })

  test('a result that does not fit the variable type fails (null passes)', async () => {
    // given
    const drg = await drgOf(
      definitions(literalDecision('Decision_Name', 'x', { variable: 'name', typeRef: 'string' })),
    )
    // when
    const wrong = evaluateDecision(drg, 'Decision_Name', { x: 3 })
    const missing = evaluateDecision(drg, 'Decision_Name', {})
    // then
    expect(wrong).toMatchObject({
      failed: true,
      failedDecisionId: 'Decision_Name',
      evaluationFailureMessage:
        "Expected to evaluate decision 'Decision_Name', but expected 'string' but found 'ValNumber(3)'",
    })
    expect(outputOf(missing)).toBeNull()
  })

  test('an unknown decision id is a failure naming it', async () => {
    // given
    const drg = await drgOf(definitions(literalDecision('A', '1')))
    // when
    const result = evaluateDecision(drg, 'Nope', {})
    // then
    expect(result).toEqual({
      failed: true,
      decisionId: 'Nope',
      failedDecisionId: 'Nope',
      evaluationFailureMessage:
        "Expected to evaluate decision 'Nope', but no decision found with id 'Nope'",
      evaluatedDecisions: [],
    })
  })
})

describe('the DECISION_EVALUATION record', () => {
  const stored = (decisionId: string, decisionKey: number, version: number): StoredDecision => ({
    decisionKey,
    decisionId,
    decisionName: `${decisionId} name`,
    version,
    decisionRequirementsId: 'Drg_Change',
    decisionRequirementsKey: 100,
    tenantId: '<default>',
    deploymentKey: 99,
  })
  const decisionsOfDrg = [
    stored('Decision_IsLarge', 101, 2),
    stored('Decision_Risk', 102, 2),
    stored('Decision_ChangeClass', 103, 2),
  ]

  test('is EVALUATED with every decision evaluated, its inputs and matched rules', async () => {
    // given
    const drg = await drgOf(changeDrg)
    const variables = { affectedServices: 1, impact: 'high' }
    const evaluation = evaluateDecision(drg, 'Decision_ChangeClass', variables)
    // when
    const record = decisionEvaluationRecord(evaluation, {
      decision: decisionsOfDrg[2]!,
      decisionsOfDrg,
      evaluationKey: 500,
      variables,
      scope: {
        bpmnProcessId: 'change',
        processDefinitionKey: 1,
        processInstanceKey: 2,
        elementId: 'Task_Classify',
        elementInstanceKey: 3,
      },
    })
    // then
    expect(record).toEqual({
      intent: 'EVALUATED',
      value: {
        decisionKey: 103,
        decisionId: 'Decision_ChangeClass',
        decisionName: 'Decision_ChangeClass name',
        decisionVersion: 2,
        decisionRequirementsId: 'Drg_Change',
        decisionRequirementsKey: 100,
        decisionOutput: '"normal"',
        variables,
        bpmnProcessId: 'change',
        processDefinitionKey: 1,
        processInstanceKey: 2,
        elementId: 'Task_Classify',
        elementInstanceKey: 3,
        evaluatedDecisions: [
          {
            decisionId: 'Decision_IsLarge',
            decisionEvaluationInstanceKey: '500-1',
            decisionName: 'Decision_IsLarge name',
            decisionKey: 101,
            decisionVersion: 2,
            decisionType: 'LITERAL_EXPRESSION',
            decisionOutput: 'false',
            evaluatedInputs: [],
            matchedRules: [],
            tenantId: '<default>',
          },
          {
            decisionId: 'Decision_Risk',
            decisionEvaluationInstanceKey: '500-2',
            decisionName: 'Decision_Risk name',
            decisionKey: 102,
            decisionVersion: 2,
            decisionType: 'DECISION_TABLE',
            decisionOutput: '"high"',
            evaluatedInputs: [
              { inputId: 'Decision_Risk_In1', inputName: 'In 1', inputValue: 'false' },
              { inputId: 'Decision_Risk_In2', inputName: 'In 2', inputValue: '"high"' },
            ],
            matchedRules: [
              {
                ruleId: 'Decision_Risk_Rule2',
                ruleIndex: 2,
                evaluatedOutputs: [
                  { outputId: 'Decision_Risk_Out1', outputName: 'risk', outputValue: '"high"' },
                ],
              },
            ],
            tenantId: '<default>',
          },
          {
            decisionId: 'Decision_ChangeClass',
            decisionEvaluationInstanceKey: '500-3',
            decisionName: 'Decision_ChangeClass name',
            decisionKey: 103,
            decisionVersion: 2,
            decisionType: 'LITERAL_EXPRESSION',
            decisionOutput: '"normal"',
            evaluatedInputs: [],
            matchedRules: [],
            tenantId: '<default>',
          },
        ],
        evaluationFailureMessage: '',
        failedDecisionId: '',
        tenantId: '<default>',
      },
    })
  })

  test('is FAILED with the failure, the failed decision and no output (EvaluateDecision: no scope)', async () => {
    // given
    const drg = await drgOf(
      definitions(
        literalDecision('Decision_IsLarge', 'services', {
          variable: 'isLarge',
          typeRef: 'boolean',
        }) + literalDecision('Decision_ChangeClass', 'isLarge', { requires: ['Decision_IsLarge'] }),
      ),
    )
    const evaluation = evaluateDecision(drg, 'Decision_ChangeClass', { services: 'many' })
    // when
    const record = decisionEvaluationRecord(evaluation, {
      decision: decisionsOfDrg[2]!,
      decisionsOfDrg,
      evaluationKey: 7,
      variables: {},
    })
    // then
    expect(record.intent).toBe('FAILED')
    expect(record.value).toMatchObject({
      decisionOutput: 'null',
      bpmnProcessId: '',
      processInstanceKey: -1,
      elementInstanceKey: -1,
      failedDecisionId: 'Decision_IsLarge',
      evaluationFailureMessage:
        "Expected to evaluate decision 'Decision_ChangeClass', but expected 'boolean' but found 'ValString(many)'",
    })
    expect(record.value.evaluatedDecisions.map((d) => d.decisionId)).toEqual(['Decision_IsLarge'])
  })
})
