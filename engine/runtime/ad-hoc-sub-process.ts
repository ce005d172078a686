/**
 * Ad-hoc sub-processes (BPMN implementation), as Zeebe 8.8's AdHocSubProcessProcessor and
 * BpmnAdHocSubProcessBehavior run them.
 *
 * - Activation: the output collection (if any) is created as an empty list local to the
 *   sub-process; `activeElementsCollection` is evaluated in its scope and must be a list of
 *   element ids of activatable inner elements (else an EXTRACT_VALUE_ERROR incident on the
 *   sub-process, with Zeebe's messages); then ACTIVATED, and for each id an inner instance
 *   (`<id>#innerInstance`, AD_HOC_SUB_PROCESS_INNER_INSTANCE, written ACTIVATING and ACTIVATED)
 *   with the element activated inside it. No collection, or an empty one, activates nothing and
 *   the sub-process stays active.
 * - An inner instance completes when its path ends (its elements may have outgoing flows inside
 *   it). While it completes, its output element is appended to the output collection and the
 *   completion condition is evaluated in the sub-process's scope (failure: an incident on the
 *   inner instance; resolving it re-runs the completion).
 * - Then: without a condition the sub-process completes once nothing is active in it; a
 *   condition that holds completes it, terminating what is still active first when
 *   `cancelRemainingInstances` (the default), else once nothing is active; a condition that
 *   does not hold leaves it active.
 * - Completing propagates the output collection to the flow scope; output mappings apply.
 */
import { evaluateCondition, evaluateExpression, evaluateTyped } from '../feel/feel'
import { BpmnElementType, elementOf, type FlowNode } from '../model/model'
import type { ElementInstanceState } from '../state/state'
import {
  activateJobWorker,
  completionConditionFulfilled,
  ELEMENTS_VARIABLE,
  jobWorkerPathCompleted,
} from './ad-hoc-job-worker'
import type { ElementBehavior } from './behavior'
import { IncidentErrorType, type Runtime } from './runtime'

/**
 * Transient, per runtime: an inner instance's completion-condition result, from its COMPLETING
 * step to the decision right after its ELEMENT_COMPLETED (the same command, synchronously).
 */
const conditionResults = new WeakMap<Runtime, Map<number, boolean | undefined>>()

/** The element ids to activate, or null when an incident was raised. */
function elementsToActivate(
  rt: Runtime,
  ei: ElementInstanceState,
  node: FlowNode,
): string[] | null {
  const expression = node.adHoc?.activeElementsCollection
  if (!expression) return []
  const r = evaluateTyped(expression, rt.visibleVariables(ei.key), 'ARRAY', rt.clock.now())
  if (!r.ok) {
    rt.raiseIncident(
      ei,
      IncidentErrorType.ExtractValueError,
      `Failed to activate ad-hoc elements. ${r.message}`,
    )
    return null
  }
  const ids = r.value as unknown[]
  if (ids.some((id) => typeof id !== 'string')) {
    const text = expression.trim().replace(/^=/, '').trim()
    rt.raiseIncident(
      ei,
      IncidentErrorType.ExtractValueError,
      `Failed to activate ad-hoc elements. Expected result of the expression '${text}' to be 'ARRAY' containing 'STRING' items, but was 'ARRAY' containing at least one non-'STRING' item.`,
    )
    return null
  }
  const known = new Set(node.adHoc?.activatable ?? [])
  const missing = (ids as string[]).filter((id) => !known.has(id))
  if (missing.length > 0) {
    rt.raiseIncident(
      ei,
      IncidentErrorType.ExtractValueError,
      `Expected to activate activities for ad-hoc sub-process with key '${ei.key}', but the given elements [${missing.join(', ')}] do not exist.`,
    )
    return null
  }
  return ids as string[]
}

/** Writes an inner instance (ACTIVATING, ACTIVATED) and activates `elementId` inside it. */
function activateInner(
  rt: Runtime,
  adHoc: ElementInstanceState,
  node: FlowNode,
  elementId: string,
): void {
  const inner = createInnerInstance(rt, adHoc, node)
  if (inner) rt.activate(elementOf(rt.models(adHoc.defKey), elementId), inner)
}

/**
 * Writes an inner instance (ACTIVATING, ACTIVATED) of an ad-hoc sub-process, with `variables` as
 * its locals (a job result's activation); returns it for the element to activate inside it.
 */
export function createInnerInstance(
  rt: Runtime,
  adHoc: ElementInstanceState,
  node: FlowNode,
  variables: Record<string, unknown> = {},
): ElementInstanceState | undefined {
  const def = rt.definition(adHoc.defKey)
  const key = rt.newKey()
  const value = {
    bpmnProcessId: def.bpmnProcessId,
    version: def.version,
    processDefinitionKey: adHoc.defKey,
    processInstanceKey: adHoc.piKey,
    elementId: node.adHoc?.innerInstanceId ?? '',
    flowScopeKey: adHoc.key,
    bpmnElementType: BpmnElementType.AdHocSubProcessInnerInstance,
    bpmnEventType: 'UNSPECIFIED',
    parentProcessInstanceKey: -1,
    parentElementInstanceKey: -1,
    tenantId: def.tenantId,
  }
  rt.emit('PROCESS_INSTANCE', 'ELEMENT_ACTIVATING', key, value, adHoc.piKey)
  rt.emit('PROCESS_INSTANCE', 'ELEMENT_ACTIVATED', key, value, adHoc.piKey)
  const inner = rt.instance(key)
  if (!inner) return undefined
  rt.setLocalVariables(key, variables)
  // As Zeebe does: an output element that names a variable gets a null local in the inner
  // instance, so what the inner element produces under that name stays there.
  const output = /^\s*=\s*([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(node.adHoc?.outputElement ?? '')?.[1]
  if (output && !(output in variables)) rt.setVariable(key, output, null)
  return inner
}

/** Ad-hoc sub-process behaviour. */
export const adHocSubProcess: ElementBehavior = {
  activate(rt, ei, node) {
    rt.setVariable(ei.key, ELEMENTS_VARIABLE, node.adHoc?.elementsMetadata ?? [])
    const oc = node.adHoc?.outputCollection
    if (oc && rt.s.variables[ei.key]?.[oc] === undefined) rt.setVariable(ei.key, oc, [])
    if (node.adHoc?.implementation === 'JOB_WORKER') {
      activateJobWorker(rt, ei, node)
      return
    }
    const ids = elementsToActivate(rt, ei, node)
    if (!ids) return
    if (!rt.activated(ei, node)) return
    for (const id of ids) activateInner(rt, ei, node, id)
  },
  // Completion is decided when an inner instance completes (below), never by the child count
  // alone: a condition that does not hold keeps the sub-process active.
  childLeft() {},
  completing(rt, ei, node) {
    const oc = node.adHoc?.outputCollection
    if (oc) rt.mergeDocument(ei.flowScopeKey, { [oc]: rt.s.variables[ei.key]?.[oc]?.value ?? [] })
    return true
  },
}

/** The inner instance of an ad-hoc sub-process: one activation's scope. */
export const adHocSubProcessInnerInstance: ElementBehavior = {
  activate(rt, ei) {
    // Inner instances are written ACTIVATING and ACTIVATED by their ad-hoc sub-process.
    rt.transition(ei, 'ELEMENT_ACTIVATED')
  },
  completing(rt, inner) {
    const adHoc = rt.instance(inner.flowScopeKey)
    const definition = adHoc ? rt.nodeOf(adHoc).adHoc : undefined
    if (!adHoc || !definition) return true
    if (definition.outputCollection && definition.outputElement) {
      const r = evaluateExpression(
        definition.outputElement,
        rt.visibleVariables(inner.key),
        rt.clock.now(),
      )
      if (!r.ok) {
        rt.raiseIncident(inner, IncidentErrorType.ExtractValueError, r.message)
        return false
      }
      const current = rt.s.variables[adHoc.key]?.[definition.outputCollection]?.value
      const list = Array.isArray(current) ? [...(current as unknown[]), r.value] : [r.value]
      rt.setVariable(adHoc.key, definition.outputCollection, list)
    }
    let result: boolean | undefined
    // A job worker decides completion through its job result; the condition is not evaluated.
    if (definition.completionCondition && definition.implementation === 'BPMN') {
      const r = evaluateCondition(
        definition.completionCondition,
        rt.visibleVariables(adHoc.key),
        rt.clock.now(),
      )
      if (!r.ok) {
        rt.raiseIncident(
          inner,
          IncidentErrorType.ExtractValueError,
          `Failed to evaluate completion condition. ${r.message}`,
        )
        return false
      }
      result = r.value === true
    }
    let results = conditionResults.get(rt)
    if (!results) conditionResults.set(rt, (results = new Map()))
    results.set(inner.key, result)
    return true
  },
  completed(rt, inner) {
    const result = conditionResults.get(rt)?.get(inner.key)
    conditionResults.get(rt)?.delete(inner.key)
    const adHoc = rt.instance(inner.flowScopeKey)
    if (!adHoc || adHoc.state !== 'ACTIVATED') return
    const node = rt.nodeOf(adHoc)
    const definition = node.adHoc
    if (!definition) return
    if (definition.implementation === 'JOB_WORKER') {
      jobWorkerPathCompleted(rt, adHoc, node)
      return
    }
    if (result === false) return
    if (result === true) {
      completionConditionFulfilled(rt, adHoc, definition.cancelRemainingInstances)
      return
    }
    if (adHoc.children === 0) rt.complete(adHoc)
  },
}
