/** Incidents (Zeebe's BpmnIncidentBehavior). */
import { type ElementInstanceState } from '../state/state'
import type { Runtime } from './runtime'

export function raiseIncident(
  this: Runtime,
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
      ...this.treePath({
        key: ei.key,
        flowScopeKey: ei.key === ei.piKey ? -1 : ei.flowScopeKey,
        defKey: ei.defKey,
        ...(ei.key === ei.piKey && ei.parentEiKey !== undefined
          ? { callerKey: ei.parentEiKey }
          : {}),
      }),
    },
    ei.piKey,
  )
}

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

export function resolveIncidentsOf(this: Runtime, eiKey: number): void {
  for (const inc of Object.values(this.s.incidents)) {
    if (inc.value.elementInstanceKey === eiKey) {
      this.emit('INCIDENT', 'RESOLVED', inc.key, inc.value, inc.value.processInstanceKey)
    }
  }
}
