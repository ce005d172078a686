/**
 * The DMN decisions the workers record (ISO/IEC 20000-1 4.3.2, 4.3.3): which version of a
 * decision decided a case. A business rule task (`bindingType="deployment"`) evaluates the version
 * deployed with the instance's process version; the server recorded that binding at deployment
 * (`process_version_decisions`). Instances of process versions from before the decisions had no
 * business rule task: their worker evaluates the latest version through Zeebe's EvaluateDecision.
 */
import type { ZeebeClient } from '../zeebe/zeebe-client'
import { boundDecision } from '../processes/decision-deployment'
import type { WorkerDeps } from './deps'

/** Which decision version decided: evidence on the case. */
export interface DecisionRef {
  decisionId: string
  version: number
  decisionKey: string
}

/** Evaluates a decision's latest version (Zeebe EvaluateDecision). */
export interface DecisionEvaluator {
  evaluate(
    decisionId: string,
    variables: Record<string, unknown>,
  ): Promise<{ output: unknown; decision: DecisionRef }>
}

export function zeebeDecisionEvaluator(
  zeebe: Pick<ZeebeClient, 'evaluateDecision'>,
): DecisionEvaluator {
  return {
    async evaluate(decisionId, variables) {
      const res = await zeebe.evaluateDecision({
        decisionId,
        variables: JSON.parse(JSON.stringify(variables)) as Record<string, never>,
      })
      if (res.failureMessage) throw new Error(res.failureMessage)
      return {
        output: JSON.parse(res.decisionOutput || 'null') as unknown,
        decision: {
          decisionId: res.decisionId,
          version: res.decisionVersion,
          decisionKey: String(res.decisionKey),
        },
      }
    },
  }
}

/**
 * The version of `decisionId` the job's process version is bound to. Missing only when the
 * deployment was not recorded: the job fails (and is retried) rather than record no evidence.
 */
export async function decidedBy(
  job: { processDefinitionKey?: string; bpmnProcessId: string },
  deps: Pick<WorkerDeps, 'db'>,
  decisionId: string,
): Promise<DecisionRef> {
  const ref = job.processDefinitionKey
    ? await boundDecision(deps.db, job.processDefinitionKey, decisionId)
    : null
  if (!ref) {
    throw new Error(
      `No deployment of ${job.bpmnProcessId} (process definition ${job.processDefinitionKey ?? 'unknown'}) with the decision ${decisionId} is recorded; deploy the procedure through the server.`,
    )
  }
  return ref
}

/** The latest version of a decision, evaluated (instances of older process versions). */
export async function evaluateLatest(
  deps: Pick<WorkerDeps, 'decisions'>,
  decisionId: string,
  variables: Record<string, unknown>,
): Promise<{ output: unknown; decision: DecisionRef }> {
  if (!deps.decisions) throw new Error(`No decision evaluator to evaluate ${decisionId}.`)
  return deps.decisions.evaluate(decisionId, variables)
}
