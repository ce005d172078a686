/** Element lifecycle transitions (Zeebe's BpmnStateTransitionBehavior): activate, complete, terminate, and a scope's children leaving. */
import { evaluateTyped } from '../feel/feel'
import { BpmnElementType, elementOf, type FlowNode } from '../model/model'
import { type ElementInstanceState } from '../state/state'
import { behaviorOf } from './behaviors'
import { afterElementCompleted, beforeElementCompleted } from './compensation'
import { runExecutionListeners } from './execution-listeners'
import { IncidentErrorType } from './incidents'
import { type Runtime, type EventTrigger, eventTypeOf } from './runtime'

/**
 * Activates `node` in `flowScope` (ELEMENT_ACTIVATING now, the rest as a follow-up step).
 * Activities with loop characteristics become a multi-instance body first.
 */
export function activate(
  this: Runtime,
  node: FlowNode,
  flowScope: ElementInstanceState,
  trigger?: EventTrigger,
  asMultiInstanceChild = false,
): ElementInstanceState {
  const type =
    node.multiInstance && !asMultiInstanceChild ? BpmnElementType.MultiInstanceBody : node.type
  const key = this.newKey()
  const def = this.definition(flowScope.defKey)
  const value = {
    bpmnProcessId: def.bpmnProcessId,
    version: def.version,
    processDefinitionKey: flowScope.defKey,
    processInstanceKey: flowScope.piKey,
    elementId: node.id,
    flowScopeKey: flowScope.key,
    bpmnElementType: type,
    bpmnEventType: eventTypeOf(node),
    parentProcessInstanceKey: -1,
    parentElementInstanceKey: -1,
    tenantId: def.tenantId,
    ...this.treePath({ key, flowScopeKey: flowScope.key, defKey: flowScope.defKey }),
  }
  this.emit('PROCESS_INSTANCE', 'ELEMENT_ACTIVATING', key, value, flowScope.piKey)
  const ei = this.s.elementInstances[key]
  if (!ei) throw new Error('element instance not created')
  // Outside called instances the later transitions carry exactly this value: share it.
  if (this.s.elementInstances[ei.piKey]?.parentPiKey === undefined) this.piValues.set(ei, value)
  this.later(() => this.continueActivation(ei.key, trigger))
  return ei
}

/** The activation step after ACTIVATING (also what resolving an activation incident re-runs). */
export function continueActivation(this: Runtime, key: number, trigger?: EventTrigger): void {
  const ei = this.s.elementInstances[key]
  if (!ei || ei.state !== 'ACTIVATING') return
  const node = this.nodeOf(ei)
  // Start listeners have completed (a listener job or a later incident): go on after them.
  if ((ei.listenerIndex ?? 0) > 0) {
    this.activateAfterStartListeners(ei, node, trigger)
    return
  }
  // A retried activation (incident resolved) starts without the subscriptions it left open.
  this.closeBoundSubscriptions(ei)
  if (ei.type === BpmnElementType.MultiInstanceBody) {
    behaviorOf(BpmnElementType.MultiInstanceBody).activate(this, ei, node, trigger)
    return
  }
  if (ei.loopCounter !== undefined) this.prepareMultiInstanceChild(ei, node)
  if (node.inputs.length > 0 && ei.type !== BpmnElementType.Process) {
    const inputs = this.evaluateMappings(ei, node.inputs, ei.key)
    if (!inputs) return
    // Evaluated in the element's own scope: a multi-instance child's mappings see its
    // inputElement and loopCounter.
    this.setLocalVariables(ei.key, inputs)
  }
  this.activateAfterStartListeners(ei, node, trigger)
}

/** The element's start listeners (one job at a time, see execution-listeners.ts), then its behaviour. */
export function activateAfterStartListeners(
  this: Runtime,
  ei: ElementInstanceState,
  node: FlowNode,
  trigger?: EventTrigger,
): void {
  if (!runExecutionListeners(this, ei, node, 'start')) return
  behaviorOf(ei.type).activate(this, ei, node, trigger)
}

export function prepareMultiInstanceChild(
  this: Runtime,
  ei: ElementInstanceState,
  node: FlowNode,
): void {
  const mi = node.multiInstance
  if (!mi || this.s.variables[ei.key]?.loopCounter) return
  const body = this.s.elementInstances[ei.flowScopeKey]
  const items = body ? this.multiInstanceItems(body, node) : null
  const item = items ? items[(ei.loopCounter ?? 1) - 1] : null
  if (mi.inputElement) this.setVariable(ei.key, mi.inputElement, item ?? null)
  // As Zeebe does: an output element that is just a variable (or a path into one) gets a null
  // local first, so what the inner instance produces under that name stays in its own scope.
  const output = outputElementVariable(mi.outputElement)
  if (output && output !== mi.inputElement && output !== 'loopCounter') {
    this.setVariable(ei.key, output, null)
  }
  this.setVariable(ei.key, 'loopCounter', ei.loopCounter)
}

/** The input collection of a multi-instance body, or null (an incident was raised). */
export function multiInstanceItems(
  this: Runtime,
  body: ElementInstanceState,
  node: FlowNode,
): unknown[] | null {
  const mi = node.multiInstance
  if (!mi) return []
  const r = evaluateTyped(mi.inputCollection, this.visibleVariables(body.flowScopeKey), 'ARRAY')
  if (!r.ok) {
    this.raiseIncident(body, IncidentErrorType.ExtractValueError, r.message)
    return null
  }
  return r.value as unknown[]
}

/** Opens the element's boundary event subscriptions, then emits ELEMENT_ACTIVATED. */
export function activated(this: Runtime, ei: ElementInstanceState, node: FlowNode): boolean {
  // Subscriptions first, as Zeebe does: a failing timer or correlation key expression leaves
  // the element ACTIVATING with an incident, and resolving it re-runs the activation.
  const isBody = ei.type === BpmnElementType.MultiInstanceBody
  const boundaries = node.multiInstance && !isBody ? [] : node.boundaries
  for (const id of boundaries) {
    const boundary = elementOf(this.models(ei.defKey), id)
    if (!this.openEventSubscription(ei, boundary)) return false
  }
  this.transition(ei, 'ELEMENT_ACTIVATED')
  return true
}

/** Starts completing an element. */
export function complete(this: Runtime, ei: ElementInstanceState): void {
  if (ei.state !== 'ACTIVATED' && ei.state !== 'ACTIVATING') return
  this.transition(ei, 'ELEMENT_COMPLETING')
  this.continueCompletion(ei.key)
}

/** The completion step after COMPLETING (also what resolving a completion incident re-runs). */
export function continueCompletion(this: Runtime, key: number): void {
  const ei = this.s.elementInstances[key]
  if (!ei || ei.state !== 'COMPLETING') return
  const node = this.nodeOf(ei)
  const behavior = behaviorOf(ei.type)
  if (behavior.completing && !behavior.completing(this, ei, node)) return
  // After an end listener the output mappings have been applied already.
  const afterEndListener = (ei.listenerIndex ?? 0) > 0
  if (
    !afterEndListener &&
    node.outputs.length > 0 &&
    ei.type !== BpmnElementType.MultiInstanceBody &&
    ei.type !== BpmnElementType.Process
  ) {
    const outputs = this.evaluateMappings(ei, node.outputs, ei.key)
    if (!outputs) return
    this.mergeDocument(ei.flowScopeKey, outputs)
  }
  if (!runExecutionListeners(this, ei, node, 'end')) return
  const scopeOfChild = this.s.elementInstances[ei.flowScopeKey]
  // Only the inner instances of a multi-instance body carry a loop counter (the body itself
  // completes like any other element and takes its outgoing flows).
  if (scopeOfChild && ei.loopCounter !== undefined) {
    const hook = behaviorOf(scopeOfChild.type).childCompleting
    if (hook && !hook(this, scopeOfChild, ei, node)) return
  }
  this.closeBoundSubscriptions(ei)
  const flowScope = this.s.elementInstances[ei.flowScopeKey]
  const selected = this.selectedFlows.get(ei.key)
  this.selectedFlows.delete(ei.key)
  beforeElementCompleted(this, ei, node)
  this.transition(ei, 'ELEMENT_COMPLETED')
  afterElementCompleted(this, ei, node)
  if (behavior.completed) {
    behavior.completed(this, ei, node)
    return
  }
  if (!flowScope) return
  if (ei.loopCounter !== undefined) {
    // An inner instance of a multi-instance body: the body decides what happens next.
    this.childLeft(flowScope)
    return
  }
  const taken = this.takeOutgoing(ei, node, flowScope, selected)
  if (taken === 0) this.childLeft(flowScope)
}

/** A child of `scope` completed or terminated: complete the scope when nothing is left. */
export function childLeft(this: Runtime, scope: ElementInstanceState): void {
  if (scope.state !== 'ACTIVATED') return
  if (scope.joins) {
    const model = this.models(scope.defKey)
    for (const g of Object.keys(scope.joins)) {
      const gw = elementOf(model, g)
      if (gw.type === BpmnElementType.InclusiveGateway) this.checkJoin(scope, gw)
    }
  }
  const behavior = behaviorOf(scope.type)
  if (behavior.childLeft) {
    behavior.childLeft(this, scope, this.nodeOf(scope))
    return
  }
  if (scope.children === 0 && !scope.joins) this.complete(scope)
}

/** The variable an output element expression names (`= x` or `= x.y` → `x`), if it is one. */
function outputElementVariable(expression: string | undefined): string | undefined {
  const m = /^\s*=\s*([A-Za-z_][A-Za-z0-9_]*)(\.[A-Za-z_][A-Za-z0-9_]*)*\s*$/.exec(expression ?? '')
  const name = m?.[1]
  return name && !['null', 'true', 'false'].includes(name) ? name : undefined
}
