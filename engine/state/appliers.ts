/**
 * The appliers: each event record changes the state ({@link applyRecord}), so the same log
 * replayed onto a snapshot rebuilds the same state. The MIGRATED/DELETED intents are
 * commands/appliers.ts, user tasks user-task/state.ts, DMN dmn/state.ts, compensation
 * compensation-state.ts.
 */
import type { EngineRecord, IntentOf, JobRecordValue, ProcessInstanceRecordValue } from './records'
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
  const key = Number(r.key)
  if (key > s.lastKey) s.lastKey = key
  if (r.recordType !== 'EVENT') return
  if (applyCommandRecord(s, idx, r)) return
  applyExecutionListenerProgress(s, r)
  switch (r.valueType) {
    case 'PROCESS':
      if (r.intent === 'CREATED') {
        const v = r.value
        const p: ProcessDefinitionState = {
          key,
          bpmnProcessId: v.bpmnProcessId,
          version: v.version,
          resourceName: v.resourceName,
          checksum: v.checksum,
          tenantId: v.tenantId,
          deploymentKey: v.deploymentKey,
          resource: v.resource,
          ...(v.versionTag ? { versionTag: v.versionTag } : {}),
        }
        s.processes[key] = p
        indexVersion(idx.versions, p.bpmnProcessId, key, s.processes)
      }
      return
    case 'FORM':
      if (r.intent === 'CREATED') {
        const v = r.value
        const f: FormState = {
          key,
          formId: v.formId,
          version: v.version,
          resourceName: v.resourceName,
          checksum: v.checksum,
          tenantId: v.tenantId,
          deploymentKey: v.deploymentKey,
          resource: v.resource,
        }
        s.forms[key] = f
        indexVersion(idx.formVersions, f.formId, key, s.forms)
      }
      return
    case 'PROCESS_INSTANCE':
      applyProcessInstance(s, idx, model, r.intent, key, r.value)
      return
    case 'VARIABLE': {
      const v = r.value
      const vars = (s.variables[v.scopeKey] ??= {})
      vars[v.name] = { key, value: JSON.parse(v.value) as unknown }
      return
    }
    case 'JOB':
      applyJob(s, idx, r.intent, key, r.value)
      if (r.intent === 'COMPLETED' && r.value.jobKind === 'TASK_LISTENER')
        applyTaskListenerJobCompleted(s, r.value)
      return
    case 'JOB_BATCH':
      // the jobs of one activation, each with its worker and deadline
      r.value.jobKeys.forEach((jobKey, i) => {
        const job = r.value.jobs[i]
        if (job) setJobState(s, idx, jobKey, job.type, job, 'ACTIVATED')
      })
      return
    case 'USER_TASK':
      applyUserTask(s, r.intent, key, r.value)
      return
    case 'INCIDENT': {
      const v = r.value
      if (r.intent === 'CREATED') s.incidents[key] = { key, value: v }
      else if (r.intent === 'RESOLVED') {
        delete s.incidents[key]
        const job = s.jobs[v.jobKey]
        if (job && (job.state === 'FAILED' || job.state === 'ERROR_THROWN')) {
          job.state = 'ACTIVATABLE'
          StateIndex.add(idx.activatable, job.value.type, job.key)
        }
      }
      return
    }
    case 'TIMER': {
      const v = r.value
      if (r.intent === 'CREATED') {
        s.timers[key] = { key, value: v }
        StateIndex.add(idx.boundTo, v.elementInstanceKey, key)
      } else if (r.intent === 'TRIGGERED' || r.intent === 'CANCELED') {
        delete s.timers[key]
        StateIndex.remove(idx.boundTo, v.elementInstanceKey, key)
      }
      return
    }
    case 'MESSAGE': {
      const v = r.value
      if (r.intent === 'PUBLISHED') {
        if (v.timeToLive > 0) {
          s.messages[key] = { key, value: v, correlated: [] }
          StateIndex.add(idx.messagesByName, v.name, key)
        }
      } else if (r.intent === 'EXPIRED') {
        delete s.messages[key]
        StateIndex.remove(idx.messagesByName, v.name, key)
      }
      return
    }
    case 'MESSAGE_SUBSCRIPTION': {
      const v = r.value
      if (r.intent === 'CREATED') {
        s.messageSubscriptions[key] = { key, value: v }
        StateIndex.add(idx.subscriptionsByMessage, v.messageName, key)
        StateIndex.add(idx.boundTo, v.elementInstanceKey, key)
      } else if (r.intent === 'CORRELATED' || r.intent === 'DELETED') {
        const m = s.messages[v.messageKey]
        if (r.intent === 'CORRELATED' && m && !m.correlated.includes(v.bpmnProcessId)) {
          m.correlated.push(v.bpmnProcessId)
        }
        if (s.messageSubscriptions[key]) {
          delete s.messageSubscriptions[key]
          StateIndex.remove(idx.subscriptionsByMessage, v.messageName, key)
          StateIndex.remove(idx.boundTo, v.elementInstanceKey, key)
        }
      }
      return
    }
    case 'MESSAGE_START_EVENT_SUBSCRIPTION': {
      const v = r.value
      if (r.intent === 'CORRELATED') {
        const m = s.messages[v.messageKey]
        if (m && !m.correlated.includes(v.bpmnProcessId)) m.correlated.push(v.bpmnProcessId)
        if (v.correlationKey !== '') {
          s.messageStartLocks[`${v.bpmnProcessId}\u0000${v.correlationKey}`] = v.processInstanceKey
        }
      }
      return
    }
    case 'SIGNAL_SUBSCRIPTION': {
      const v = r.value
      if (r.intent === 'CREATED') {
        s.signalSubscriptions[key] = { key, value: v }
        StateIndex.add(idx.signalsByName, v.signalName, key)
        StateIndex.add(idx.boundTo, v.catchEventInstanceKey, key)
      } else if (r.intent === 'DELETED') {
        delete s.signalSubscriptions[key]
        StateIndex.remove(idx.signalsByName, v.signalName, key)
        StateIndex.remove(idx.boundTo, v.catchEventInstanceKey, key)
      }
      return
    }
    case 'DECISION_REQUIREMENTS':
    case 'DECISION':
      applyDmnRecord(s, r)
      return
    case 'COMPENSATION_SUBSCRIPTION':
      applyCompensationSubscription(s, r.intent, key, r.value)
      return
    case 'AD_HOC_SUB_PROCESS_INSTRUCTION': {
      // Zeebe's AdHocSubProcessInstructionCompletedApplier: the flag the next inner completion reads
      const ei = s.elementInstances[Number(r.value.adHocSubProcessInstanceKey)]
      if (r.intent === 'COMPLETED' && ei) {
        ei.completionConditionFulfilled = r.value.completionConditionFulfilled
      }
      return
    }
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
  v: ProcessInstanceRecordValue,
): void {
  const flowScopeKey = v.flowScopeKey
  const scope = s.elementInstances[flowScopeKey]
  switch (intent) {
    case 'ELEMENT_ACTIVATING': {
      const ei: ElementInstanceState = {
        key,
        piKey: v.processInstanceKey,
        defKey: v.processDefinitionKey,
        elementId: v.elementId,
        type: v.bpmnElementType,
        flowScopeKey,
        state: 'ACTIVATING',
        children: 0,
      }
      if (v.parentProcessInstanceKey > 0) {
        ei.parentPiKey = v.parentProcessInstanceKey
        ei.parentEiKey = v.parentElementInstanceKey
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
      const m = model(v.processDefinitionKey)
      const flow = m.flows.get(v.elementId)
      const target = flow ? m.elements.get(flow.target) : undefined
      if (target && isJoining(target.type, target.incoming.length)) {
        const joins = (scope.joins ??= {})
        ;(joins[target.id] ??= []).push(v.elementId)
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
  v: JobRecordValue,
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
  intent: IntentOf<'JOB'>,
  key: number,
  v: JobRecordValue,
): void {
  const type = v.type
  switch (intent) {
    case 'CREATED':
      setJobState(s, idx, key, type, v, 'ACTIVATABLE')
      StateIndex.add(idx.boundTo, v.elementInstanceKey, key)
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
        v.retries > 0 && v.retryBackoff <= 0 ? 'ACTIVATABLE' : 'FAILED',
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
      StateIndex.remove(idx.boundTo, v.elementInstanceKey, key)
      return
    default:
      return
  }
}
