/**
 * Record values of the DMN value types, shaped like Zeebe's exporter JSON (keys as numbers, -1
 * and '' for "none"): DECISION_REQUIREMENTS and DECISION (CREATED, on deployment), the DMN part
 * of DEPLOYMENT, and DECISION_EVALUATION (EVALUATED or FAILED).
 */
import type { DecisionEvaluation } from './evaluate'
import type { DecisionPlan, DmnDeploymentPlan, DrgPlan, StoredDecision } from './registry'

/** DECISION_REQUIREMENTS CREATED: the DRG with its resource (text, as PROCESS records carry it). */
export function decisionRequirementsValue(drg: DrgPlan, resource: string) {
  return {
    decisionRequirementsId: drg.decisionRequirementsId,
    decisionRequirementsName: drg.decisionRequirementsName,
    decisionRequirementsVersion: drg.version,
    decisionRequirementsKey: drg.decisionRequirementsKey,
    namespace: drg.namespace,
    resourceName: drg.resourceName,
    checksum: drg.checksum,
    resource,
    tenantId: drg.tenantId,
    deploymentKey: drg.deploymentKey,
  }
}

/** DECISION CREATED. */
export function decisionValue(decision: DecisionPlan) {
  return {
    decisionId: decision.decisionId,
    decisionName: decision.decisionName,
    version: decision.version,
    versionTag: decision.versionTag ?? '',
    decisionKey: decision.decisionKey,
    decisionRequirementsId: decision.decisionRequirementsId,
    decisionRequirementsKey: decision.decisionRequirementsKey,
    duplicate: false,
    tenantId: decision.tenantId,
    deploymentKey: decision.deploymentKey,
  }
}

/** The DMN fields of DEPLOYMENT CREATED: `decisionRequirementsMetadata`, `decisionsMetadata`. */
export function deploymentMetadata(plan: DmnDeploymentPlan) {
  return {
    decisionRequirementsMetadata: plan.drgs.map((d) => ({
      decisionRequirementsId: d.decisionRequirementsId,
      decisionRequirementsName: d.decisionRequirementsName,
      decisionRequirementsVersion: d.version,
      decisionRequirementsKey: d.decisionRequirementsKey,
      namespace: d.namespace,
      resourceName: d.resourceName,
      checksum: d.checksum,
      duplicate: d.duplicate,
      tenantId: d.tenantId,
    })),
    decisionsMetadata: plan.decisions.map((d) => ({
      ...decisionValue(d),
      duplicate: d.duplicate,
    })),
  }
}

/** Where an evaluation happened: a business rule task, or none (EvaluateDecision RPC). */
export interface EvaluationScope {
  bpmnProcessId: string
  processDefinitionKey: number
  processInstanceKey: number
  elementId: string
  elementInstanceKey: number
}

/** The DECISION_EVALUATION record of an evaluation: its intent and value. */
export function decisionEvaluationRecord(
  evaluation: DecisionEvaluation,
  context: {
    /** The decision that was asked for. */
    decision: StoredDecision
    /** The decisions of its DRG version: keys and versions of the decisions evaluated. */
    decisionsOfDrg: readonly StoredDecision[]
    /** The record's key; evaluated decisions are `<key>-<n>` (Zeebe's instance keys). */
    evaluationKey: number
    variables: Record<string, unknown>
    scope?: EvaluationScope
  },
) {
  const { decision, evaluationKey, scope } = context
  const byId = new Map(context.decisionsOfDrg.map((d) => [d.decisionId, d]))
  const value = {
    decisionKey: decision.decisionKey,
    decisionId: decision.decisionId,
    decisionName: decision.decisionName,
    decisionVersion: decision.version,
    decisionRequirementsId: decision.decisionRequirementsId,
    decisionRequirementsKey: decision.decisionRequirementsKey,
    decisionOutput: evaluation.failed ? 'null' : evaluation.decisionOutput,
    variables: context.variables,
    bpmnProcessId: scope?.bpmnProcessId ?? '',
    processDefinitionKey: scope?.processDefinitionKey ?? -1,
    processInstanceKey: scope?.processInstanceKey ?? -1,
    elementId: scope?.elementId ?? '',
    elementInstanceKey: scope?.elementInstanceKey ?? -1,
    evaluatedDecisions: evaluation.evaluatedDecisions.map((e, i) => ({
      decisionId: e.decisionId,
      decisionEvaluationInstanceKey: `${evaluationKey}-${i + 1}`,
      decisionName: e.decisionName,
      decisionKey: byId.get(e.decisionId)?.decisionKey ?? -1,
      decisionVersion: byId.get(e.decisionId)?.version ?? -1,
      decisionType: e.decisionType,
      decisionOutput: e.decisionOutput,
      evaluatedInputs: e.evaluatedInputs,
      matchedRules: e.matchedRules,
      tenantId: decision.tenantId,
    })),
    evaluationFailureMessage: evaluation.failed ? evaluation.evaluationFailureMessage : '',
    failedDecisionId: evaluation.failed ? evaluation.failedDecisionId : '',
    tenantId: decision.tenantId,
  }
  return { intent: evaluation.failed ? ('FAILED' as const) : ('EVALUATED' as const), value }
}
