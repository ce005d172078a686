/**
 * The preconditions of a process instance migration, per element instance, in Zeebe 8.8's order
 * and wording (ProcessInstanceMigrationPreconditions), plus what the element's migration will
 * do with its event subscriptions (decided here, so nothing is written for a rejected command).
 */
import { EngineError, EngineErrorCode, type Variables } from '../api'
import { BpmnElementType, type FlowNode, type ProcessModel } from '../model/model'
import { eventTypeOf, type Runtime } from '../runtime/runtime'
import type { ElementInstanceState } from '../state/state'
import { userTasksOf } from '../user-task/state'
import { catchEventsOf, eventTypeName, hasSubscription, trySubscription } from './catch-events'

const SUPPORTED = new Set<string>([
  'PROCESS',
  'SERVICE_TASK',
  'USER_TASK',
  'SUB_PROCESS',
  'CALL_ACTIVITY',
  'INTERMEDIATE_CATCH_EVENT',
  'RECEIVE_TASK',
  'EVENT_SUB_PROCESS',
  'EXCLUSIVE_GATEWAY',
  'EVENT_BASED_GATEWAY',
  'BUSINESS_RULE_TASK',
  'SCRIPT_TASK',
  'SEND_TASK',
  'MULTI_INSTANCE_BODY',
])

/** Zeebe rejects with INVALID_STATE, which its gateway answers as FAILED_PRECONDITION. */
export function invalidState(message: string): never {
  throw new EngineError(EngineErrorCode.FailedPrecondition, message)
}

/** One element instance and where it goes. */
export interface Move {
  ei: ElementInstanceState
  source: FlowNode
  target: FlowNode
  /** Existing subscriptions (timer, message, signal keys) and their target event id or null. */
  subscriptions: { key: number; targetEventId: string | null }[]
  /** Target events to subscribe to. */
  subscribe: FlowNode[]
}

export function elementOrFlowExists(model: ProcessModel, id: string): boolean {
  return model.elements.has(id) || model.flows.has(id)
}

export function hasMessageStartEvent(model: ProcessModel): boolean {
  const root = model.elements.get(model.bpmnProcessId)
  return (root?.startEventIds ?? []).some((id) => model.elements.get(id)?.event?.kind === 'message')
}

/** The event a subscription bound to an element instance belongs to. */
function subscriptionEventId(rt: Runtime, key: number): string | undefined {
  const timer = rt.s.timers[key]
  if (timer) return timer.value.targetElementId
  const message = rt.s.messageSubscriptions[key]
  if (message) return message.value.elementId
  const signal = rt.s.signalSubscriptions[key]
  if (signal) return signal.value.catchEventId
  return undefined
}

/** A container interrupted by an interrupting event sub-process opens no new subscriptions. */
function isInterrupted(rt: Runtime, ei: ElementInstanceState, model: ProcessModel): boolean {
  return rt.childrenOf(ei.key).some((child) => {
    if (child.type !== BpmnElementType.EventSubProcess) return false
    const start = model.elements.get(model.elements.get(child.elementId)?.startEventIds[0] ?? '')
    return start?.interrupting === true
  })
}

/** Zeebe's per-element preconditions; returns what the element's migration will do. */
export function checkElement(
  rt: Runtime,
  pik: number,
  ei: ElementInstanceState,
  sourceModel: ProcessModel,
  targetModel: ProcessModel,
  mapping: Map<string, string>,
  targetIdOf: Map<number, string>,
): Move {
  const elementId = ei.elementId
  const source = sourceModel.elements.get(elementId)!
  if (!SUPPORTED.has(ei.type)) {
    invalidState(
      `Expected to migrate process instance '${pik}' but active element with id '${elementId}' has an unsupported type. The migration of a ${ei.type} is not supported.`,
    )
  }
  if (ei.type === BpmnElementType.IntermediateCatchEvent) {
    const kind = eventTypeOf(source)
    if (!['MESSAGE', 'TIMER', 'SIGNAL'].includes(kind)) {
      invalidState(
        `Expected to migrate process instance '${pik}' but active element with id '${elementId}' is intermediate catch event of type '${kind}'. Migrating active intermediate catch event of this type is not possible yet.`,
      )
    }
  }
  const targetId = mapping.get(elementId)
  if (targetId === undefined) {
    invalidState(
      `Expected to migrate process instance '${pik}' but no mapping instruction defined for active element with id '${elementId}'. Elements cannot be migrated without a mapping.`,
    )
  }
  const target = targetModel.elements.get(targetId)
  const isInner = ei.loopCounter !== undefined
  const targetType = target
    ? target.multiInstance && !isInner
      ? BpmnElementType.MultiInstanceBody
      : target.type
    : BpmnElementType.SequenceFlow
  if (!target || targetType !== ei.type) {
    invalidState(
      `Expected to migrate process instance '${pik}' but active element with id '${elementId}' and type '${ei.type}' is mapped to an element with id '${targetId}' and different type '${targetType}'. Elements must be mapped to elements of the same type.`,
    )
  }
  if (ei.type === BpmnElementType.UserTask) {
    const impl = (n: FlowNode) => (n.camundaUserTask ? 'zeebe user task' : 'job worker')
    if (impl(source) !== impl(target)) {
      invalidState(
        `Expected to migrate process instance '${pik}' but active user task with id '${elementId}' and implementation '${impl(source)}' is mapped to an user task with id '${targetId}' and different implementation '${impl(target)}'. Elements must be mapped to elements of the same implementation.`,
      )
    }
  }
  if (ei.key !== ei.piKey) {
    const expected = targetIdOf.get(ei.flowScopeKey) ?? ''
    const allowed = [...(target.multiInstance && isInner ? [target.id] : []), target.scopeId]
    if (!allowed.includes(expected)) {
      invalidState(
        `Expected to migrate process instance '${pik}' but the flow scope of active element with id '${elementId}' is changed. The flow scope of the active element is expected to be '${expected}' but was '${target.scopeId}'. The flow scope of an element cannot be changed during migration yet.`,
      )
    }
  }
  const sourceEvents = catchEventsOf(sourceModel, source, ei.type)
  const targetEvents = catchEventsOf(targetModel, target, ei.type)
  const byTarget = new Map<string, string[]>()
  for (const event of sourceEvents) {
    const mapped = mapping.get(event.id)
    if (mapped === undefined) continue
    if (!targetEvents.some((t) => t.id === mapped)) {
      invalidState(
        `Expected to migrate process instance '${pik}' but active element with id '${elementId}' is mapped to an element with id '${targetId}' and has a catch event with id '${event.id}' that is mapped to a catch event with id '${mapped}'. These mappings detach the catch event from the element in the target process. Catch events must stay attached to the same element instance.`,
      )
    }
    byTarget.set(mapped, [...(byTarget.get(mapped) ?? []), event.id])
  }
  for (const [mapped, sources] of byTarget) {
    if (sources.length > 1) {
      invalidState(
        `Expected to migrate process instance '${pik}' but active element with id '${elementId}' has a catch event attached that is mapped to a catch event with id '${mapped}'. There are multiple mapping instructions that target this catch event: '${[...sources].sort().join("', '")}'. Catch events cannot be merged by process instance migration. Please ensure the mapping instructions target a catch event only once.`,
      )
    }
  }
  for (const event of sourceEvents) {
    const mapped = mapping.get(event.id)
    const mappedNode = mapped !== undefined ? targetModel.elements.get(mapped) : undefined
    if (mappedNode && eventTypeName(mappedNode) !== eventTypeName(event)) {
      invalidState(
        `Expected to migrate process instance '${pik}' but active element with id '${elementId}' has a catch event with id '${event.id}' that is mapped to a catch event with id '${mapped}'. These catch events have different event types: '${eventTypeName(event)}' and '${eventTypeName(mappedNode)}'. The event type of a catch event cannot be changed by process instance migration. Please ensure the event type of the catch event remains the same or remove the mapping instruction for these catch events.`,
      )
    }
  }
  if (
    source.multiInstance &&
    target.multiInstance &&
    source.multiInstance.sequential !== target.multiInstance.sequential
  ) {
    invalidState(
      `Expected to migrate process instance '${pik}' but active element with id '${elementId}' has a different loop characteristics than the target element with id '${targetId}'. Both elements must have either sequential or parallel loop characteristics.`,
    )
  }
  if (ei.joins) {
    invalidState(
      `Expected to migrate process instance '${pik}' but active element with id '${elementId}' has taken sequence flows waiting at the joining gateway '${Object.keys(ei.joins).join("', '")}'. This engine does not migrate joining gateways yet; migrate once the gateway joined, or use process instance modification.`,
    )
  }
  const task = ei.userTaskKey !== undefined ? userTasksOf(rt.s)[ei.userTaskKey] : undefined
  if (task && task.state !== 'CREATED') {
    invalidState(
      `Expected to migrate process instance '${pik}' but active user task with id '${elementId}' has a transition in flight ('${task.state}'). This engine migrates user tasks only while no transition runs; retry once it finished.`,
    )
  }
  const move: Move = { ei, source, target, subscriptions: [], subscribe: [] }
  if (ei.state === 'ACTIVATING') return move
  const bound = [...(rt.idx.boundTo.get(ei.key) ?? [])].filter((k) => !rt.s.jobs[k])
  const messageNames = new Set<string>()
  for (const key of bound) {
    const eventId = subscriptionEventId(rt, key)
    if (eventId === undefined) continue
    move.subscriptions.push({ key, targetEventId: mapping.get(eventId) ?? null })
    const sub = rt.s.messageSubscriptions[key]
    if (sub) messageNames.add(sub.value.messageName)
  }
  if (isInterrupted(rt, ei, sourceModel)) return move
  const mappedTargets = new Set(mapping.values())
  const vars: Variables = rt.visibleVariables(ei.key)
  for (const event of targetEvents) {
    if (!hasSubscription(event) || mappedTargets.has(event.id)) continue
    const r = trySubscription(event, vars, rt.clock.now())
    if ('problem' in r) {
      invalidState(
        `Expected to migrate process instance '${pik}' but active element with id '${elementId}' is mapped to element with id '${targetId}' that must be subscribed to a catch event. ${r.problem}`,
      )
    }
    if (r.messageName !== undefined && messageNames.has(r.messageName)) {
      invalidState(
        `Expected to migrate process instance '${pik}' but active element with id '${elementId}' attempts to subscribe to a message it is already subscribed to with name '${r.messageName}'. Migrating active elements that subscribe to a message they are already subscribed to is not possible yet. Please provide a mapping instruction to message catch event with id '${event.id}' to migrate the respective message subscription.`,
      )
    }
    move.subscribe.push(event)
  }
  return move
}
