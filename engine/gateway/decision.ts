/**
 * The DMN RPCs' conversions: EvaluateDecision (request → engine command → gateway.proto
 * EvaluateDecisionResponse, as Zeebe's ResponseMapper builds it) and the `decision` /
 * `decisionRequirements` entries of DeployResourceResponse (after the processes, before the
 * forms, Zeebe's order).
 */
import type { DeploymentResult, EngineApi } from '../api'
import { DEFAULT_TENANT, keyOf, parseVariables, tenantOf } from './convert'

const str = (v: unknown): string => (typeof v === 'string' ? v : v == null ? '' : String(v))

/** EvaluateDecision: by decisionId (latest version) or decisionKey. */
export async function evaluateDecisionRpc(
  engine: EngineApi,
  req: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const rpc = 'EvaluateDecision'
  const decisionId = str(req.decisionId)
  const decisionKey = keyOf(req.decisionKey)
  const result = await engine.evaluateDecision({
    ...(decisionId ? { decisionId } : {}),
    ...(decisionKey ? { decisionKey } : {}),
    variables: parseVariables(req.variables, rpc),
    tenantId: tenantOf(req.tenantId, rpc),
  })
  return {
    decisionKey: result.decisionKey,
    decisionId: result.decisionId,
    decisionName: result.decisionName,
    decisionVersion: result.decisionVersion,
    decisionRequirementsId: result.decisionRequirementsId,
    decisionRequirementsKey: result.decisionRequirementsKey,
    decisionOutput: result.decisionOutput,
    evaluatedDecisions: result.evaluatedDecisions.map((d) => ({
      ...d,
      tenantId: d.tenantId || DEFAULT_TENANT,
    })),
    failedDecisionId: result.failedDecisionId,
    failureMessage: result.failureMessage,
    tenantId: result.tenantId || DEFAULT_TENANT,
    decisionInstanceKey: result.decisionInstanceKey,
  }
}

/** The DMN entries of DeployResourceResponse `deployments`. */
export function dmnDeployments(result: DeploymentResult): Record<string, unknown>[] {
  return [
    ...result.decisions.map((d) => ({
      decision: {
        dmnDecisionId: d.decisionId,
        dmnDecisionName: d.decisionName,
        version: d.version,
        decisionKey: d.decisionKey,
        dmnDecisionRequirementsId: d.decisionRequirementsId,
        decisionRequirementsKey: d.decisionRequirementsKey,
        tenantId: d.tenantId || DEFAULT_TENANT,
      },
    })),
    ...result.decisionRequirements.map((d) => ({
      decisionRequirements: {
        dmnDecisionRequirementsId: d.decisionRequirementsId,
        dmnDecisionRequirementsName: d.decisionRequirementsName,
        version: d.version,
        decisionRequirementsKey: d.decisionRequirementsKey,
        resourceName: d.resourceName,
        tenantId: d.tenantId || DEFAULT_TENANT,
      },
    })),
  ]
}
