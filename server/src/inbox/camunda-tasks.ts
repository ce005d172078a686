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
  publish(type: 'task.cancelled' | 'task.assigned' | 'task.unclaimed', task: TaskView): void
  now(): number
}

/** A stored Camunda user task, as the intake compares it with the engine's. */
export interface KnownUserTask {
  id: string
  state: string
  assignee: string | null
  version: number
}

export class CamundaTasks {
  constructor(private readonly deps: CamundaTasksDeps) {}

  /** The stored tasks among `keys`, by user task key. */
  async known(keys: string[]): Promise<Map<string, KnownUserTask>> {
    if (keys.length === 0) return new Map()
    const rows = await this.deps.db
      .selectFrom('tasks')
      .select(['id', 'user_task_key', 'state', 'assignee', 'version'])
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

  /**
   * Takes the assignee the engine has for a live task, assigned there by another v2 client
   * (Tasklist, a script): only when the stored task is still at `version` (the inbox did not
   * change it since the search that showed the difference) and its assignee differs. The change
   * and its `system:engine` evidence entry (`task.assigned`, or `task.unclaimed` for none) are
   * one transaction.
   */
  async takeAssignee(
    userTaskKey: string,
    assignee: string | null,
    version: number,
  ): Promise<TaskView | undefined> {
    const action = assignee ? 'task.assigned' : 'task.unclaimed'
    const taken = await this.deps.db.transaction().execute(async (tx) => {
      const row = await tx
        .updateTable('tasks')
        .set({
          state: assignee ? TaskState.Claimed : TaskState.Open,
          assignee,
          claimed_at: assignee ? new Date(this.deps.now()) : null,
          version: sql`version + 1`,
        })
        .where('user_task_key', '=', userTaskKey)
        .where('state', 'in', LIVE)
        .where('version', '=', version)
        .where((eb) =>
          assignee === null
            ? eb('assignee', 'is not', null)
            : eb.or([eb('assignee', 'is', null), eb('assignee', '!=', assignee)]),
        )
        .returningAll()
        .executeTakeFirst()
      if (!row) return undefined
      const task = taskView(row, this.deps.now())
      await this.deps.audit(tx, ENGINE_ACTOR, action, task, {
        assignee,
        reason: 'Assigned in the engine by another client of its API.',
      })
      return task
    })
    if (taken) this.deps.publish(action, taken)
    return taken
  }
}
