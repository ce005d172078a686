/**
 * The activity stream of a case, read side (ISO/IEC 20000-1 8.1 communication with the
 * customer, 7.1, 4.3.3 records): work notes and replies (`case_comments`), comments on the
 * case's tasks (`task_comments`, work notes), status changes (`case_status_history`) and
 * completed tasks (`tasks`) of one record, merged in time order and cut to what the reader may
 * see. Customers receive replies and status changes only — never a work note, a task comment, a
 * task entry, an engine key or an element id.
 *
 * Task comments are read here, from the table the inbox writes them to (`POST
 * /api/tasks/:id/comments`), rather than copied into `case_comments`: each comment has one home
 * and the stream is the one place that unites them, so no copy can go stale or be missed.
 */
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { iso } from '../db/timestamps'
import { isCustomer, type Actor } from './access'

/** Kinds of entry in a stream. */
export const ActivityType = {
  /** Staff only. */
  WorkNote: 'work-note',
  /** Seen by the customer who raised the case. */
  Reply: 'reply',
  StatusChange: 'status-change',
  /** Staff only. */
  TaskCompleted: 'task-completed',
} as const
export type ActivityType = (typeof ActivityType)[keyof typeof ActivityType]

/** Who an entry is for. */
export const Visibility = { Staff: 'staff', Customer: 'customer' } as const
export type Visibility = (typeof Visibility)[keyof typeof Visibility]

/** The entries people write. */
export type WrittenType = typeof ActivityType.WorkNote | typeof ActivityType.Reply

export const visibilityOf = (type: WrittenType): Visibility =>
  type === ActivityType.WorkNote ? Visibility.Staff : Visibility.Customer

/** One entry of the stream as the API returns it. */
export interface ActivityEntry {
  /** Unique in the stream: `comment:12`, `task-comment:4`, `status:3`, `task:<task id>`. */
  id: string
  type: ActivityType
  visibility: Visibility
  /** Username (or `system:<component>`). */
  actor: string
  /** Display name of a person; null for the system or a user who is gone. */
  actorName: string | null
  at: string
  /** Text of a work note or reply. */
  body?: string
  /** The task a note or reply was written from, or the task completed. */
  taskId?: string | null
  taskName?: string | null
  /** Status changes: from, to, and (staff only) the BPMN element that made it. */
  from?: string | null
  to?: string
  elementId?: string | null
}

/** A comment row as stored. */
export interface CommentRow {
  id: number
  author: string
  body: string
  created_at: Date
  visibility: string
  task_id: string | null
}

export function commentEntry(r: CommentRow, taskName: string | null = null): ActivityEntry {
  const note = r.visibility === Visibility.Staff
  return {
    id: `comment:${r.id}`,
    type: note ? ActivityType.WorkNote : ActivityType.Reply,
    visibility: note ? Visibility.Staff : Visibility.Customer,
    actor: r.author,
    actorName: null,
    at: iso(r.created_at),
    body: r.body,
    taskId: r.task_id,
    taskName,
  }
}

/** The visibilities `actor` may read: customers only what is written for them. */
export const visibleTo = (actor: Actor): Visibility[] =>
  isCustomer(actor) ? [Visibility.Customer] : [Visibility.Staff, Visibility.Customer]

/** Comments (work notes and replies) of a record that `actor` may see, oldest first. */
export async function commentsFor(
  db: Kysely<DB>,
  kind: string,
  id: string,
  actor: Actor,
): Promise<CommentRow[]> {
  return db
    .selectFrom('case_comments')
    .select(['id', 'author', 'body', 'created_at', 'visibility', 'task_id'])
    .where('case_kind', '=', kind)
    .where('case_id', '=', id)
    .where('visibility', 'in', visibleTo(actor))
    .orderBy('id')
    .execute()
}

/**
 * Comments written on the record's tasks (`task_comments`), oldest first, as work notes: staff
 * only, whoever wrote them (a customer's comment on their own task too), since the inbox
 * stores them for the people working the task (8.1, 4.3.3).
 */
export async function taskCommentsOf(
  db: Kysely<DB>,
  kind: string,
  id: string,
): Promise<ActivityEntry[]> {
  const rows = await db
    .selectFrom('task_comments as c')
    .innerJoin('tasks as t', 't.id', 'c.task_id')
    .select(['c.id', 'c.author', 'c.body', 'c.created_at', 'c.task_id', 't.name'])
    .where('t.case_kind', '=', kind)
    .where('t.case_id', '=', id)
    .orderBy('c.id')
    .execute()
  return rows.map((r) => ({
    id: `task-comment:${r.id}`,
    type: ActivityType.WorkNote,
    visibility: Visibility.Staff,
    actor: r.author,
    actorName: null,
    at: iso(r.created_at),
    body: r.body,
    taskId: r.task_id,
    taskName: r.name,
  }))
}

/** Order of entries written at the same instant (one transaction): the cause first. */
const rank: Record<ActivityType, number> = {
  'task-completed': 0,
  'status-change': 1,
  'work-note': 2,
  reply: 2,
}

/**
 * The stream of one record as `actor` may see it, oldest first. The caller has checked that
 * `actor` may read the record.
 */
export async function activityOf(
  db: Kysely<DB>,
  kind: string,
  id: string,
  actor: Actor,
): Promise<ActivityEntry[]> {
  const customer = isCustomer(actor)
  const [comments, taskComments, statuses, tasks] = await Promise.all([
    commentsFor(db, kind, id, actor),
    // comments on the case's tasks are work notes: never read for a customer
    customer ? Promise.resolve([]) : taskCommentsOf(db, kind, id),
    db
      .selectFrom('case_status_history')
      .selectAll()
      .where('case_kind', '=', kind)
      .where('case_id', '=', id)
      .orderBy('id')
      .execute(),
    customer
      ? Promise.resolve([])
      : db
          .selectFrom('tasks')
          .select(['id', 'name', 'element_id', 'state', 'completed_by', 'completed_at'])
          .where('case_id', '=', id)
          .where('case_kind', '=', kind)
          .execute(),
  ])
  const taskNames = new Map(tasks.map((t) => [t.id, t.name]))
  const entries: ActivityEntry[] = [
    ...comments.map((c) =>
      // which step of the procedure an entry came from is staff information
      customer
        ? { ...commentEntry(c), taskId: null }
        : commentEntry(c, c.task_id ? (taskNames.get(c.task_id) ?? null) : null),
    ),
    ...taskComments,
    ...statuses.map((s): ActivityEntry => ({
      id: `status:${s.id}`,
      type: ActivityType.StatusChange,
      visibility: Visibility.Customer,
      actor: s.actor,
      actorName: null,
      at: iso(s.changed_at),
      from: s.from_status,
      to: s.to_status,
      // which element of the procedure changed it is staff information (internal field)
      ...(customer ? {} : { elementId: s.element_id }),
    })),
    ...tasks
      .filter((t) => t.state === 'completed' && t.completed_at)
      .map((t): ActivityEntry => ({
        id: `task:${t.id}`,
        type: ActivityType.TaskCompleted,
        visibility: Visibility.Staff,
        actor: t.completed_by ?? 'system',
        actorName: null,
        at: iso(t.completed_at!),
        taskId: t.id,
        taskName: t.name,
        elementId: t.element_id,
      })),
  ]
  entries.sort(
    (a, b) =>
      a.at.localeCompare(b.at) || rank[a.type] - rank[b.type] || a.id.localeCompare(b.id, 'en'),
  )
  return withActorNames(db, entries)
}

/** Adds the display name of each person named as actor (one query). */
export async function withActorNames(
  db: Kysely<DB>,
  entries: ActivityEntry[],
): Promise<ActivityEntry[]> {
  const people = [...new Set(entries.map((e) => e.actor).filter((a) => !a.startsWith('system')))]
  if (!people.length) return entries
  const rows = await sql<{ username: string; display_name: string }>`select username, display_name
    from users where username in (${sql.join(people.map((p) => sql`${p}`))})`.execute(db)
  const names = new Map(rows.rows.map((r) => [r.username, r.display_name]))
  return entries.map((e) => ({ ...e, actorName: names.get(e.actor) ?? null }))
}
