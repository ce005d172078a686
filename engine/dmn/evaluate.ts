/**
 * Evaluates a decision of a DRG the way Zeebe does through dmn-scala: the decisions it requires
 * are evaluated first (depth first, in the order required, each time they are required), and
 * their results join the variables under their result name (the decision's `variable` name,
 * else its id). Every decision evaluated, the failing one included, is listed in evaluation
 * order: that list is Zeebe's `evaluatedDecisions`, and its last entry names the decision that
 * failed (`failedDecisionId`).
 */
import { evaluateDecisionTable, type TableAudit } from './decision-table'
import {
  describeValue,
  evaluateExpression,
  feelTypeOf,
  toJsonValue,
  type FeelContext,
  type FeelType,
  type FeelValue,
} from './feel-adapter'
import { DecisionType, type DecisionModel, type DecisionRequirementsGraph } from './model'

/** An input of an evaluated decision table (Zeebe's `EvaluatedInputValue`). */
export interface EvaluatedInput {
  inputId: string
  /** The input's label, else its expression cut to 30 characters. */
  inputName: string
  /** JSON text. */
  inputValue: string
}

/** An output of a matched rule (Zeebe's `EvaluatedOutputValue`). */
export interface EvaluatedOutput {
  outputId: string
  /** The output's label, else its name (as the Modeler shows it). */
  outputName: string
  /** JSON text. */
  outputValue: string
}

/** A matched rule (Zeebe's `MatchedRuleValue`). */
export interface MatchedRule {
  ruleId: string
  /** 1-based position of the rule in its table. */
  ruleIndex: number
  evaluatedOutputs: EvaluatedOutput[]
}

/** One decision evaluated on the way (Zeebe's `EvaluatedDecisionValue`, without keys). */
export interface EvaluatedDecision {
  decisionId: string
  decisionName: string
  decisionType: DecisionType
  /** JSON text of its result ('null' when it failed). */
  decisionOutput: string
  evaluatedInputs: EvaluatedInput[]
  matchedRules: MatchedRule[]
}

/** The result of evaluating a decision, shaped as Zeebe's DECISION_EVALUATION value needs it. */
export type DecisionEvaluation =
  | {
      failed: false
      decisionId: string
      /** The result as a JSON value (what a business rule task writes to its result variable). */
      output: unknown
      /** The result as JSON text (the record's `decisionOutput`). */
      decisionOutput: string
      evaluatedDecisions: EvaluatedDecision[]
    }
  | {
      failed: true
      decisionId: string
      /** The decision that failed: the last one evaluated, else the one asked for. */
      failedDecisionId: string
      /** `Expected to evaluate decision '<id>', but <reason>` (the incident's message). */
      evaluationFailureMessage: string
      evaluatedDecisions: EvaluatedDecision[]
    }

/** Evaluation options. */
export interface EvaluateOptions {
  /** The engine clock (ms since the epoch) for FEEL's `now()`; the system clock if absent. */
  now?: number
}

const json = (value: FeelValue): string => JSON.stringify(toJsonValue(value))

const INPUT_NAME_LENGTH = 30

function auditEntry(
  decision: DecisionModel,
  value: FeelValue,
  table: TableAudit | undefined,
): EvaluatedDecision {
  return {
    decisionId: decision.id,
    decisionName: decision.name,
    decisionType: decision.logic.type,
    decisionOutput: json(value),
    evaluatedInputs: (table?.inputs ?? []).map(({ input, value: v }) => ({
      inputId: input.id,
      inputName: input.label ?? input.expression.slice(0, INPUT_NAME_LENGTH),
      inputValue: json(v),
    })),
    matchedRules: (table?.matchedRules ?? []).map(({ rule, outputs }) => ({
      ruleId: rule.id,
      ruleIndex: rule.index,
      evaluatedOutputs: outputs.map(({ output, value: v }) => ({
        outputId: output.id,
        outputName: output.label ?? output.name ?? '',
        outputValue: json(v),
      })),
    })),
  }
}

/** `typeRef` → the FEEL types it admits (dmn-scala's TypeChecker; other type refs pass). */
const typeRefs: Record<string, FeelType[]> = {
  string: ['String'],
  number: ['Number'],
  boolean: ['Boolean'],
  time: ['Time', 'LocalTime'],
  date: ['Date'],
  dateTime: ['DateTime', 'LocalDateTime'],
  dayTimeDuration: ['DayTimeDuration'],
  yearMonthDuration: ['YearMonthDuration'],
}

function typeError(value: FeelValue, typeRef: string | undefined): string | null {
  if (!typeRef || value === null || value === undefined) return null
  const type = typeRef.replace('feel:', '')
  const admitted = typeRefs[type]
  if (!admitted || admitted.includes(feelTypeOf(value))) return null
  return `expected '${type}' but found '${describeValue(value)}'`
}

type Step = { ok: true; value: FeelValue } | { ok: false; message: string }

function evaluateLogic(
  decision: DecisionModel,
  context: FeelContext,
  now: number | undefined,
  audit: EvaluatedDecision[],
): Step {
  const logic = decision.logic
  if (logic.type === DecisionType.LiteralExpression) {
    const r = evaluateExpression(logic.expression, context, now)
    audit.push(auditEntry(decision, r.ok ? r.value : null, undefined))
    return r
  }
  const r = evaluateDecisionTable(logic, context, now)
  audit.push(auditEntry(decision, r.ok ? r.value : null, r.audit))
  return r.ok ? { ok: true, value: r.value } : { ok: false, message: r.message }
}

function evaluateWithRequirements(
  drg: DecisionRequirementsGraph,
  decision: DecisionModel,
  variables: FeelContext,
  now: number | undefined,
  audit: EvaluatedDecision[],
): Step {
  const required: FeelContext = {}
  for (const id of decision.requiredDecisions) {
    const dependency = drg.decisions.find((d) => d.id === id)
    // The parser refuses unknown required decisions, so this is a DRG built by hand.
    if (!dependency) return { ok: false, message: `no decision found with id '${id}'` }
    const r = evaluateWithRequirements(drg, dependency, variables, now, audit)
    if (!r.ok) return r
    required[dependency.resultName] = r.value
  }
  const r = evaluateLogic(decision, { ...variables, ...required }, now, audit)
  if (!r.ok) return r
  const mismatch = typeError(r.value, decision.resultTypeRef)
  return mismatch ? { ok: false, message: mismatch } : r
}

/**
 * Evaluates the decision `decisionId` of `drg` with `variables` (a JSON object, as a process
 * instance's or an EvaluateDecision request's variables).
 */
export function evaluateDecision(
  drg: DecisionRequirementsGraph,
  decisionId: string,
  variables: Record<string, unknown>,
  options: EvaluateOptions = {},
): DecisionEvaluation {
  const decision = drg.decisions.find((d) => d.id === decisionId)
  const audit: EvaluatedDecision[] = []
  const r: Step = decision
    ? evaluateWithRequirements(drg, decision, variables, options.now, audit)
    : { ok: false, message: `no decision found with id '${decisionId}'` }
  if (r.ok) {
    return {
      failed: false,
      decisionId,
      output: toJsonValue(r.value),
      decisionOutput: json(r.value),
      evaluatedDecisions: audit,
    }
  }
  return {
    failed: true,
    decisionId,
    failedDecisionId: audit.at(-1)?.decisionId ?? decisionId,
    evaluationFailureMessage: `Expected to evaluate decision '${decisionId}', but ${r.message}`,
    evaluatedDecisions: audit,
  }
}
