/**
 * The DMN part of the engine's API (re-exported by engine/api.ts): what a deployment returns
 * for DMN resources, and the EvaluateDecision command and its answer. Keys are decimal strings,
 * as everywhere in the API.
 */

/** A decision of a deployment (gateway.proto `DecisionMetadata`). */
export interface DeployedDecision {
  decisionId: string
  decisionName: string
  version: number
  decisionKey: string
  decisionRequirementsId: string
  decisionRequirementsKey: string
  tenantId: string
}

/** A DRG of a deployment (gateway.proto `DecisionRequirementsMetadata`). */
export interface DeployedDecisionRequirements {
  decisionRequirementsId: string
  decisionRequirementsName: string
  version: number
  decisionRequirementsKey: string
  resourceName: string
  tenantId: string
}

/** EvaluateDecision: by `decisionId` (latest version; wins when both are given) or `decisionKey`. */
export interface EvaluateDecisionCommand {
  decisionKey?: string
  decisionId?: string
  variables?: Record<string, unknown>
  tenantId?: string
}

/** An input of an evaluated decision table. */
export interface EvaluatedDecisionInput {
  inputId: string
  inputName: string
  /** JSON text. */
  inputValue: string
}

/** A matched rule and its outputs (values as JSON text). */
export interface MatchedDecisionRule {
  ruleId: string
  ruleIndex: number
  evaluatedOutputs: { outputId: string; outputName: string; outputValue: string }[]
}

/** One decision evaluated on the way (required decisions first, the asked-for one last). */
export interface EvaluatedDecisionResult {
  decisionKey: string
  decisionId: string
  decisionName: string
  decisionVersion: number
  decisionType: string
  /** JSON text. */
  decisionOutput: string
  matchedRules: MatchedDecisionRule[]
  evaluatedInputs: EvaluatedDecisionInput[]
  tenantId: string
}

/**
 * The answer of EvaluateDecision (gateway.proto `EvaluateDecisionResponse`). An evaluation that
 * fails is an answer too, as in Zeebe: `failedDecisionId` and `failureMessage` are set and
 * `decisionOutput` is ''.
 */
export interface DecisionEvaluationResult {
  /** Key of the DECISION_EVALUATION record (`decisionInstanceKey`). */
  decisionInstanceKey: string
  decisionKey: string
  decisionId: string
  decisionName: string
  decisionVersion: number
  decisionRequirementsId: string
  decisionRequirementsKey: string
  /** JSON text of the result; '' when the evaluation failed. */
  decisionOutput: string
  evaluatedDecisions: EvaluatedDecisionResult[]
  failedDecisionId: string
  failureMessage: string
  tenantId: string
}
