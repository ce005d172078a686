/**
 * Comments on tasks (`task_comments`): the people working a task talk beside it. On a task of a
 * case they are work notes of that case's activity stream (`cases/activity.ts` reads them from
 * here, staff only); the task view lists them (`task-detail.ts`).
 */
import type { Kysely } from 'kysely'
import type { SessionUser } from '../auth/sessions'
import type { DB } from '../db/schema'
import { ForbiddenError } from '../errors'
import type { EventBus } from '../realtime/bus'
import type { TaskChanges } from './task-changes'
import type { TaskQueries } from './task-queries'

/** A task comment as the API returns it. */
export interface TaskComment {
  id: number
  author: string
  body: string
  createdAt: string
}

export interface TaskCommentsDeps {
  db: Kysely<DB>
  bus: EventBus
  queries: TaskQueries
  changes: TaskChanges
}

export class TaskComments {
  constructor(private readonly deps: TaskCommentsDeps) {}

  /**
   * Adds a comment to a task the user sees (auditors read only), with its evidence entry in one
   * transaction; on a task of a case it is a work note of that case's activity stream.
   */
  async comment(user: SessionUser, id: string, body: string): Promise<TaskComment> {
    const task = await this.deps.queries.get(user, id)
    if (user.roles.includes('auditor') && !user.roles.includes('staff')) {
      throw new ForbiddenError('Auditors read tasks; they do not comment on them.')
    }
    // the comment and its evidence entry: one transaction
    const row = await this.deps.db.transaction().execute(async (tx) => {
      const inserted = await tx
        .insertInto('task_comments')
        .values({ task_id: task.id, author: user.username, body })
        .returning(['id', 'author', 'body', 'created_at'])
        .executeTakeFirstOrThrow()
      await this.deps.changes.audit(user.username, 'task.commented', task, { body }, tx)
      return inserted
    })
    // a task's comment is a work note in its case's activity stream (staff only)
    if (task.caseKind && task.caseId) {
      this.deps.bus.publish({
        type: 'case.activity',
        case: { kind: task.caseKind, caseId: task.caseId, status: '', actor: user.username },
        entry: { id: `task-comment:${row.id}`, type: 'work-note', visibility: 'staff' },
      })
    }
    return {
      id: row.id,
      author: row.author,
      body: row.body,
      createdAt: new Date(row.created_at).toISOString(),
    }
  }
}
