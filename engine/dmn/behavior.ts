/**
 * Evaluating deployed decisions inside a command, as Zeebe's BpmnDecisionBehavior (business
 * rule tasks) and DecisionEvaluationEvaluateProcessor (the EvaluateDecision RPC) do: find the
 * decision (binding type, or id / key), evaluate it in its DRG with the variables, and write
 * one DECISION_EVALUATION record, EVALUATED or FAILED.
 */
import { EngineError, EngineErrorCode, type Variables } from '../api'
import { evaluateTyped } from '../feel/feel'
import type { CalledDecisionDefinition } from '../model/model'
import { IncidentErrorType, type Runtime } from '../runtime/runtime'
import type { ElementInstanceState } from '../state/state'
import type { DecisionEvaluationResult } from './api'
import { evaluateDecision } from './evaluate'
import { decisionEvaluationRecord, type EvaluationScope } from './records'
import {
  decisionsOfDrg,
  findDecisionByKey,
  resolveDecision,
  type DecisionLookup,
  type StoredDecision,
} from './registry'
import { dmnRegistryOf } from './state'

type Evaluated = ReturnType<typeof decisionEvaluationRecord>

/** Evaluates `decision` in its DRG and writes the DECISION_EVALUATION record. */
function evaluateAndRecord(
  rt: Runtime,
  decision: StoredDecision,
  variables: Variables,
  scope?: EvaluationScope,
): { key: number; record: Evaluated; output?: unknown } | { missingDrg: string } {
  const drg = rt.drgs.get(decision.decisionRequirementsKey)
  if (!drg) {
    return {
      missingDrg: `Expected to evaluate decision '${decision.decisionId}', but no drg found for id '${decision.decisionRequirementsId}'`,
    }
  }
  const evaluation = evaluateDecision(drg, decision.decisionId, variables, { now: rt.clock.now() })
  const key = rt.newKey()
  // Zeebe's DECISION_EVALUATION event does not carry the variables (the evaluated inputs do).
  const record = decisionEvaluationRecord(evaluation, {
    decision,
    decisionsOfDrg: decisionsOfDrg(dmnRegistryOf(rt.s), decision.decisionRequirementsKey),
    evaluationKey: key,
    variables: {},
    ...(scope ? { scope } : {}),
  })
  rt.emit('DECISION_EVALUATION', record.intent, key, record.value, scope?.processInstanceKey)
  return evaluation.failed ? { key, record } : { key, record, output: evaluation.output }
}

/**
 * The decision of a business rule task, evaluated on activation (after input mappings) with the
 * variables visible from the element. Returns the result, or null after raising the incident:
 * EXTRACT_VALUE_ERROR (decision id expression), CALLED_DECISION_ERROR (no such decision),
 * DECISION_EVALUATION_ERROR (the evaluation failed; a FAILED record is written first).
 */
export function evaluateCalledDecision(
  rt: Runtime,
  ei: ElementInstanceState,
  called: CalledDecisionDefinition,
): { output: unknown } | null {
  const variables = rt.visibleVariables(ei.key)
  const now = rt.clock.now()
  const id = evaluateTyped(called.decisionId, variables, 'STRING', now)
  if (!id.ok) {
    rt.raiseIncident(ei, IncidentErrorType.ExtractValueError, id.message)
    return null
  }
  const def = rt.definition(ei.defKey)
  let versionTag: string | undefined
  if (called.bindingType === 'versionTag') {
    const tag = evaluateTyped(called.versionTag ?? '', variables, 'STRING', now)
    if (!tag.ok) {
      rt.raiseIncident(ei, IncidentErrorType.CalledDecisionError, tag.message)
      return null
    }
    versionTag = String(tag.value)
  }
  const lookup = resolveDecision(dmnRegistryOf(rt.s), {
    decisionId: String(id.value),
    bindingType: called.bindingType,
    ...(versionTag !== undefined ? { versionTag } : {}),
    deploymentKey: def.deploymentKey,
    tenantId: def.tenantId,
  })
  if (!lookup.ok) {
    rt.raiseIncident(ei, IncidentErrorType.CalledDecisionError, lookup.message)
    return null
  }
  const r = evaluateAndRecord(rt, lookup.decision, variables, {
    bpmnProcessId: def.bpmnProcessId,
    processDefinitionKey: ei.defKey,
    processInstanceKey: ei.piKey,
    elementId: ei.elementId,
    elementInstanceKey: ei.key,
  })
  if ('missingDrg' in r) {
    rt.raiseIncident(ei, IncidentErrorType.CalledDecisionError, r.missingDrg)
    return null
  }
  if (r.record.intent === 'FAILED') {
    rt.raiseIncident(
      ei,
      IncidentErrorType.DecisionEvaluationError,
      r.record.value.evaluationFailureMessage,
    )
    return null
  }
  return { output: r.output }
}

/**
 * The EvaluateDecision command: by `decisionId` (latest version) else `decisionKey`. Unknown
 * decisions are rejected (NOT_FOUND, Zeebe's message) before anything is written; a failed
 * evaluation is an answer with `failedDecisionId` and `failureMessage`, as in Zeebe.
 */
export function evaluateDecisionCommand(
  rt: Runtime,
  cmd: { decisionId?: string; decisionKey?: string; variables: Variables; tenantId: string },
): DecisionEvaluationResult {
  const registry = dmnRegistryOf(rt.s)
  let lookup: DecisionLookup
  if (cmd.decisionId) {
    lookup = resolveDecision(registry, { decisionId: cmd.decisionId, tenantId: cmd.tenantId })
  } else if (cmd.decisionKey && /^\d+$/.test(cmd.decisionKey)) {
    lookup = findDecisionByKey(registry, Number(cmd.decisionKey), cmd.tenantId)
  } else {
    throw new EngineError(
      EngineErrorCode.InvalidArgument,
      'Expected either a decision id or a valid decision key, but none provided',
    )
  }
  if (!lookup.ok) throw new EngineError(EngineErrorCode.NotFound, lookup.message)
  const r = evaluateAndRecord(rt, lookup.decision, cmd.variables)
  if ('missingDrg' in r) throw new EngineError(EngineErrorCode.NotFound, r.missingDrg)
  const v = r.record.value
  const failed = r.record.intent === 'FAILED'
  return {
    decisionInstanceKey: String(r.key),
    decisionKey: String(v.decisionKey),
    decisionId: v.decisionId,
    decisionName: v.decisionName,
    decisionVersion: v.decisionVersion,
    decisionRequirementsId: v.decisionRequirementsId,
    decisionRequirementsKey: String(v.decisionRequirementsKey),
    decisionOutput: failed ? '' : v.decisionOutput,
    evaluatedDecisions: v.evaluatedDecisions.map((e) => ({
      decisionKey: String(e.decisionKey),
      decisionId: e.decisionId,
      decisionName: e.decisionName,
      decisionVersion: e.decisionVersion,
      decisionType: e.decisionType,
      decisionOutput: e.decisionOutput,
      matchedRules: e.matchedRules,
      evaluatedInputs: e.evaluatedInputs,
      tenantId: e.tenantId,
    })),
    failedDecisionId: v.failedDecisionId,
    failureMessage: v.evaluationFailureMessage,
    tenantId: v.tenantId,
  }
}
