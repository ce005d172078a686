import { describe, expect, test } from 'vitest'
import { evaluateTable, outputOf, type TableSpec } from './test-support'

/** Score → grade; rules overlap at 50..60 so that multi-hit policies have something to do. */
const grades = (hitPolicy: string, aggregation?: string): TableSpec => ({
  hitPolicy,
  aggregation,
  inputs: ['score'],
  outputs: [{ name: 'points', values: '30, 20, 10' }],
  rules: [
    ['>= 50', '10'],
    ['[40..60]', '20'],
    ['> 55', '30'],
  ],
})

describe('hit policies', () => {
  test.each([
    // [hit policy, aggregation, score, expected]
    ['UNIQUE', undefined, 45, 20],
    ['UNIQUE', undefined, 10, null],
    ['FIRST', undefined, 58, 10],
    ['FIRST', undefined, 10, null],
    ['PRIORITY', undefined, 58, 30], // 10, 20, 30 matched; 30 ranks first in "30, 20, 10"
    ['PRIORITY', undefined, 52, 20],
    ['PRIORITY', undefined, 10, null],
    ['COLLECT', undefined, 58, [10, 20, 30]],
    ['COLLECT', undefined, 10, null],
    ['COLLECT', 'SUM', 58, 60],
    ['COLLECT', 'MIN', 58, 10],
    ['COLLECT', 'MAX', 58, 30],
    ['COLLECT', 'COUNT', 58, 3],
    ['COLLECT', 'COUNT', 10, null], // dmn-scala: no match is null for every policy
    ['RULE ORDER', undefined, 58, [10, 20, 30]],
    ['RULE ORDER', undefined, 10, null],
    ['OUTPUT ORDER', undefined, 58, [30, 20, 10]],
    ['OUTPUT ORDER', undefined, 52, [20, 10]],
  ])('%s %s with score %i gives %j', async (hitPolicy, aggregation, score, expected) => {
    // when
    const result = await evaluateTable(grades(hitPolicy, aggregation), { score })
    // then
    expect(outputOf(result)).toEqual(expected)
  })

  test('UNIQUE fails when more than one rule matches, naming the values found', async () => {
    // when
    const result = await evaluateTable(grades('UNIQUE'), { score: 58 })
    // then
    expect(result).toMatchObject({
      failed: true,
      failedDecisionId: 'Decision_1',
      evaluationFailureMessage:
        "Expected to evaluate decision 'Decision_1', but multiple values aren't allowed for UNIQUE hit policy. found: 'List(Map(points -> ValNumber(10)), Map(points -> ValNumber(20)), Map(points -> ValNumber(30)))'",
    })
    expect(result.evaluatedDecisions[0]!.matchedRules.map((r) => r.ruleIndex)).toEqual([1, 2, 3])
  })

  test('ANY gives the common output when all matches agree, fails when they differ', async () => {
    // given
    const spec: TableSpec = {
      hitPolicy: 'ANY',
      inputs: ['age'],
      outputs: ['adult'],
      rules: [
        ['>= 18', 'true'],
        ['>= 21', 'true'],
        ['>= 65', '"senior"'],
      ],
    }
    // when
    const agree = await evaluateTable(spec, { age: 30 })
    const differ = await evaluateTable(spec, { age: 70 })
    const none = await evaluateTable(spec, { age: 3 })
    // then
    expect(outputOf(agree)).toBe(true)
    expect(agree.evaluatedDecisions[0]!.matchedRules).toHaveLength(2)
    expect(outputOf(none)).toBeNull()
    expect(differ).toMatchObject({
      failed: true,
      evaluationFailureMessage:
        "Expected to evaluate decision 'Decision_1', but different values aren't allowed for ANY hit policy. found: 'List(Map(adult -> ValBoolean(true)), Map(adult -> ValString(senior)))'",
    })
  })

  test('COLLECT SUM fails on a value that is not a number', async () => {
    // when
    const result = await evaluateTable(
      {
        hitPolicy: 'COLLECT',
        aggregation: 'SUM',
        inputs: ['x'],
        outputs: ['o'],
        rules: [['-', '"a"']],
      },
      { x: 1 },
    )
    // then
    expect(result).toMatchObject({
      failed: true,
      evaluationFailureMessage:
        "Expected to evaluate decision 'Decision_1', but expected number but found 'ValString(a)'",
    })
  })

  test('COLLECT SUM adds decimals exactly, as FEEL numbers do', async () => {
    // when
    const result = await evaluateTable(
      {
        hitPolicy: 'COLLECT',
        aggregation: 'SUM',
        inputs: ['x'],
        outputs: ['o'],
        rules: [
          ['-', '0.1'],
          ['-', '0.2'],
        ],
      },
      { x: 1 },
    )
    // then
    expect(outputOf(result)).toBe(0.3)
  })
})

describe('outputs', () => {
  const shipping: TableSpec = {
    hitPolicy: 'COLLECT',
    inputs: ['weight'],
    outputs: [
      { name: 'carrier', default: '"post"' },
      { name: 'days', default: '5' },
    ],
    rules: [
      ['< 2', '"courier"', '1'],
      ['< 10', '"freight"', '3'],
    ],
  }

  test('several outputs make a context per rule', async () => {
    // when
    const result = await evaluateTable(shipping, { weight: 1 })
    // then
    expect(outputOf(result)).toEqual([
      { carrier: 'courier', days: 1 },
      { carrier: 'freight', days: 3 },
    ])
  })

  test('without a match the default output entries make the result', async () => {
    // when
    const result = await evaluateTable(shipping, { weight: 50 })
    // then
    expect(outputOf(result)).toEqual({ carrier: 'post', days: 5 })
    expect(result.evaluatedDecisions[0]!.matchedRules).toEqual([])
  })

  test('a single output with a default gives the default value itself', async () => {
    // when
    const result = await evaluateTable(
      { inputs: ['x'], outputs: [{ name: 'o', default: '"none"' }], rules: [['1', '"one"']] },
      { x: 2 },
    )
    // then
    expect(outputOf(result)).toBe('none')
  })

  test('output entries are FEEL expressions over the variables', async () => {
    // when
    const result = await evaluateTable(
      { inputs: ['amount'], outputs: ['fee'], rules: [['> 0', 'amount * 0.02 + base']] },
      { amount: 1000, base: 5 },
    )
    // then
    expect(outputOf(result)).toBe(25)
  })
})

describe('unary tests', () => {
  test.each([
    // [input entry, input value, matches]
    ['"gold"', 'gold', true],
    ['"gold"', 'silver', false],
    ['"gold","silver"', 'silver', true],
    ['not("gold","silver")', 'bronze', true],
    ['not("gold","silver")', 'gold', false],
    ['< 10', 9, true],
    ['< 10', 10, false],
    ['<= 10', 10, true],
    ['[1..10]', 10, true],
    ['[1..10)', 10, false],
    ['(1..10]', 1, false],
    [']1..10]', 1, false],
    ['> 5, < 0', -1, true],
    ['-', 'anything', true],
    ['', null, true],
    ['null', null, true],
    ['< 10', null, false],
    ['? > limit', 12, true],
    ['? > limit', 8, false],
    ['contains(?, "urgent")', 'very urgent', true],
    ['limit', 10, true], // a plain expression is compared with the input
    ['true', true, true],
    ['[date("2024-01-01")..date("2024-12-31")]', '2024-06-30', true],
    ['< date("2024-01-01")', '2024-06-30', false],
  ])('%s against %j is %s', async (entry, value, expected) => {
    // given: the input is `date(v)` for date entries, else the variable itself
    const dated = entry.includes('date(')
    const spec: TableSpec = {
      inputs: [dated ? 'date(v)' : 'v'],
      outputs: ['hit'],
      rules: [[entry, 'true']],
    }
    // when
    const result = await evaluateTable(spec, { v: value, limit: 10 })
    // then
    expect(outputOf(result)).toBe(expected ? true : null)
  })

  test('durations compare in input entries and the input is recorded as ISO text', async () => {
    // given
    const spec: TableSpec = {
      hitPolicy: 'FIRST',
      inputs: ['date(due) - date(opened)'],
      outputs: ['breach'],
      rules: [
        ['> duration("P5D")', '"late"'],
        ['<= duration("P5D")', '"on time"'],
      ],
    }
    // when
    const late = await evaluateTable(spec, { opened: '2024-03-01', due: '2024-03-08' })
    const onTime = await evaluateTable(spec, { opened: '2024-03-01', due: '2024-03-04' })
    // then
    expect(outputOf(late)).toBe('late')
    expect(outputOf(onTime)).toBe('on time')
    expect(late.evaluatedDecisions[0]!.evaluatedInputs[0]!.inputValue).toBe('"P7D"')
  })

  test('a date output is written as ISO text', async () => {
    // when
    const result = await evaluateTable(
      { inputs: ['x'], outputs: ['due'], rules: [['-', 'date("2024-01-31") + duration("P1M")']] },
      { x: 1 },
    )
    // then
    expect(outputOf(result)).toBe('2024-02-29')
    expect(result.evaluatedDecisions[0]!.decisionOutput).toBe('"2024-02-29"')
  })

  test('inputs with allowed input values still test the input itself as `?`', async () => {
    // given: inputValues restrict the column in the Modeler; evaluation tests `?` (as Zeebe)
    const xmlSpec: TableSpec = {
      inputs: ['category'],
      inputValues: ['"network","hardware","software"'],
      outputs: ['team'],
      rules: [
        ['"network","hardware"', '"infrastructure"'],
        ['"software"', '"applications"'],
      ],
    }
    // when
    const result = await evaluateTable(xmlSpec, { category: 'hardware' })
    // then
    expect(outputOf(result)).toBe('infrastructure')
  })
})
