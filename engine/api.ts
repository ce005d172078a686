/**
 * The engine's command and query interface: what the gRPC gateway (engine/gateway/) calls for
 * each Zeebe RPC, and what in-process tests drive. Every command resolves only after the
 * records it produced are durable in the log (Zeebe acknowledges after commit), and rejects
 * with an {@link EngineError} whose `code` the gateway maps to a gRPC status.
 *
 * Keys are Zeebe int64 keys as decimal strings. Variables are JSON objects. Durations are
 * milliseconds. Times are epoch milliseconds from the engine's {@link Clock}.
 */
import type { CommitStats } from './state/log'
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
}

export interface PublishMessageCommand {
  name: string
  correlationKey: string
  timeToLiveMs: number
  messageId?: string
  variables?: Variables
  tenantId?: string
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
  completeJob(jobKey: string, variables?: Variables): Promise<void>
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
  broadcastSignal(
    signalName: string,
    variables?: Variables,
    tenantId?: string,
  ): Promise<{ key: string; tenantId: string }>
  resolveIncident(incidentKey: string): Promise<void>
  setVariables(
    elementInstanceKey: string,
    variables: Variables,
    local: boolean,
  ): Promise<{ key: string }>

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
