/**
 * The appliers: each event record changes the state ({@link applyRecord}), so the same log
 * replayed onto a snapshot rebuilds the same state. The MIGRATED/DELETED intents are
 * commands/appliers.ts, user tasks user-task/state.ts, DMN dmn/state.ts, compensation
 * compensation-state.ts.
 */
import { typed, type EngineRecord, type TypedRecord } from './records'
import { applyExecutionListenerProgress } from './listener-index'
import { applyCommandRecord } from '../commands/appliers'
import { BpmnElementType, type ProcessModel } from '../model/model'
import { applyTaskListenerJobCompleted, applyUserTask } from '../user-task/state'
import { applyDmnRecord } from '../dmn/state'
import { applyCompensationSubscription } from './compensation-state'
import {
  type ElementInstanceState,
  type ElementState,
  type EngineStateData,
  type FormState,
  indexVersion,
  isJoining,
  type JobStateName,
  type ProcessDefinitionState,
  StateIndex,
} from './state'

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v))
const text = (v: unknown): string => (typeof v === 'string' ? v : String(v ?? ''))

/** Resolves a process definition key to its executable model (cached by the engine). */
export type ModelLookup = (defKey: number) => ProcessModel

/** Applies one event record to the state. Commands and rejections change nothing. */
export function applyRecord(
  s: EngineStateData,
  idx: StateIndex,
  model: ModelLookup,
  r: EngineRecord,
): void {
  s.lastPosition = r.position
  const key = num(r.key)
  if (key > s.lastKey) s.lastKey = key
  if (r.recordType !== 'EVENT') return
  if (applyCommandRecord(s, idx, r)) return
  const v = r.value
  applyExecutionListenerProgress(s, r)
  switch (r.valueType) {
    case 'PROCESS':
      if (r.intent === 'CREATED') {
        const p: ProcessDefinitionState = {
          key,
          bpmnProcessId: text(v.bpmnProcessId),
          version: num(v.version),
          resourceName: text(v.resourceName),
          checksum: text(v.checksum),
          tenantId: text(v.tenantId),
          deploymentKey: num(v.deploymentKey),
          resource: text(v.resource),
          ...(text(v.versionTag) ? { versionTag: text(v.versionTag) } : {}),
        }
        s.processes[key] = p
        indexVersion(idx.versions, p.bpmnProcessId, key, s.processes)
      }
      return
    case 'FORM':
      if (r.intent === 'CREATED') {
        const f: FormState = {
          key,
          formId: text(v.formId),
          version: num(v.version),
          resourceName: text(v.resourceName),
          checksum: text(v.checksum),
          tenantId: text(v.tenantId),
          deploymentKey: num(v.deploymentKey),
          resource: text(v.resource),
        }
        s.forms[key] = f
        indexVersion(idx.formVersions, f.formId, key, s.forms)
      }
      return
    case 'PROCESS_INSTANCE':
      applyProcessInstance(s, idx, model, r.intent, key, v)
      return
    case 'VARIABLE': {
      const scope = text(v.scopeKey)
      const vars = (s.variables[scope] ??= {})
      vars[text(v.name)] = { key, value: JSON.parse(text(v.value)) as unknown }
      return
    }
    case 'JOB':
      applyJob(s, idx, r.intent, key, v)
      if (r.intent === 'COMPLETED' && v.jobKind === 'TASK_LISTENER')
        applyTaskListenerJobCompleted(s, v)
      return
    case 'USER_TASK':
      applyUserTask(s, r.intent, key, v)
      return
    case 'INCIDENT':
      if (r.intent === 'CREATED') s.incidents[key] = { key, value: v }
      else if (r.intent === 'RESOLVED') {
        delete s.incidents[key]
        const job = s.jobs[text(v.jobKey)]
        if (job && (job.state === 'FAILED' || job.state === 'ERROR_THROWN')) {
          job.state = 'ACTIVATABLE'
          StateIndex.add(idx.activatable, text(job.value.type), job.key)
        }
      }
      return
    case 'TIMER':
      if (r.intent === 'CREATED') {
        s.timers[key] = { key, value: v }
        StateIndex.add(idx.boundTo, num(v.elementInstanceKey), key)
      } else if (r.intent === 'TRIGGERED' || r.intent === 'CANCELED') {
        delete s.timers[key]
        StateIndex.remove(idx.boundTo, num(v.elementInstanceKey), key)
      }
      return
    case 'MESSAGE':
      if (r.intent === 'PUBLISHED') {
        if (num(v.timeToLive) > 0) {
          s.messages[key] = { key, value: v, correlated: [] }
          StateIndex.add(idx.messagesByName, text(v.name), key)
        }
      } else if (r.intent === 'EXPIRED') {
        delete s.messages[key]
        StateIndex.remove(idx.messagesByName, text(v.name), key)
      }
      return
    case 'MESSAGE_SUBSCRIPTION':
      if (r.intent === 'CREATED') {
        s.messageSubscriptions[key] = { key, value: v }
        StateIndex.add(idx.subscriptionsByMessage, text(v.messageName), key)
        StateIndex.add(idx.boundTo, num(v.elementInstanceKey), key)
      } else if (r.intent === 'CORRELATED' || r.intent === 'DELETED') {
        const m = s.messages[text(v.messageKey)]
        if (r.intent === 'CORRELATED' && m && !m.correlated.includes(text(v.bpmnProcessId))) {
          m.correlated.push(text(v.bpmnProcessId))
        }
        if (s.messageSubscriptions[key]) {
          delete s.messageSubscriptions[key]
          StateIndex.remove(idx.subscriptionsByMessage, text(v.messageName), key)
          StateIndex.remove(idx.boundTo, num(v.elementInstanceKey), key)
        }
      }
      return
    case 'MESSAGE_START_EVENT_SUBSCRIPTION':
      if (r.intent === 'CORRELATED') {
        const m = s.messages[text(v.messageKey)]
        if (m && !m.correlated.includes(text(v.bpmnProcessId)))
          m.correlated.push(text(v.bpmnProcessId))
        if (text(v.correlationKey) !== '') {
          s.messageStartLocks[`${text(v.bpmnProcessId)}\u0000${text(v.correlationKey)}`] = num(
            v.processInstanceKey,
          )
        }
      }
      return
    case 'SIGNAL_SUBSCRIPTION':
      if (r.intent === 'CREATED') {
        s.signalSubscriptions[key] = { key, value: v }
        StateIndex.add(idx.signalsByName, text(v.signalName), key)
        StateIndex.add(idx.boundTo, num(v.catchEventInstanceKey), key)
      } else if (r.intent === 'DELETED') {
        delete s.signalSubscriptions[key]
        StateIndex.remove(idx.signalsByName, text(v.signalName), key)
        StateIndex.remove(idx.boundTo, num(v.catchEventInstanceKey), key)
      }
      return
    case 'DECISION_REQUIREMENTS':
    case 'DECISION':
      applyDmnRecord(s, typed(r) as Extract<TypedRecord, { valueType: typeof r.valueType }>)
      return
    case 'COMPENSATION_SUBSCRIPTION':
      applyCompensationSubscription(s, r.intent, key, v)
      return
    default:
      return
  }
}

function applyProcessInstance(
  s: EngineStateData,
  idx: StateIndex,
  model: ModelLookup,
  intent: string,
  key: number,
  v: Record<string, unknown>,
): void {
  const flowScopeKey = num(v.flowScopeKey)
  const scope = s.elementInstances[flowScopeKey]
  switch (intent) {
    case 'ELEMENT_ACTIVATING': {
      const ei: ElementInstanceState = {
        key,
        piKey: num(v.processInstanceKey),
        defKey: num(v.processDefinitionKey),
        elementId: text(v.elementId),
        type: text(v.bpmnElementType),
        flowScopeKey,
        state: 'ACTIVATING',
        children: 0,
      }
      if (num(v.parentProcessInstanceKey) > 0) {
        ei.parentPiKey = num(v.parentProcessInstanceKey)
        ei.parentEiKey = num(v.parentElementInstanceKey)
        const caller = s.elementInstances[ei.parentEiKey]
        if (caller && ei.type === BpmnElementType.Process) caller.calledPiKey = key
      }
      if (scope) {
        if (scope.type === BpmnElementType.MultiInstanceBody) {
          ei.loopCounter = (scope.miActivated ?? 0) + 1
          scope.miActivated = ei.loopCounter
        }
        scope.children++
        StateIndex.add(idx.childrenOf, flowScopeKey, key)
        consumeJoin(scope, ei)
      }
      s.elementInstances[key] = ei
      return
    }
    case 'ELEMENT_ACTIVATED':
    case 'ELEMENT_COMPLETING':
    case 'ELEMENT_TERMINATING': {
      const ei = s.elementInstances[key]
      if (ei) ei.state = intent.slice('ELEMENT_'.length) as ElementState
      return
    }
    case 'ELEMENT_COMPLETED':
    case 'ELEMENT_TERMINATED': {
      const ei = s.elementInstances[key]
      if (!ei) return
      delete s.elementInstances[key]
      delete s.variables[key]
      idx.childrenOf.delete(key)
      if (scope) {
        scope.children--
        StateIndex.remove(idx.childrenOf, flowScopeKey, key)
        if (scope.type === BpmnElementType.MultiInstanceBody) {
          if (intent === 'ELEMENT_COMPLETED') scope.miCompleted = (scope.miCompleted ?? 0) + 1
          else scope.miTerminated = (scope.miTerminated ?? 0) + 1
        }
      }
      const caller = ei.parentEiKey !== undefined ? s.elementInstances[ei.parentEiKey] : undefined
      if (caller && caller.calledPiKey === key) delete caller.calledPiKey
      return
    }
    case 'SEQUENCE_FLOW_TAKEN': {
      if (!scope) return
      const m = model(num(v.processDefinitionKey))
      const flow = m.flows.get(text(v.elementId))
      const target = flow ? m.elements.get(flow.target) : undefined
      if (target && isJoining(target.type, target.incoming.length)) {
        const joins = (scope.joins ??= {})
        ;(joins[target.id] ??= []).push(text(v.elementId))
      }
      return
    }
    default:
      return
  }
}

/** A joining gateway consumes one token of each incoming flow that has one. */
function consumeJoin(scope: ElementInstanceState, ei: ElementInstanceState): void {
  const waiting = scope.joins?.[ei.elementId]
  if (!waiting || !scope.joins) return
  for (const flowId of new Set(waiting)) {
    const i = waiting.indexOf(flowId)
    if (i >= 0) waiting.splice(i, 1)
  }
  if (waiting.length === 0) delete scope.joins[ei.elementId]
  if (Object.keys(scope.joins).length === 0) delete scope.joins
}

/** Puts a job into `state`, its value merged with the record's (variables are not kept). */
function setJobState(
  s: EngineStateData,
  idx: StateIndex,
  key: number,
  type: string,
  v: Record<string, unknown>,
  state: JobStateName,
): void {
  const job = s.jobs[key] ?? { key, state, value: v }
  job.state = state
  job.value = { ...job.value, ...v, variables: {} }
  s.jobs[key] = job
  if (state === 'ACTIVATABLE') StateIndex.add(idx.activatable, type, key)
  else StateIndex.remove(idx.activatable, type, key)
}

function applyJob(
  s: EngineStateData,
  idx: StateIndex,
  intent: string,
  key: number,
  v: Record<string, unknown>,
): void {
  const type = text(v.type)
  switch (intent) {
    case 'CREATED':
      setJobState(s, idx, key, type, v, 'ACTIVATABLE')
      StateIndex.add(idx.boundTo, num(v.elementInstanceKey), key)
      return
    case 'ACTIVATED':
      setJobState(s, idx, key, type, v, 'ACTIVATED')
      return
    case 'TIMED_OUT':
    case 'RECURRED_AFTER_BACKOFF':
    case 'YIELDED':
      setJobState(s, idx, key, type, v, 'ACTIVATABLE')
      return
    case 'FAILED':
      setJobState(
        s,
        idx,
        key,
        type,
        v,
        num(v.retries) > 0 && num(v.retryBackoff) <= 0 ? 'ACTIVATABLE' : 'FAILED',
      )
      return
    case 'RETRIES_UPDATED':
    case 'TIMEOUT_UPDATED': {
      const existing = s.jobs[key]
      if (existing) existing.value = { ...existing.value, ...v, variables: {} }
      return
    }
    case 'ERROR_THROWN':
      setJobState(s, idx, key, type, v, 'ERROR_THROWN')
      return
    case 'COMPLETED':
    case 'CANCELED':
      delete s.jobs[key]
      StateIndex.remove(idx.activatable, type, key)
      StateIndex.remove(idx.boundTo, num(v.elementInstanceKey), key)
      return
    default:
      return
  }
}
