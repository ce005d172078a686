/** BPMN errors and escalations (Zeebe's BpmnEventPublicationBehavior): finding the catch event and firing it. */
import { type Variables } from '../api'
import { BpmnElementType, elementOf, type FlowNode } from '../model/model'
import { type ElementInstanceState } from '../state/state'
import type { Runtime } from './runtime'

/**
 * Throws a BPMN error from `source`: the nearest error boundary event or error event
 * sub-process that matches (its code, or a catch-all) catches it. False when nothing does.
 * `beforeThrow` runs once a catch event is known, before it fires (an error end event is
 * ACTIVATED only then, as in Zeebe's EndEventProcessor).
 */
export function throwError(
  this: Runtime,
  source: ElementInstanceState,
  errorCode: string,
  variables: Variables,
  beforeThrow?: () => void,
): boolean {
  const found = this.findCatch(source, 'error', errorCode)
  if (!found) return false
  beforeThrow?.()
  this.fireCatch(found, variables)
  return true
}

/**
 * Throws an escalation from `source` (an escalation throw or end event). Returns whether a
 * catch event took it; an uncaught escalation is not an error in Zeebe.
 */
export function throwEscalation(
  this: Runtime,
  source: ElementInstanceState,
  escalationCode: string,
): boolean {
  const start = this.s.elementInstances[source.flowScopeKey]
  const found = start ? this.findCatch(start, 'escalation', escalationCode) : undefined
  if (!found) return false
  this.fireCatch(found, {})
  return true
}

/**
 * The nearest catch event for an error or escalation thrown inside `from`: a boundary event of
 * `from` or an enclosing activity, or an event sub-process start of an enclosing container,
 * across call activities. The exact code wins over a catch-all at the same level.
 */
export function findCatch(
  this: Runtime,
  from: ElementInstanceState,
  kind: 'error' | 'escalation',
  code: string,
): { host: ElementInstanceState; event: FlowNode } | undefined {
  const codeOf = (n: FlowNode): string | null | undefined =>
    n.event?.kind === 'error'
      ? n.event.errorCode
      : n.event?.kind === 'escalation'
        ? n.event.escalationCode
        : undefined
  const pick = (events: FlowNode[]) => {
    const candidates = events.filter((n) => n.event?.kind === kind)
    return candidates.find((n) => codeOf(n) === code) ?? candidates.find((n) => !codeOf(n))
  }
  let cur: ElementInstanceState | undefined = from
  while (cur) {
    const model = this.models(cur.defKey)
    const node = elementOf(model, cur.elementId)
    const hostsBoundaries = !node.multiInstance || cur.type === BpmnElementType.MultiInstanceBody
    const boundary = hostsBoundaries
      ? pick(node.boundaries.map((id) => elementOf(model, id)))
      : undefined
    if (boundary && this.s.elementInstances[cur.flowScopeKey]) return { host: cur, event: boundary }
    if (
      cur.state === 'ACTIVATED' &&
      (cur.type === BpmnElementType.Process ||
        cur.type === BpmnElementType.SubProcess ||
        cur.type === BpmnElementType.EventSubProcess)
    ) {
      const start = pick(
        node.eventSubProcessIds
          .map((id) => elementOf(model, id))
          .map((esp) => elementOf(model, esp.startEventIds[0] ?? '')),
      )
      if (start) return { host: cur, event: start }
    }
    if (cur.key === cur.piKey) {
      cur = cur.parentEiKey !== undefined ? this.s.elementInstances[cur.parentEiKey] : undefined
    } else {
      cur = this.s.elementInstances[cur.flowScopeKey]
    }
  }
  return undefined
}

export function fireCatch(
  this: Runtime,
  found: { host: ElementInstanceState; event: FlowNode },
  variables: Variables,
): void {
  const { host, event } = found
  if (event.type === BpmnElementType.BoundaryEvent) {
    const scope = this.s.elementInstances[host.flowScopeKey]
    if (!scope) return
    if (event.interrupting)
      this.terminate(host, false, () => this.activate(event, scope, { variables }))
    else this.activate(event, scope, { variables })
    return
  }
  this.triggerEvent(host, event.id, { variables })
}
