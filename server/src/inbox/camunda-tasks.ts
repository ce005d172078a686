/**
 * The inbox's side of Camunda user tasks (`kind` = 'camunda'): what the intake
 * (`camunda-task.intake.ts`) asks of the stored tasks and how it mends them from the engine —
 * which user task keys are known, which are live, and closing a task that ended in the engine,
 * with its evidence entry in the same transaction.
 */
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { TaskKind, TaskState, taskView, type TaskView } from './task-model'

const LIVE = [TaskState.Open, TaskState.Claimed]

/** The evidence actor of changes the inbox takes over from the engine. */
export const ENGINE_ACTOR = 'system:engine'

export interface CamundaTasksDeps {
  db: Kysely<DB>
  /** Writes the evidence entry of a task change inside `tx`. */
  audit(
    tx: Kysely<DB>,
    actor: string,
    action: string,
    task: TaskView,
    extra?: object,
  ): Promise<void>
  /** Tells the clients, after commit. */
  publish(type: 'task.cancelled', task: TaskView): void
  now(): number
}

/** A stored Camunda user task, as the intake compares it with the engine's. */
export interface KnownUserTask {
  id: string
  state: string
  assignee: string | null
}

export class CamundaTasks {
  constructor(private readonly deps: CamundaTasksDeps) {}

  /** The stored tasks among `keys`, by user task key. */
  async known(keys: string[]): Promise<Map<string, KnownUserTask>> {
    if (keys.length === 0) return new Map()
    const rows = await this.deps.db
      .selectFrom('tasks')
      .select(['id', 'user_task_key', 'state', 'assignee'])
      .where('user_task_key', 'in', keys)
      .execute()
    return new Map(rows.map((r) => [r.user_task_key ?? '', r]))
  }

  /** Live (open or claimed) Camunda user tasks stored before `before`, in key order after `after`. */
  async live(before: Date, after: string | null, limit: number): Promise<string[]> {
    let q = this.deps.db
      .selectFrom('tasks')
      .select('user_task_key')
      .where('kind', '=', TaskKind.Camunda)
      .where('state', 'in', LIVE)
      .where('created_at', '<', before)
    if (after !== null) q = q.where('user_task_key', '>', after)
    const rows = await q.orderBy('user_task_key').limit(limit).execute()
    return rows.flatMap((r) => (r.user_task_key ? [r.user_task_key] : []))
  }

  /**
   * Closes the live task of a user task that ended in the engine (completed elsewhere, or
   * cancelled with its instance). A task `completing` is left to its outbox row, which reads the
   * outcome itself (see `task-completion.ts`).
   */
  async close(userTaskKey: string, reason: string): Promise<TaskView | undefined> {
    const closed = await this.deps.db.transaction().execute(async (tx) => {
      const row = await tx
        .updateTable('tasks')
        .set({ state: TaskState.Cancelled, cancel_reason: reason, version: sql`version + 1` })
        .where('user_task_key', '=', userTaskKey)
        .where('state', 'in', LIVE)
        .returningAll()
        .executeTakeFirst()
      if (!row) return undefined
      const task = taskView(row, this.deps.now())
      await this.deps.audit(tx, ENGINE_ACTOR, 'task.cancelled', task, { reason })
      return task
    })
    if (closed) this.deps.publish('task.cancelled', closed)
    return closed
  }
}
