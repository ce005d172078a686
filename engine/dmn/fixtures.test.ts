/**
 * Public DMN models (camunda/dmn-scala test resources, Apache-2.0; see fixtures/README.md),
 * evaluated with results worked out from the tables by hand.
 */
import { describe, expect, test } from 'vitest'
import { evaluateDecision } from './evaluate'
import { parseDmn } from './parse'
import { drgOf, fixture, outputOf } from './test-support'

async function run(file: string, decisionId: string, variables: Record<string, unknown>) {
  return evaluateDecision(await drgOf(fixture(file)), decisionId, variables)
}

describe('public DMN models', () => {
  test.each([
    // [file, decision, variables, expected output]
    ['discount.dmn', 'discount', { customer: 'Business', orderSize: 7 }, 0.1],
    ['discount.dmn', 'discount', { customer: 'Business', orderSize: 15 }, 0.15],
    ['discount.dmn', 'discount', { customer: 'Private', orderSize: 100 }, 0.05],
    ['discount.dmn', 'discount', { customer: 'Public', orderSize: 1 }, null],
    [
      'adjustments.dmn',
      'adjustments',
      { customer: 'Business', orderSize: 7 },
      { discount: 0.1, shipping: 'Air' },
    ],
    [
      'adjustments_default-output.dmn',
      'adjustments',
      { customer: 'Public', orderSize: 7 },
      { discount: 0.05, shipping: 'Ground' },
    ],
    [
      'applicantRiskRating.dmn',
      'applicantRiskRating',
      { applicantAge: 65, medicalHistory: 'bad' },
      'High',
    ],
    [
      'applicantRiskRating.dmn',
      'applicantRiskRating',
      { applicantAge: 30, medicalHistory: 'bad' },
      'Medium',
    ],
    [
      'applicantRiskRating.dmn',
      'applicantRiskRating',
      { applicantAge: 20, medicalHistory: 'good' },
      'Low',
    ],
    [
      'applicantRiskRating_priority.dmn',
      'applicantRiskRating',
      { applicantAge: 65, medicalHistory: 'bad' },
      'High',
    ],
    [
      'applicantRiskRating_priority.dmn',
      'applicantRiskRating',
      { applicantAge: 30, medicalHistory: 'good' },
      'Medium',
    ],
    [
      'applicantRiskRating_priority.dmn',
      'applicantRiskRating',
      { applicantAge: 20, medicalHistory: 'good' },
      'Low',
    ],
    ['discount_collect_max.dmn', 'discount', { customer: 'Business', orderSize: 15 }, 0.15],
    ['discount_collect_max.dmn', 'discount', { customer: 'Private', orderSize: 20 }, 0.06],
    ['holidays_collect.dmn', 'holidays', { age: 58, yearsOfService: 31 }, [22, 3, 5]],
    ['holidays_collect.dmn', 'holidays', { age: 50, yearsOfService: 20 }, [22, 2, 2]],
    ['holidays_collect_sum.dmn', 'holidays', { age: 16, yearsOfService: 1 }, 27],
    ['holidays_collect_sum.dmn', 'holidays', { age: 65, yearsOfService: 35 }, 38],
    ['holidays_collect_sum.dmn', 'holidays', { age: 30, yearsOfService: 20 }, 24],
    ['holidays_output_order.dmn', 'holidays', { age: 58, yearsOfService: 31 }, [22, 5, 3]],
    ['insuranceFee.dmn', 'insuranceFee', { years: 12 }, 150],
    ['insuranceFee.dmn', 'insuranceFee', { years: 1 }, 200],
    ['greeting.dmn', 'greeting', { name: 'John' }, 'Hello John'],
    ['non-cyclic-nested-dependencies-in-decisions.dmn', 'C', {}, [1, 2]],
  ])('%s: %s with %j gives %j', async (file, decisionId, variables, expected) => {
    // when
    const result = await run(file, decisionId, variables)
    // then
    expect(outputOf(result)).toEqual(expected)
  })

  test('routing rules (OUTPUT ORDER) sort compound outputs by each output in turn', async () => {
    // when
    const all = await run('routingRules.dmn', 'routingRules', {
      age: 16,
      riskCategory: 'HIGH',
      deptReview: true,
    })
    // then: DECLINE before REFER before ACCEPT; among REFER, LEVEL 2 before LEVEL 1
    expect(outputOf(all)).toEqual([
      { routing: 'DECLINE', reviewLevel: 'NONE', reason: 'Applicant too young' },
      { routing: 'REFER', reviewLevel: 'LEVEL 2', reason: 'Applicant under dept review' },
      { routing: 'REFER', reviewLevel: 'LEVEL 1', reason: 'High risk application' },
      { routing: 'ACCEPT', reviewLevel: 'NONE', reason: 'Acceptable' },
    ])
  })

  test('discount fails for an order size of 9, where two UNIQUE rules overlap', async () => {
    // when
    const result = await run('discount.dmn', 'discount', { customer: 'Business', orderSize: 9 })
    // then
    expect(result).toMatchObject({ failed: true, failedDecisionId: 'discount' })
    if (result.failed) {
      expect(result.evaluationFailureMessage).toContain(
        "multiple values aren't allowed for UNIQUE hit policy",
      )
    }
  })

  test.each(['11', '12', '13', '14', '15'])('reads DMN 1.%s', async (v) => {
    // when
    const result = await run(`greeting-dmn${v}.dmn`, 'greeting', { name: 'Zeebe' })
    // then
    expect(outputOf(result)).toBe('Hello Zeebe')
  })

  test.each([
    [
      'cyclic-dependencies-in-decisions.dmn',
      'Invalid DMN model: Cyclic dependencies between decisions detected.',
    ],
    ['invalid-expression.dmn', "FEEL unary-tests: failed to parse expression '> 10L'"],
    ['expression-language.dmn', "Expression language 'groovy' is not supported"],
    ['empty-expression.dmn', "The expression 'inputExpression1' must not be empty."],
    ['adjustments_empty_output_name.dmn', 'no output name defined for `Discount`'],
  ])('refuses %s', async (file, message) => {
    // when
    const parsed = await parseDmn(fixture(file))
    // then
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.message).toContain(message)
  })
})
