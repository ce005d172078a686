/**
 * The shape of the product's priority matrix (ISO/IEC 20000-1 8.1: incidents are prioritized
 * by impact and urgency): impact × urgency → P1..P4 under UNIQUE, one rule per cell.
 */
import { expect, test } from 'vitest'
import { evaluateDecision } from './evaluate'
import { definitions, drgOf, outputOf, tableDecision } from './test-support'

const matrix = tableDecision({
  id: 'Decision_PriorityMatrix',
  hitPolicy: 'UNIQUE',
  inputs: ['impact', 'urgency'],
  outputs: [{ name: 'priority', values: '"P1","P2","P3","P4"' }],
  rules: [
    ['"high"', '"high"', '"P1"'],
    ['"high"', '"medium"', '"P2"'],
    ['"high"', '"low"', '"P3"'],
    ['"medium"', '"high"', '"P2"'],
    ['"medium"', '"medium"', '"P3"'],
    ['"medium"', '"low"', '"P4"'],
    ['"low"', '"high"', '"P3"'],
    ['"low"', '"medium"', '"P4"'],
    ['"low"', '"low"', '"P4"'],
  ],
})

test.each([
  ['high', 'high', 'P1', 1],
  ['high', 'medium', 'P2', 2],
  ['high', 'low', 'P3', 3],
  ['medium', 'high', 'P2', 4],
  ['medium', 'medium', 'P3', 5],
  ['medium', 'low', 'P4', 6],
  ['low', 'high', 'P3', 7],
  ['low', 'medium', 'P4', 8],
  ['low', 'low', 'P4', 9],
])('impact %s and urgency %s give %s (rule %i)', async (impact, urgency, priority, rule) => {
  // given
  const drg = await drgOf(definitions(matrix))
  // when
  const result = evaluateDecision(drg, 'Decision_PriorityMatrix', { impact, urgency })
  // then
  expect(outputOf(result)).toBe(priority)
  expect(result.evaluatedDecisions[0]!.matchedRules).toEqual([
    {
      ruleId: `Decision_PriorityMatrix_Rule${rule}`,
      ruleIndex: rule,
      evaluatedOutputs: [
        {
          outputId: 'Decision_PriorityMatrix_Out1',
          outputName: 'priority',
          outputValue: `"${priority}"`,
        },
      ],
    },
  ])
})

test('an impact outside the matrix matches no rule and gives null', async () => {
  // given
  const drg = await drgOf(definitions(matrix))
  // when
  const result = evaluateDecision(drg, 'Decision_PriorityMatrix', {
    impact: 'critical',
    urgency: 'high',
  })
  // then
  expect(outputOf(result)).toBeNull()
})
