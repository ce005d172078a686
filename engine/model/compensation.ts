/**
 * Compensation in the model, as Zeebe's validators and transformers read it: compensation
 * boundary events (connected to their handler by an association, no outgoing flows), handlers
 * (`isForCompensation="true"`: no incoming or outgoing flows, no boundary events), and
 * compensation throw and end events, optionally with an `activityRef` (an activity of the same
 * scope, or of the enclosing scope for an event sub-process, that has a compensation boundary
 * event or is an embedded sub-process). Compensation start and catch events do not exist in
 * Zeebe and are refused.
 */
import { BpmnElementType, type EventDefinition, type FlowNode } from './model'
import { isNode, nodes, type Node } from './moddle'

const idOf = (n: unknown): string | undefined =>
  isNode(n) && typeof n.id === 'string' ? n.id : undefined

/** `activityRef`s that bpmn-moddle could not resolve (it drops them), by their definition. */
const unresolvedActivityRefs = new WeakMap<object, string>()

/** Keeps the parser's unresolved `activityRef` warnings, so deployment can name the id. */
export function noteUnresolvedReferences(warnings: unknown[]): void {
  for (const w of warnings) {
    const warning = w as { property?: unknown; value?: unknown; element?: unknown }
    if (
      warning.property === 'bpmn:activityRef' &&
      typeof warning.value === 'string' &&
      typeof warning.element === 'object' &&
      warning.element !== null
    ) {
      unresolvedActivityRefs.set(warning.element, warning.value)
    }
  }
}

/** The event definition of a `bpmn:compensateEventDefinition`. */
export function compensationEventDefinition(
  def: Node,
  type: BpmnElementType,
  id: string,
  fail: (id: string, message: string) => void,
): EventDefinition {
  if (type === BpmnElementType.StartEvent) {
    fail(id, 'Compensation start events are not supported')
  } else if (type === BpmnElementType.IntermediateCatchEvent) {
    fail(id, 'Intermediate catch events of type compensation are not supported')
  }
  const activityRef = idOf(def.activityRef) ?? unresolvedActivityRefs.get(def)
  return { kind: 'compensation', ...(activityRef ? { activityRef } : {}) }
}

/**
 * Marks handlers and connects compensation boundary events to them (`elements` is updated in
 * place), then validates compensation elements. Runs after incoming/outgoing flows are known.
 */
export function applyCompensation(
  proc: Node,
  elements: Map<string, FlowNode>,
  fail: (id: string, message: string) => void,
): void {
  const handlerOf = new Map<string, string>()
  const handlers: string[] = []
  const visit = (container: Node) => {
    for (const a of nodes(container, 'artifacts')) {
      if (a.$type !== 'bpmn:Association') continue
      const source = idOf(a.sourceRef)
      const target = idOf(a.targetRef)
      if (source && target) handlerOf.set(source, target)
    }
    for (const el of nodes(container, 'flowElements')) {
      const id = idOf(el)
      if (id && el.isForCompensation === true) handlers.push(id)
      if (nodes(el, 'flowElements').length > 0 || nodes(el, 'artifacts').length > 0) visit(el)
    }
  }
  visit(proc)
  for (const id of handlers) {
    const node = elements.get(id)
    if (!node) continue
    elements.set(id, { ...node, isForCompensation: true })
    if (node.incoming.length > 0) {
      fail(id, 'A compensation handler should have no incoming sequence flows')
    }
    if (node.outgoing.length > 0) {
      fail(id, 'A compensation handler should have no outgoing sequence flows')
    }
    if (node.boundaries.length > 0)
      fail(id, 'A compensation handler should have no boundary events')
  }
  for (const [id, node] of elements) {
    if (node.event?.kind !== 'compensation') continue
    if (node.type === BpmnElementType.BoundaryEvent) {
      const handler = handlerOf.get(id)
      if (!handler || node.outgoing.length > 0) {
        fail(
          id,
          'Compensation boundary events must have a compensation association and no outgoing sequence flows',
        )
        continue
      }
      if (!elements.get(handler)?.isForCompensation) {
        fail(
          id,
          `The compensation handler '${handler}' must be an activity with isForCompensation="true"`,
        )
        continue
      }
      elements.set(id, { ...node, compensationHandler: handler })
      continue
    }
    const ref = node.event.activityRef
    if (ref) validateActivityRef(id, node, ref, elements, fail)
  }
}

function validateActivityRef(
  id: string,
  node: FlowNode,
  ref: string,
  elements: Map<string, FlowNode>,
  fail: (id: string, message: string) => void,
): void {
  const activity = elements.get(ref)
  if (!activity || !isActivity(activity.type)) {
    fail(id, `The referenced compensation activity '${ref}' doesn't exist`)
    return
  }
  const hasBoundary = activity.boundaries.some(
    (b) => elements.get(b)?.event?.kind === 'compensation',
  )
  if (!hasBoundary && activity.type !== BpmnElementType.SubProcess) {
    fail(
      id,
      `The referenced compensation activity '${ref}' must have either a compensation boundary event or be a subprocess`,
    )
  }
  const scope = elements.get(node.scopeId)
  const sameScope =
    activity.scopeId === node.scopeId ||
    (scope?.type === BpmnElementType.EventSubProcess && activity.scopeId === scope.scopeId)
  if (!sameScope) {
    fail(
      id,
      `The referenced compensation activity '${ref}' must be in the same scope as the compensation throw event`,
    )
  }
}

function isActivity(type: BpmnElementType): boolean {
  return ![
    BpmnElementType.StartEvent,
    BpmnElementType.EndEvent,
    BpmnElementType.IntermediateCatchEvent,
    BpmnElementType.IntermediateThrowEvent,
    BpmnElementType.BoundaryEvent,
    BpmnElementType.ExclusiveGateway,
    BpmnElementType.ParallelGateway,
    BpmnElementType.InclusiveGateway,
    BpmnElementType.EventBasedGateway,
    BpmnElementType.EventSubProcess,
  ].includes(type as never)
}
