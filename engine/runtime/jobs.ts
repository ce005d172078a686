/** Jobs of element instances (Zeebe's BpmnJobBehavior). */
import { evaluateTyped } from '../feel/feel'
import { type FlowNode } from '../model/model'
import { type ElementInstanceState } from '../state/state'
import { IncidentErrorType } from './incidents'
import type { Runtime } from './runtime'

/** Evaluates the job type and retries of an element; null = incident raised. */
export function prepareJob(
  this: Runtime,
  ei: ElementInstanceState,
  node: FlowNode,
): { type: string; retries: number } | null {
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
export function createJob(
  this: Runtime,
  ei: ElementInstanceState,
  node: FlowNode,
  prepared: { type: string; retries: number },
  extraHeaders: Record<string, string> = {},
  jobKind: 'BPMN_ELEMENT' | 'AD_HOC_SUB_PROCESS' = 'BPMN_ELEMENT',
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
      jobKind,
      listenerEventType: 'UNSPECIFIED',
      // Zeebe's exporter JSON names it so (`listenerEventType` is this engine's older name)
      jobListenerEventType: 'UNSPECIFIED',
      changedAttributes: [],
    },
    ei.piKey,
  )
}
