/**
 * Compensation, as Zeebe's BpmnCompensationSubscriptionBehaviour runs it.
 *
 * - When an activity with a compensation boundary event completes, a COMPENSATION_SUBSCRIPTION
 *   is CREATED for it in its flow scope (`compensableActivityScopeKey`); so is one for a
 *   completing embedded sub-process or multi-instance body that has subscriptions inside (no
 *   handler of its own unless it has a compensation boundary event too). Activities that are
 *   active, terminated or never ran have none, so they are never compensated. A multi-instance
 *   activity is compensated once (its body's subscription), not per instance.
 * - A compensation throw or end event (ACTIVATED) triggers every not yet triggered subscription
 *   of its flow scope (inside an event sub-process: also of the event sub-process's flow scope),
 *   or only those of `activityRef`, all at once and in no particular order, and then those inside
 *   the triggered sub-processes, recursively. For each one with a handler, the compensation
 *   boundary event is written ACTIVATING … COMPLETED and the handler activated, both in the throw
 *   event's flow scope (so the handler sees the throw event's variables); the subscription is
 *   TRIGGERED with the throw event and the handler instance.
 * - The throw event waits (Zeebe always waits; `waitForCompletion` is not read) until every
 *   subscription it triggered is COMPLETED: a handler's when the handler completes, a
 *   sub-process's once nothing is left inside it. Then it completes and continues. With nothing
 *   to compensate it completes at once.
 * - Subscriptions are DELETED when their process instance completes or terminates, and those of
 *   a terminated sub-process (recursively) with it.
 */
import { BpmnElementType, elementOf, type FlowNode } from '../model/model'
import type { CompensationSubscription } from '../state/compensation-state'
import type { ElementInstanceState } from '../state/state'
import type { Runtime } from './runtime'

/** The compensation subscriptions of a process instance, in creation order. */
export function compensationSubscriptions(rt: Runtime, piKey: number): CompensationSubscription[] {
  const subs = rt.s.compensationSubscriptions?.[piKey]
  return subs ? Object.values(subs).sort((a, b) => a.key - b.key) : []
}

const isTriggered = (sub: CompensationSubscription): boolean => sub.value.throwEventId !== ''
const scopeOf = (sub: CompensationSubscription): number => sub.value.compensableActivityScopeKey

/** The compensation boundary event of an activity, if it has one. */
function compensationBoundary(rt: Runtime, defKey: number, node: FlowNode): FlowNode | undefined {
  const model = rt.models(defKey)
  return node.boundaries
    .map((id) => elementOf(model, id))
    .find((b) => b.event?.kind === 'compensation')
}

/**
 * Runs just before ELEMENT_COMPLETED: a completing process drops its instance's subscriptions;
 * a completing compensable activity (or sub-process with subscriptions inside) subscribes.
 */
export function beforeElementCompleted(
  rt: Runtime,
  ei: ElementInstanceState,
  node: FlowNode,
): void {
  if (ei.type === BpmnElementType.Process) {
    deleteSubscriptions(rt, compensationSubscriptions(rt, ei.piKey))
    return
  }
  // Boundary events of a multi-instance activity belong to its body, not its inner instances.
  const hostsBoundaries = !node.multiInstance || ei.type === BpmnElementType.MultiInstanceBody
  const boundary = hostsBoundaries ? compensationBoundary(rt, ei.defKey, node) : undefined
  const isFlowScope =
    ei.type === BpmnElementType.SubProcess || ei.type === BpmnElementType.MultiInstanceBody
  const hasInner =
    isFlowScope && compensationSubscriptions(rt, ei.piKey).some((sub) => scopeOf(sub) === ei.key)
  if (!boundary && !hasInner) return
  const def = rt.definition(ei.defKey)
  rt.emit(
    'COMPENSATION_SUBSCRIPTION',
    'CREATED',
    rt.newKey(),
    {
      tenantId: def.tenantId,
      processInstanceKey: ei.piKey,
      processDefinitionKey: ei.defKey,
      compensableActivityId: ei.elementId,
      compensableActivityScopeKey: ei.flowScopeKey,
      compensableActivityInstanceKey: ei.key,
      throwEventId: '',
      throwEventInstanceKey: -1,
      compensationHandlerId: boundary?.compensationHandler ?? '',
      compensationHandlerInstanceKey: -1,
      variables: {},
    },
    ei.piKey,
  )
}

/** Runs just after ELEMENT_COMPLETED: a compensation handler completes its subscription. */
export function afterElementCompleted(rt: Runtime, ei: ElementInstanceState, node: FlowNode): void {
  if (!node.isForCompensation) return
  const sub = compensationSubscriptions(rt, ei.piKey).find(
    (s) => isTriggered(s) && s.value.compensationHandlerInstanceKey === ei.key,
  )
  if (!sub) return
  rt.emit('COMPENSATION_SUBSCRIPTION', 'COMPLETED', sub.key, sub.value, ei.piKey)
  completeFlowScopeSubscriptions(rt, ei.piKey, scopeOf(sub))
  const throwKey = sub.value.throwEventInstanceKey
  const pending = compensationSubscriptions(rt, ei.piKey).some(
    (s) => s.value.throwEventInstanceKey === throwKey,
  )
  if (pending) return
  // Every handler this throw event invoked completed: it completes (as Zeebe's COMPLETE_ELEMENT
  // command, after the handler's own completion has finished).
  rt.later(() => {
    const throwEvent = rt.instance(throwKey)
    if (throwEvent?.state === 'ACTIVATED') rt.complete(throwEvent)
  })
}

/** A sub-process's subscription completes once nothing is left in its scope (bottom to top). */
function completeFlowScopeSubscriptions(rt: Runtime, piKey: number, scopeKey: number): void {
  const subs = compensationSubscriptions(rt, piKey)
  if (subs.some((s) => scopeOf(s) === scopeKey)) return
  const scopeSub = subs.find(
    (s) =>
      s.value.compensableActivityInstanceKey === scopeKey && s.value.compensationHandlerId === '',
  )
  if (!scopeSub) return
  rt.emit('COMPENSATION_SUBSCRIPTION', 'COMPLETED', scopeSub.key, scopeSub.value, piKey)
  completeFlowScopeSubscriptions(rt, piKey, scopeOf(scopeSub))
}

/** Runs when an element starts terminating: its scope's subscriptions go with it. */
export function onElementTerminating(rt: Runtime, ei: ElementInstanceState): void {
  if (ei.type === BpmnElementType.Process) {
    deleteSubscriptions(rt, compensationSubscriptions(rt, ei.piKey))
    return
  }
  if (ei.type !== BpmnElementType.SubProcess && ei.type !== BpmnElementType.AdHocSubProcess) return
  const subs = compensationSubscriptions(rt, ei.piKey)
  if (subs.length === 0) return
  const doomed: CompensationSubscription[] = []
  const collect = (scopeKey: number) => {
    for (const s of subs) {
      if (scopeOf(s) !== scopeKey) continue
      doomed.push(s)
      collect(s.value.compensableActivityInstanceKey)
    }
  }
  collect(ei.key)
  deleteSubscriptions(rt, doomed)
}

function deleteSubscriptions(rt: Runtime, subs: CompensationSubscription[]): void {
  for (const s of subs) {
    rt.emit('COMPENSATION_SUBSCRIPTION', 'DELETED', s.key, s.value, s.value.processInstanceKey)
  }
}

/**
 * A compensation intermediate throw or end event: ACTIVATED, then compensation is triggered;
 * the event completes at once when there is nothing to compensate, else once every handler it
 * invoked has completed.
 */
export function throwCompensation(rt: Runtime, ei: ElementInstanceState, node: FlowNode): void {
  rt.transition(ei, 'ELEMENT_ACTIVATED')
  const activityRef = node.event?.kind === 'compensation' ? node.event.activityRef : undefined
  if (!triggerCompensation(rt, ei, node, activityRef)) rt.complete(ei)
}

function triggerCompensation(
  rt: Runtime,
  throwEvent: ElementInstanceState,
  node: FlowNode,
  activityRef: string | undefined,
): boolean {
  const scopeKeys = [throwEvent.flowScopeKey]
  if (rt.models(throwEvent.defKey).elements.get(node.scopeId)?.type === 'EVENT_SUB_PROCESS') {
    // Inside an event sub-process, the compensation reaches the scope around it as well.
    const esp = rt.instance(throwEvent.flowScopeKey)
    if (esp) scopeKeys.push(esp.flowScopeKey)
  }
  const notTriggered = compensationSubscriptions(rt, throwEvent.piKey).filter(
    (s) => !isTriggered(s),
  )
  const inScope = notTriggered.filter(
    (s) =>
      scopeKeys.includes(scopeOf(s)) &&
      (activityRef === undefined || s.value.compensableActivityId === activityRef),
  )
  if (inScope.length === 0) return false
  for (const sub of inScope) triggerSubscription(rt, throwEvent, notTriggered, sub)
  return true
}

/** Triggers one subscription (its handler, if any), then the subscriptions inside it. */
function triggerSubscription(
  rt: Runtime,
  throwEvent: ElementInstanceState,
  notTriggered: CompensationSubscription[],
  sub: CompensationSubscription,
): void {
  let handlerKey = -1
  if (sub.value.compensationHandlerId !== '') {
    handlerKey = activateHandler(rt, throwEvent, sub.value.compensableActivityId)
  }
  rt.emit(
    'COMPENSATION_SUBSCRIPTION',
    'TRIGGERED',
    sub.key,
    {
      ...sub.value,
      throwEventId: throwEvent.elementId,
      throwEventInstanceKey: throwEvent.key,
      compensationHandlerInstanceKey: handlerKey,
    },
    throwEvent.piKey,
  )
  const inner = sub.value.compensableActivityInstanceKey
  for (const s of notTriggered) {
    if (scopeOf(s) === inner) triggerSubscription(rt, throwEvent, notTriggered, s)
  }
}

/**
 * Writes the compensation boundary event of the activity (ACTIVATING … COMPLETED) and activates
 * its handler, both in the throw event's flow scope. Returns the handler's instance key.
 */
function activateHandler(
  rt: Runtime,
  throwEvent: ElementInstanceState,
  activityId: string,
): number {
  const model = rt.models(throwEvent.defKey)
  const activity = elementOf(model, activityId)
  const boundary = compensationBoundary(rt, throwEvent.defKey, activity)
  const scope = rt.instance(throwEvent.flowScopeKey)
  if (!boundary?.compensationHandler || !scope) {
    throw new Error(`No compensation boundary event found for activity '${activityId}'`)
  }
  const def = rt.definition(throwEvent.defKey)
  const key = rt.newKey()
  const value = {
    bpmnProcessId: def.bpmnProcessId,
    version: def.version,
    processDefinitionKey: throwEvent.defKey,
    processInstanceKey: throwEvent.piKey,
    elementId: boundary.id,
    flowScopeKey: scope.key,
    bpmnElementType: BpmnElementType.BoundaryEvent,
    bpmnEventType: 'COMPENSATION',
    parentProcessInstanceKey: -1,
    parentElementInstanceKey: -1,
    tenantId: def.tenantId,
  }
  for (const intent of [
    'ELEMENT_ACTIVATING',
    'ELEMENT_ACTIVATED',
    'ELEMENT_COMPLETING',
    'ELEMENT_COMPLETED',
  ] as const) {
    rt.emit('PROCESS_INSTANCE', intent, key, value, throwEvent.piKey)
  }
  return rt.activate(elementOf(model, boundary.compensationHandler), scope).key
}
