/**
 * Engine records: every state change is one record, as in Zeebe's log. The record stream is
 * the engine's public history: the server's evidence and replay features read it.
 */
import type {
  DecisionEvaluationRecordValue,
  DecisionRecordValue,
  DecisionRequirementsRecordValue,
  FormRecordValue,
  ProcessRecordValue,
  ResourceDeletionRecordValue,
  SignalRecordValue,
  UserTaskRecordValue,
} from './record-values'

export type * from './record-values'

/** Zeebe value types the engine writes. */
export const ValueType = {
  Deployment: 'DEPLOYMENT',
  Process: 'PROCESS',
  Form: 'FORM',
  ProcessInstance: 'PROCESS_INSTANCE',
  ProcessInstanceCreation: 'PROCESS_INSTANCE_CREATION',
  Job: 'JOB',
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
} as const
export type ValueType = (typeof ValueType)[keyof typeof ValueType]

/** One record of the log. `value` is shaped as Zeebe's exporter JSON for the value type. */
export interface EngineRecord {
  /** Monotonic log position, starting at 1. */
  position: number
  /** Key of the entity the record is about (element instance, job, incident, …). */
  key: string
  /** Epoch ms from the engine's clock. */
  timestamp: number
  recordType: 'EVENT' | 'COMMAND' | 'COMMAND_REJECTION'
  valueType: ValueType
  intent: string
  /** Process instance the record belongs to, if any (indexed for history queries). */
  processInstanceKey?: string
  value: Record<string, unknown>
}

/**
 * The value shapes the engine reads most, as the engine writes them (keys are numbers, `-1` for
 * none). Records read back from the log have the same shapes (JSON keeps numbers numbers).
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

interface RecordValues {
  PROCESS: ProcessRecordValue
  FORM: FormRecordValue
  DECISION_REQUIREMENTS: DecisionRequirementsRecordValue
  DECISION: DecisionRecordValue
  DECISION_EVALUATION: DecisionEvaluationRecordValue
  RESOURCE_DELETION: ResourceDeletionRecordValue
  SIGNAL: SignalRecordValue
  USER_TASK: UserTaskRecordValue
  PROCESS_INSTANCE: ProcessInstanceRecordValue
  JOB: JobRecordValue
  VARIABLE: VariableRecordValue
  INCIDENT: IncidentRecordValue
  TIMER: TimerRecordValue
  MESSAGE: MessageRecordValue
}

/** A record whose `value` is typed on its `valueType` (a discriminated union). */
export type TypedRecord = {
  [V in ValueType]: Omit<EngineRecord, 'valueType' | 'value'> & {
    valueType: V
    value: V extends keyof RecordValues ? RecordValues[V] : Record<string, unknown>
  }
}[ValueType]

/**
 * The record as a {@link TypedRecord}: for records the engine wrote itself (or read back from
 * its log), whose values have the shapes above. Narrow on `valueType` to read its value.
 */
export function typed(record: EngineRecord): TypedRecord {
  return record as TypedRecord
}
