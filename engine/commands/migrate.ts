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
import { EngineError, EngineErrorCode, type MigrateInstanceCommand } from '../api'
import { BpmnElementType, type FlowNode } from '../model/model'
import { eventTypeOf, type Runtime } from '../runtime/runtime'
import type { ProcessInstanceRecordValue } from '../state/records'
import type { ElementInstanceState, ProcessDefinitionState } from '../state/state'
import { userTasksOf } from '../user-task/state'
import {
  checkElement,
  elementOrFlowExists,
  hasMessageStartEvent,
  invalidState,
  type Move,
} from './migrate-checks'

/** The PROCESS_INSTANCE value of an element instance on the target definition. */
function migratedValue(
  rt: Runtime,
  ei: ElementInstanceState,
  def: ProcessDefinitionState,
  target: FlowNode,
): ProcessInstanceRecordValue {
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
    if (incident.value.elementInstanceKey !== ei.key) continue
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
  const kept = move.subscriptions.flatMap(({ key, targetEventId }) =>
    targetEventId === null ? [] : [{ key, targetEventId }],
  )
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
    const event = targetModel.elements.get(targetEventId)
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
