/** Sequence flows (Zeebe's BpmnStateTransitionBehavior.takeOutgoingSequenceFlows): outgoing flows with conditions, joining gateways. */
import { evaluateCondition } from '../feel/feel'
import { BpmnElementType, elementOf, type FlowNode, type ProcessModel } from '../model/model'
import { type ElementInstanceState, isJoining } from '../state/state'
import type { Runtime } from './runtime'

export function selectFlows(this: Runtime, ei: ElementInstanceState, flows: string[]): void {
  this.selectedFlows.set(ei.key, flows)
}

/** Takes the outgoing flows of a completed element; returns how many were taken. */
export function takeOutgoing(
  this: Runtime,
  ei: ElementInstanceState,
  node: FlowNode,
  flowScope: ElementInstanceState,
  selected?: string[],
): number {
  let flows = selected
  if (!flows) {
    flows = []
    const vars = node.outgoing.some((f) => this.models(ei.defKey).flows.get(f)?.condition)
      ? this.visibleVariables(flowScope.key)
      : {}
    for (const id of node.outgoing) {
      const flow = this.models(ei.defKey).flows.get(id)
      if (!flow || id === node.defaultFlow) continue
      if (!flow.condition) flows.push(id)
      else {
        const r = evaluateCondition(flow.condition, vars, this.clock.now())
        if (r.ok && r.value === true) flows.push(id)
      }
    }
    if (flows.length === 0 && node.defaultFlow) flows.push(node.defaultFlow)
  }
  for (const id of flows) this.takeFlow(flowScope, ei.defKey, id, ei.key)
  return flows.length
}

/** SEQUENCE_FLOW_TAKEN, then the target's activation (joining gateways wait for tokens). */
export function takeFlow(
  this: Runtime,
  flowScope: ElementInstanceState,
  defKey: number,
  flowId: string,
  sourceKey?: number,
): void {
  const model = this.models(defKey)
  const flow = model.flows.get(flowId)
  if (!flow) return
  this.emitFlowTaken(flowScope, defKey, flowId, sourceKey)
  const target = elementOf(model, flow.target)
  if (!isJoining(target.type, target.incoming.length)) {
    this.activate(target, flowScope)
    return
  }
  this.checkJoin(flowScope, target)
}

/** Activates a joining gateway once it may (parallel: every incoming flow has a token). */
export function checkJoin(this: Runtime, flowScope: ElementInstanceState, gateway: FlowNode): void {
  const waiting = flowScope.joins?.[gateway.id]
  if (!waiting || waiting.length === 0) return
  if (gateway.type === BpmnElementType.ParallelGateway) {
    if (gateway.incoming.every((f) => waiting.includes(f))) this.activate(gateway, flowScope)
    return
  }
  // Inclusive: join when no active path in the scope can still reach the gateway.
  const model = this.models(flowScope.defKey)
  const blocked = this.childrenOf(flowScope.key).some((child) =>
    canReach(model, child.elementId, gateway.id),
  )
  const otherJoins = Object.keys(flowScope.joins ?? {}).filter((g) => g !== gateway.id)
  const blockedByJoin = otherJoins.some((g) => canReach(model, g, gateway.id))
  if (!blocked && !blockedByJoin) this.activate(gateway, flowScope)
}

/** The SEQUENCE_FLOW_TAKEN record of `flowId` in `flowScope`. */
export function emitFlowTaken(
  this: Runtime,
  flowScope: ElementInstanceState,
  defKey: number,
  flowId: string,
  /** The element the flow leaves: the record carries its tree path, as Zeebe's does. */
  sourceKey?: number,
): void {
  const def = this.definition(defKey)
  this.emit(
    'PROCESS_INSTANCE',
    'SEQUENCE_FLOW_TAKEN',
    this.newKey(),
    {
      bpmnProcessId: def.bpmnProcessId,
      version: def.version,
      processDefinitionKey: defKey,
      processInstanceKey: flowScope.piKey,
      elementId: flowId,
      flowScopeKey: flowScope.key,
      bpmnElementType: BpmnElementType.SequenceFlow,
      bpmnEventType: 'UNSPECIFIED',
      parentProcessInstanceKey: -1,
      parentElementInstanceKey: -1,
      tenantId: def.tenantId,
      ...(sourceKey !== undefined
        ? this.treePath({ key: sourceKey, flowScopeKey: flowScope.key, defKey })
        : {}),
    },
    flowScope.piKey,
  )
}

const reachCache = new WeakMap<ProcessModel, Map<string, Set<string>>>()

/** True when `to` can be reached from `from` along sequence flows (and boundary events). */
function canReach(model: ProcessModel, from: string, to: string): boolean {
  let cache = reachCache.get(model)
  if (!cache) reachCache.set(model, (cache = new Map()))
  let set = cache.get(from)
  if (!set) {
    set = new Set()
    const stack = [from]
    while (stack.length > 0) {
      const id = stack.pop()!
      const node = model.elements.get(id)
      if (!node) continue
      const next = [
        ...node.outgoing.map((f) => model.flows.get(f)?.target ?? ''),
        ...node.boundaries,
      ]
      for (const n of next) {
        if (!set.has(n)) {
          set.add(n)
          stack.push(n)
        }
      }
    }
    cache.set(from, set)
  }
  return set.has(to)
}
