/**
 * Catch events as modification and migration see them: which catch events an element instance
 * owns (Zeebe's `ExecutableCatchEventSupplier.getEvents()`), and a dry run of opening one
 * subscription, so a command can be rejected before it writes anything (the engine applies each
 * record as it is written, so a command must not fail half-way).
 */
import type { Variables } from '../api'
import { evaluateExpression, evaluateTyped, feelTypeName } from '../feel/feel'
import { BpmnElementType, type FlowNode, type ProcessModel } from '../model/model'
import { parseTimerText } from '../model/timer'

/** True for container element types (they own event sub-process start events). */
function isContainerType(type: string): boolean {
  return (
    type === BpmnElementType.Process ||
    type === BpmnElementType.SubProcess ||
    type === BpmnElementType.EventSubProcess
  )
}

/**
 * The catch events an element instance of `node` with instance type `type` owns: boundary events
 * (on the multi-instance body, not on its inner instances), event sub-process start events of a
 * container, the element itself for intermediate catch events and receive tasks, and the events
 * after an event-based gateway.
 */
export function catchEventsOf(model: ProcessModel, node: FlowNode, type: string): FlowNode[] {
  const out: FlowNode[] = []
  const add = (id: string | undefined) => {
    const n = id ? model.elements.get(id) : undefined
    if (n) out.push(n)
  }
  const isBody = type === BpmnElementType.MultiInstanceBody
  if (!node.multiInstance || isBody) node.boundaries.forEach(add)
  if (isBody) return out
  if (isContainerType(type)) {
    for (const espId of node.eventSubProcessIds) add(model.elements.get(espId)?.startEventIds[0])
  }
  if (
    (type === BpmnElementType.IntermediateCatchEvent || type === BpmnElementType.ReceiveTask) &&
    node.event
  ) {
    out.push(node)
  }
  if (type === BpmnElementType.EventBasedGateway) {
    for (const f of node.outgoing) add(model.flows.get(f)?.target)
  }
  return out
}

/** Events that hold a subscription while their owner waits (timer, message, signal). */
export function hasSubscription(node: FlowNode): boolean {
  const kind = node.event?.kind
  return kind === 'timer' || kind === 'message' || kind === 'signal'
}

/** Zeebe's `BpmnEventType` name of a catch event. */
export function eventTypeName(node: FlowNode): string {
  return node.event ? node.event.kind.toUpperCase() : 'UNSPECIFIED'
}

/**
 * What opening the subscription of `eventNode` with `vars` would fail with (the message the
 * runtime's incident would carry), or null when it would open; for a message also its name.
 */
export function trySubscription(
  eventNode: FlowNode,
  vars: Variables,
  now: number,
): { problem: string } | { messageName?: string } {
  const event = eventNode.event
  if (!event) return {}
  if (event.kind === 'timer') {
    let text = event.timer.expression
    if (text.trim().startsWith('=')) {
      const r = evaluateExpression(text, vars, now)
      if (!r.ok) return { problem: r.message }
      text = typeof r.value === 'string' ? r.value : String(r.value)
    }
    const schedule = parseTimerText(event.timer.kind, text, now)
    return typeof schedule === 'string' ? { problem: schedule } : {}
  }
  if (event.kind === 'message') {
    const name = evaluateTyped(event.messageName, vars, 'STRING')
    if (!name.ok) return { problem: name.message }
    const ck = evaluateExpression(event.correlationKey, vars)
    if (!ck.ok) return { problem: ck.message }
    if (typeof ck.value !== 'string' && typeof ck.value !== 'number') {
      return {
        problem: `Failed to extract the correlation key for '${event.correlationKey.replace(/^\s*=/, '')}': The value must be either a string or a number, but was '${feelTypeName(ck.value)}'.`,
      }
    }
    return { messageName: String(name.value) }
  }
  if (event.kind === 'signal') {
    const name = evaluateTyped(event.signalName, vars, 'STRING')
    if (!name.ok) return { problem: name.message }
  }
  return {}
}
