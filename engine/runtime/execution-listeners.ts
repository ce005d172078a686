/**
 * Execution listeners as Zeebe 8.8 runs them (BpmnStreamProcessor, BpmnJobBehavior): each
 * `zeebe:executionListener` is a JOB of kind EXECUTION_LISTENER (`listenerEventType` START or
 * END, no custom headers), created one after the other in document order; the element waits
 * until the last one completed.
 *
 * - **start** listeners run after ELEMENT_ACTIVATING and the input mappings, before the
 *   element's behaviour (its expressions, subscriptions, ELEMENT_ACTIVATED, job …). Variables of
 *   their job completion are set locally on the element.
 * - **end** listeners run after the behaviour's completion and the output mappings (the
 *   element's event subscriptions are closed first), before ELEMENT_COMPLETED. Variables of
 *   their job completion are set locally on the flow scope (the process itself for a process).
 *
 * Progress is `listenerIndex` on the element instance (state/listener-index.ts). A failing
 * listener job retries and raises JOB_NO_RETRIES like any job; a failing type or retries
 * expression raises EXTRACT_VALUE_ERROR, and resolving it runs that event type's listeners again.
 * Multi-instance bodies have none (an activity's listeners run for each inner instance).
 */
import type { Variables } from '../api'
import { evaluateTyped } from '../feel/feel'
import { BpmnElementType, type FlowNode } from '../model/model'
import type { ElementInstanceState, JobState } from '../state/state'
import { IncidentErrorType, type Runtime } from './runtime'

/**
 * Creates the job of the next `eventType` listener of `ei` and returns false (the element waits),
 * or returns true when every such listener has completed (or there are none).
 */
export function runExecutionListeners(
  rt: Runtime,
  ei: ElementInstanceState,
  node: FlowNode,
  eventType: 'start' | 'end',
): boolean {
  if (!node.executionListeners || ei.type === BpmnElementType.MultiInstanceBody) return true
  const listeners = node.executionListeners.filter((l) => l.eventType === eventType)
  const next = listeners[ei.listenerIndex ?? 0]
  if (!next) return true
  // Zeebe unsubscribes from the element's events before its end listeners run.
  if (eventType === 'end') rt.closeBoundSubscriptions(ei)
  const vars = rt.visibleVariables(ei.key)
  const now = rt.clock.now()
  const type = evaluateTyped(next.type, vars, 'STRING', now)
  if (!type.ok) {
    rt.raiseIncident(ei, IncidentErrorType.ExtractValueError, type.message)
    return false
  }
  if (String(type.value) === '') {
    rt.raiseIncident(
      ei,
      IncidentErrorType.ExtractValueError,
      `Expected result of the expression '${next.type.replace(/^\s*=/, '')}' to be a not-empty string, but was an empty string.`,
    )
    return false
  }
  const retries = evaluateTyped(next.retries, vars, 'NUMBER', now)
  if (!retries.ok) {
    rt.raiseIncident(ei, IncidentErrorType.ExtractValueError, retries.message)
    return false
  }
  const def = rt.definition(ei.defKey)
  rt.emit(
    'JOB',
    'CREATED',
    rt.newKey(),
    {
      type: String(type.value),
      worker: '',
      retries: Number(retries.value),
      retryBackoff: 0,
      recurringTime: -1,
      deadline: -1,
      timeout: -1,
      customHeaders: {},
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
      jobKind: 'EXECUTION_LISTENER',
      listenerEventType: eventType === 'start' ? 'START' : 'END',
      // Zeebe's exporter JSON names it so (`listenerEventType` is this engine's older name)
      jobListenerEventType: eventType === 'start' ? 'START' : 'END',
      changedAttributes: [],
    },
    ei.piKey,
  )
  return false
}

/**
 * CompleteJob of an EXECUTION_LISTENER job: JOB COMPLETED (which advances the element's
 * listener index), the job's variables set locally (start: the element; end: its flow scope),
 * then the next listener or the rest of the transition.
 */
export function completeExecutionListenerJob(rt: Runtime, job: JobState, vars: Variables): void {
  rt.emit(
    'JOB',
    'COMPLETED',
    job.key,
    { ...job.value, variables: vars },
    job.value.processInstanceKey,
  )
  const ei = rt.s.elementInstances[job.value.elementInstanceKey]
  if (!ei) return
  if (ei.state === 'ACTIVATING') {
    rt.setLocalVariables(ei.key, vars)
    rt.continueActivation(ei.key)
  } else if (ei.state === 'COMPLETING') {
    const scope = rt.s.elementInstances[ei.flowScopeKey] ? ei.flowScopeKey : ei.key
    rt.setLocalVariables(scope, vars)
    rt.continueCompletion(ei.key)
  }
}

/**
 * Zeebe's rejection of ThrowError for listener jobs (JobThrowErrorProcessor, INVALID_STATE): only
 * jobs of BPMN elements may throw BPMN errors. Null when the job may.
 */
export function throwErrorRejection(job: JobState): string | null {
  const kind = job.value.jobKind || 'BPMN_ELEMENT'
  if (kind === 'BPMN_ELEMENT') return null
  return `Cannot throw BPMN error from ${kind} job with key '${job.key}', type '${job.value.type}' and processInstanceKey '${job.value.processInstanceKey}'`
}
