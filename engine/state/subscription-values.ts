/**
 * Record values of the subscription value types (MESSAGE_SUBSCRIPTION,
 * MESSAGE_START_EVENT_SUBSCRIPTION, SIGNAL_SUBSCRIPTION, COMPENSATION_SUBSCRIPTION) and of
 * MESSAGE_CORRELATION, as the engine writes them (keys are numbers, `-1` for none). Field names
 * are those of Zeebe 8.8's protocol interfaces (`MessageSubscriptionRecordValue`, …).
 */

export interface MessageSubscriptionRecordValue {
  processInstanceKey: number
  elementInstanceKey: number
  bpmnProcessId: string
  messageName: string
  correlationKey: string
  /** The catch event (or boundary/start event of an event sub-process) subscribed. */
  elementId: string
  interrupting: boolean
  /** The correlated message; `-1` until CORRELATED. */
  messageKey: number
  variables: Record<string, unknown>
  tenantId: string
}

export interface MessageStartEventSubscriptionRecordValue {
  processDefinitionKey: number
  bpmnProcessId: string
  startEventId: string
  messageName: string
  messageKey: number
  correlationKey: string
  processInstanceKey: number
  variables: Record<string, unknown>
  tenantId: string
}

export interface SignalSubscriptionRecordValue {
  processDefinitionKey: number
  bpmnProcessId: string
  catchEventId: string
  catchEventInstanceKey: number
  signalName: string
  tenantId: string
}

export interface CompensationSubscriptionRecordValue {
  tenantId: string
  processInstanceKey: number
  processDefinitionKey: number
  compensableActivityId: string
  /** The flow scope instance the compensable activity ran in. */
  compensableActivityScopeKey: number
  compensableActivityInstanceKey: number
  /** `''` / `-1` until TRIGGERED. */
  throwEventId: string
  throwEventInstanceKey: number
  /** `''` for a sub-process's subscription (it has no handler of its own). */
  compensationHandlerId: string
  compensationHandlerInstanceKey: number
  variables: Record<string, unknown>
}

/** CORRELATING and CORRELATED of the CorrelateMessage RPC (Zeebe 8.8). */
export interface MessageCorrelationRecordValue {
  name: string
  correlationKey: string
  variables: Record<string, unknown>
  tenantId: string
  messageKey: number
  /** `-1` while CORRELATING. */
  processInstanceKey: number
  requestId: number
  requestStreamId: number
}
