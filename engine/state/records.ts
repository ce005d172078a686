/**
 * Engine records: every state change is one record, as in Zeebe's log. The record stream is
 * the engine's public history: the server's evidence and replay features read it.
 */
import type {
  AdHocSubProcessInstructionRecordValue,
  CommandDistributionRecordValue,
  DecisionEvaluationRecordValue,
  DecisionRecordValue,
  DecisionRequirementsRecordValue,
  DeploymentRecordValue,
  ErrorRecordValue,
  EscalationRecordValue,
  FormRecordValue,
  ProcessEventRecordValue,
  ProcessInstanceCreationRecordValue,
  ProcessInstanceMigrationRecordValue,
  ProcessInstanceModificationRecordValue,
  ProcessRecordValue,
  ResourceDeletionRecordValue,
  SignalRecordValue,
  UserTaskRecordValue,
  VariableDocumentRecordValue,
} from './record-values'
import type { UserTaskIntent } from '../user-task/state'
import type {
  CompensationSubscriptionRecordValue,
  MessageCorrelationRecordValue,
  MessageStartEventSubscriptionRecordValue,
  MessageSubscriptionRecordValue,
  SignalSubscriptionRecordValue,
} from './subscription-values'

export type * from './record-values'
export type * from './subscription-values'

/** Zeebe value types the engine writes. */
export const ValueType = {
  Deployment: 'DEPLOYMENT',
  Process: 'PROCESS',
  Form: 'FORM',
  ProcessInstance: 'PROCESS_INSTANCE',
  ProcessInstanceCreation: 'PROCESS_INSTANCE_CREATION',
  Job: 'JOB',
  JobBatch: 'JOB_BATCH',
  Variable: 'VARIABLE',
  VariableDocument: 'VARIABLE_DOCUMENT',
  Incident: 'INCIDENT',
  Message: 'MESSAGE',
  MessageCorrelation: 'MESSAGE_CORRELATION',
  MessageSubscription: 'MESSAGE_SUBSCRIPTION',
  MessageStartEventSubscription: 'MESSAGE_START_EVENT_SUBSCRIPTION',
  Timer: 'TIMER',
  Signal: 'SIGNAL',
  SignalSubscription: 'SIGNAL_SUBSCRIPTION',
  UserTask: 'USER_TASK',
  CompensationSubscription: 'COMPENSATION_SUBSCRIPTION',
  Error: 'ERROR',
  DecisionRequirements: 'DECISION_REQUIREMENTS',
  Decision: 'DECISION',
  DecisionEvaluation: 'DECISION_EVALUATION',
  ProcessInstanceModification: 'PROCESS_INSTANCE_MODIFICATION',
  ProcessInstanceMigration: 'PROCESS_INSTANCE_MIGRATION',
  ResourceDeletion: 'RESOURCE_DELETION',
  AdHocSubProcessInstruction: 'AD_HOC_SUB_PROCESS_INSTRUCTION',
  Escalation: 'ESCALATION',
  CommandDistribution: 'COMMAND_DISTRIBUTION',
  ProcessEvent: 'PROCESS_EVENT',
} as const
export type ValueType = (typeof ValueType)[keyof typeof ValueType]

/** A record's metadata: everything but its value type and value. */
export interface RecordMetadata {
  /** Monotonic log position, starting at 1. */
  position: number
  /** Key of the entity the record is about (element instance, job, incident, …). */
  key: string
  /** Epoch ms from the engine's clock. */
  timestamp: number
  recordType: 'EVENT' | 'COMMAND' | 'COMMAND_REJECTION'
  intent: string
  /** Process instance the record belongs to, if any (indexed for history queries). */
  processInstanceKey?: string
}

/**
 * The lifecycle value shapes, as the engine writes them (keys are numbers, `-1` for none).
 * Records read back from the log have the same shapes (JSON keeps numbers numbers). Field names
 * are those of Zeebe 8.8's protocol interfaces (`ProcessInstanceRecordValue`, …).
 */
export interface ProcessInstanceRecordValue {
  bpmnProcessId: string
  version: number
  processDefinitionKey: number
  processInstanceKey: number
  elementId: string
  flowScopeKey: number
  bpmnElementType: string
  bpmnEventType: string
  parentProcessInstanceKey: number
  parentElementInstanceKey: number
  tenantId: string
  /**
   * Zeebe 8.8's element tree path (runtime/tree-path.ts), root process instance first; absent
   * in records logged before the engine wrote it.
   */
  elementInstancePath?: number[][]
  processDefinitionPath?: number[]
  callingElementPath?: number[]
}

export interface JobRecordValue {
  type: string
  worker: string
  retries: number
  retryBackoff: number
  recurringTime: number
  deadline: number
  timeout: number
  customHeaders: Record<string, string>
  variables: Record<string, unknown>
  errorMessage: string
  errorCode: string
  elementId: string
  elementInstanceKey: number
  processInstanceKey: number
  bpmnProcessId: string
  processDefinitionVersion: number
  processDefinitionKey: number
  tenantId: string
  jobKind: string
  /** This engine's older name of `jobListenerEventType` (kept for its readers). */
  listenerEventType: string
  /** Absent in records logged before the engine wrote them. */
  jobListenerEventType?: string
  changedAttributes?: string[]
  /** COMPLETED of a task listener job: what the listener decided (Zeebe's JobResult). */
  result?: JobResultValue
}

/**
 * The jobs one activation handed to a worker (Zeebe's `JobBatchRecordValue`): Zeebe records an
 * activation as one JOB_BATCH ACTIVATED, not as records of the jobs. `jobs[i]` is the job of
 * `jobKeys[i]` as activated (worker, deadline, timeout); its variables are not logged (`{}`).
 */
export interface JobBatchRecordValue {
  type: string
  worker: string
  timeout: number
  maxJobsToActivate: number
  jobKeys: number[]
  jobs: JobRecordValue[]
  truncated: boolean
  tenantIds: string[]
}

/**
 * Zeebe's job result (`JobRecordValue.getResult()`), as task listener jobs and ad-hoc sub-process
 * jobs complete with (the exporter's JSON names; the ad-hoc fields only on the latter).
 */
export interface JobResultValue {
  type: 'USER_TASK' | 'AD_HOC_SUB_PROCESS'
  denied: boolean
  deniedReason: string
  corrections: Record<string, unknown>
  correctedAttributes: string[]
  activateElements?: { elementId: string; variables: Record<string, unknown> }[]
  completionConditionFulfilled?: boolean
  cancelRemainingInstances?: boolean
}

export interface VariableRecordValue {
  name: string
  /** JSON text */
  value: string
  scopeKey: number
  processInstanceKey: number
  processDefinitionKey: number
  bpmnProcessId: string
  tenantId: string
}

export interface IncidentRecordValue {
  errorType: string
  errorMessage: string
  bpmnProcessId: string
  processDefinitionKey: number
  processInstanceKey: number
  elementId: string
  elementInstanceKey: number
  jobKey: number
  variableScopeKey: number
  tenantId: string
  elementInstancePath?: number[][]
  processDefinitionPath?: number[]
  callingElementPath?: number[]
}

export interface TimerRecordValue {
  elementInstanceKey: number
  processInstanceKey: number
  processDefinitionKey: number
  dueDate: number
  targetElementId: string
  repetitions: number
  tenantId: string
}

export interface MessageRecordValue {
  name: string
  correlationKey: string
  timeToLive: number
  messageId: string
  variables: Record<string, unknown>
  deadline: number
  tenantId: string
}

/** The value of each value type the engine writes. */
export interface RecordValues {
  DEPLOYMENT: DeploymentRecordValue
  PROCESS: ProcessRecordValue
  FORM: FormRecordValue
  PROCESS_INSTANCE: ProcessInstanceRecordValue
  PROCESS_INSTANCE_CREATION: ProcessInstanceCreationRecordValue
  JOB: JobRecordValue
  JOB_BATCH: JobBatchRecordValue
  VARIABLE: VariableRecordValue
  VARIABLE_DOCUMENT: VariableDocumentRecordValue
  INCIDENT: IncidentRecordValue
  MESSAGE: MessageRecordValue
  MESSAGE_CORRELATION: MessageCorrelationRecordValue
  MESSAGE_SUBSCRIPTION: MessageSubscriptionRecordValue
  MESSAGE_START_EVENT_SUBSCRIPTION: MessageStartEventSubscriptionRecordValue
  TIMER: TimerRecordValue
  SIGNAL: SignalRecordValue
  SIGNAL_SUBSCRIPTION: SignalSubscriptionRecordValue
  USER_TASK: UserTaskRecordValue
  COMPENSATION_SUBSCRIPTION: CompensationSubscriptionRecordValue
  ERROR: ErrorRecordValue
  DECISION_REQUIREMENTS: DecisionRequirementsRecordValue
  DECISION: DecisionRecordValue
  DECISION_EVALUATION: DecisionEvaluationRecordValue
  PROCESS_INSTANCE_MODIFICATION: ProcessInstanceModificationRecordValue
  PROCESS_INSTANCE_MIGRATION: ProcessInstanceMigrationRecordValue
  RESOURCE_DELETION: ResourceDeletionRecordValue
  AD_HOC_SUB_PROCESS_INSTRUCTION: AdHocSubProcessInstructionRecordValue
  ESCALATION: EscalationRecordValue
  COMMAND_DISTRIBUTION: CommandDistributionRecordValue
  PROCESS_EVENT: ProcessEventRecordValue
}

/**
 * The event intents of each value type the engine writes: the names of Zeebe 8.8's protocol
 * enums (`zeebe/protocol/.../record/intent/*Intent.java`, their `isEvent()` members), so a record
 * written or read with an intent Zeebe does not have is a type error. Deprecated event intents
 * Zeebe keeps only for old logs (DEPLOYMENT DISTRIBUTED, FULLY_DISTRIBUTED) are left out. A job's
 * activation is a JOB_BATCH ACTIVATED (Zeebe's `JobIntent` has no ACTIVATED); the JOB ACTIVATED
 * records of logs written before are read as one (state/log.ts).
 */
export interface RecordIntents {
  DEPLOYMENT: 'CREATED'
  PROCESS: 'CREATED' | 'DELETING' | 'DELETED'
  FORM: 'CREATED' | 'DELETED'
  PROCESS_INSTANCE:
    | 'ELEMENT_ACTIVATING'
    | 'ELEMENT_ACTIVATED'
    | 'ELEMENT_COMPLETING'
    | 'ELEMENT_COMPLETED'
    | 'ELEMENT_TERMINATING'
    | 'ELEMENT_TERMINATED'
    | 'SEQUENCE_FLOW_TAKEN'
    | 'ELEMENT_MIGRATED'
  PROCESS_INSTANCE_CREATION: 'CREATED'
  JOB:
    | 'CREATED'
    | 'COMPLETED'
    | 'TIMED_OUT'
    | 'FAILED'
    | 'RETRIES_UPDATED'
    | 'TIMEOUT_UPDATED'
    | 'RECURRED_AFTER_BACKOFF'
    | 'YIELDED'
    | 'ERROR_THROWN'
    | 'CANCELED'
    | 'MIGRATED'
  JOB_BATCH: 'ACTIVATED'
  VARIABLE: 'CREATED' | 'UPDATED' | 'MIGRATED'
  VARIABLE_DOCUMENT: 'UPDATING' | 'UPDATED'
  INCIDENT: 'CREATED' | 'RESOLVED' | 'MIGRATED'
  MESSAGE: 'PUBLISHED' | 'EXPIRED'
  MESSAGE_CORRELATION: 'CORRELATING' | 'CORRELATED' | 'NOT_CORRELATED'
  MESSAGE_SUBSCRIPTION: 'CREATED' | 'CORRELATED' | 'DELETED' | 'MIGRATED'
  MESSAGE_START_EVENT_SUBSCRIPTION: 'CREATED' | 'CORRELATED' | 'DELETED'
  TIMER: 'CREATED' | 'TRIGGERED' | 'CANCELED' | 'MIGRATED'
  SIGNAL: 'BROADCASTED'
  SIGNAL_SUBSCRIPTION: 'CREATED' | 'DELETED' | 'MIGRATED'
  USER_TASK: UserTaskIntent | 'MIGRATED'
  COMPENSATION_SUBSCRIPTION: 'CREATED' | 'TRIGGERED' | 'COMPLETED' | 'DELETED'
  ERROR: 'CREATED'
  DECISION_REQUIREMENTS: 'CREATED' | 'DELETED'
  DECISION: 'CREATED' | 'DELETED'
  DECISION_EVALUATION: 'EVALUATED' | 'FAILED'
  PROCESS_INSTANCE_MODIFICATION: 'MODIFIED'
  PROCESS_INSTANCE_MIGRATION: 'MIGRATED'
  RESOURCE_DELETION: 'DELETING' | 'DELETED'
  AD_HOC_SUB_PROCESS_INSTRUCTION: 'ACTIVATED' | 'COMPLETED'
  ESCALATION: 'ESCALATED' | 'NOT_ESCALATED'
  COMMAND_DISTRIBUTION:
    | 'STARTED'
    | 'DISTRIBUTING'
    | 'ACKNOWLEDGED'
    | 'FINISHED'
    | 'ENQUEUED'
    | 'CONTINUATION_REQUESTED'
    | 'CONTINUATION_COMPLETED'
  PROCESS_EVENT: 'TRIGGERING' | 'TRIGGERED'
}

/** The intents a record of value type `V` may have. */
export type IntentOf<V extends ValueType> = RecordIntents[V]

/** The record of one value type. */
export type RecordOf<V extends ValueType> = Omit<RecordMetadata, 'intent'> & {
  valueType: V
  intent: IntentOf<V>
  value: RecordValues[V]
}

/**
 * One record of the log: a union discriminated on `valueType`, whose `value` is shaped as Zeebe's
 * exporter JSON for that value type. Narrow on `valueType` to read its value.
 */
export type EngineRecord = { [V in ValueType]: RecordOf<V> }[ValueType]

/**
 * A record's value fields by name, for readers that do not narrow on `valueType` (tests and
 * tools reading the stream as JSON). Engine code narrows and reads the typed value instead.
 */
export function fieldsOf(record: EngineRecord): Readonly<Record<string, unknown>> {
  return record.value as unknown as Readonly<Record<string, unknown>>
}
