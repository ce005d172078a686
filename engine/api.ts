/**
 * The engine's command and query interface: what the gRPC gateway (engine/gateway/) calls for
 * each Zeebe RPC, and what in-process tests drive. Every command resolves only after the
 * records it produced are durable in the log (Zeebe acknowledges after commit), and rejects
 * with an {@link EngineError} whose `code` the gateway maps to a gRPC status.
 *
 * Keys are Zeebe int64 keys as decimal strings. Variables are JSON objects. Durations are
 * milliseconds. Times are epoch milliseconds from the engine's {@link Clock}.
 */
import type {
  DecisionEvaluationResult,
  DeployedDecision,
  DeployedDecisionRequirements,
  EvaluateDecisionCommand,
} from './dmn/api'
import type { CommitStats } from './state/log'

export type * from './dmn/api'
import type { EngineRecord } from './state/records'

/** Closed set of rejection reasons; the gateway maps each to the gRPC status of the same name. */
export const EngineErrorCode = {
  InvalidArgument: 'INVALID_ARGUMENT',
  NotFound: 'NOT_FOUND',
  AlreadyExists: 'ALREADY_EXISTS',
  FailedPrecondition: 'FAILED_PRECONDITION',
  ResourceExhausted: 'RESOURCE_EXHAUSTED',
  Unimplemented: 'UNIMPLEMENTED',
  Internal: 'INTERNAL',
  /**
   * The engine cannot take commands now (its record log's database does not answer); it
   * recovers by itself, so the command may be retried (gRPC UNAVAILABLE, as Zeebe's gateway
   * answers when no broker can take the request).
   */
  Unavailable: 'UNAVAILABLE',
} as const
export type EngineErrorCode = (typeof EngineErrorCode)[keyof typeof EngineErrorCode]

/** A rejected command, with Zeebe's wording where Zeebe has one. */
export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'EngineError'
  }
}

export type Variables = Record<string, unknown>

/** Time source; tests use a clock they move by hand so timers and timeouts need no sleeping. */
export interface Clock {
  now(): number
}

export interface DeployResource {
  /** File name, e.g. `incident.bpmn` or `incident-triage.form`. */
  name: string
  content: Buffer
}

export interface DeployedProcess {
  bpmnProcessId: string
  version: number
  processDefinitionKey: string
  resourceName: string
  tenantId: string
  /**
   * `zeebe:versionTag` of the process, if it has one. In-process only: the gRPC
   * ProcessMetadata of Zeebe 8.8 (and the SDK's zeebe.proto) has no such field.
   */
  versionTag?: string
}

export interface DeployedForm {
  formId: string
  version: number
  formKey: string
  resourceName: string
  tenantId: string
}

export interface DeploymentResult {
  key: string
  processes: DeployedProcess[]
  forms: DeployedForm[]
  /** Decisions and DRGs of the deployment's `.dmn` resources. */
  decisions: DeployedDecision[]
  decisionRequirements: DeployedDecisionRequirements[]
  tenantId: string
}

export interface CreateInstanceCommand {
  /** Either bpmnProcessId (+ version, -1 or absent = latest) or processDefinitionKey. */
  bpmnProcessId?: string
  version?: number
  processDefinitionKey?: string
  variables?: Variables
  /** Element ids to start at instead of the none start event. */
  startInstructions?: { elementId: string }[]
  tenantId?: string
}

export interface CreatedInstance {
  processDefinitionKey: string
  bpmnProcessId: string
  version: number
  processInstanceKey: string
  tenantId: string
}

export interface InstanceResult extends CreatedInstance {
  variables: Variables
}

export interface ActivateJobsCommand {
  type: string
  worker: string
  /** How long an activated job stays locked to this worker. */
  timeoutMs: number
  maxJobsToActivate: number
  /** Variable names to fetch; empty or absent = all visible variables. */
  fetchVariable?: string[]
  tenantIds?: string[]
}

/** A job as ActivateJobs returns it (gateway.proto ActivatedJob). */
export interface ActivatedJob {
  key: string
  type: string
  processInstanceKey: string
  bpmnProcessId: string
  processDefinitionVersion: number
  processDefinitionKey: string
  elementId: string
  elementInstanceKey: string
  customHeaders: Record<string, string>
  worker: string
  retries: number
  /** Epoch ms when the activation times out. */
  deadline: number
  variables: Variables
  tenantId: string
  /** BPMN_ELEMENT, EXECUTION_LISTENER, TASK_LISTENER or AD_HOC_SUB_PROCESS (the v2 API's `kind`). */
  kind?: string
  /** START/END for execution listeners, CREATING/ASSIGNING/… for task listeners, else UNSPECIFIED. */
  listenerEventType?: string
}

/**
 * The result a job worker may complete a job with (gateway.proto 8.8 `JobResult`): a task
 * listener denies the transition and/or corrects the task; an ad-hoc sub-process's job activates
 * inner elements or completes the sub-process.
 */
export interface JobResult {
  /** `userTask` (the default) or `adHocSubProcess`, as in 8.8's JobResult. */
  type?: 'userTask' | 'adHocSubProcess'
  denied?: boolean
  deniedReason?: string
  corrections?: UserTaskChanges
  /** Ad-hoc sub-process job: the inner elements to activate, each with its local variables. */
  activateElements?: { elementId: string; variables?: Variables }[]
  /** Ad-hoc sub-process job: complete the sub-process (no elements may be activated with it). */
  isCompletionConditionFulfilled?: boolean
  /** Ad-hoc sub-process job: terminate what is still active when completing. */
  isCancelRemainingInstances?: boolean
}

/** Task properties a user task update or a task listener's corrections may change. */
export interface UserTaskChanges {
  assignee?: string
  dueDate?: string
  followUpDate?: string
  candidateUsers?: string[]
  candidateGroups?: string[]
  priority?: number
}

/** A Camunda user task (`zeebe:userTask`) as the engine holds it while it is open. */
export interface UserTask {
  userTaskKey: string
  /** Lifecycle state: CREATED when idle, else the transition in flight (ASSIGNING, …). */
  state: string
  assignee?: string
  candidateGroups: string[]
  candidateUsers: string[]
  dueDate?: string
  followUpDate?: string
  priority: number
  /** Key of the linked form (`formId`), if any. */
  formKey?: string
  externalFormReference?: string
  customHeaders: Record<string, string>
  elementId: string
  elementInstanceKey: string
  processInstanceKey: string
  processDefinitionKey: string
  processDefinitionVersion: number
  bpmnProcessId: string
  tenantId: string
  /** Epoch ms of creation. */
  creationDate: number
}

/** Filter of {@link EngineApi.listUserTasks}; every given field must match. */
export interface UserTaskFilter {
  state?: string
  assignee?: string
  candidateGroup?: string
  candidateUser?: string
  processInstanceKey?: string
  processDefinitionKey?: string
  bpmnProcessId?: string
  elementId?: string
  tenantId?: string
}

export interface PublishMessageCommand {
  name: string
  correlationKey: string
  timeToLiveMs: number
  messageId?: string
  variables?: Variables
  tenantId?: string
}

/** Zeebe 8.8's message correlation: a message that is never buffered (see EngineApi.correlateMessage). */
export interface CorrelateMessageCommand {
  name: string
  correlationKey?: string
  variables?: Variables
  tenantId?: string
}

/** One activate instruction of {@link EngineApi.modifyProcessInstance}. */
export interface ActivateInstruction {
  elementId: string
  /** Key of the ancestor scope instance to create the element in; absent, 0 or -1 = none. */
  ancestorElementInstanceKey?: string
  /** Variables to create: in the root scope (scopeId empty) or in the scope of element `scopeId`. */
  variableInstructions?: { variables: Variables; scopeId?: string }[]
}

/** ModifyProcessInstance: activate elements, terminate element instances (gateway.proto). */
export interface ModifyInstanceCommand {
  processInstanceKey: string
  activateInstructions?: ActivateInstruction[]
  terminateInstructions?: { elementInstanceKey: string }[]
}

/** MigrateProcessInstance: the target definition and element mappings (gateway.proto). */
export interface MigrateInstanceCommand {
  processInstanceKey: string
  targetProcessDefinitionKey: string
  mappingInstructions: { sourceElementId: string; targetElementId: string }[]
}

/** Topology facts the gateway reports. */
export interface EngineInfo {
  version: string
  partitionsCount: number
}

/**
 * Whether the engine takes commands: `up`; `down` while its record log's database does not
 * answer (commands are refused with UNAVAILABLE and the engine retries until it can rebuild
 * its state from the durable log); `closed` after `close()`.
 */
export interface EngineStatus {
  log: 'up' | 'down' | 'closed'
  /** When the log went down (epoch ms, wall clock). */
  since?: number
  /** Why it is down (the database error's message; never the connection string). */
  error?: string
  /** Recovery attempts made so far in this outage. */
  attempts?: number
}

/** The engine, as the gateway and in-process callers see it. */
export interface EngineApi {
  readonly info: EngineInfo
  readonly clock: Clock
  /** Whether the engine's record log works (see {@link EngineStatus}). */
  readonly status: EngineStatus

  deployResources(resources: DeployResource[], tenantId?: string): Promise<DeploymentResult>
  createProcessInstance(cmd: CreateInstanceCommand): Promise<CreatedInstance>
  /** Resolves when the instance completes; rejects with DEADLINE_EXCEEDED-like INTERNAL on `timeoutMs`. */
  createProcessInstanceWithResult(
    cmd: CreateInstanceCommand & { fetchVariables?: string[]; requestTimeoutMs?: number },
  ): Promise<InstanceResult>
  cancelProcessInstance(processInstanceKey: string): Promise<void>

  /** Activates up to `maxJobsToActivate` activatable jobs now (no waiting). */
  activateJobs(cmd: ActivateJobsCommand): Promise<ActivatedJob[]>
  /**
   * Calls `listener` whenever jobs of `type` may have become activatable (created, timed out,
   * back-off ended, retries raised). The gateway uses it for long polling and job streams.
   * Returns the unsubscribe function.
   */
  onJobsAvailable(type: string, listener: () => void): () => void
  /** `result`: only for task listener jobs (deny the transition, correct the task). */
  completeJob(jobKey: string, variables?: Variables, result?: JobResult): Promise<void>
  failJob(
    jobKey: string,
    retries: number,
    errorMessage?: string,
    retryBackOffMs?: number,
    variables?: Variables,
  ): Promise<void>
  throwError(
    jobKey: string,
    errorCode: string,
    errorMessage?: string,
    variables?: Variables,
  ): Promise<void>
  updateJobRetries(jobKey: string, retries: number): Promise<void>
  updateJobTimeout(jobKey: string, timeoutMs: number): Promise<void>

  publishMessage(cmd: PublishMessageCommand): Promise<{ key: string; tenantId: string }>
  /**
   * Publishes a message that is not buffered and correlates it as a published one; resolves with
   * the message key and the first process instance it correlated to (Zeebe 8.8's
   * MESSAGE_CORRELATION). NOT_FOUND when nothing would correlate (then nothing is written).
   */
  correlateMessage(
    cmd: CorrelateMessageCommand,
  ): Promise<{ key: string; tenantId: string; processInstanceKey: string }>
  broadcastSignal(
    signalName: string,
    variables?: Variables,
    tenantId?: string,
  ): Promise<{ key: string; tenantId: string }>
  resolveIncident(incidentKey: string): Promise<void>
  /** Evaluates a deployed decision (Zeebe's EvaluateDecision); NOT_FOUND when there is none. */
  evaluateDecision(cmd: EvaluateDecisionCommand): Promise<DecisionEvaluationResult>
  setVariables(
    elementInstanceKey: string,
    variables: Variables,
    local: boolean,
  ): Promise<{ key: string }>

  /**
   * Camunda user task commands (Zeebe's USER_TASK ASSIGN, CLAIM, UPDATE, COMPLETE). Each
   * resolves once the transition finished (after its task listeners: ASSIGNED, UPDATED,
   * COMPLETED) with the task as it then is, and rejects when the command is invalid
   * (NOT_FOUND, FAILED_PRECONDITION with Zeebe's wording, INVALID_ARGUMENT) or a listener
   * denied it (FAILED_PRECONDITION). `allowOverride: false` makes assign a claim.
   */
  assignUserTask(
    userTaskKey: string,
    cmd: { assignee: string; action?: string; allowOverride?: boolean },
  ): Promise<UserTask>
  claimUserTask(userTaskKey: string, cmd: { assignee: string; action?: string }): Promise<UserTask>
  unassignUserTask(userTaskKey: string, cmd?: { action?: string }): Promise<UserTask>
  updateUserTask(
    userTaskKey: string,
    cmd: { changeset?: Omit<UserTaskChanges, 'assignee'>; action?: string },
  ): Promise<UserTask>
  completeUserTask(
    userTaskKey: string,
    cmd?: { variables?: Variables; action?: string },
  ): Promise<UserTask>
  /** An open user task, or undefined (completed and canceled tasks are in the records). */
  getUserTask(userTaskKey: string): UserTask | undefined
  /** Open user tasks matching `filter`, oldest first. */
  listUserTasks(filter?: UserTaskFilter): UserTask[]

  /** Activates and terminates elements of a running instance (Zeebe's modification rules). */
  modifyProcessInstance(cmd: ModifyInstanceCommand): Promise<void>
  /** Moves a running instance to another process definition (Zeebe's migration rules). */
  migrateProcessInstance(cmd: MigrateInstanceCommand): Promise<void>
  /** Deletes a process definition (without running instances) or a form; the log keeps it. */
  deleteResource(resourceKey: string): Promise<void>

  /** Records with position > `afterPosition`, oldest first, at most `limit`. */
  readRecords(query: RecordQuery): Promise<EngineRecord[]>
  /** Calls `listener` for each record once it is durable. Returns the unsubscribe function. */
  onRecord(listener: (record: EngineRecord) => void): () => void
  /** The record log's group commits so far: how many, their records, the time spent in them. */
  readonly commitStats: CommitStats

  /** Fires due timers, job timeouts, back-offs and message TTLs up to the clock's now. */
  tick(): Promise<void>
  close(): Promise<void>
}

export interface RecordQuery {
  afterPosition?: number
  limit?: number
  processInstanceKey?: string
  valueTypes?: string[]
}
