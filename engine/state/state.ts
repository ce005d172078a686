/**
 * The engine's in-memory state and its indexes. State changes only by applying event records
 * (appliers.ts), so the same log replayed onto a snapshot rebuilds the same state.
 * Everything here is plain data (no closures), so parked instances stay small and the whole
 * state serializes to a snapshot with JSON.
 */
import { BpmnElementType } from '../model/model'
import type { UserTaskState } from '../user-task/state'
import type { DmnStateData } from '../dmn/state'
import type { CompensationSubscriptions } from './compensation-state'
import type {
  IncidentRecordValue,
  JobRecordValue,
  MessageRecordValue,
  MessageSubscriptionRecordValue,
  SignalSubscriptionRecordValue,
  TimerRecordValue,
} from './records'

/** Partition 1's first key, as Zeebe generates them. */
export const FIRST_KEY = 2251799813685249

export interface ProcessDefinitionState {
  key: number
  bpmnProcessId: string
  version: number
  resourceName: string
  checksum: string
  tenantId: string
  deploymentKey: number
  resource: string
  /** `zeebe:versionTag` of the process, if it has one. */
  versionTag?: string
}

export interface FormState {
  key: number
  formId: string
  version: number
  resourceName: string
  checksum: string
  tenantId: string
  deploymentKey: number
  resource: string
}

export type ElementState = 'ACTIVATING' | 'ACTIVATED' | 'COMPLETING' | 'TERMINATING'

export interface ElementInstanceState {
  key: number
  piKey: number
  defKey: number
  elementId: string
  type: string
  flowScopeKey: number
  state: ElementState
  /** Active child element instances. */
  children: number
  /** Tokens waiting at joining gateways of this scope: gateway id → taken flow ids. */
  joins?: Record<string, string[]>
  parentPiKey?: number
  parentEiKey?: number
  /** Multi-instance child: its loop counter (1-based). */
  loopCounter?: number
  /** Call activity: the called process instance. */
  calledPiKey?: number
  /** Multi-instance body: inner instances created / completed / terminated so far. */
  miActivated?: number
  miCompleted?: number
  miTerminated?: number
  /** Ad-hoc sub-process (job worker): a job result fulfilled its completion condition. */
  completionConditionFulfilled?: boolean
  /** Camunda user task: the USER_TASK key of its task while it exists. */
  userTaskKey?: number
  /** Execution listeners of the running event type completed so far (listener-index.ts). */
  listenerIndex?: number
}

export type JobStateName = 'ACTIVATABLE' | 'ACTIVATED' | 'FAILED' | 'ERROR_THROWN'

export interface JobState {
  key: number
  state: JobStateName
  /** The job's latest record value, without its variables. */
  value: JobRecordValue
}

export interface IncidentState {
  key: number
  value: IncidentRecordValue
}

export interface VariableEntry {
  key: number
  value: unknown
}

export interface TimerState {
  key: number
  value: TimerRecordValue
}

export interface MessageState {
  key: number
  value: MessageRecordValue
  /** bpmnProcessIds the message already correlated to (at most once per process). */
  correlated: string[]
}

/** An open event subscription: its key and its record's value. */
export interface SubscriptionState<V = MessageSubscriptionRecordValue> {
  key: number
  value: V
}

/** The whole engine state; serialized as-is into snapshots. */
export interface EngineStateData extends DmnStateData {
  lastKey: number
  lastPosition: number
  processes: Record<string, ProcessDefinitionState>
  forms: Record<string, FormState>
  elementInstances: Record<string, ElementInstanceState>
  variables: Record<string, Record<string, VariableEntry>>
  jobs: Record<string, JobState>
  incidents: Record<string, IncidentState>
  timers: Record<string, TimerState>
  messages: Record<string, MessageState>
  messageSubscriptions: Record<string, SubscriptionState>
  signalSubscriptions: Record<string, SubscriptionState<SignalSubscriptionRecordValue>>
  /** `${bpmnProcessId}\u0000${correlationKey}` → process instance started by a message. */
  messageStartLocks: Record<string, number>
  /** Camunda user tasks by USER_TASK key (user-task/state.ts). */
  userTasks: Record<string, UserTaskState>
  /** Compensation subscriptions per process instance (compensation-state.ts; absent in old snapshots). */
  compensationSubscriptions?: CompensationSubscriptions
}

export function emptyState(): EngineStateData {
  return {
    lastKey: FIRST_KEY - 1,
    lastPosition: 0,
    processes: {},
    forms: {},
    elementInstances: {},
    variables: {},
    jobs: {},
    incidents: {},
    timers: {},
    messages: {},
    messageSubscriptions: {},
    signalSubscriptions: {},
    messageStartLocks: {},
    userTasks: {},
    decisionRequirements: {},
    decisions: {},
    compensationSubscriptions: {},
  }
}

/** Indexes derived from the state (rebuilt on load, kept current by the appliers). */
export class StateIndex {
  /** flow scope key → child element instance keys */
  readonly childrenOf = new Map<number, Set<number>>()
  /** job type → activatable job keys (in creation order) */
  readonly activatable = new Map<string, Set<number>>()
  /** bpmnProcessId → keys by version, latest last */
  readonly versions = new Map<string, number[]>()
  readonly formVersions = new Map<string, number[]>()
  /** message name → message subscription keys */
  readonly subscriptionsByMessage = new Map<string, Set<number>>()
  /** message name → buffered message keys */
  readonly messagesByName = new Map<string, Set<number>>()
  /** signal name → signal subscription keys */
  readonly signalsByName = new Map<string, Set<number>>()
  /** element instance key → job, timer and subscription keys bound to it */
  readonly boundTo = new Map<number, Set<number>>()

  static add<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
    let set = map.get(key)
    if (!set) map.set(key, (set = new Set()))
    set.add(value)
  }
  static remove<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
    const set = map.get(key)
    if (!set) return
    set.delete(value)
    if (set.size === 0) map.delete(key)
  }
}

export function indexVersion<T extends { version: number }>(
  map: Map<string, number[]>,
  id: string,
  key: number,
  all: Record<string, T>,
): void {
  const list = map.get(id) ?? []
  list.push(key)
  list.sort((a, b) => (all[a]?.version ?? 0) - (all[b]?.version ?? 0))
  map.set(id, list)
}

/** Gateways that wait for tokens on several incoming flows. */
export function isJoining(type: string, incoming: number): boolean {
  return (
    incoming > 1 &&
    (type === BpmnElementType.ParallelGateway || type === BpmnElementType.InclusiveGateway)
  )
}

/**
 * Brings a state loaded from an older snapshot up to the current shape. Multi-instance bodies
 * used to count their inner instances in `loopCounter` (which marks an inner instance); the
 * count is `miActivated` now.
 */
export function upgradeLoadedState(s: EngineStateData): EngineStateData {
  for (const ei of Object.values(s.elementInstances)) {
    if (ei.type === BpmnElementType.MultiInstanceBody && ei.loopCounter !== undefined) {
      ei.miActivated = ei.loopCounter
      delete ei.loopCounter
    }
  }
  return s
}

/** Rebuilds the derived indexes of a loaded state. */
export function buildIndex(s: EngineStateData): StateIndex {
  const idx = new StateIndex()
  for (const p of Object.values(s.processes))
    indexVersion(idx.versions, p.bpmnProcessId, p.key, s.processes)
  for (const f of Object.values(s.forms)) indexVersion(idx.formVersions, f.formId, f.key, s.forms)
  for (const ei of Object.values(s.elementInstances)) {
    if (s.elementInstances[ei.flowScopeKey]) StateIndex.add(idx.childrenOf, ei.flowScopeKey, ei.key)
  }
  for (const j of Object.values(s.jobs)) {
    if (j.state === 'ACTIVATABLE') StateIndex.add(idx.activatable, j.value.type, j.key)
    StateIndex.add(idx.boundTo, j.value.elementInstanceKey, j.key)
  }
  for (const t of Object.values(s.timers))
    StateIndex.add(idx.boundTo, t.value.elementInstanceKey, t.key)
  for (const m of Object.values(s.messages)) StateIndex.add(idx.messagesByName, m.value.name, m.key)
  for (const sub of Object.values(s.messageSubscriptions)) {
    StateIndex.add(idx.subscriptionsByMessage, sub.value.messageName, sub.key)
    StateIndex.add(idx.boundTo, sub.value.elementInstanceKey, sub.key)
  }
  for (const sub of Object.values(s.signalSubscriptions)) {
    StateIndex.add(idx.signalsByName, sub.value.signalName, sub.key)
    StateIndex.add(idx.boundTo, sub.value.catchEventInstanceKey, sub.key)
  }
  return idx
}
