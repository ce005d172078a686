/**
 * Completing a task's job through the outbox.
 *
 * The submission commits first: the task moves to `completing` with its data, and a
 * `complete-task` outbox row is written in the same transaction. CompleteJob follows; its
 * outcome is recorded in one transaction with its evidence entry and the closing of the row:
 * `completed` with `task.completed`, or `cancelled` with `task.cancelled`. So a task is never
 * `completed` without its evidence entry, and a SIGKILL at any point leaves either the
 * submission pending (the reconciler sends CompleteJob again after the restart) or the outcome
 * recorded.
 *
 * A job the engine no longer has answers NOT_FOUND, which means one of two things: our earlier
 * CompleteJob landed before the process died (the task is done), or the instance moved on
 * without it (a boundary event, a cancellation: the task is cancelled). v2's job search tells
 * them apart (the job's state COMPLETED or not), once secondary storage shows the job ended (it
 * lags the engine: the look-up is repeated for at most the lag bound). When it cannot tell in
 * time, a first call's NOT_FOUND means the latter; after an earlier call whose answer was lost,
 * the former is assumed (the submission was made and the engine did take some completion of the
 * job) and the evidence entry says it was assumed.
 *
 * A Camunda user task (`zeebe:userTask`) is completed the same way through the v2 API
 * (`POST /v2/user-tasks/{key}/completion`, the same on the embedded engine and on a Camunda 8.8
 * cluster): its 404 is told apart by the task's state in v2 search (`GET /v2/user-tasks/{key}`):
 * COMPLETED is done, CANCELED or FAILED is cancelled, still CREATED means the cluster's secondary
 * storage has not caught up (sent again later), and a task search does not know at all is
 * treated as the job path treats a job with no record log.
 */
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema'
import type { Logger } from '../log'
import {
  CrashPoint,
  OutboxKind,
  OutboxState,
  isPermanentEngineError,
  retryDelayMs,
  singleFlight,
  type Checkpoint,
  type Outbox,
} from '../outbox/outbox'
import { grpcCode } from '../zeebe/zeebe-client'
import { restStatus, type UserTaskApi } from '../camunda/camunda-rest'
import { TaskState, taskView, type TaskView } from './task-model'

/** Completes jobs: the Zeebe client in production and tests alike. */
export interface JobCompleter {
  completeJob(req: { jobKey: string; variables: Record<string, unknown> }): Promise<unknown>
}

/** Reads the engine's history (v2): whether a job was completed (undefined: cannot tell). */
export interface JobHistory {
  jobCompleted(processInstanceKey: string, jobKey: string): Promise<boolean | undefined>
}

/** The payload of a `complete-task` outbox row: a job's or a Camunda user task's completion. */
export interface TaskCompletionPayload {
  /** The job of a job-worker user task. */
  jobKey?: string
  /** The key of a Camunda user task (completed through v2 instead of CompleteJob). */
  userTaskKey?: string
  variables: Record<string, unknown>
  actor: string
}

/** What came of a delivery. */
export type CompletionOutcome =
  | { state: 'completed'; task: TaskView; already?: boolean }
  /** The process no longer waits for the task. */
  | { state: 'cancelled'; task: TaskView; already?: boolean }
  /** The engine refused the completion; the task is back with its assignee. */
  | { state: 'rejected'; task: TaskView; error: unknown }
  /** The engine could not be reached; the reconciler sends the completion again later. */
  | { state: 'pending'; task: TaskView; error: unknown }

export interface TaskCompletionsDeps {
  db: Kysely<DB>
  jobs: JobCompleter
  outbox: Outbox
  history?: JobHistory
  /** The v2 API, for Camunda user tasks. */
  userTasks?: UserTaskApi
  /** Writes the evidence entry of a task change inside `tx`. */
  audit(
    tx: Kysely<DB>,
    actor: string,
    action: string,
    task: TaskView,
    extra?: object,
  ): Promise<void>
  /** Tells the clients, after commit. */
  publish(type: 'task.completed' | 'task.cancelled', task: TaskView, actor?: string): void
  now(): number
  log?: Logger
  checkpoint?: Checkpoint
}

const NO_LONGER_WAITS = 'The process no longer waits for this task.'

export class TaskCompletions {
  private readonly once = singleFlight<string, CompletionOutcome>()

  constructor(private readonly deps: TaskCompletionsDeps) {}

  /** Adds the completion to the outbox inside the transaction that moves the task. */
  enqueue(tx: Kysely<DB>, taskId: string, payload: TaskCompletionPayload): Promise<string> {
    return this.deps.outbox.add(tx, { kind: OutboxKind.CompleteTask, subject: taskId, payload })
  }

  /** Sends the completion of outbox row `id` unless its outcome is already recorded. */
  deliver(id: string): Promise<CompletionOutcome> {
    return this.once(id, () => this.attempt(id))
  }

  private async attempt(id: string): Promise<CompletionOutcome> {
    const { db, outbox, jobs, history, log } = this.deps
    const row = await outbox.get<TaskCompletionPayload>(id)
    if (!row) throw new Error(`No outbox row ${id}`)
    const current = await db
      .selectFrom('tasks')
      .selectAll()
      .where('id', '=', row.subject)
      .executeTakeFirst()
    if (!current) {
      // the task was purged (retention); nothing is left to complete
      await db.transaction().execute((tx) => outbox.close(tx, id, { state: OutboxState.Done }))
      throw new Error(`The task of outbox row ${id} no longer exists`)
    }
    const task = taskView(current, this.deps.now())
    if (row.state !== OutboxState.Pending || task.state !== TaskState.Completing) {
      if (row.state === OutboxState.Pending) {
        await db.transaction().execute((tx) => outbox.close(tx, id, { state: OutboxState.Done }))
      }
      if (task.state === TaskState.Completed) return { state: 'completed', task, already: true }
      if (task.state === TaskState.Cancelled) return { state: 'cancelled', task, already: true }
      return { state: 'rejected', task, error: new Error(row.lastError ?? 'not completed') }
    }
    const { jobKey = '', userTaskKey, variables } = row.payload
    // an earlier call may have reached the engine before the process died
    const answerLost = row.attempts > 0
    await outbox.begin(id)
    if (userTaskKey) return this.attemptUserTask(id, task, row.payload, row.attempts, userTaskKey)
    try {
      await jobs.completeJob({ jobKey, variables })
    } catch (err) {
      const code = grpcCode(err)
      if (code === 5) {
        const completed = await history?.jobCompleted(task.processInstanceKey, jobKey)
        if (completed === true) return this.completed(id, task.id, row.payload, 'job-search')
        if (completed === undefined && answerLost) {
          log?.warn(
            `job ${jobKey} of task ${task.id} is gone after an earlier CompleteJob whose answer was lost; recorded as completed`,
          )
          return this.completed(id, task.id, row.payload, 'assumed')
        }
        return this.cancelled(id, task.id, row.payload)
      }
      if (isPermanentEngineError(code)) return this.rejected(id, task, err)
      await outbox.retryLater(id, errorText(err), retryDelayMs(row.attempts + 1))
      return { state: 'pending', task, error: err }
    }
    this.deps.checkpoint?.(CrashPoint.JobCompleted)
    return this.completed(id, task.id, row.payload)
  }

  /** Completes a Camunda user task through v2 (see the header for how a 404 is read). */
  private async attemptUserTask(
    id: string,
    task: TaskView,
    payload: TaskCompletionPayload,
    attempts: number,
    userTaskKey: string,
  ): Promise<CompletionOutcome> {
    const { outbox, userTasks, log } = this.deps
    const answerLost = attempts > 0
    const later = async (err: unknown): Promise<CompletionOutcome> => {
      await outbox.retryLater(id, errorText(err), retryDelayMs(attempts + 1))
      return { state: 'pending', task, error: err }
    }
    if (!userTasks) return later(new Error('The engine has no v2 REST API configured'))
    try {
      await userTasks.completeUserTask(userTaskKey, payload.variables)
    } catch (err) {
      const status = restStatus(err)
      if (status === 404) {
        let state: string | undefined
        try {
          state = (await userTasks.getUserTask(userTaskKey)).state
        } catch (lookup) {
          if (restStatus(lookup) !== 404) return later(lookup)
        }
        if (state === 'COMPLETED') return this.completed(id, task.id, payload, 'search')
        if (state === 'CANCELED' || state === 'FAILED') return this.cancelled(id, task.id, payload)
        if (state !== undefined) return later(err)
        if (answerLost) {
          log?.warn(
            `user task ${userTaskKey} of task ${task.id} is gone after an earlier completion whose answer was lost; recorded as completed`,
          )
          return this.completed(id, task.id, payload, 'assumed')
        }
        return this.cancelled(id, task.id, payload)
      }
      // 400: the engine refuses these variables; 409 on a first call: the task cannot complete
      // now (a task listener denied it); after a lost answer, 409 is our own completion running
      if (status === 400 || (status === 409 && !answerLost)) return this.rejected(id, task, err)
      return later(err)
    }
    this.deps.checkpoint?.(CrashPoint.JobCompleted)
    return this.completed(id, task.id, payload)
  }

  /** `completed`, its evidence entry and the closed row: one transaction. */
  private async completed(
    id: string,
    taskId: string,
    p: TaskCompletionPayload,
    confirmedBy?: 'job-search' | 'search' | 'assumed',
  ): Promise<CompletionOutcome> {
    const { db, outbox } = this.deps
    const result = await db.transaction().execute(async (tx) => {
      const row = await tx
        .updateTable('tasks')
        .set({
          state: TaskState.Completed,
          completed_at: new Date(this.deps.now()),
          version: sql`version + 1`,
        })
        .where('id', '=', taskId)
        .where('state', '=', TaskState.Completing)
        .returningAll()
        .executeTakeFirst()
      if (!row) return undefined
      const done = taskView(row, this.deps.now())
      await this.deps.audit(tx, p.actor, 'task.completed', done, {
        data: p.variables,
        // how a completion whose answer was lost in a crash was confirmed
        ...(confirmedBy ? { confirmedBy } : {}),
      })
      await outbox.close(tx, id, { state: OutboxState.Done })
      return done
    })
    if (!result) return this.attempt(id)
    this.deps.publish('task.completed', result, p.actor)
    return { state: 'completed', task: result }
  }

  /** `cancelled`, its evidence entry and the closed row: one transaction. */
  private async cancelled(
    id: string,
    taskId: string,
    p: TaskCompletionPayload,
  ): Promise<CompletionOutcome> {
    const { db, outbox } = this.deps
    const result = await db.transaction().execute(async (tx) => {
      const row = await tx
        .updateTable('tasks')
        .set({
          state: TaskState.Cancelled,
          cancel_reason: NO_LONGER_WAITS,
          version: sql`version + 1`,
        })
        .where('id', '=', taskId)
        .where('state', '=', TaskState.Completing)
        .returningAll()
        .executeTakeFirst()
      if (!row) return undefined
      const cancelled = taskView(row, this.deps.now())
      await this.deps.audit(tx, p.actor, 'task.cancelled', cancelled)
      await outbox.close(tx, id, { state: OutboxState.Done })
      return cancelled
    })
    if (!result) return this.attempt(id)
    this.deps.publish('task.cancelled', result)
    return { state: 'cancelled', task: result }
  }

  /** The engine refused: the task goes back to its assignee, the row is closed as failed. */
  private async rejected(id: string, task: TaskView, err: unknown): Promise<CompletionOutcome> {
    const { db, outbox } = this.deps
    const row = await db.transaction().execute(async (tx) => {
      const back = await tx
        .updateTable('tasks')
        .set({ state: TaskState.Claimed, completed_by: null, version: sql`version + 1` })
        .where('id', '=', task.id)
        .where('state', '=', TaskState.Completing)
        .returningAll()
        .executeTakeFirst()
      await outbox.close(tx, id, { state: OutboxState.Failed, error: errorText(err) })
      return back
    })
    return { state: 'rejected', task: row ? taskView(row, this.deps.now()) : task, error: err }
  }

  /**
   * Tasks left in `completing` with no pending outbox row (by a version before the outbox):
   * each gets a row that counts one earlier call, since that version may have sent it.
   */
  async adoptStranded(): Promise<number> {
    const { db, outbox } = this.deps
    const stranded = await db
      .selectFrom('tasks')
      .select(['id', 'job_key', 'user_task_key', 'submitted_data', 'completed_by'])
      .where('state', '=', TaskState.Completing)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('outbox')
              .select('outbox.id')
              .whereRef('outbox.subject', '=', 'tasks.id')
              .where('outbox.kind', '=', OutboxKind.CompleteTask)
              .where('outbox.state', '=', OutboxState.Pending),
          ),
        ),
      )
      .limit(500)
      .execute()
    for (const t of stranded) {
      const data =
        typeof t.submitted_data === 'string' ? JSON.parse(t.submitted_data) : t.submitted_data
      await db.transaction().execute((tx) =>
        outbox.add(tx, {
          kind: OutboxKind.CompleteTask,
          subject: t.id,
          attempts: 1,
          payload: {
            ...(t.user_task_key ? { userTaskKey: t.user_task_key } : { jobKey: t.job_key ?? '' }),
            variables: (data ?? {}) as Record<string, unknown>,
            actor: t.completed_by ?? 'system:reconciler',
          } satisfies TaskCompletionPayload,
        }),
      )
    }
    return stranded.length
  }

  /**
   * Tasks `completed` without their `task.completed` evidence entry (a version before the
   * outbox wrote the entry after the state, and could die between the two) get the entry now,
   * from the stored submission, marked as recorded by the reconciler (4.3.3).
   */
  async fillEvidenceGaps(limit = 500): Promise<number> {
    const { db } = this.deps
    const gaps = await db
      .selectFrom('tasks')
      .selectAll()
      .where('state', '=', TaskState.Completed)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('evidence')
              .select('evidence.seq')
              .where('evidence.entity_type', '=', 'task')
              .whereRef('evidence.entity_id', '=', 'tasks.id')
              .where('evidence.action', '=', 'task.completed'),
          ),
        ),
      )
      .limit(limit)
      .execute()
    for (const row of gaps) {
      const task = taskView(row, this.deps.now())
      const data = parseJson(row.submitted_data)
      await db.transaction().execute((tx) =>
        this.deps.audit(tx, row.completed_by ?? 'system:reconciler', 'task.completed', task, {
          data,
          recordedBy: 'system:reconciler',
        }),
      )
    }
    return gaps.length
  }

  /** Delivers every due pending completion; counts what came of them. */
  async deliverDue(): Promise<{
    completed: number
    cancelled: number
    rejected: number
    pending: number
  }> {
    const counts = { completed: 0, cancelled: 0, rejected: 0, pending: 0 }
    for (const id of await this.deps.outbox.due(OutboxKind.CompleteTask)) {
      try {
        const outcome = await this.deliver(id)
        if (outcome.state === 'completed' || outcome.state === 'cancelled') {
          counts[outcome.state] += outcome.already ? 0 : 1
        } else counts[outcome.state]++
      } catch (err) {
        this.deps.log?.warn(`completing the task of outbox row ${id} failed`, err)
      }
    }
    return counts
  }
}

function parseJson(v: unknown): unknown {
  return typeof v === 'string' ? (JSON.parse(v) as unknown) : v
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
