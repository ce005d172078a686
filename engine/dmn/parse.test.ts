import { describe, expect, test } from 'vitest'
import { parseDmn } from './parse'
import { definitions, drgOf, literalDecision, tableDecision } from './test-support'

describe('the parsed model', () => {
  test('reads the DRG, decisions, version tag, requirements and table parts', async () => {
    // given
    const xml = definitions(
      `<decision id="Decision_Route" name="Route">
        <extensionElements><zeebe:versionTag value="v2" /></extensionElements>
        <informationRequirement><requiredDecision href="#Decision_Risk"/></informationRequirement>
        <decisionTable id="Table_Route" hitPolicy="COLLECT" aggregation="COUNT">
          <input id="Input_Risk" label="Risk"><inputExpression id="Expr_Risk" typeRef="string"><text>risk</text></inputExpression>
            <inputValues><text>"low","high"</text></inputValues></input>
          <output id="Output_Team" name="team" typeRef="string"><outputValues><text>"a","b"</text></outputValues>
            <defaultOutputEntry><text>"a"</text></defaultOutputEntry></output>
          <annotation name="Why" />
          <rule id="Rule_1"><inputEntry><text>"high"</text></inputEntry><outputEntry><text>"b"</text></outputEntry>
            <annotationEntry><text>risky</text></annotationEntry></rule>
        </decisionTable>
      </decision>
      ${literalDecision('Decision_Risk', '"high"', { variable: 'risk', typeRef: 'string' })}`,
      'Drg_Routing',
    )
    // when
    const drg = await drgOf(xml)
    // then
    expect(drg).toMatchObject({
      id: 'Drg_Routing',
      name: 'Test DRG',
      namespace: 'http://camunda.org/schema/1.0/dmn',
    })
    expect(drg.decisions.map((d) => d.id)).toEqual(['Decision_Route', 'Decision_Risk'])
    expect(drg.decisions[0]).toEqual({
      id: 'Decision_Route',
      name: 'Route',
      versionTag: 'v2',
      resultName: 'Decision_Route',
      resultTypeRef: undefined,
      requiredDecisions: ['Decision_Risk'],
      logic: {
        type: 'DECISION_TABLE',
        id: 'Table_Route',
        hitPolicy: 'COLLECT',
        aggregation: 'COUNT',
        inputs: [
          {
            id: 'Input_Risk',
            label: 'Risk',
            expression: 'risk',
            typeRef: 'string',
            inputValues: '"low","high"',
          },
        ],
        outputs: [
          {
            id: 'Output_Team',
            name: 'team',
            label: undefined,
            typeRef: 'string',
            outputValues: '"a","b"',
            defaultOutputEntry: '"a"',
          },
        ],
        rules: [
          {
            id: 'Rule_1',
            index: 1,
            inputEntries: ['"high"'],
            outputEntries: ['"b"'],
            annotations: ['risky'],
          },
        ],
        annotationNames: ['Why'],
      },
    })
    expect(drg.decisions[1]).toMatchObject({
      resultName: 'risk',
      resultTypeRef: 'string',
      logic: { type: 'LITERAL_EXPRESSION', expression: '"high"' },
    })
  })

  test('a table without hit policy is UNIQUE', async () => {
    // when
    const drg = await drgOf(
      definitions(tableDecision({ inputs: ['x'], outputs: ['o'], rules: [['1', '2']] })),
    )
    // then
    expect(drg.decisions[0]!.logic).toMatchObject({ hitPolicy: 'UNIQUE', aggregation: undefined })
  })
})

describe('validation', () => {
  test.each([
    [
      'unparsable XML',
      '<definitions',
      'Failed to parse DMN: unparsable content <definitions detected',
    ],
    [
      'not DMN',
      '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"/>',
      'Failed to parse DMN:',
    ],
    [
      'duplicate ids',
      definitions(literalDecision('A', '1') + literalDecision('A', '2')),
      "Failed to parse DMN: the id 'A' is used more than once",
    ],
    [
      'a decision without logic',
      definitions('<decision id="Empty" name="Empty"/>'),
      "unsupported decision expression 'null' (decision 'Empty' has no decision logic)",
    ],
    [
      'an unsupported logic kind',
      definitions('<decision id="Ctx"><context id="C1"/></decision>'),
      "unsupported decision expression 'Context' in decision 'Ctx'",
    ],
    [
      'an unknown required decision',
      definitions(literalDecision('A', '1', { requires: ['Missing'] })),
      "the decision 'A' requires the decision 'Missing', but no decision with this id exists",
    ],
    [
      'a cycle of required decisions',
      definitions(
        literalDecision('A', 'b', { requires: ['B'] }) +
          literalDecision('B', 'c', { requires: ['C'] }) +
          literalDecision('C', 'a', { requires: ['A'] }),
      ),
      'Invalid DMN model: Cyclic dependencies between decisions detected.',
    ],
    [
      'a decision requiring itself',
      definitions(literalDecision('A', '1', { requires: ['A'] })),
      'Invalid DMN model: Cyclic dependencies between decisions detected.',
    ],
    [
      'an unparsable literal expression',
      definitions(literalDecision('A', '1 +')),
      "FEEL expression: failed to parse expression '1 +'",
    ],
    [
      'an unparsable input expression',
      definitions(tableDecision({ inputs: ['a >'], outputs: ['o'], rules: [] })),
      "FEEL expression: failed to parse expression 'a >'",
    ],
    [
      'an unparsable input entry',
      definitions(tableDecision({ inputs: ['a'], outputs: ['o'], rules: [['> 10L', '1']] })),
      "FEEL unary-tests: failed to parse expression '> 10L'",
    ],
    [
      'an unparsable output entry',
      definitions(tableDecision({ inputs: ['a'], outputs: ['o'], rules: [['-', '"open']] })),
      `FEEL expression: failed to parse expression '"open'`,
    ],
    [
      'an empty output entry',
      definitions(tableDecision({ inputs: ['a'], outputs: ['o'], rules: [['-', '']] })),
      "FEEL expression: failed to parse expression ''",
    ],
    [
      'an unparsable default output entry',
      definitions(
        tableDecision({ inputs: ['a'], outputs: [{ name: 'o', default: '1 +' }], rules: [] }),
      ),
      "FEEL expression: failed to parse expression '1 +'",
    ],
    [
      'a compound output without names',
      definitions(
        '<decision id="D"><decisionTable><input id="I"><inputExpression><text>a</text></inputExpression></input><output id="O1" label="First"/><output id="O2" name="second"/></decisionTable></decision>',
      ),
      'no output name defined for `First`',
    ],
    [
      'COLLECT with aggregation over a compound output',
      definitions(
        tableDecision({
          hitPolicy: 'COLLECT',
          aggregation: 'SUM',
          inputs: ['a'],
          outputs: ['x', 'y'],
          rules: [],
        }),
      ),
      "hit policy 'COLLECT' with aggregator is not defined for compound output",
    ],
    [
      'a rule with missing entries',
      definitions(tableDecision({ inputs: ['a', 'b'], outputs: ['o'], rules: [['1', '2']] })),
      "Expected the rule 'Decision_1_Rule1' to have 2 input and 1 output entries, but it has 2 and 0",
    ],
    [
      'a business knowledge model requirement',
      definitions(
        '<decision id="D"><knowledgeRequirement><requiredKnowledge href="#Bkm"/></knowledgeRequirement><literalExpression><text>1</text></literalExpression></decision><businessKnowledgeModel id="Bkm"/>',
      ),
      "unsupported knowledge requirement 'Bkm' in decision 'D'",
    ],
  ])('refuses %s', async (_what, xml, message) => {
    // when
    const parsed = await parseDmn(xml)
    // then
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.message).toContain(message)
  })

  test('reports every failure of a resource, one per line', async () => {
    // given
    const xml = definitions(literalDecision('A', '1 +') + literalDecision('B', '2 *'))
    // when
    const parsed = await parseDmn(xml)
    // then
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.message.split('\n')).toHaveLength(2)
  })

  test('accepts the empty and `-` input entries and FEEL expression languages', async () => {
    // given
    const xml = definitions(
      `<decision id="D"><decisionTable><input id="I"><inputExpression expressionLanguage="https://www.omg.org/spec/DMN/20191111/FEEL/"><text>a</text></inputExpression></input>
        <output id="O" name="o"/><rule id="R1"><inputEntry><text></text></inputEntry><outputEntry expressionLanguage="feel"><text>1</text></outputEntry></rule>
        <rule id="R2"><inputEntry><text>-</text></inputEntry><outputEntry><text>2</text></outputEntry></rule></decisionTable></decision>`,
    )
    // when
    const parsed = await parseDmn(xml)
    // then
    expect(parsed.ok).toBe(true)
  })
})
