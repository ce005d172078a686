/**
 * The processing core: turns commands into event records, applying each record to the state as
 * it is written (so state only changes through appliers). Element behaviours (one file per
 * element kind, see behaviors.ts) call back into this class for the shared steps: lifecycle
 * transitions, variables, jobs, incidents, subscriptions and event triggers. Those steps live in
 * one module each (transitions.ts, flows.ts, variables.ts, jobs.ts, incidents.ts,
 * subscriptions.ts, event-triggers.ts, errors.ts), written as functions of `this: Runtime` and
 * bound here as the class's methods, so element behaviours keep calling `rt.<step>(…)`.
 *
 * Processing is synchronous: one command runs to completion (including every follow-up step it
 * causes) before the next starts, which is what makes the engine a serial command queue.
 */
import type { Clock, Variables } from '../api'
import type { DecisionRequirementsGraph } from '../dmn/model'
import { elementOf, type FlowNode, type ProcessModel } from '../model/model'
import type {
  EngineRecord,
  IntentOf,
  ProcessInstanceRecordValue,
  RecordOf,
  RecordValues,
  ValueType,
} from '../state/records'
import { applyRecord } from '../state/appliers'
import {
  type ElementInstanceState,
  type EngineStateData,
  type ProcessDefinitionState,
  StateIndex,
} from '../state/state'
import * as variables from './variables'
import * as transitions from './transitions'
import * as termination from './termination'
import * as flows from './flows'
import * as incidents from './incidents'
import * as jobs from './jobs'
import * as subscriptions from './subscriptions'
import * as triggers from './event-triggers'
import * as errors from './errors'
import { type ElementTreePath, elementTreePath, type TreePosition } from './tree-path'
import { trackDue } from './due-tracking'
import { processInstanceValue } from './element-values'

export { IncidentErrorType } from './incidents'
export { eventTypeOf } from './element-values'

/** Variables an event brings along when it triggers an element. */
export interface EventTrigger {
  variables: Variables
}

/** A due item for the engine's one due-date index. */
export interface DueItem {
  due: number
  kind: 'timer' | 'job-timeout' | 'job-backoff' | 'message'
  key: number
}

/** The executable model for a definition key (parsed once, cached by the engine). */
export type ModelProvider = (defKey: number) => ProcessModel

/** What one command produced, handed over by {@link Runtime.endCommand}. */
export interface CommandOutput {
  /** The event records, in order (to be made durable). */
  records: EngineRecord[]
  /** Due items created (the engine adds them to its due-date index). */
  dueItems: DueItem[]
  /** Job types that may have become activatable (waiting workers are told after durability). */
  jobTypes: string[]
}

/** The processing core one engine holds: state, indexes, models, clock and the record batch. */
export class Runtime {
  /** Records produced by the command being processed. */
  private batch: EngineRecord[] = []
  /** Due items created while processing. */
  private dueItems: DueItem[] = []
  /** Job types that may have become activatable. */
  private readonly jobTypesAvailable = new Set<string>()
  /**
   * Transient: multi-instance bodies whose completion condition held while an inner instance
   * completed; the body completes once that instance has left (see multi-instance.ts).
   */
  readonly completionConditionMet = new Set<number>()
  /** Transient: flows a gateway selected on activation, taken when it completes. */
  readonly selectedFlows = new Map<number, string[]>()
  private readonly work: (() => void)[] = []
  /** Transient: a called instance's variables between its COMPLETING and COMPLETED. */
  readonly stash = new Map<number, Variables>()
  /** Root instances whose final variables a caller awaits (createProcessInstanceWithResult). */
  readonly resultWanted = new Set<number>()
  private replaying = false
  /**
   * Transient: PROCESS_INSTANCE values of the element instances the current command touched.
   * Cleared after each command ({@link endCommand}), so parked instances keep no copy.
   */
  readonly piValues = new Map<ElementInstanceState, ProcessInstanceRecordValue>()
  /** Parsed DMN decision requirements graphs by key (the engine fills it, see dmn/deploy.ts). */
  readonly drgs = new Map<number, DecisionRequirementsGraph>()

  constructor(
    readonly s: EngineStateData,
    readonly idx: StateIndex,
    readonly models: ModelProvider,
    readonly clock: Clock,
  ) {}

  // ---------------------------------------------------------------- records

  /**
   * Reserves the next key. Every reserved key ends up as some record's key, so replay (which
   * keeps the highest key seen) continues the same sequence.
   */
  newKey(): number {
    this.s.lastKey += 1
    return this.s.lastKey
  }

  /** Writes one event record and applies it. */
  emit<V extends ValueType>(
    valueType: V,
    intent: IntentOf<V>,
    key: number,
    value: RecordValues[V],
    processInstanceKey?: number,
  ): RecordOf<V> {
    if (valueType === 'PROCESS_INSTANCE') {
      const pi = value as ProcessInstanceRecordValue
      if (pi.elementInstancePath === undefined) {
        value = { ...pi, ...this.treePathOfValue(key, pi) } as RecordValues[V]
      }
    }
    const record: RecordOf<V> = {
      position: this.s.lastPosition + 1,
      key: String(key),
      timestamp: this.clock.now(),
      recordType: 'EVENT',
      valueType,
      intent,
      ...(processInstanceKey !== undefined && processInstanceKey > 0
        ? { processInstanceKey: String(processInstanceKey) }
        : {}),
      value,
    }
    if (key > this.s.lastKey) this.s.lastKey = key
    this.apply(record as EngineRecord)
    this.batch.push(record as EngineRecord)
    return record
  }

  /** Applies a record (live or replayed) and keeps the derived bookkeeping current. */
  apply(record: EngineRecord): void {
    applyRecord(this.s, this.idx, this.models, record)
    if (record.valueType === 'PROCESS_INSTANCE' && record.value.bpmnElementType === 'PROCESS') {
      if (record.intent === 'ELEMENT_COMPLETED' || record.intent === 'ELEMENT_TERMINATED') {
        this.releaseMessageStartLock(Number(record.key))
      }
    }
    if (!this.replaying) this.trackDue(record)
  }

  /** Replays durable records onto the state (recovery). */
  replay(records: EngineRecord[]): void {
    this.replaying = true
    try {
      for (const r of records) this.apply(r)
    } finally {
      this.replaying = false
    }
  }

  /** Message start locks released by the command being processed (`bpmnProcessId\0key`). */
  readonly releasedLocks: string[] = []

  private releaseMessageStartLock(piKey: number): void {
    for (const [k, v] of Object.entries(this.s.messageStartLocks)) {
      if (v !== piKey) continue
      delete this.s.messageStartLocks[k]
      if (!this.replaying) this.releasedLocks.push(k)
    }
  }

  private trackDue(record: EngineRecord): void {
    trackDue(this.s, record, this.dueItems, this.jobTypesAvailable)
  }

  /** Hands over what the command produced and drops its transient caches. */
  endCommand(): CommandOutput {
    const output: CommandOutput = {
      records: this.batch,
      dueItems: this.dueItems,
      jobTypes: [...this.jobTypesAvailable],
    }
    this.batch = []
    this.dueItems = []
    this.jobTypesAvailable.clear()
    this.piValues.clear()
    return output
  }

  /** Runs queued follow-up steps until none is left. */
  drainWork(): void {
    let step = this.work.shift()
    while (step) {
      step()
      step = this.work.shift()
    }
  }

  later(step: () => void): void {
    this.work.push(step)
  }

  // ---------------------------------------------------------------- lookups

  definition(defKey: number): ProcessDefinitionState {
    const d = this.s.processes[defKey]
    if (!d) throw new Error(`unknown process definition ${defKey}`)
    return d
  }

  nodeOf(ei: ElementInstanceState): FlowNode {
    return elementOf(this.models(ei.defKey), ei.elementId)
  }

  instance(key: number): ElementInstanceState | undefined {
    return this.s.elementInstances[key]
  }

  childrenOf(key: number): ElementInstanceState[] {
    const keys = this.idx.childrenOf.get(key)
    if (!keys) return []
    const out: ElementInstanceState[] = []
    for (const k of keys) {
      const ei = this.s.elementInstances[k]
      if (ei) out.push(ei)
    }
    return out
  }

  /** Zeebe's element tree path of an element instance (tree-path.ts). */
  treePath(position: TreePosition): ElementTreePath {
    return elementTreePath(this.s, this.models, position)
  }

  /** The tree path of a PROCESS_INSTANCE record's element, from its value. */
  treePathOfValue(key: number, value: ProcessInstanceRecordValue): ElementTreePath {
    const piKey = value.processInstanceKey
    const caller = value.parentElementInstanceKey
    return this.treePath({
      key,
      flowScopeKey: key === piKey ? -1 : value.flowScopeKey,
      defKey: value.processDefinitionKey,
      ...(key === piKey && caller > 0 ? { callerKey: caller } : {}),
    })
  }

  /**
   * The PROCESS_INSTANCE record value for an element instance. Every field is fixed for the
   * element instance's life, so the transitions one command writes (ACTIVATING and ACTIVATED,
   * COMPLETING and COMPLETED) share one value object (record values are never mutated), which
   * the log serializes once (see log.ts).
   */
  piValue(ei: ElementInstanceState, node?: FlowNode): ProcessInstanceRecordValue {
    let value = this.piValues.get(ei)
    if (!value) {
      value = processInstanceValue(this, ei, node)
      this.piValues.set(ei, value)
    }
    return value
  }

  transition(ei: ElementInstanceState, intent: IntentOf<'PROCESS_INSTANCE'>): void {
    this.emit('PROCESS_INSTANCE', intent, ei.key, this.piValue(ei), ei.piKey)
  }

  /** Latest version of every deployed process. */
  latestDefinitions(): ProcessDefinitionState[] {
    const out: ProcessDefinitionState[] = []
    for (const keys of this.idx.versions.values()) {
      const d = this.s.processes[keys[keys.length - 1]!]
      if (d) out.push(d)
    }
    return out
  }

  /** Event sub-processes started by an event: which start event, with which variables. */
  readonly pendingStart = new Map<
    number,
    { startId: string; trigger: EventTrigger; elementIds?: string[] }
  >()

  // ---------------------------------------------------------------- variables (variables.ts)

  readonly visibleVariables = variables.visibleVariables
  readonly setVariable = variables.setVariable
  readonly setLocalVariables = variables.setLocalVariables
  readonly mergeDocument = variables.mergeDocument
  readonly applyResultVariables = variables.applyResultVariables
  readonly evaluateMappings = variables.evaluateMappings

  // ---------------------------------------------------------------- lifecycle (transitions.ts)

  readonly activate = transitions.activate
  readonly continueActivation = transitions.continueActivation
  readonly activateAfterStartListeners = transitions.activateAfterStartListeners
  readonly prepareMultiInstanceChild = transitions.prepareMultiInstanceChild
  readonly multiInstanceItems = transitions.multiInstanceItems
  readonly activated = transitions.activated
  readonly complete = transitions.complete
  readonly continueCompletion = transitions.continueCompletion
  readonly childLeft = transitions.childLeft
  readonly terminate = termination.terminate
  readonly terminateAll = termination.terminateAll
  readonly finishTermination = termination.finishTermination
  /** What runs once an awaited termination ended (termination.ts); by element instance key. */
  readonly afterTermination = new Map<number, () => void>()
  /** Element instances whose termination is running right now (on the call stack). */
  readonly terminatingNow = new Set<number>()

  // ---------------------------------------------------------------- sequence flows (flows.ts)

  readonly selectFlows = flows.selectFlows
  readonly takeOutgoing = flows.takeOutgoing
  readonly takeFlow = flows.takeFlow
  readonly checkJoin = flows.checkJoin
  readonly emitFlowTaken = flows.emitFlowTaken

  // ---------------------------------------------------------------- incidents (incidents.ts)

  readonly raiseIncident = incidents.raiseIncident
  readonly resolveIncidentsOf = incidents.resolveIncidentsOf

  // ---------------------------------------------------------------- jobs (jobs.ts)

  readonly prepareJob = jobs.prepareJob
  readonly createJob = jobs.createJob

  // ------------------------------------------------------ event subscriptions (subscriptions.ts)

  readonly cancelBound = subscriptions.cancelBound
  readonly closeBoundSubscriptions = subscriptions.closeBoundSubscriptions
  readonly cancelSubscription = subscriptions.cancelSubscription
  readonly openEventSubscription = subscriptions.openEventSubscription
  readonly timerSchedule = subscriptions.timerSchedule
  readonly correlateBufferedMessage = subscriptions.correlateBufferedMessage
  readonly correlateSubscription = subscriptions.correlateSubscription

  // ------------------------------------- event triggers, process instances (event-triggers.ts)

  readonly triggerEvent = triggers.triggerEvent
  readonly broadcastSignal = triggers.broadcastSignal
  readonly createInstance = triggers.createInstance
  readonly takePendingStart = triggers.takePendingStart

  // ----------------------------------------------------- errors and escalations (errors.ts)

  readonly throwError = errors.throwError
  readonly throwEscalation = errors.throwEscalation
  readonly findCatch = errors.findCatch
  readonly fireCatch = errors.fireCatch
}
