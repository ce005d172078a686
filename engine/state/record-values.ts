/**
 * Record value shapes beyond the lifecycle ones in records.ts and the subscriptions in
 * subscription-values.ts: deployment (DEPLOYMENT and its resources PROCESS, FORM,
 * DECISION_REQUIREMENTS, DECISION), DECISION_EVALUATION, RESOURCE_DELETION, SIGNAL, USER_TASK and
 * the command records (PROCESS_INSTANCE_CREATION, VARIABLE_DOCUMENT, modification, migration),
 * as the engine writes them (keys are numbers, `-1` for none). Where a builder
 * function writes the value, its type is the builder's.
 */
import type {
  decisionEvaluationRecord,
  decisionRequirementsValue,
  decisionValue,
  deploymentMetadata,
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

/** A deployed process in DEPLOYMENT CREATED (`processesMetadata`). */
export interface ProcessMetadataValue {
  bpmnProcessId: string
  version: number
  processDefinitionKey: number
  resourceName: string
  tenantId: string
  /** Only when the process has a `zeebe:versionTag`. */
  versionTag?: string
}

/** A deployed form in DEPLOYMENT CREATED (`formMetadata`). */
export interface FormMetadataValue {
  formId: string
  version: number
  formKey: number
  resourceName: string
  tenantId: string
}

type DmnDeploymentMetadata = ReturnType<typeof deploymentMetadata>

export interface DeploymentRecordValue extends DmnDeploymentMetadata {
  resources: { resourceName: string }[]
  processesMetadata: ProcessMetadataValue[]
  formMetadata: FormMetadataValue[]
  tenantId: string
}

export interface ProcessInstanceCreationRecordValue {
  bpmnProcessId: string
  version: number
  processDefinitionKey: number
  processInstanceKey: number
  variables: Record<string, unknown>
  startInstructions: { elementId: string }[]
  tenantId: string
}

export interface VariableDocumentRecordValue {
  scopeKey: number
  updateSemantics: 'LOCAL' | 'PROPAGATE'
  variables: Record<string, unknown>
  tenantId: string
}

export interface ProcessInstanceModificationRecordValue {
  processInstanceKey: number
  activateInstructions: {
    elementId: string
    ancestorScopeKey: number
    variableInstructions: { variables: Record<string, unknown>; elementId: string }[]
    ancestorScopeKeys: number[]
  }[]
  terminateInstructions: { elementInstanceKey: number }[]
  tenantId: string
}

export interface ProcessInstanceMigrationRecordValue {
  processInstanceKey: number
  processDefinitionKey: number
  targetProcessDefinitionKey: number
  mappingInstructions: { sourceElementId: string; targetElementId: string }[]
  tenantId: string
}

/** Zeebe's ERROR record (an exception while processing); this engine does not write it. */
export interface ErrorRecordValue {
  exceptionMessage: string
  stacktrace: string
  errorEventPosition: number
  processInstanceKey: number
}

/**
 * Zeebe 8.8's AD_HOC_SUB_PROCESS_INSTRUCTION: elements activated in an ad-hoc sub-process, or its
 * completion, by a job result (or the ad-hoc activities API). The instance key is a string, as in
 * Zeebe's record.
 */
export interface AdHocSubProcessInstructionRecordValue {
  adHocSubProcessInstanceKey: string
  activateElements: { elementId: string; variables: Record<string, unknown> }[]
  cancelRemainingInstances: boolean
  completionConditionFulfilled: boolean
  tenantId: string
}

/** Zeebe's ESCALATION record (typed; this engine does not write it). */
export interface EscalationRecordValue {
  processInstanceKey: number
  escalationCode: string
  throwElementId: string
  catchElementId: string
}

/** Zeebe's COMMAND_DISTRIBUTION record (typed; a single partition distributes nothing). */
export interface CommandDistributionRecordValue {
  partitionId: number
  queueId: string
  valueType: string
  intent: string
  commandValue: Record<string, unknown>
}

/** Zeebe's PROCESS_EVENT record (typed; this engine does not write it). */
export interface ProcessEventRecordValue {
  scopeKey: number
  targetElementId: string
  variables: Record<string, unknown>
  processDefinitionKey: number
  processInstanceKey: number
  tenantId: string
}
