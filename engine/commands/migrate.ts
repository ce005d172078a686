/**
 * Process instance migration (Zeebe 8.8's PROCESS_INSTANCE_MIGRATION MIGRATE, as
 * ProcessInstanceMigrationMigrateProcessor, ProcessInstanceMigrationPreconditions and
 * ProcessInstanceMigrationCatchEventBehaviour run it). The instance and each active element
 * (breadth first) move to the target definition under the mapping instructions: ELEMENT_MIGRATED,
 * then its job, incidents, user task and local variables (MIGRATED, keys kept, the job type
 * and other evaluated values unchanged), then its catch events: subscriptions of unmapped source
 * events close, unmapped target events open, mapped ones are MIGRATED (a timer keeps its due
 * date). Finally PROCESS_INSTANCE_MIGRATION MIGRATED. A called instance is not migrated with its
 * call activity.
 *
 * Every element is validated (Zeebe's preconditions, in its order and wording) before the first
 * record is written. Beyond Zeebe, this engine rejects (naming the element) scopes with tokens
 * waiting at a joining gateway and Camunda user tasks with a transition in flight, and a job
 * worker user task is never converted into a Camunda user task.
 */
import { EngineError, EngineErrorCode, type MigrateInstanceCommand, type Variables } from '../api'
import { BpmnElementType, type FlowNode, type ProcessModel } from '../model/model'
import { eventTypeOf, type Runtime } from '../runtime/runtime'
import type { ElementInstanceState, ProcessDefinitionState } from '../state/state'
import { userTasksOf } from '../user-task/state'
import { catchEventsOf, eventTypeName, hasSubscription, trySubscription } from './catch-events'

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v))
const str = (v: unknown): string => (typeof v === 'string' ? v : String(v ?? ''))

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
function invalidState(message: string): never {
  throw new EngineError(EngineErrorCode.FailedPrecondition, message)
}

/** One element instance and where it goes. */
interface Move {
  ei: ElementInstanceState
  source: FlowNode
  target: FlowNode
  /** Existing subscriptions (timer, message, signal keys) and their target event id or null. */
  subscriptions: { key: number; targetEventId: string | null }[]
  /** Target events to subscribe to. */
  subscribe: FlowNode[]
}

function elementOrFlowExists(model: ProcessModel, id: string): boolean {
  return model.elements.has(id) || model.flows.has(id)
}

function hasMessageStartEvent(model: ProcessModel): boolean {
  const root = model.elements.get(model.bpmnProcessId)
  return (root?.startEventIds ?? []).some((id) => model.elements.get(id)?.event?.kind === 'message')
}

/** The event a subscription bound to an element instance belongs to. */
function subscriptionEventId(rt: Runtime, key: number): string | undefined {
  const timer = rt.s.timers[key]
  if (timer) return str(timer.value.targetElementId)
  const message = rt.s.messageSubscriptions[key]
  if (message) return str(message.value.elementId)
  const signal = rt.s.signalSubscriptions[key]
  if (signal) return str(signal.value.catchEventId)
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
function checkElement(
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
    if (sub) messageNames.add(str(sub.value.messageName))
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

/** The PROCESS_INSTANCE value of an element instance on the target definition. */
function migratedValue(
  rt: Runtime,
  ei: ElementInstanceState,
  def: ProcessDefinitionState,
  target: FlowNode,
): Record<string, unknown> {
  const root = rt.s.elementInstances[ei.piKey]
  return {
    bpmnProcessId: def.bpmnProcessId,
    version: def.version,
    processDefinitionKey: def.key,
    processInstanceKey: ei.piKey,
    elementId: ei.key === ei.piKey ? def.bpmnProcessId : target.id,
    flowScopeKey: ei.key === ei.piKey ? -1 : ei.flowScopeKey,
    bpmnElementType: ei.type,
    bpmnEventType: eventTypeOf(target),
    parentProcessInstanceKey: root?.parentPiKey ?? -1,
    parentElementInstanceKey: root?.parentEiKey ?? -1,
    tenantId: def.tenantId,
  }
}

/** Writes the migration of one element instance (after every element passed validation). */
function migrateElement(rt: Runtime, move: Move, def: ProcessDefinitionState): void {
  const { ei, target } = move
  const pik = ei.piKey
  const moved = {
    processDefinitionKey: def.key,
    bpmnProcessId: def.bpmnProcessId,
    elementId: ei.key === ei.piKey ? def.bpmnProcessId : target.id,
  }
  rt.emit('PROCESS_INSTANCE', 'ELEMENT_MIGRATED', ei.key, migratedValue(rt, ei, def, target), pik)
  for (const key of [...(rt.idx.boundTo.get(ei.key) ?? [])]) {
    const job = rt.s.jobs[key]
    if (!job) continue
    rt.emit(
      'JOB',
      'MIGRATED',
      key,
      { ...job.value, ...moved, processDefinitionVersion: def.version, variables: {} },
      pik,
    )
  }
  for (const incident of Object.values(rt.s.incidents)) {
    if (num(incident.value.elementInstanceKey) !== ei.key) continue
    rt.emit('INCIDENT', 'MIGRATED', incident.key, { ...incident.value, ...moved }, pik)
  }
  const task = ei.userTaskKey !== undefined ? userTasksOf(rt.s)[ei.userTaskKey] : undefined
  if (task) {
    rt.emit(
      'USER_TASK',
      'MIGRATED',
      task.key,
      { ...task.value, ...moved, processDefinitionVersion: def.version, variables: {} },
      pik,
    )
  }
  for (const [name, entry] of Object.entries(rt.s.variables[ei.key] ?? {})) {
    rt.emit(
      'VARIABLE',
      'MIGRATED',
      entry.key,
      {
        name,
        value: JSON.stringify(entry.value ?? null),
        scopeKey: ei.key,
        processInstanceKey: pik,
        processDefinitionKey: def.key,
        bpmnProcessId: def.bpmnProcessId,
        tenantId: def.tenantId,
      },
      pik,
    )
  }
  if (ei.state === 'ACTIVATING') return
  const kept = move.subscriptions.filter((s) => s.targetEventId !== null)
  const closed = move.subscriptions.filter((s) => s.targetEventId === null).map((s) => s.key)
  // close: messages, timers, signals (Zeebe's order)
  for (const key of closed) {
    const sub = rt.s.messageSubscriptions[key]
    if (sub) rt.emit('MESSAGE_SUBSCRIPTION', 'DELETED', key, sub.value, pik)
  }
  for (const key of closed) {
    const timer = rt.s.timers[key]
    if (timer) rt.emit('TIMER', 'CANCELED', key, timer.value, pik)
  }
  for (const key of closed) {
    const sig = rt.s.signalSubscriptions[key]
    if (sig) rt.emit('SIGNAL_SUBSCRIPTION', 'DELETED', key, sig.value)
  }
  for (const event of move.subscribe) rt.openEventSubscription(ei, event)
  const targetModel = rt.models(def.key)
  for (const { key, targetEventId } of kept) {
    const sub = rt.s.messageSubscriptions[key]
    if (!sub) continue
    const event = targetModel.elements.get(targetEventId!)
    rt.emit(
      'MESSAGE_SUBSCRIPTION',
      'MIGRATED',
      key,
      {
        ...sub.value,
        elementId: targetEventId,
        bpmnProcessId: def.bpmnProcessId,
        interrupting: event?.interrupting ?? sub.value.interrupting,
      },
      pik,
    )
  }
  for (const { key, targetEventId } of kept) {
    const timer = rt.s.timers[key]
    if (!timer) continue
    rt.emit(
      'TIMER',
      'MIGRATED',
      key,
      { ...timer.value, targetElementId: targetEventId, processDefinitionKey: def.key },
      pik,
    )
  }
  for (const { key, targetEventId } of kept) {
    const sig = rt.s.signalSubscriptions[key]
    if (!sig) continue
    rt.emit('SIGNAL_SUBSCRIPTION', 'MIGRATED', key, {
      ...sig.value,
      catchEventId: targetEventId,
      processDefinitionKey: def.key,
      bpmnProcessId: def.bpmnProcessId,
    })
  }
}

/** Runs a MigrateProcessInstance command (inside the engine's command processing). */
export function migrateProcessInstance(rt: Runtime, cmd: MigrateInstanceCommand): void {
  const pik = /^\d+$/.test(String(cmd.processInstanceKey)) ? Number(cmd.processInstanceKey) : -1
  const pi = rt.s.elementInstances[pik]
  if (!pi || pi.type !== BpmnElementType.Process) {
    throw new EngineError(
      EngineErrorCode.NotFound,
      `Expected to migrate process instance but no process instance found with key '${cmd.processInstanceKey}'`,
    )
  }
  const instructions = cmd.mappingInstructions ?? []
  const counts = new Map<string, number>()
  for (const i of instructions)
    counts.set(i.sourceElementId, (counts.get(i.sourceElementId) ?? 0) + 1)
  const duplicates = [...counts].filter(([, n]) => n > 1).map(([id]) => id)
  if (duplicates.length > 0) {
    throw new EngineError(
      EngineErrorCode.InvalidArgument,
      `Expected to migrate process instance '${pik}' but the mapping instructions contain duplicate source element ids '[${duplicates.join(', ')}]'.`,
    )
  }
  const sourceDef = rt.definition(pi.defKey)
  const targetKey = /^\d+$/.test(String(cmd.targetProcessDefinitionKey))
    ? Number(cmd.targetProcessDefinitionKey)
    : -1
  const targetDef = rt.s.processes[targetKey]
  if (!targetDef || targetDef.tenantId !== sourceDef.tenantId) {
    throw new EngineError(
      EngineErrorCode.NotFound,
      `Expected to migrate process instance to process definition but no process definition found with key '${cmd.targetProcessDefinitionKey}'`,
    )
  }
  const sourceModel = rt.models(pi.defKey)
  const targetModel = rt.models(targetKey)
  if (sourceDef.bpmnProcessId !== targetDef.bpmnProcessId && hasMessageStartEvent(targetModel)) {
    const lock = Object.entries(rt.s.messageStartLocks).find(([, k]) => k === pi.key)?.[0]
    const correlationKey = lock?.slice(lock.indexOf('\u0000') + 1)
    if (
      correlationKey !== undefined &&
      rt.s.messageStartLocks[`${targetDef.bpmnProcessId}\u0000${correlationKey}`] !== undefined
    ) {
      invalidState(
        `Expected to migrate process instance '${pik}' but target process definition '${targetKey}' has an active instance triggered by a message start event with correlation key '${correlationKey}'. Only one instance per correlation key is allowed for message start events.`,
      )
    }
  }
  for (const i of instructions) {
    if (!elementOrFlowExists(sourceModel, i.sourceElementId)) {
      throw new EngineError(
        EngineErrorCode.InvalidArgument,
        `Expected to migrate process instance '${pik}' but mapping instructions contain a non-existing source element id '${i.sourceElementId}'. Elements provided in mapping instructions must exist in the source process definition.`,
      )
    }
    if (!elementOrFlowExists(targetModel, i.targetElementId)) {
      throw new EngineError(
        EngineErrorCode.InvalidArgument,
        `Expected to migrate process instance '${pik}' but mapping instructions contain a non-existing target element id '${i.targetElementId}'. Elements provided in mapping instructions must exist in the target process definition.`,
      )
    }
  }
  const mapping = new Map(instructions.map((i) => [i.sourceElementId, i.targetElementId]))
  // users don't map the process itself
  mapping.set(sourceDef.bpmnProcessId, targetDef.bpmnProcessId)

  const moves: Move[] = []
  const targetIdOf = new Map<number, string>()
  const queue: ElementInstanceState[] = [pi]
  for (let ei = queue.shift(); ei; ei = queue.shift()) {
    const move = checkElement(rt, pik, ei, sourceModel, targetModel, mapping, targetIdOf)
    targetIdOf.set(ei.key, move.target.id)
    moves.push(move)
    queue.push(...rt.childrenOf(ei.key))
  }

  for (const move of moves) migrateElement(rt, move, targetDef)
  rt.emit(
    'PROCESS_INSTANCE_MIGRATION',
    'MIGRATED',
    pik,
    {
      processInstanceKey: pik,
      processDefinitionKey: sourceDef.key,
      targetProcessDefinitionKey: targetKey,
      mappingInstructions: instructions.map((i) => ({
        sourceElementId: i.sourceElementId,
        targetElementId: i.targetElementId,
      })),
      tenantId: sourceDef.tenantId,
    },
    pik,
  )
}
