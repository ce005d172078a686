/**
 * The immutable model of a parsed DMN resource: one decision requirements graph (DRG, the
 * `definitions` element) with its decisions. Plain data (no closures), so it can be cached per
 * deployed resource and rebuilt from the stored XML after a restart.
 */

/** `decisionTable hitPolicy` (DMN 1.3), `UNIQUE` when absent. */
export const HitPolicy = {
  Unique: 'UNIQUE',
  First: 'FIRST',
  Priority: 'PRIORITY',
  Any: 'ANY',
  Collect: 'COLLECT',
  RuleOrder: 'RULE ORDER',
  OutputOrder: 'OUTPUT ORDER',
} as const
export type HitPolicy = (typeof HitPolicy)[keyof typeof HitPolicy]

/** `decisionTable aggregation`, only with `COLLECT`. */
export const Aggregation = { Sum: 'SUM', Min: 'MIN', Max: 'MAX', Count: 'COUNT' } as const
export type Aggregation = (typeof Aggregation)[keyof typeof Aggregation]

/** Zeebe's `decisionType` in DECISION_EVALUATION records, for the logic kinds we evaluate. */
export const DecisionType = {
  DecisionTable: 'DECISION_TABLE',
  LiteralExpression: 'LITERAL_EXPRESSION',
} as const
export type DecisionType = (typeof DecisionType)[keyof typeof DecisionType]

/** A decision table input clause. */
export interface DecisionInput {
  id: string
  /** `label`; absent when the clause has none. */
  label?: string
  /** The FEEL text of `inputExpression`. */
  expression: string
  typeRef?: string
  /** The text of `inputValues` (allowed values), kept as written; not enforced (as in Zeebe). */
  inputValues?: string
}

/** A decision table output clause. */
export interface DecisionOutput {
  id: string
  /** `name`: the key of this output in a compound (multi-output) result. */
  name?: string
  label?: string
  typeRef?: string
  /** The text of `outputValues`; its order ranks outputs for PRIORITY and OUTPUT ORDER. */
  outputValues?: string
  /** FEEL text of `defaultOutputEntry`: the output when no rule matches. */
  defaultOutputEntry?: string
}

/** A decision table rule. */
export interface DecisionRule {
  /** The rule's `id` ('' when the XML has none). */
  id: string
  /** 1-based position among the table's rules (Zeebe's `ruleIndex`). */
  index: number
  /** Unary-test text per input; '' (or `-`) matches anything. */
  inputEntries: string[]
  /** FEEL expression text per output. */
  outputEntries: string[]
  /** Annotation texts, in column order. */
  annotations: string[]
}

/** Logic of a decision table. */
export interface DecisionTableLogic {
  type: typeof DecisionType.DecisionTable
  id: string
  hitPolicy: HitPolicy
  aggregation?: Aggregation
  inputs: DecisionInput[]
  outputs: DecisionOutput[]
  rules: DecisionRule[]
  /** Names of the annotation columns. */
  annotationNames: string[]
}

/** Logic of a literal expression decision. */
export interface LiteralExpressionLogic {
  type: typeof DecisionType.LiteralExpression
  id: string
  /** FEEL text. */
  expression: string
  typeRef?: string
}

export type DecisionLogic = DecisionTableLogic | LiteralExpressionLogic

/** One decision of a DRG. */
export interface DecisionModel {
  id: string
  /** `name`; '' when absent. */
  name: string
  /** `zeebe:versionTag value` in the decision's extension elements. */
  versionTag?: string
  /**
   * The name its result has in the evaluation context of decisions that require it: the
   * `variable` name, else the decision id (as dmn-scala binds required decision results).
   */
  resultName: string
  /** `variable typeRef`: the result is checked against it (string, number, date, …). */
  resultTypeRef?: string
  /** Ids of the decisions it requires (`informationRequirement/requiredDecision`). */
  requiredDecisions: string[]
  logic: DecisionLogic
}

/** A parsed DMN resource: the decision requirements graph and its decisions. */
export interface DecisionRequirementsGraph {
  /** `definitions id`: Zeebe's `decisionRequirementsId`. */
  id: string
  /** `definitions name`; '' when absent. */
  name: string
  namespace: string
  /** Decisions in document order. */
  decisions: DecisionModel[]
}
