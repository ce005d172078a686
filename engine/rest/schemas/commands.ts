/**
 * JSON schemas of the command request bodies the engine's v2 API serves, written from Camunda
 * 8.8's OpenAPI spec (the types of `@camunda8/orchestration-cluster-api` 8.8 are generated from
 * it). Each states the types 8.8's JSON mapper reads; rules 8.8 checks with sentences of its own
 * (at least one of two fields, value ranges, dates) are checked in the route, with its wording.
 * Properties the spec has that the engine does not act on (operationReference, tags,
 * runtimeInstructions) are accepted and ignored, as unknown properties are.
 */
import { keySchema, variablesSchema } from '../command'

const str = { type: 'string' } as const
const strOrNull = { type: ['string', 'null'] } as const
const int = { type: 'integer' } as const
const intOrNull = { type: ['integer', 'null'] } as const
const bool = { type: 'boolean' } as const
const strings = { type: 'array', items: str } as const
const varsOrNull = { type: ['object', 'null'] } as const

export interface ProcessInstanceCreationBody {
  processDefinitionId?: string
  processDefinitionVersion?: number
  processDefinitionKey?: string | number
  variables?: Record<string, unknown>
  tenantId?: string
  startInstructions?: { elementId: string }[]
  awaitCompletion?: boolean
  fetchVariables?: string[]
  requestTimeout?: number
}
export const processInstanceCreation = {
  type: 'object',
  properties: {
    processDefinitionId: str,
    processDefinitionVersion: int,
    processDefinitionKey: keySchema,
    variables: variablesSchema,
    tenantId: str,
    operationReference: int,
    startInstructions: {
      type: 'array',
      items: { type: 'object', properties: { elementId: str }, required: ['elementId'] },
    },
    awaitCompletion: bool,
    fetchVariables: strings,
    requestTimeout: int,
  },
}

export interface ModificationBody {
  activateInstructions?: {
    elementId: string
    ancestorElementInstanceKey?: string | number
    variableInstructions?: { variables: Record<string, unknown>; scopeId?: string }[]
  }[]
  terminateInstructions?: { elementInstanceKey: string | number }[]
}
export const processInstanceModification = {
  type: 'object',
  properties: {
    operationReference: int,
    activateInstructions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          elementId: str,
          ancestorElementInstanceKey: keySchema,
          variableInstructions: {
            type: 'array',
            items: {
              type: 'object',
              properties: { variables: variablesSchema, scopeId: str },
              required: ['variables'],
            },
          },
        },
        required: ['elementId'],
      },
    },
    terminateInstructions: {
      type: 'array',
      items: {
        type: 'object',
        properties: { elementInstanceKey: keySchema },
        required: ['elementInstanceKey'],
      },
    },
  },
}

export interface MigrationBody {
  targetProcessDefinitionKey: string | number
  mappingInstructions: { sourceElementId: string; targetElementId: string }[]
}
export const processInstanceMigration = {
  type: 'object',
  properties: {
    operationReference: int,
    targetProcessDefinitionKey: keySchema,
    mappingInstructions: {
      type: 'array',
      items: {
        type: 'object',
        properties: { sourceElementId: str, targetElementId: str },
        required: ['sourceElementId', 'targetElementId'],
      },
    },
  },
  required: ['targetProcessDefinitionKey', 'mappingInstructions'],
}

/** Cancellation, incident resolution, resource deletion: only an operation reference. */
export interface OperationReferenceBody {
  operationReference?: number
}
export const operationReferenceOnly = {
  type: ['object', 'null'],
  properties: { operationReference: int },
}

export interface SetVariablesBody {
  variables: Record<string, unknown>
  local?: boolean
}
export const setVariables = {
  type: 'object',
  properties: { variables: variablesSchema, local: bool, operationReference: int },
  required: ['variables'],
}

export interface DecisionEvaluationBody {
  decisionDefinitionId?: string
  decisionDefinitionKey?: string | number
  variables?: Record<string, unknown>
  tenantId?: string
}
export const decisionEvaluation = {
  type: 'object',
  properties: {
    decisionDefinitionId: str,
    decisionDefinitionKey: keySchema,
    variables: variablesSchema,
    tenantId: str,
  },
}

export interface JobActivationBody {
  type: string
  worker?: string
  timeout: number
  maxJobsToActivate: number
  fetchVariable?: string[]
  requestTimeout?: number
  tenantIds?: string[]
}
export const jobActivation = {
  type: 'object',
  properties: {
    type: str,
    worker: str,
    timeout: int,
    maxJobsToActivate: int,
    fetchVariable: strings,
    requestTimeout: int,
    tenantIds: strings,
  },
  required: ['type', 'timeout', 'maxJobsToActivate'],
}

export interface JobCompletionBody {
  variables?: Record<string, unknown> | null
  result?: {
    type?: string
    denied?: boolean | null
    deniedReason?: string | null
    corrections?: {
      assignee?: string | null
      dueDate?: string | null
      followUpDate?: string | null
      candidateUsers?: string[] | null
      candidateGroups?: string[] | null
      priority?: number | null
    } | null
    activateElements?: { elementId?: string; variables?: Record<string, unknown> | null }[] | null
    isCompletionConditionFulfilled?: boolean | null
    isCancelRemainingInstances?: boolean | null
  } | null
}
export const jobCompletion = {
  type: ['object', 'null'],
  properties: {
    variables: varsOrNull,
    result: {
      type: ['object', 'null'],
      properties: {
        type: { enum: ['userTask', 'adHocSubProcess'] },
        denied: { type: ['boolean', 'null'] },
        deniedReason: strOrNull,
        corrections: {
          type: ['object', 'null'],
          properties: {
            assignee: strOrNull,
            dueDate: strOrNull,
            followUpDate: strOrNull,
            candidateUsers: { type: ['array', 'null'], items: str },
            candidateGroups: { type: ['array', 'null'], items: str },
            priority: intOrNull,
          },
        },
        activateElements: {
          type: ['array', 'null'],
          items: {
            type: 'object',
            properties: { elementId: str, variables: varsOrNull },
            required: ['elementId'],
          },
        },
        isCompletionConditionFulfilled: { type: ['boolean', 'null'] },
        isCancelRemainingInstances: { type: ['boolean', 'null'] },
      },
    },
  },
}

export interface JobFailBody {
  retries?: number
  errorMessage?: string
  retryBackOff?: number
  variables?: Record<string, unknown>
}
export const jobFail = {
  type: ['object', 'null'],
  properties: { retries: int, errorMessage: str, retryBackOff: int, variables: variablesSchema },
}

export interface JobErrorBody {
  errorCode: string
  errorMessage?: string | null
  variables?: Record<string, unknown> | null
}
export const jobError = {
  type: 'object',
  properties: { errorCode: str, errorMessage: strOrNull, variables: varsOrNull },
  required: ['errorCode'],
}

export interface JobUpdateBody {
  changeset: { retries?: number | null; timeout?: number | null }
}
export const jobUpdate = {
  type: 'object',
  properties: {
    changeset: { type: 'object', properties: { retries: intOrNull, timeout: intOrNull } },
    operationReference: int,
  },
  required: ['changeset'],
}

export interface MessagePublicationBody {
  name: string
  correlationKey?: string
  timeToLive?: number
  messageId?: string
  variables?: Record<string, unknown>
  tenantId?: string
}
export const messagePublication = {
  type: 'object',
  properties: {
    name: str,
    correlationKey: str,
    timeToLive: int,
    messageId: str,
    variables: variablesSchema,
    tenantId: str,
  },
  required: ['name'],
}

export interface MessageCorrelationBody {
  name: string
  correlationKey?: string
  variables?: Record<string, unknown>
  tenantId?: string
}
export const messageCorrelation = {
  type: 'object',
  properties: { name: str, correlationKey: str, variables: variablesSchema, tenantId: str },
  required: ['name'],
}

export interface SignalBroadcastBody {
  signalName: string
  variables?: Record<string, unknown>
  tenantId?: string
}
export const signalBroadcast = {
  type: 'object',
  properties: { signalName: str, variables: variablesSchema, tenantId: str },
  required: ['signalName'],
}

export interface UserTaskAssignmentBody {
  assignee?: string
  allowOverride?: boolean | null
  action?: string | null
}
export const userTaskAssignment = {
  type: 'object',
  properties: { assignee: str, allowOverride: { type: ['boolean', 'null'] }, action: strOrNull },
}

export interface UserTaskChangeset {
  dueDate?: string | null
  followUpDate?: string | null
  candidateUsers?: string[] | null
  candidateGroups?: string[] | null
  priority?: number | null
}
export interface UserTaskUpdateBody {
  changeset?: UserTaskChangeset | null
  action?: string | null
}
export const userTaskUpdate = {
  type: ['object', 'null'],
  properties: {
    changeset: {
      type: ['object', 'null'],
      properties: {
        dueDate: strOrNull,
        followUpDate: strOrNull,
        candidateUsers: { type: ['array', 'null'], items: str },
        candidateGroups: { type: ['array', 'null'], items: str },
        priority: intOrNull,
      },
    },
    action: strOrNull,
  },
}

export interface UserTaskCompletionBody {
  variables?: Record<string, unknown> | null
  action?: string | null
}
export const userTaskCompletion = {
  type: ['object', 'null'],
  properties: { variables: varsOrNull, action: strOrNull },
}

export interface UserTaskUnassignmentBody {
  action?: string | null
}

export interface ClockPinBody {
  timestamp: number
}
