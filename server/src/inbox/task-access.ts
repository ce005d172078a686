/**
 * Who sees and acts on which task — enforced here, on the server, for every route: staff see
 * the tasks of their groups and those offered or assigned to them, customers only the steps their
 * procedures put on them, admins and auditors every task; group leads assign (4.1.3).
 */
import { sql, type SelectQueryBuilder } from 'kysely'
import type { SessionUser } from '../auth/sessions'
import type { DB } from '../db/schema'
import type { TaskView } from './task-model'

/** A query on the `tasks` table. */
export type TaskSelect = SelectQueryBuilder<DB, 'tasks', object>

/** Admins and auditors read every task. */
export const isReader = (u: SessionUser) => u.roles.includes('admin') || u.roles.includes('auditor')

/** The ids of a user's groups. */
export const groupIds = (u: SessionUser) => u.groups.map((g) => g.id)

/** Whether `user` is among the people a task is offered to. */
export function isCandidate(user: SessionUser, t: TaskView): boolean {
  if (t.assignee === user.username) return true
  if (t.candidateUsers.includes(user.username)) return true
  return t.candidateGroups.some((g) => groupIds(user).includes(g))
}

/** Whether `user` leads one of a task's candidate groups. */
export function leadsTask(user: SessionUser, task: TaskView): boolean {
  return user.groups.some((g) => g.isLead && task.candidateGroups.includes(g.id))
}

/** `q` cut to the tasks `user` may see. */
export function visibleTasks(q: TaskSelect, user: SessionUser): TaskSelect {
  if (isReader(user)) return q
  if (!user.roles.includes('staff')) {
    // customers see only the steps their procedures put on them (e.g. confirm a resolution)
    if (!user.roles.includes('customer')) return q.where(sql<boolean>`false`)
    return q.where((eb) =>
      eb.or([
        eb('assignee', '=', user.username),
        sql<boolean>`candidate_users @> array[${user.username}]::text[]`,
      ]),
    )
  }
  const groups = groupIds(user)
  return q.where((eb) =>
    eb.or([
      eb('assignee', '=', user.username),
      sql<boolean>`candidate_users @> array[${user.username}]::text[]`,
      ...(groups.length ? [sql<boolean>`candidate_groups && ${sql.val(groups)}::text[]`] : []),
    ]),
  )
}
