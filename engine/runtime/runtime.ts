/**
 * The processing core: turns commands into event records, applying each record to the state as
 * it is written (so state only changes through appliers). Element behaviours (one file per
 * element kind, see behaviors.ts) call back into this class for the shared steps: lifecycle
 * transitions, variables, jobs, incidents, subscriptions and event triggers.
 *
 * Processing is synchronous: one command runs to completion (including every follow-up step it
 * causes) before the next starts, which is what makes the engine a serial command queue.
 */
import type { Clock, Variables } from '../api'
import type { DecisionRequirementsGraph } from '../dmn/model'
import { evaluateCondition, evaluateExpression, evaluateTyped, feelTypeName } from '../feel/feel'
import {
  BpmnElementType,
  elementOf,
  type FlowNode,
  type ProcessModel,
  type TimerDefinition,
} from '../model/model'
import { parseTimerText } from '../model/timer'
import type { EngineRecord, ValueType } from '../state/records'
import {
  applyRecord,
  type ElementInstanceState,
  type EngineStateData,
  isJoining,
  type ProcessDefinitionState,
  StateIndex,
} from '../state/state'
import { behaviorOf } from './behaviors'
import { runExecutionListeners } from './execution-listeners'
import { afterElementCompleted, beforeElementCompleted, onElementTerminating } from './compensation'

/** Zeebe's incident error types the engine raises. */
export const IncidentErrorType = {
  JobNoRetries: 'JOB_NO_RETRIES',
  ConditionError: 'CONDITION_ERROR',
  IoMappingError: 'IO_MAPPING_ERROR',
  ExtractValueError: 'EXTRACT_VALUE_ERROR',
  CalledElementError: 'CALLED_ELEMENT_ERROR',
  CalledDecisionError: 'CALLED_DECISION_ERROR',
  DecisionEvaluationError: 'DECISION_EVALUATION_ERROR',
  FormNotFound: 'FORM_NOT_FOUND',
  UnhandledErrorEvent: 'UNHANDLED_ERROR_EVENT',
  Unknown: 'UNKNOWN',
} as const
export type IncidentErrorType = (typeof IncidentErrorType)[keyof typeof IncidentErrorType]

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

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v))
const str = (v: unknown): string => (typeof v === 'string' ? v : String(v ?? ''))

/** The executable model for a definition key (parsed once, cached by the engine). */
export type ModelProvider = (defKey: number) => ProcessModel

/** The processing core one engine holds: state, indexes, models, clock and the record batch. */
export class Runtime {
  /** Records produced by the command being processed. */
  batch: EngineRecord[] = []
  /** Due items created while processing (the engine adds them to its index). */
  dueItems: DueItem[] = []
  /** Job types that may have become activatable. */
  readonly jobTypesAvailable = new Set<string>()
  /**
   * Transient: multi-instance bodies whose completion condition held while an inner instance
   * completed; the body completes once that instance has left (see multi-instance.ts).
   */
  readonly completionConditionMet = new Set<number>()
  /** Transient: flows a gateway selected on activation, taken when it completes. */
  private readonly selectedFlows = new Map<number, string[]>()
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
  private readonly piValues = new Map<ElementInstanceState, Record<string, unknown>>()
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
  emit(
    valueType: ValueType,
    intent: string,
    key: number,
    value: Record<string, unknown>,
    processInstanceKey?: number,
  ): EngineRecord {
    const record: EngineRecord = {
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
    this.apply(record)
    this.batch.push(record)
    return record
  }

  /** Applies a record (live or replayed) and keeps the derived bookkeeping current. */
  apply(record: EngineRecord): void {
    applyRecord(this.s, this.idx, this.models, record)
    if (record.valueType === 'PROCESS_INSTANCE' && record.value.bpmnElementType === 'PROCESS') {
      if (record.intent === 'ELEMENT_COMPLETED' || record.intent === 'ELEMENT_TERMINATED') {
        this.releaseMessageStartLock(num(record.key))
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

  private trackDue(r: EngineRecord): void {
    const v = r.value
    const key = num(r.key)
    if (r.valueType === 'TIMER' && r.intent === 'CREATED') {
      this.dueItems.push({ due: num(v.dueDate), kind: 'timer', key })
    } else if (r.valueType === 'JOB') {
      if (r.intent === 'ACTIVATED' || r.intent === 'TIMEOUT_UPDATED') {
        this.dueItems.push({ due: num(v.deadline), kind: 'job-timeout', key })
      } else if (r.intent === 'FAILED' && num(v.retries) > 0 && num(v.retryBackoff) > 0) {
        this.dueItems.push({ due: num(v.recurringTime), kind: 'job-backoff', key })
      }
      if (
        r.intent === 'CREATED' ||
        r.intent === 'TIMED_OUT' ||
        r.intent === 'RECURRED_AFTER_BACKOFF' ||
        r.intent === 'YIELDED' ||
        (r.intent === 'FAILED' && num(v.retries) > 0 && num(v.retryBackoff) <= 0)
      ) {
        this.jobTypesAvailable.add(str(v.type))
      }
    } else if (r.valueType === 'INCIDENT' && r.intent === 'RESOLVED' && num(v.jobKey) > 0) {
      const job = this.s.jobs[num(v.jobKey)]
      if (job) this.jobTypesAvailable.add(str(job.value.type))
    } else if (r.valueType === 'MESSAGE' && r.intent === 'PUBLISHED' && num(v.timeToLive) > 0) {
      this.dueItems.push({ due: num(v.deadline), kind: 'message', key })
    }
  }

  /** Hands over the records the command produced and drops its transient caches. */
  endCommand(): EngineRecord[] {
    const batch = this.batch
    this.batch = []
    this.piValues.clear()
    return batch
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

  /**
   * The PROCESS_INSTANCE record value for an element instance. Every field is fixed for the
   * element instance's life, so the transitions one command writes (ACTIVATING and ACTIVATED,
   * COMPLETING and COMPLETED) share one value object (record values are never mutated), which
   * the log serializes once (see log.ts).
   */
  piValue(ei: ElementInstanceState, node?: FlowNode): Record<string, unknown> {
    let value = this.piValues.get(ei)
    if (!value) {
      value = this.buildPiValue(ei, node)
      this.piValues.set(ei, value)
    }
    return value
  }

  private buildPiValue(ei: ElementInstanceState, node?: FlowNode): Record<string, unknown> {
    const def = this.definition(ei.defKey)
    const root = ei.key === ei.piKey ? ei : this.s.elementInstances[ei.piKey]
    return {
      bpmnProcessId: def.bpmnProcessId,
      version: def.version,
      processDefinitionKey: ei.defKey,
      processInstanceKey: ei.piKey,
      elementId: ei.elementId,
      flowScopeKey: ei.flowScopeKey,
      bpmnElementType: ei.type,
      bpmnEventType: eventTypeOf(node ?? this.nodeOf(ei)),
      parentProcessInstanceKey: root?.parentPiKey ?? -1,
      parentElementInstanceKey: root?.parentEiKey ?? -1,
      tenantId: def.tenantId,
    }
  }

  transition(ei: ElementInstanceState, intent: string): void {
    this.emit('PROCESS_INSTANCE', intent, ei.key, this.piValue(ei), ei.piKey)
  }

  // ---------------------------------------------------------------- variables

  /** Variables visible from `scopeKey`: the scope's own, then each enclosing scope's. */
  visibleVariables(scopeKey: number): Variables {
    const chain: number[] = []
    let cur: number | undefined = scopeKey
    while (cur !== undefined && cur > 0) {
      chain.push(cur)
      const ei: ElementInstanceState | undefined = this.s.elementInstances[cur]
      cur = ei && ei.key !== ei.piKey ? ei.flowScopeKey : undefined
    }
    const out: Variables = {}
    for (let i = chain.length - 1; i >= 0; i--) {
      const vars = this.s.variables[chain[i]!]
      if (vars) for (const [name, entry] of Object.entries(vars)) out[name] = entry.value
    }
    return out
  }

  /** Sets (creates or updates) one variable in exactly `scopeKey`. */
  setVariable(scopeKey: number, name: string, value: unknown): void {
    const ei = this.s.elementInstances[scopeKey]
    if (!ei) return
    const def = this.definition(ei.defKey)
    const existing = this.s.variables[scopeKey]?.[name]
    const json = JSON.stringify(value === undefined ? null : value)
    if (existing && JSON.stringify(existing.value) === json) return
    this.emit(
      'VARIABLE',
      existing ? 'UPDATED' : 'CREATED',
      existing ? existing.key : this.newKey(),
      {
        name,
        value: json,
        scopeKey,
        processInstanceKey: ei.piKey,
        processDefinitionKey: ei.defKey,
        bpmnProcessId: def.bpmnProcessId,
        tenantId: def.tenantId,
      },
      ei.piKey,
    )
  }

  setLocalVariables(scopeKey: number, vars: Variables): void {
    for (const [name, value] of Object.entries(vars)) this.setVariable(scopeKey, name, value)
  }

  /**
   * Zeebe's propagation: each variable updates the nearest scope (from `scopeKey` up) that
   * already has it, else it is created in the process instance's root scope.
   */
  mergeDocument(scopeKey: number, vars: Variables): void {
    for (const [name, value] of Object.entries(vars)) {
      let cur = this.s.elementInstances[scopeKey]
      while (cur) {
        const isRoot = cur.key === cur.piKey
        if (isRoot || this.s.variables[cur.key]?.[name]) {
          this.setVariable(cur.key, name, value)
          break
        }
        cur = this.s.elementInstances[cur.flowScopeKey]
      }
    }
  }

  /**
   * Variables a job, message, signal or child instance hands back to an element: local to the
   * element when it has output mappings (they are applied on completion), else propagated.
   */
  applyResultVariables(
    ei: ElementInstanceState,
    node: FlowNode,
    vars: Variables | undefined,
  ): void {
    if (!vars || Object.keys(vars).length === 0) return
    if (node.outputs.length > 0) this.setLocalVariables(ei.key, vars)
    else this.mergeDocument(ei.key, vars)
  }

  /** Evaluates mappings into one document; null on failure (an incident was raised). */
  private evaluateMappings(
    ei: ElementInstanceState,
    mappings: FlowNode['inputs'],
    scopeKey: number,
  ): Variables | null {
    const context = this.visibleVariables(scopeKey)
    const result: Variables = {}
    for (const m of mappings) {
      // A source without `=` is a static value: always a string (Zeebe quotes it as a string
      // literal; only input mappings may have one, deployment rejects static output sources).
      const r = evaluateExpression(m.source, context, this.clock.now())
      if (!r.ok) {
        this.raiseIncident(ei, IncidentErrorType.IoMappingError, r.message)
        return null
      }
      setPath(result, m.target, r.value)
      setPath(context, m.target, r.value)
    }
    return result
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Activates `node` in `flowScope` (ELEMENT_ACTIVATING now, the rest as a follow-up step).
   * Activities with loop characteristics become a multi-instance body first.
   */
  activate(
    node: FlowNode,
    flowScope: ElementInstanceState,
    trigger?: EventTrigger,
    asMultiInstanceChild = false,
  ): ElementInstanceState {
    const type =
      node.multiInstance && !asMultiInstanceChild ? BpmnElementType.MultiInstanceBody : node.type
    const key = this.newKey()
    const def = this.definition(flowScope.defKey)
    const value = {
      bpmnProcessId: def.bpmnProcessId,
      version: def.version,
      processDefinitionKey: flowScope.defKey,
      processInstanceKey: flowScope.piKey,
      elementId: node.id,
      flowScopeKey: flowScope.key,
      bpmnElementType: type,
      bpmnEventType: eventTypeOf(node),
      parentProcessInstanceKey: -1,
      parentElementInstanceKey: -1,
      tenantId: def.tenantId,
    }
    this.emit('PROCESS_INSTANCE', 'ELEMENT_ACTIVATING', key, value, flowScope.piKey)
    const ei = this.s.elementInstances[key]
    if (!ei) throw new Error('element instance not created')
    // Outside called instances the later transitions carry exactly this value: share it.
    if (this.s.elementInstances[ei.piKey]?.parentPiKey === undefined) this.piValues.set(ei, value)
    this.later(() => this.continueActivation(ei.key, trigger))
    return ei
  }

  /** The activation step after ACTIVATING (also what resolving an activation incident re-runs). */
  continueActivation(key: number, trigger?: EventTrigger): void {
    const ei = this.s.elementInstances[key]
    if (!ei || ei.state !== 'ACTIVATING') return
    const node = this.nodeOf(ei)
    // Start listeners have completed (a listener job or a later incident): go on after them.
    if ((ei.listenerIndex ?? 0) > 0) {
      this.activateAfterStartListeners(ei, node, trigger)
      return
    }
    // A retried activation (incident resolved) starts without the subscriptions it left open.
    this.closeBoundSubscriptions(ei)
    if (ei.type === BpmnElementType.MultiInstanceBody) {
      behaviorOf(BpmnElementType.MultiInstanceBody).activate(this, ei, node, trigger)
      return
    }
    if (ei.loopCounter !== undefined) this.prepareMultiInstanceChild(ei, node)
    if (node.inputs.length > 0 && ei.type !== BpmnElementType.Process) {
      const inputs = this.evaluateMappings(ei, node.inputs, ei.key)
      if (!inputs) return
      // Evaluated in the element's own scope: a multi-instance child's mappings see its
      // inputElement and loopCounter.
      this.setLocalVariables(ei.key, inputs)
    }
    this.activateAfterStartListeners(ei, node, trigger)
  }

  /** The element's start listeners (one job at a time, see execution-listeners.ts), then its behaviour. */
  private activateAfterStartListeners(
    ei: ElementInstanceState,
    node: FlowNode,
    trigger?: EventTrigger,
  ): void {
    if (!runExecutionListeners(this, ei, node, 'start')) return
    behaviorOf(ei.type).activate(this, ei, node, trigger)
  }

  private prepareMultiInstanceChild(ei: ElementInstanceState, node: FlowNode): void {
    const mi = node.multiInstance
    if (!mi || this.s.variables[ei.key]?.loopCounter) return
    const body = this.s.elementInstances[ei.flowScopeKey]
    const items = body ? this.multiInstanceItems(body, node) : null
    const item = items ? items[(ei.loopCounter ?? 1) - 1] : null
    if (mi.inputElement) this.setVariable(ei.key, mi.inputElement, item ?? null)
    // As Zeebe does: an output element that is just a variable (or a path into one) gets a null
    // local first, so what the inner instance produces under that name stays in its own scope.
    const output = outputElementVariable(mi.outputElement)
    if (output && output !== mi.inputElement && output !== 'loopCounter') {
      this.setVariable(ei.key, output, null)
    }
    this.setVariable(ei.key, 'loopCounter', ei.loopCounter)
  }

  /** The input collection of a multi-instance body, or null (an incident was raised). */
  multiInstanceItems(body: ElementInstanceState, node: FlowNode): unknown[] | null {
    const mi = node.multiInstance
    if (!mi) return []
    const r = evaluateTyped(mi.inputCollection, this.visibleVariables(body.flowScopeKey), 'ARRAY')
    if (!r.ok) {
      this.raiseIncident(body, IncidentErrorType.ExtractValueError, r.message)
      return null
    }
    return r.value as unknown[]
  }

  /** Opens the element's boundary event subscriptions, then emits ELEMENT_ACTIVATED. */
  activated(ei: ElementInstanceState, node: FlowNode): boolean {
    // Subscriptions first, as Zeebe does: a failing timer or correlation key expression leaves
    // the element ACTIVATING with an incident, and resolving it re-runs the activation.
    const isBody = ei.type === BpmnElementType.MultiInstanceBody
    const boundaries = node.multiInstance && !isBody ? [] : node.boundaries
    for (const id of boundaries) {
      const boundary = elementOf(this.models(ei.defKey), id)
      if (!this.openEventSubscription(ei, boundary)) return false
    }
    this.transition(ei, 'ELEMENT_ACTIVATED')
    return true
  }

  /** Starts completing an element. */
  complete(ei: ElementInstanceState): void {
    if (ei.state !== 'ACTIVATED' && ei.state !== 'ACTIVATING') return
    this.transition(ei, 'ELEMENT_COMPLETING')
    this.continueCompletion(ei.key)
  }

  /** The completion step after COMPLETING (also what resolving a completion incident re-runs). */
  continueCompletion(key: number): void {
    const ei = this.s.elementInstances[key]
    if (!ei || ei.state !== 'COMPLETING') return
    const node = this.nodeOf(ei)
    const behavior = behaviorOf(ei.type)
    if (behavior.completing && !behavior.completing(this, ei, node)) return
    // After an end listener the output mappings have been applied already.
    const afterEndListener = (ei.listenerIndex ?? 0) > 0
    if (
      !afterEndListener &&
      node.outputs.length > 0 &&
      ei.type !== BpmnElementType.MultiInstanceBody &&
      ei.type !== BpmnElementType.Process
    ) {
      const outputs = this.evaluateMappings(ei, node.outputs, ei.key)
      if (!outputs) return
      this.mergeDocument(ei.flowScopeKey, outputs)
    }
    if (!runExecutionListeners(this, ei, node, 'end')) return
    const scopeOfChild = this.s.elementInstances[ei.flowScopeKey]
    // Only the inner instances of a multi-instance body carry a loop counter (the body itself
    // completes like any other element and takes its outgoing flows).
    if (scopeOfChild && ei.loopCounter !== undefined) {
      const hook = behaviorOf(scopeOfChild.type).childCompleting
      if (hook && !hook(this, scopeOfChild, ei, node)) return
    }
    this.closeBoundSubscriptions(ei)
    const flowScope = this.s.elementInstances[ei.flowScopeKey]
    const selected = this.selectedFlows.get(ei.key)
    this.selectedFlows.delete(ei.key)
    beforeElementCompleted(this, ei, node)
    this.transition(ei, 'ELEMENT_COMPLETED')
    afterElementCompleted(this, ei, node)
    if (behavior.completed) {
      behavior.completed(this, ei, node)
      return
    }
    if (!flowScope) return
    if (ei.loopCounter !== undefined) {
      // An inner instance of a multi-instance body: the body decides what happens next.
      this.childLeft(flowScope)
      return
    }
    const taken = this.takeOutgoing(ei, node, flowScope, selected)
    if (taken === 0) this.childLeft(flowScope)
  }

  selectFlows(ei: ElementInstanceState, flows: string[]): void {
    this.selectedFlows.set(ei.key, flows)
  }

  /** Takes the outgoing flows of a completed element; returns how many were taken. */
  takeOutgoing(
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
    for (const id of flows) this.takeFlow(flowScope, ei.defKey, id)
    return flows.length
  }

  /** SEQUENCE_FLOW_TAKEN, then the target's activation (joining gateways wait for tokens). */
  takeFlow(flowScope: ElementInstanceState, defKey: number, flowId: string): void {
    const model = this.models(defKey)
    const flow = model.flows.get(flowId)
    if (!flow) return
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
      },
      flowScope.piKey,
    )
    const target = elementOf(model, flow.target)
    if (!isJoining(target.type, target.incoming.length)) {
      this.activate(target, flowScope)
      return
    }
    this.checkJoin(flowScope, target)
  }

  /** Activates a joining gateway once it may (parallel: every incoming flow has a token). */
  checkJoin(flowScope: ElementInstanceState, gateway: FlowNode): void {
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

  /** A child of `scope` completed or terminated: complete the scope when nothing is left. */
  childLeft(scope: ElementInstanceState): void {
    if (scope.state !== 'ACTIVATED') return
    if (scope.joins) {
      const model = this.models(scope.defKey)
      for (const g of Object.keys(scope.joins)) {
        const gw = elementOf(model, g)
        if (gw.type === BpmnElementType.InclusiveGateway) this.checkJoin(scope, gw)
      }
    }
    const behavior = behaviorOf(scope.type)
    if (behavior.childLeft) {
      behavior.childLeft(this, scope, this.nodeOf(scope))
      return
    }
    if (scope.children === 0 && !scope.joins) this.complete(scope)
  }

  /**
   * Terminates an element instance and everything below it (TERMINATING … TERMINATED). With
   * `notifyScope`, the flow scope is told (it may then complete).
   */
  terminate(ei: ElementInstanceState, notifyScope: boolean): void {
    if (ei.state === 'TERMINATING') return
    this.transition(ei, 'ELEMENT_TERMINATING')
    this.cancelBound(ei)
    onElementTerminating(this, ei)
    for (const child of this.childrenOf(ei.key)) this.terminate(child, false)
    if (ei.calledPiKey !== undefined) {
      const called = this.s.elementInstances[ei.calledPiKey]
      if (called) this.terminate(called, false)
    }
    this.resolveIncidentsOf(ei.key)
    behaviorOf(ei.type).terminating?.(this, ei)
    this.transition(ei, 'ELEMENT_TERMINATED')
    const scope = this.s.elementInstances[ei.flowScopeKey]
    if (notifyScope && scope) this.childLeft(scope)
  }

  private resolveIncidentsOf(eiKey: number): void {
    for (const inc of Object.values(this.s.incidents)) {
      if (num(inc.value.elementInstanceKey) === eiKey) {
        this.emit('INCIDENT', 'RESOLVED', inc.key, inc.value, num(inc.value.processInstanceKey))
      }
    }
  }

  /** Cancels the jobs, timers and subscriptions bound to an element instance. */
  cancelBound(ei: ElementInstanceState): void {
    const keys = this.idx.boundTo.get(ei.key)
    if (!keys) return
    for (const k of [...keys]) {
      const job = this.s.jobs[k]
      if (job) {
        this.emit('JOB', 'CANCELED', k, job.value, num(job.value.processInstanceKey))
        continue
      }
      this.cancelSubscription(k)
    }
  }

  /** Closes the event subscriptions (not jobs) bound to an element instance. */
  closeBoundSubscriptions(ei: ElementInstanceState, except?: (target: string) => boolean): void {
    const keys = this.idx.boundTo.get(ei.key)
    if (!keys) return
    for (const k of [...keys]) {
      if (this.s.jobs[k]) continue
      const target = str(
        this.s.timers[k]?.value.targetElementId ??
          this.s.messageSubscriptions[k]?.value.elementId ??
          this.s.signalSubscriptions[k]?.value.catchEventId,
      )
      if (except && except(target)) continue
      this.cancelSubscription(k)
    }
  }

  private cancelSubscription(k: number): void {
    const timer = this.s.timers[k]
    if (timer) {
      this.emit('TIMER', 'CANCELED', k, timer.value, num(timer.value.processInstanceKey))
      return
    }
    const sub = this.s.messageSubscriptions[k]
    if (sub) {
      this.emit('MESSAGE_SUBSCRIPTION', 'DELETED', k, sub.value, num(sub.value.processInstanceKey))
      return
    }
    const sig = this.s.signalSubscriptions[k]
    if (sig) this.emit('SIGNAL_SUBSCRIPTION', 'DELETED', k, sig.value)
  }

  // ---------------------------------------------------------------- incidents

  raiseIncident(
    ei: ElementInstanceState,
    errorType: IncidentErrorType,
    errorMessage: string,
    jobKey = -1,
  ): void {
    const def = this.definition(ei.defKey)
    this.emit(
      'INCIDENT',
      'CREATED',
      this.newKey(),
      {
        errorType,
        errorMessage,
        bpmnProcessId: def.bpmnProcessId,
        processDefinitionKey: ei.defKey,
        processInstanceKey: ei.piKey,
        elementId: ei.elementId,
        elementInstanceKey: ei.key,
        jobKey,
        variableScopeKey: ei.key,
        tenantId: def.tenantId,
      },
      ei.piKey,
    )
  }

  // ---------------------------------------------------------------- jobs

  /** Evaluates the job type and retries of an element; null = incident raised. */
  prepareJob(ei: ElementInstanceState, node: FlowNode): { type: string; retries: number } | null {
    const job = node.job
    if (!job) return null
    const vars = this.visibleVariables(ei.key)
    const type = evaluateTyped(job.type, vars, 'STRING')
    if (!type.ok) {
      this.raiseIncident(ei, IncidentErrorType.ExtractValueError, type.message)
      return null
    }
    const retries = evaluateTyped(job.retries, vars, 'NUMBER')
    if (!retries.ok) {
      this.raiseIncident(ei, IncidentErrorType.ExtractValueError, retries.message)
      return null
    }
    return { type: String(type.value), retries: Number(retries.value) }
  }

  /** Writes JOB CREATED for an element instance. */
  createJob(
    ei: ElementInstanceState,
    node: FlowNode,
    prepared: { type: string; retries: number },
    extraHeaders: Record<string, string> = {},
  ): void {
    const def = this.definition(ei.defKey)
    this.emit(
      'JOB',
      'CREATED',
      this.newKey(),
      {
        type: prepared.type,
        worker: '',
        retries: prepared.retries,
        retryBackoff: 0,
        recurringTime: -1,
        deadline: -1,
        timeout: -1,
        customHeaders: { ...(node.job?.headers ?? {}), ...extraHeaders },
        variables: {},
        errorMessage: '',
        errorCode: '',
        elementId: ei.elementId,
        elementInstanceKey: ei.key,
        processInstanceKey: ei.piKey,
        bpmnProcessId: def.bpmnProcessId,
        processDefinitionVersion: def.version,
        processDefinitionKey: ei.defKey,
        tenantId: def.tenantId,
        jobKind: 'BPMN_ELEMENT',
        listenerEventType: 'UNSPECIFIED',
      },
      ei.piKey,
    )
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

  /** Broadcasts a signal: catch events, boundary events, event sub-processes and start events. */
  broadcastSignal(name: string, variables: Variables, tenantId: string): number {
    const key = this.newKey()
    this.emit('SIGNAL', 'BROADCASTED', key, { signalName: name, variables, tenantId })
    for (const def of this.latestDefinitions()) {
      if (def.tenantId !== tenantId) continue
      const model = this.models(def.key)
      const root = model.elements.get(model.bpmnProcessId)
      for (const id of root?.startEventIds ?? []) {
        const st = model.elements.get(id)
        if (st?.event?.kind === 'signal' && st.event.signalName === name) {
          this.createInstance(def, variables, { startEventId: st.id, trigger: { variables: {} } })
        }
      }
    }
    for (const sk of [...(this.idx.signalsByName.get(name) ?? [])]) {
      const sub = this.s.signalSubscriptions[sk]
      if (!sub || str(sub.value.tenantId) !== tenantId) continue
      const owner = this.s.elementInstances[num(sub.value.catchEventInstanceKey)]
      if (!owner) continue
      const target = str(sub.value.catchEventId)
      const node = this.models(owner.defKey).elements.get(target)
      const interruptsOwner =
        owner.elementId === target ||
        owner.type === BpmnElementType.EventBasedGateway ||
        node?.interrupting !== false
      if (interruptsOwner) this.emit('SIGNAL_SUBSCRIPTION', 'DELETED', sk, sub.value)
      this.triggerEvent(owner, target, { variables })
    }
    return key
  }

  // ---------------------------------------------------------------- event subscriptions

  /**
   * Opens the subscription of an event element (`eventNode`) bound to `owner`: a boundary
   * event's host, an event sub-process's container, an event-based gateway or the catch event
   * itself. False when an expression failed (an incident was raised on `owner`).
   */
  openEventSubscription(owner: ElementInstanceState, eventNode: FlowNode): boolean {
    const event = eventNode.event
    if (!event) return true
    const def = this.definition(owner.defKey)
    const vars = (): Variables => this.visibleVariables(owner.key)
    if (event.kind === 'timer') {
      const schedule = this.timerSchedule(owner, event.timer, vars())
      if (!schedule) return false
      this.emit(
        'TIMER',
        'CREATED',
        this.newKey(),
        {
          elementInstanceKey: owner.key,
          processInstanceKey: owner.piKey,
          processDefinitionKey: owner.defKey,
          dueDate: schedule.dueDate,
          targetElementId: eventNode.id,
          repetitions: schedule.repetitions,
          tenantId: def.tenantId,
        },
        owner.piKey,
      )
      return true
    }
    if (event.kind === 'message') {
      const v = vars()
      const name = evaluateTyped(event.messageName, v, 'STRING')
      if (!name.ok) {
        this.raiseIncident(owner, IncidentErrorType.ExtractValueError, name.message)
        return false
      }
      const ck = evaluateExpression(event.correlationKey, v)
      const correlationKey = ck.ok ? ck.value : null
      if (!ck.ok || (typeof correlationKey !== 'string' && typeof correlationKey !== 'number')) {
        const reason = ck.ok
          ? `Failed to extract the correlation key for '${event.correlationKey.replace(/^\s*=/, '')}': The value must be either a string or a number, but was '${feelTypeName(correlationKey)}'.`
          : ck.message
        this.raiseIncident(owner, IncidentErrorType.ExtractValueError, reason)
        return false
      }
      const key = this.newKey()
      this.emit(
        'MESSAGE_SUBSCRIPTION',
        'CREATED',
        key,
        {
          processInstanceKey: owner.piKey,
          elementInstanceKey: owner.key,
          bpmnProcessId: def.bpmnProcessId,
          messageName: name.value,
          correlationKey: String(correlationKey),
          elementId: eventNode.id,
          interrupting: eventNode.interrupting,
          messageKey: -1,
          variables: {},
          tenantId: def.tenantId,
        },
        owner.piKey,
      )
      this.later(() => this.correlateBufferedMessage(key))
      return true
    }
    if (event.kind === 'signal') {
      const name = evaluateTyped(event.signalName, vars(), 'STRING')
      if (!name.ok) {
        this.raiseIncident(owner, IncidentErrorType.ExtractValueError, name.message)
        return false
      }
      this.emit('SIGNAL_SUBSCRIPTION', 'CREATED', this.newKey(), {
        processDefinitionKey: owner.defKey,
        bpmnProcessId: def.bpmnProcessId,
        catchEventId: eventNode.id,
        catchEventInstanceKey: owner.key,
        signalName: name.value,
        tenantId: def.tenantId,
      })
    }
    return true
  }

  timerSchedule(
    owner: ElementInstanceState,
    timer: TimerDefinition,
    vars: Variables,
  ): { dueDate: number; repetitions: number } | null {
    const now = this.clock.now()
    let text = timer.expression
    if (text.trim().startsWith('=')) {
      const r = evaluateExpression(text, vars, now)
      if (!r.ok) {
        this.raiseIncident(owner, IncidentErrorType.ExtractValueError, r.message)
        return null
      }
      text = typeof r.value === 'string' ? r.value : String(r.value)
    }
    const schedule = parseTimerText(timer.kind, text, now)
    if (typeof schedule === 'string') {
      this.raiseIncident(owner, IncidentErrorType.ExtractValueError, schedule)
      return null
    }
    return schedule
  }

  /** A buffered message that matches a just-opened subscription correlates now. */
  correlateBufferedMessage(subscriptionKey: number): void {
    const sub = this.s.messageSubscriptions[subscriptionKey]
    if (!sub) return
    const name = str(sub.value.messageName)
    const keys = this.idx.messagesByName.get(name)
    if (!keys) return
    const now = this.clock.now()
    for (const mk of [...keys].sort((a, b) => a - b)) {
      const m = this.s.messages[mk]
      if (!m || num(m.value.deadline) <= now) continue
      if (str(m.value.correlationKey) !== str(sub.value.correlationKey)) continue
      if (str(m.value.tenantId) !== str(sub.value.tenantId)) continue
      if (m.correlated.includes(str(sub.value.bpmnProcessId))) continue
      this.correlateSubscription(subscriptionKey, mk, m.value)
      return
    }
  }

  /** Correlates a message to an open subscription and triggers its event. */
  correlateSubscription(
    subscriptionKey: number,
    messageKey: number,
    message: Record<string, unknown>,
  ): void {
    const sub = this.s.messageSubscriptions[subscriptionKey]
    if (!sub) return
    const variables = (message.variables ?? {}) as Variables
    this.emit(
      'MESSAGE_SUBSCRIPTION',
      'CORRELATED',
      subscriptionKey,
      { ...sub.value, messageKey, variables },
      num(sub.value.processInstanceKey),
    )
    const owner = this.s.elementInstances[num(sub.value.elementInstanceKey)]
    if (owner) this.triggerEvent(owner, str(sub.value.elementId), { variables })
  }

  /**
   * An event fired for a subscription bound to `owner` with target element `targetId`.
   */
  triggerEvent(owner: ElementInstanceState, targetId: string, trigger: EventTrigger): void {
    const model = this.models(owner.defKey)
    const target = elementOf(model, targetId)
    if (owner.elementId === targetId && owner.type !== BpmnElementType.Process) {
      // Intermediate catch event or receive task: the event completes it.
      if (owner.state !== 'ACTIVATED') return
      this.closeBoundSubscriptions(owner, (t) => t !== targetId)
      this.applyResultVariables(owner, target, trigger.variables)
      this.complete(owner)
      return
    }
    const ownerNode = this.nodeOf(owner)
    if (owner.type === BpmnElementType.EventBasedGateway) {
      if (owner.state !== 'ACTIVATED') return
      this.closeBoundSubscriptions(owner)
      const flowId = ownerNode.outgoing.find((f) => model.flows.get(f)?.target === targetId)
      this.transition(owner, 'ELEMENT_COMPLETING')
      this.transition(owner, 'ELEMENT_COMPLETED')
      const scope = this.s.elementInstances[owner.flowScopeKey]
      if (!scope || !flowId) return
      this.emitFlowTaken(scope, owner.defKey, flowId)
      this.activate(target, scope, trigger)
      return
    }
    if (target.type === BpmnElementType.BoundaryEvent) {
      const scope = this.s.elementInstances[owner.flowScopeKey]
      if (!scope) return
      if (target.interrupting) this.terminate(owner, false)
      this.activate(target, scope, trigger)
      return
    }
    if (target.type === BpmnElementType.StartEvent && target.scopeId !== owner.elementId) {
      // Event sub-process start event; `owner` is the container.
      const esp = elementOf(model, target.scopeId)
      if (owner.state !== 'ACTIVATED') return
      if (target.interrupting) {
        this.closeBoundSubscriptions(owner, (t) => {
          const n = model.elements.get(t)
          return !(n?.type === BpmnElementType.StartEvent && n.scopeId !== owner.elementId)
        })
        for (const child of this.childrenOf(owner.key)) this.terminate(child, false)
      }
      const espInstance = this.activate(esp, owner)
      this.pendingStart.set(espInstance.key, { startId: target.id, trigger })
      return
    }
  }

  /** Event sub-processes started by an event: which start event, with which variables. */
  readonly pendingStart = new Map<
    number,
    { startId: string; trigger: EventTrigger; elementIds?: string[] }
  >()

  emitFlowTaken(flowScope: ElementInstanceState, defKey: number, flowId: string): void {
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
      },
      flowScope.piKey,
    )
  }

  // ---------------------------------------------------------------- errors

  /**
   * Throws a BPMN error from `source`: the nearest error boundary event or error event
   * sub-process that matches (its code, or a catch-all) catches it. False when nothing does.
   * `beforeThrow` runs once a catch event is known, before it fires (an error end event is
   * ACTIVATED only then, as in Zeebe's EndEventProcessor).
   */
  throwError(
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
  throwEscalation(source: ElementInstanceState, escalationCode: string): boolean {
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
  private findCatch(
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
      if (boundary && this.s.elementInstances[cur.flowScopeKey])
        return { host: cur, event: boundary }
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

  private fireCatch(
    found: { host: ElementInstanceState; event: FlowNode },
    variables: Variables,
  ): void {
    const { host, event } = found
    if (event.type === BpmnElementType.BoundaryEvent) {
      const scope = this.s.elementInstances[host.flowScopeKey]
      if (!scope) return
      if (event.interrupting) this.terminate(host, false)
      this.activate(event, scope, { variables })
      return
    }
    this.triggerEvent(host, event.id, { variables })
  }

  // ---------------------------------------------------------------- process instances

  /** Creates a process instance (ACTIVATING, variables, CREATION record); activation follows. */
  createInstance(
    def: ProcessDefinitionState,
    variables: Variables,
    start?: { elementIds?: string[]; startEventId?: string; trigger?: EventTrigger },
    parent?: ElementInstanceState,
  ): ElementInstanceState {
    const key = this.newKey()
    this.emit(
      'PROCESS_INSTANCE',
      'ELEMENT_ACTIVATING',
      key,
      {
        bpmnProcessId: def.bpmnProcessId,
        version: def.version,
        processDefinitionKey: def.key,
        processInstanceKey: key,
        elementId: def.bpmnProcessId,
        flowScopeKey: -1,
        bpmnElementType: BpmnElementType.Process,
        bpmnEventType: 'UNSPECIFIED',
        parentProcessInstanceKey: parent ? parent.piKey : -1,
        parentElementInstanceKey: parent ? parent.key : -1,
        tenantId: def.tenantId,
      },
      key,
    )
    const ei = this.s.elementInstances[key]
    if (!ei) throw new Error('process instance not created')
    this.setLocalVariables(key, variables)
    this.emit(
      'PROCESS_INSTANCE_CREATION',
      'CREATED',
      this.newKey(),
      {
        bpmnProcessId: def.bpmnProcessId,
        version: def.version,
        processDefinitionKey: def.key,
        processInstanceKey: key,
        variables,
        startInstructions: (start?.elementIds ?? []).map((elementId) => ({ elementId })),
        tenantId: def.tenantId,
      },
      key,
    )
    if (start)
      this.pendingStart.set(key, {
        startId: start.startEventId ?? '',
        trigger: start.trigger ?? { variables: {} },
        ...(start.elementIds ? { elementIds: start.elementIds } : {}),
      })
    this.later(() => this.continueActivation(key))
    return ei
  }

  /** Start instructions of a container instance about to activate its start event. */
  takePendingStart(
    key: number,
  ): { startId: string; trigger: EventTrigger; elementIds?: string[] } | undefined {
    const p = this.pendingStart.get(key)
    this.pendingStart.delete(key)
    return p
  }
}

/** The variable an output element expression names (`= x` or `= x.y` → `x`), if it is one. */
function outputElementVariable(expression: string | undefined): string | undefined {
  const m = /^\s*=\s*([A-Za-z_][A-Za-z0-9_]*)(\.[A-Za-z_][A-Za-z0-9_]*)*\s*$/.exec(expression ?? '')
  const name = m?.[1]
  return name && !['null', 'true', 'false'].includes(name) ? name : undefined
}

/** Sets `a.b.c` in a document (Zeebe's mapping targets may be nested paths). */
function setPath(doc: Variables, path: string, value: unknown): void {
  const parts = path.split('.')
  let cur: Record<string, unknown> = doc
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i]!
    const next = cur[p]
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      cur[p] = {}
    } else {
      cur[p] = { ...(next as Record<string, unknown>) }
    }
    cur = cur[p] as Record<string, unknown>
  }
  cur[parts[parts.length - 1]!] = value
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

/** Zeebe's `bpmnEventType` of an element. */
export function eventTypeOf(node: FlowNode): string {
  if (node.isForCompensation) return 'COMPENSATION'
  const e = node.event
  if (!e) return 'UNSPECIFIED'
  switch (e.kind) {
    case 'none':
      return 'NONE'
    case 'timer':
      return 'TIMER'
    case 'message':
      return 'MESSAGE'
    case 'error':
      return 'ERROR'
    case 'signal':
      return 'SIGNAL'
    case 'terminate':
      return 'TERMINATE'
    case 'escalation':
      return 'ESCALATION'
    case 'link':
      return 'LINK'
    case 'compensation':
      return 'COMPENSATION'
  }
}
