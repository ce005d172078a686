/** Helpers for the DMN tests: DMN 1.3 documents written inline, parsed and evaluated. */
import { readFileSync } from 'node:fs'
import { expect } from 'vitest'
import { evaluateDecision, type DecisionEvaluation } from './evaluate'
import type { DecisionRequirementsGraph } from './model'
import { parseDmn } from './parse'
import { bpmn, chain } from '../test-support'

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** A DMN 1.3 document around `body` (decisions). */
export function definitions(body: string, id = 'Definitions_1'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="${id}" name="Test DRG" namespace="http://camunda.org/schema/1.0/dmn">
${body}
</definitions>`
}

/** A decision table written as data: inputs (expressions), outputs (names), rules (cells). */
export interface TableSpec {
  id?: string
  hitPolicy?: string
  aggregation?: string
  inputs: string[]
  /** Output names; `{ name, values?, default? }` for output values or a default entry. */
  outputs: (string | { name: string; values?: string; default?: string })[]
  /** Each rule: input entries then output entries. */
  rules: string[][]
  requires?: string[]
  /** `inputValues` text per input ('' for none). */
  inputValues?: string[]
}

export function tableDecision(spec: TableSpec): string {
  const id = spec.id ?? 'Decision_1'
  const attrs = [
    spec.hitPolicy ? ` hitPolicy="${spec.hitPolicy}"` : '',
    spec.aggregation ? ` aggregation="${spec.aggregation}"` : '',
  ].join('')
  const inputs = spec.inputs
    .map(
      (e, i) =>
        `<input id="${id}_In${i + 1}" label="In ${i + 1}"><inputExpression id="${id}_InExpr${i + 1}"><text>${esc(e)}</text></inputExpression>${spec.inputValues?.[i] ? `<inputValues><text>${esc(spec.inputValues[i])}</text></inputValues>` : ''}</input>`,
    )
    .join('')
  const outputs = spec.outputs
    .map((o, i) => {
      const out = typeof o === 'string' ? { name: o } : o
      const values = out.values
        ? `<outputValues><text>${esc(out.values)}</text></outputValues>`
        : ''
      const def = out.default
        ? `<defaultOutputEntry><text>${esc(out.default)}</text></defaultOutputEntry>`
        : ''
      return `<output id="${id}_Out${i + 1}" name="${out.name}">${values}${def}</output>`
    })
    .join('')
  const rules = spec.rules
    .map((cells, r) => {
      const entries = cells
        .map((c, i) =>
          i < spec.inputs.length
            ? `<inputEntry><text>${esc(c)}</text></inputEntry>`
            : `<outputEntry><text>${esc(c)}</text></outputEntry>`,
        )
        .join('')
      return `<rule id="${id}_Rule${r + 1}">${entries}</rule>`
    })
    .join('')
  const requires = (spec.requires ?? [])
    .map((r) => `<informationRequirement><requiredDecision href="#${r}"/></informationRequirement>`)
    .join('')
  return `<decision id="${id}" name="${id} name">${requires}<decisionTable id="${id}_Table"${attrs}>${inputs}${outputs}${rules}</decisionTable></decision>`
}

/** A literal expression decision. */
export function literalDecision(
  id: string,
  expression: string,
  options: { variable?: string; typeRef?: string; requires?: string[] } = {},
): string {
  const variable = options.variable
    ? `<variable id="${id}_Var" name="${options.variable}"${options.typeRef ? ` typeRef="${options.typeRef}"` : ''}/>`
    : ''
  const requires = (options.requires ?? [])
    .map((r) => `<informationRequirement><requiredDecision href="#${r}"/></informationRequirement>`)
    .join('')
  return `<decision id="${id}" name="${id} name">${variable}${requires}<literalExpression id="${id}_Expr"><text>${esc(expression)}</text></literalExpression></decision>`
}

/** Parses a document that must be valid. */
export async function drgOf(xml: string): Promise<DecisionRequirementsGraph> {
  const parsed = await parseDmn(xml)
  if (!parsed.ok) throw new Error(parsed.message)
  return parsed.drg
}

/** Reads a fixture of engine/dmn/fixtures. */
export function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')
}

/** The output of a successful evaluation (fails the test otherwise). */
export function outputOf(evaluation: DecisionEvaluation): unknown {
  if (evaluation.failed) expect.fail(evaluation.evaluationFailureMessage)
  return evaluation.output
}

/** Parses one table decision and evaluates it with `variables`. */
export async function evaluateTable(
  spec: TableSpec,
  variables: Record<string, unknown>,
): Promise<DecisionEvaluation> {
  return evaluateDecision(
    await drgOf(definitions(tableDecision(spec))),
    spec.id ?? 'Decision_1',
    variables,
  )
}

/**
 * The priority matrix (ISO/IEC 20000-1 8.1: incidents prioritized by impact and urgency):
 * impact × urgency → P1..P4 (UNIQUE, one rule per cell).
 */
export const priorityMatrix = tableDecision({
  id: 'Decision_PriorityMatrix',
  inputs: ['impact', 'urgency'],
  outputs: ['priority'],
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

/** A `.dmn` deployment resource of `body` (decisions) in a DRG with id `id`. */
export const dmnResource = (name: string, body: string, id = 'Definitions_1') => ({
  name,
  content: Buffer.from(definitions(body, id)),
})

/** A literal decision carrying `zeebe:versionTag`. */
export const taggedDecision = (id: string, expression: string, tag: string) =>
  literalDecision(id, expression).replace(
    `<decision id="${id}" name="${id} name">`,
    `<decision id="${id}" name="${id} name"><extensionElements><zeebe:versionTag value="${tag}" /></extensionElements>`,
  )

/** start → Task_Decide (business rule task with `zeebe:calledDecision <attributes>`) → end. */
export function ruleProcess(processId: string, calledDecision: string, extra = ''): Buffer {
  return bpmn(
    processId,
    `<bpmn:startEvent id="start" />
     <bpmn:businessRuleTask id="Task_Decide"><bpmn:extensionElements><zeebe:calledDecision ${calledDecision} />${extra}</bpmn:extensionElements></bpmn:businessRuleTask>
     <bpmn:endEvent id="end" />
     ${chain('start', 'Task_Decide', 'end')}`,
  )
}
