/**
 * Record value shapes beyond the lifecycle ones in records.ts: deployment resources (PROCESS,
 * FORM, DECISION_REQUIREMENTS, DECISION), DECISION_EVALUATION, RESOURCE_DELETION, SIGNAL and
 * USER_TASK, as the engine writes them (keys are numbers, `-1` for none). Where a builder
 * function writes the value, its type is the builder's.
 */
import type {
  decisionEvaluationRecord,
  decisionRequirementsValue,
  decisionValue,
} from '../dmn/records'

export interface ProcessRecordValue {
  bpmnProcessId: string
  version: number
  processDefinitionKey: number
  resourceName: string
  /** `''` in DELETING/DELETED (as Zeebe). */
  checksum: string
  /** XML text; `''` in DELETING/DELETED (as Zeebe). */
  resource: string
  tenantId: string
  deploymentKey: number
  versionTag: string
  duplicate: boolean
}

export interface FormRecordValue {
  formId: string
  version: number
  formKey: number
  resourceName: string
  checksum: string
  resource: string
  tenantId: string
  deploymentKey: number
  /** On DELETED only. */
  versionTag?: string
}

export type DecisionRequirementsRecordValue = ReturnType<typeof decisionRequirementsValue>
export type DecisionRecordValue = ReturnType<typeof decisionValue>
export type DecisionEvaluationRecordValue = ReturnType<typeof decisionEvaluationRecord>['value']

export interface ResourceDeletionRecordValue {
  resourceKey: number
  tenantId: string
}

export interface SignalRecordValue {
  signalName: string
  variables: Record<string, unknown>
  tenantId: string
}

export interface UserTaskRecordValue {
  userTaskKey: number
  assignee: string
  candidateGroupsList: string[]
  candidateUsersList: string[]
  dueDate: string
  followUpDate: string
  /** `-1` = none. */
  formKey: number
  externalFormReference: string
  customHeaders: Record<string, string>
  priority: number
  action: string
  changedAttributes: string[]
  variables: Record<string, unknown>
  deniedReason: string
  elementId: string
  elementInstanceKey: number
  processInstanceKey: number
  processDefinitionKey: number
  processDefinitionVersion: number
  bpmnProcessId: string
  tenantId: string
  creationTimestamp: number
}
