/**
 * How a task changes, in one place for every action of the inbox: the optimistic state change
 * (the task's `version` and expected states), its evidence entry (written inside the caller's
 * transaction) and the socket event that tells the clients after commit.
 */
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { ConflictError } from '../errors'
import type { UnmigratedAuditSink as AuditSink } from '../evidence/audit-sink'
import type { EventBus, TaskEventPayload } from '../realtime/bus'
import { taskView, type TaskState, type TaskView } from './task-model'

/** The socket events of tasks. */
export type TaskEventType =
  | 'task.created'
  | 'task.claimed'
  | 'task.unclaimed'
  | 'task.assigned'
  | 'task.completed'
  | 'task.cancelled'

export interface TaskChangesDeps {
  db: Kysely<DB>
  bus: EventBus
  audit?: AuditSink
  now(): number
}

export class TaskChanges {
  constructor(private readonly deps: TaskChangesDeps) {}

  /**
   * Sets `set` on a task still at the version the caller read and in one of `expectStates`;
   * otherwise a 409 saying `conflict`. Inside `db` when it is a transaction.
   */
  async change(
    task: TaskView,
    set: Record<string, unknown>,
    expectStates: TaskState[],
    conflict: string,
    db: Kysely<DB> = this.deps.db,
  ): Promise<TaskView> {
    const row = await db
      .updateTable('tasks')
      .set({ ...set, version: sql`version + 1` })
      .where('id', '=', task.id)
      .where('version', '=', task.version)
      .where('state', 'in', expectStates)
      .returningAll()
      .executeTakeFirst()
    if (!row) throw new ConflictError(conflict)
    return taskView(row, this.deps.now())
  }

  /** Writes the evidence entry of a task change, inside `tx` when given. */
  async audit(
    actor: string,
    action: string,
    task: TaskView,
    extra?: object,
    tx?: Kysely<DB>,
  ): Promise<void> {
    await this.deps.audit?.append(
      {
        actor,
        action,
        entityType: 'task',
        entityId: task.id,
        processInstanceKey: task.processInstanceKey,
        after: {
          state: task.state,
          assignee: task.assignee,
          elementId: task.elementId,
          name: task.name,
          ...extra,
        },
      },
      tx,
    )
  }

  /** Tells the clients (after commit). */
  publish(type: TaskEventType, task: TaskView, actor?: string): void {
    const payload: TaskEventPayload = {
      taskId: task.id,
      candidateGroups: task.candidateGroups,
      candidateUsers: task.candidateUsers,
      assignee: task.assignee,
      ...(actor ? { actor } : {}),
      view: { ...task },
    }
    this.deps.bus.publish({ type, task: payload })
  }
}
