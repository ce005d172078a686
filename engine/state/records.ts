/**
 * Engine records: every state change is one record, as in Zeebe's log. The record stream is
 * the engine's public history: the server's evidence and replay features read it.
 */

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
