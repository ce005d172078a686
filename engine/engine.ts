/**
 * The embedded engine: an event-sourced, Zeebe-compatible BPMN engine. Commands are processed
 * one at a time; each produces event records that are applied to the in-memory state and
 * appended to the durable log (group commit); a command resolves only once its records are
 * durable. Startup loads the latest snapshot and replays the log after it.
 */
import {
  type ActivateJobsCommand,
  type ActivatedJob,
  type Clock,
  type CreatedInstance,
  type CreateInstanceCommand,
  type DecisionEvaluationResult,
  type DeploymentResult,
  type DeployResource,
  type EngineApi,
  EngineError,
  EngineErrorCode,
  type EngineInfo,
  type EvaluateDecisionCommand,
  type EngineStatus,
  type InstanceResult,
  type JobResult,
  type MigrateInstanceCommand,
  type ModifyInstanceCommand,
  type PublishMessageCommand,
  type CorrelateMessageCommand,
  type RecordQuery,
  type UserTask,
  type UserTaskChanges,
  type UserTaskFilter,
  type Variables,
} from './api'
import { deleteResource } from './commands/delete-resource'
import { migrateProcessInstance } from './commands/migrate'
import { modifyProcessInstance } from './commands/modify'
import { evaluateDecisionCommand } from './dmn/behavior'
import { EngineCore } from './lifecycle/core'
import type { CreateEngineOptions } from './lifecycle/options'
import { checkVariables, tenantOf } from './processing/common'
import { deploy, validateDeployment } from './processing/deployment'
import { resolveIncident } from './processing/incident'
import * as instances from './processing/instance'
import * as jobs from './processing/job'
import * as messages from './processing/message'
import type { WithResultCommand } from './processing/results'
import type { Runtime } from './runtime/runtime'
import type { CommitStats } from './state/log'
import type { EngineRecord } from './state/records'
import type { EngineStateData } from './state/state'
import {
  assignUserTask,
  claimUserTask,
  completeUserTask,
  updateUserTask,
} from './user-task/commands'
import { getUserTask, listUserTasks } from './user-task/query'
import { ZEEBE_COMPAT_VERSION } from './version'

export { TestClock, systemClock } from './clock'
export type { CreateEngineOptions, EngineLogger } from './lifecycle/options'

/** Creates (and recovers) an engine on `options.sql`. */
export async function createEngine(options: CreateEngineOptions): Promise<Engine> {
  const engine = new Engine(options)
  await engine.start()
  return engine
}

/**
 * The engine, implementing the API the gateway and in-process callers use: each command is one
 * processor of processing/ (or commands/, dmn/, user-task/) run by the core (lifecycle/core.ts).
 */
export class Engine implements EngineApi {
  readonly info: EngineInfo = { version: ZEEBE_COMPAT_VERSION, partitionsCount: 1 }
  readonly clock: Clock
  private readonly core: EngineCore

  constructor(options: CreateEngineOptions) {
    this.core = new EngineCore(options)
    this.clock = this.core.clock
  }

  /** Creates the tables if needed, loads the latest snapshot and replays the log after it. */
  start(): Promise<void> {
    return this.core.start()
  }

  /** The log's state: see {@link EngineStatus}. */
  get status(): EngineStatus {
    return this.core.status
  }

  /** Fires due timers, job timeouts, back-offs and message TTLs (see EngineCore.tick). */
  tick(): Promise<void> {
    return this.core.tick()
  }

  // ------------------------------------------------------------------ commands

  async deployResources(resources: DeployResource[], tenantId?: string): Promise<DeploymentResult> {
    const plan = await validateDeployment(resources, tenantId, this.core.state, this.core.models)
    return this.core.exec((rt) => deploy(rt, this.core.models, plan))
  }

  createProcessInstance(cmd: CreateInstanceCommand): Promise<CreatedInstance> {
    return this.core.exec((rt) => instances.startInstance(rt, cmd))
  }

  createProcessInstanceWithResult(cmd: WithResultCommand): Promise<InstanceResult> {
    const pending = this.core.results.pending(cmd)
    const created = this.core.exec((rt) => {
      const c = instances.startInstance(rt, cmd)
      pending.register(rt, c)
      return c
    })
    return created.then(() => pending.result)
  }

  cancelProcessInstance(processInstanceKey: string): Promise<void> {
    return this.core.exec((rt) => instances.cancelProcessInstance(rt, processInstanceKey))
  }

  modifyProcessInstance(cmd: ModifyInstanceCommand): Promise<void> {
    return this.core.exec((rt) => modifyProcessInstance(rt, cmd))
  }

  migrateProcessInstance(cmd: MigrateInstanceCommand): Promise<void> {
    return this.core.exec((rt) => migrateProcessInstance(rt, cmd))
  }

  deleteResource(resourceKey: string): Promise<void> {
    return this.core.exec((rt) => deleteResource(rt, resourceKey))
  }

  setVariables(
    elementInstanceKey: string,
    variables: Variables,
    local: boolean,
  ): Promise<{ key: string }> {
    return this.core.exec((rt) => instances.setVariables(rt, elementInstanceKey, variables, local))
  }

  activateJobs(cmd: ActivateJobsCommand): Promise<ActivatedJob[]> {
    return this.core.exec((rt) => jobs.activateJobs(rt, cmd))
  }

  onJobsAvailable(type: string, listener: () => void): () => void {
    return this.core.onJobsAvailable(type, listener)
  }

  completeJob(jobKey: string, variables?: Variables, result?: JobResult): Promise<void> {
    return this.core.exec((rt) => jobs.completeJob(rt, jobKey, variables, result))
  }

  failJob(
    jobKey: string,
    retries: number,
    errorMessage?: string,
    retryBackOffMs?: number,
    variables?: Variables,
  ): Promise<void> {
    return this.core.exec((rt) =>
      jobs.failJob(rt, jobKey, retries, errorMessage, retryBackOffMs, variables),
    )
  }

  throwError(
    jobKey: string,
    errorCode: string,
    errorMessage?: string,
    variables?: Variables,
  ): Promise<void> {
    return this.core.exec((rt) => jobs.throwError(rt, jobKey, errorCode, errorMessage, variables))
  }

  updateJobRetries(jobKey: string, retries: number): Promise<void> {
    return this.core.exec((rt) => jobs.updateJobRetries(rt, jobKey, retries))
  }

  updateJobTimeout(jobKey: string, timeoutMs: number): Promise<void> {
    return this.core.exec((rt) => jobs.updateJobTimeout(rt, jobKey, timeoutMs))
  }

  publishMessage(cmd: PublishMessageCommand): Promise<{ key: string; tenantId: string }> {
    return this.core.exec((rt) => messages.publishMessage(rt, cmd))
  }

  correlateMessage(
    cmd: CorrelateMessageCommand,
  ): Promise<{ key: string; tenantId: string; processInstanceKey: string }> {
    return this.core.exec((rt) => messages.correlateMessage(rt, cmd))
  }

  broadcastSignal(
    signalName: string,
    variables?: Variables,
    tenantId?: string,
  ): Promise<{ key: string; tenantId: string }> {
    return this.core.exec((rt) => messages.broadcastSignal(rt, signalName, variables, tenantId))
  }

  resolveIncident(incidentKey: string): Promise<void> {
    return this.core.exec((rt) => resolveIncident(rt, incidentKey))
  }

  evaluateDecision(cmd: EvaluateDecisionCommand): Promise<DecisionEvaluationResult> {
    return this.core.exec((rt) =>
      evaluateDecisionCommand(rt, {
        ...(cmd.decisionId ? { decisionId: cmd.decisionId } : {}),
        ...(cmd.decisionKey ? { decisionKey: cmd.decisionKey } : {}),
        variables: checkVariables(cmd.variables),
        tenantId: tenantOf(cmd.tenantId),
      }),
    )
  }

  // ------------------------------------------------------------------ user tasks

  /** Runs a user task command and waits for its transition to finish (see EngineApi). */
  private async userTaskCommand(key: string, fn: (rt: Runtime) => void): Promise<UserTask> {
    let waiting: Promise<UserTask> | undefined
    try {
      await this.core.exec((rt) => {
        fn(rt)
        waiting = this.core.userTaskRequests.wait(String(key))
      })
    } catch (err) {
      // Only the waiter this command registered (a rejected command registered none).
      if (waiting) this.core.userTaskRequests.drop(String(key))
      throw err
    }
    if (!waiting) throw new EngineError(EngineErrorCode.Internal, 'user task command lost')
    return waiting
  }

  assignUserTask(
    userTaskKey: string,
    cmd: { assignee: string; action?: string; allowOverride?: boolean },
  ): Promise<UserTask> {
    return this.userTaskCommand(userTaskKey, (rt) => assignUserTask(rt, userTaskKey, cmd))
  }

  claimUserTask(
    userTaskKey: string,
    cmd: { assignee: string; action?: string },
  ): Promise<UserTask> {
    return this.userTaskCommand(userTaskKey, (rt) => claimUserTask(rt, userTaskKey, cmd))
  }

  unassignUserTask(userTaskKey: string, cmd: { action?: string } = {}): Promise<UserTask> {
    return this.userTaskCommand(userTaskKey, (rt) =>
      assignUserTask(rt, userTaskKey, { assignee: '', action: cmd.action || 'unassign' }),
    )
  }

  updateUserTask(
    userTaskKey: string,
    cmd: { changeset?: Omit<UserTaskChanges, 'assignee'>; action?: string },
  ): Promise<UserTask> {
    return this.userTaskCommand(userTaskKey, (rt) =>
      updateUserTask(rt, userTaskKey, {
        ...(cmd.changeset ? { changeset: { ...cmd.changeset } } : {}),
        ...(cmd.action ? { action: cmd.action } : {}),
      }),
    )
  }

  completeUserTask(
    userTaskKey: string,
    cmd: { variables?: Variables; action?: string } = {},
  ): Promise<UserTask> {
    return this.userTaskCommand(userTaskKey, (rt) => completeUserTask(rt, userTaskKey, cmd))
  }

  getUserTask(userTaskKey: string): UserTask | undefined {
    return getUserTask(this.core.state, String(userTaskKey))
  }

  listUserTasks(filter?: UserTaskFilter): UserTask[] {
    return listUserTasks(this.core.state, filter)
  }

  // ------------------------------------------------------------------ history

  readRecords(query: RecordQuery): Promise<EngineRecord[]> {
    return this.core.readRecords(query)
  }

  onRecord(listener: (record: EngineRecord) => void): () => void {
    return this.core.onRecord(listener)
  }

  get commitStats(): CommitStats {
    return this.core.commitStats
  }

  /** Test and diagnostics view of the state (do not mutate). */
  get state(): Readonly<EngineStateData> {
    return this.core.state
  }

  close(): Promise<void> {
    return this.core.close()
  }
}
