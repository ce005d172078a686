/**
 * Decision table evaluation with dmn-scala's semantics (the engine inside Zeebe): inputs are
 * evaluated in order, each rule's input entries are unary tests against its input (`?`), and
 * the matched rules' outputs are combined by the hit policy. No match gives the default output
 * entries (or null) under every hit policy, including COLLECT COUNT. Failure messages are
 * dmn-scala's.
 */
import Decimal from 'decimal.js'
import {
  describeMap,
  describeValue,
  evaluateExpression,
  evaluateUnaryTests,
  numberOf,
  valueKey,
  type FeelContext,
  type FeelValue,
} from './feel-adapter'
import {
  Aggregation,
  HitPolicy,
  type DecisionInput,
  type DecisionOutput,
  type DecisionRule,
  type DecisionTableLogic,
} from './model'

/** A matched rule and the values of its output entries, in output order. */
export interface MatchedRuleAudit {
  rule: DecisionRule
  outputs: { output: DecisionOutput; value: FeelValue }[]
}

/** What the evaluation saw: the input values and the rules that decided the result. */
export interface TableAudit {
  inputs: { input: DecisionInput; value: FeelValue }[]
  matchedRules: MatchedRuleAudit[]
}

export type TableOutcome =
  | { ok: true; value: FeelValue; audit: TableAudit }
  | { ok: false; message: string; audit: TableAudit }

/** Output values of one rule: output name → value, in output order. */
type RuleOutputs = { name: string; value: FeelValue }[]

/** The name an output has in a compound result (dmn-scala keys by `name`, else `null`). */
const outputName = (o: DecisionOutput): string => o.name ?? 'null'

function asMap(outputs: RuleOutputs): Record<string, FeelValue> {
  const map: Record<string, FeelValue> = {}
  for (const o of outputs) map[o.name] = o.value
  return map
}

/** One rule's outputs as the table's value: the value itself, or a context of all outputs. */
function single(outputs: RuleOutputs | undefined): FeelValue {
  if (!outputs) return null
  return outputs.length === 1 ? outputs[0]!.value : asMap(outputs)
}

function many(list: RuleOutputs[]): FeelValue {
  if (list.length === 0) return null
  return list[0]!.length === 1 ? list.map((o) => o[0]!.value) : list.map(asMap)
}

const describeList = (list: RuleOutputs[]): string =>
  `List(${list.map((o) => describeMap(asMap(o))).join(', ')})`

/**
 * Sorts rule outputs by the order of each output's `outputValues` (PRIORITY, OUTPUT ORDER):
 * earlier outputs weigh first; values not listed come last, in rule order.
 */
function sortByPriority(list: RuleOutputs[], outputs: DecisionOutput[]): RuleOutputs[] {
  const ranks = outputs.map((o) => {
    const values = (o.outputValues ?? '')
      .split(',')
      .map((v) => v.trim().replace(/["']/g, ''))
      .filter((v) => v !== '')
    return new Map(values.map((v, i) => [v, i]))
  })
  const rankOf = (outputs: RuleOutputs): number[] =>
    outputs.map((o, i) => {
      const key = typeof o.value === 'string' || typeof o.value === 'number' ? String(o.value) : ''
      return ranks[i]?.get(key) ?? Number.POSITIVE_INFINITY
    })
  const keyed = list.map((o) => ({ o, rank: rankOf(o) }))
  keyed.sort((a, b) => {
    for (let i = 0; i < a.rank.length; i++) {
      const d = (a.rank[i] ?? 0) - (b.rank[i] ?? 0)
      if (d !== 0 && !Number.isNaN(d)) return d
    }
    return 0
  })
  return keyed.map((k) => k.o)
}

function aggregate(
  aggregation: Aggregation,
  list: RuleOutputs[],
): { ok: true; value: FeelValue } | { ok: false; message: string } {
  if (aggregation === Aggregation.Count) return { ok: true, value: list.length }
  if (list[0]!.length !== 1) {
    return { ok: false, message: `multiple values aren't allowed. found: ${describeList(list)}` }
  }
  const numbers: Decimal[] = []
  for (const o of list) {
    const n = numberOf(o[0]!.value)
    if (n === undefined) {
      return { ok: false, message: `expected number but found '${describeValue(o[0]!.value)}'` }
    }
    numbers.push(new Decimal(n))
  }
  const result =
    aggregation === Aggregation.Sum
      ? numbers.reduce((a, b) => a.plus(b))
      : aggregation === Aggregation.Min
        ? Decimal.min(...numbers)
        : Decimal.max(...numbers)
  return { ok: true, value: result.toNumber() }
}

function applyHitPolicy(
  table: DecisionTableLogic,
  list: RuleOutputs[],
): { ok: true; value: FeelValue } | { ok: false; message: string } {
  switch (table.hitPolicy) {
    case HitPolicy.First:
      return { ok: true, value: single(list[0]) }
    case HitPolicy.Unique:
      if (list.length > 1) {
        return {
          ok: false,
          message: `multiple values aren't allowed for UNIQUE hit policy. found: '${describeList(list)}'`,
        }
      }
      return { ok: true, value: single(list[0]) }
    case HitPolicy.Any: {
      const distinct = [...new Map(list.map((o) => [valueKey(asMap(o)), o])).values()]
      if (distinct.length > 1) {
        return {
          ok: false,
          message: `different values aren't allowed for ANY hit policy. found: '${describeList(distinct)}'`,
        }
      }
      return { ok: true, value: single(list[0]) }
    }
    case HitPolicy.Priority:
      return { ok: true, value: single(sortByPriority(list, table.outputs)[0]) }
    case HitPolicy.OutputOrder:
      return { ok: true, value: many(sortByPriority(list, table.outputs)) }
    case HitPolicy.RuleOrder:
      return { ok: true, value: many(list) }
    case HitPolicy.Collect:
      return table.aggregation
        ? aggregate(table.aggregation, list)
        : { ok: true, value: many(list) }
  }
}

/** Evaluates a rule's input entries in order; the first entry not true ends the rule. */
function matches(
  rule: DecisionRule,
  inputs: FeelValue[],
  context: FeelContext,
  now: number | undefined,
): { ok: true; value: boolean } | { ok: false; message: string } {
  for (let i = 0; i < inputs.length; i++) {
    const r = evaluateUnaryTests(rule.inputEntries[i] ?? '', inputs[i], context, now)
    if (!r.ok) return r
    if (r.value !== true) return { ok: true, value: false }
  }
  return { ok: true, value: true }
}

/** Evaluates a decision table in `context` (variables plus results of required decisions). */
export function evaluateDecisionTable(
  table: DecisionTableLogic,
  context: FeelContext,
  now?: number,
): TableOutcome {
  const audit: TableAudit = { inputs: [], matchedRules: [] }
  const inputValues: FeelValue[] = []
  for (const input of table.inputs) {
    const r = evaluateExpression(input.expression, context, now)
    if (!r.ok) return { ok: false, message: r.message, audit }
    inputValues.push(r.value)
  }
  audit.inputs = table.inputs.map((input, i) => ({ input, value: inputValues[i] }))

  const matched: DecisionRule[] = []
  for (const rule of table.rules) {
    const r = matches(rule, inputValues, context, now)
    if (!r.ok) return { ok: false, message: r.message, audit }
    if (r.value) matched.push(rule)
  }

  if (matched.length === 0) {
    const defaults: RuleOutputs = []
    for (const output of table.outputs) {
      if (output.defaultOutputEntry === undefined) continue
      const r = evaluateExpression(output.defaultOutputEntry, context, now)
      if (!r.ok) return { ok: false, message: r.message, audit }
      defaults.push({ name: outputName(output), value: r.value })
    }
    return { ok: true, value: defaults.length === 0 ? null : single(defaults), audit }
  }

  const rules = table.hitPolicy === HitPolicy.First ? matched.slice(0, 1) : matched
  const list: RuleOutputs[] = []
  for (const rule of rules) {
    const outputs: RuleOutputs = []
    for (let i = 0; i < table.outputs.length; i++) {
      const r = evaluateExpression(rule.outputEntries[i] ?? '', context, now)
      if (!r.ok) return { ok: false, message: r.message, audit }
      outputs.push({ name: outputName(table.outputs[i]!), value: r.value })
    }
    list.push(outputs)
  }
  audit.matchedRules = rules.map((rule, i) => ({
    rule,
    outputs: table.outputs.map((output, j) => ({ output, value: list[i]![j]!.value })),
  }))
  const result = applyHitPolicy(table, list)
  return result.ok
    ? { ok: true, value: result.value, audit }
    : { ok: false, message: result.message, audit }
}
