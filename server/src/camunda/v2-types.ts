/**
 * The shapes of Camunda 8.8's Orchestration Cluster REST API (v2) that the server reads and
 * sends, as 8.8 documents them (only the fields the server uses). The client is
 * `camunda-rest.ts`.
 */

/** 8.8's ProcessInstanceResult (the fields the server reads). */
export interface ProcessInstance {
  processInstanceKey: string
  processDefinitionKey: string
  processDefinitionId: string
  processDefinitionVersion: number
  startDate: string
  endDate?: string
  state: 'ACTIVE' | 'COMPLETED' | 'TERMINATED'
  parentProcessInstanceKey?: string
  parentElementInstanceKey?: string
}

/** 8.8's ElementInstanceResult. */
export interface ElementInstance {
  elementInstanceKey: string
  processInstanceKey: string
  processDefinitionKey: string
  elementId: string
  elementName: string
  /** e.g. `USER_TASK`, `PROCESS`. */
  type: string
  state: 'ACTIVE' | 'COMPLETED' | 'TERMINATED'
  startDate: string
  endDate?: string
  incidentKey?: string
}

/** 8.8's VariableResult. */
export interface Variable {
  variableKey: string
  name: string
  /** JSON text. */
  value: string
  scopeKey: string
  processInstanceKey: string
  isTruncated: boolean
}

/** 8.8's IncidentResult. */
export interface Incident {
  incidentKey: string
  processInstanceKey?: string
  elementInstanceKey?: string
  elementId: string
  errorType: string
  errorMessage: string
  creationTime?: string
  state: 'ACTIVE' | 'MIGRATED' | 'RESOLVED' | 'PENDING'
  jobKey?: string
}

/** 8.8's JobSearchResult (the fields the server reads). */
export interface Job {
  jobKey: string
  type: string
  worker: string
  state: string
  deadline: string | null
  elementInstanceKey: string
  processInstanceKey: string
  endTime?: string
}

/** 8.8's ProcessInstanceSequenceFlowResult. */
export interface SequenceFlow {
  sequenceFlowId: string
  processInstanceKey: string
}

/** A user task as `POST /v2/user-tasks/search` and `GET /v2/user-tasks/{key}` return it. */
export interface CamundaUserTask {
  userTaskKey: string
  name?: string
  /** CREATED, COMPLETED, CANCELED, FAILED (and the transitional CREATING, ASSIGNING, …). */
  state: string
  assignee?: string
  elementId: string
  elementInstanceKey: string
  candidateGroups?: string[]
  candidateUsers?: string[]
  processDefinitionId: string
  processDefinitionKey: string
  processDefinitionVersion: number
  processInstanceKey: string
  processName?: string
  creationDate?: string
  completionDate?: string
  dueDate?: string
  followUpDate?: string
  /** The key of the linked form the engine resolved. */
  formKey?: string
  /** A custom form reference (`zeebe:formDefinition externalReference`). */
  externalFormReference?: string
  customHeaders?: Record<string, string>
  priority?: number
}

/** One element id mapped to another (`mappingInstructions` of 8.8's migration). */
export interface MigrationMappingInstruction {
  sourceElementId: string
  targetElementId: string
}

/** A search body as 8.8 takes it: filter operators (`$eq`, `$in`, `$gte` …), sort, paging. */
export interface SearchQuery {
  filter?: Record<string, unknown>
  sort?: { field: string; order?: 'ASC' | 'DESC' }[]
}

/** A search body with 8.8's cursor paging. */
export interface SearchBody extends SearchQuery {
  page?: { limit: number; after?: string }
}

/** One page of a v2 search, with 8.8's cursors. */
export interface SearchPage<T> {
  items: T[]
  page: { totalItems?: number; endCursor?: string | null }
}

/** The searchable v2 entities the server reads. */
export type SearchEntity =
  'process-instances' | 'element-instances' | 'variables' | 'incidents' | 'jobs' | 'user-tasks'

/** What the inbox does with Camunda user tasks through v2 (the REST client, or a test's fake). */
export interface UserTaskApi {
  searchUserTasks(body: SearchBody): Promise<SearchPage<CamundaUserTask>>
  getUserTask(userTaskKey: string): Promise<CamundaUserTask>
  /** Every variable the task sees (its scope and the scopes around it), the innermost winning. */
  userTaskVariables(userTaskKey: string): Promise<Record<string, unknown>>
  /** Assigns; `allowOverride: false` is a claim (409 when someone else has it). */
  assignUserTask(userTaskKey: string, assignee: string, allowOverride: boolean): Promise<void>
  unassignUserTask(userTaskKey: string): Promise<void>
  completeUserTask(userTaskKey: string, variables: Record<string, unknown>): Promise<void>
}
