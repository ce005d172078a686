/**
 * Reading the inbox: the task list with its filters, sort, paging and sidebar counts, and one
 * task as its reader may see it. Built for the p95 < 50 ms at 100,000 open tasks of
 * `npm run bench:inbox`: counts stop at {@link TOTAL_CAP} and are cached per user for a few
 * seconds (dropped on every task event).
 */
import { sql, type Kysely } from 'kysely'
import type { SessionUser } from '../auth/sessions'
import { customerKinds } from '../cases/kinds'
import { hiddenDataKeys } from '../cases/projection'
import type { DB } from '../db/schema'
import { NotFoundError, UserError } from '../errors'
import type { EventBus } from '../realtime/bus'
import { offeredOnly } from './segregation'
import { groupIds, visibleTasks, type TaskSelect } from './task-access'
import { LIVE_STATES, isLive, taskView, type TaskView } from './task-model'

export interface TaskQuery {
  view?: 'mine' | 'groups' | 'unassigned' | 'all'
  state?: string
  group?: string
  assignee?: string
  bpmnProcessId?: string
  processVersion?: number
  /** The tasks of one process instance (an Operate-style instance view). */
  processInstanceKey?: string
  caseId?: string
  caseKind?: string
  priority?: number
  minPriority?: number
  dueBefore?: string
  dueAfter?: string
  overdue?: boolean
  q?: string
  /** `variables.<name>=<value>` filters on the task's variables (top-level, string compare). */
  variables?: Record<string, string>
  sort?: 'created' | 'due' | 'priority' | 'name' | 'followUp'
  order?: 'asc' | 'desc'
  page?: number
  pageSize?: number
}

export interface TaskPage {
  items: TaskView[]
  /** Matching tasks, counted up to 1,000 (so are the sidebar counts). */
  total: number
  /** True when more than `total` tasks match. */
  totalIsLowerBound: boolean
  page: number
  pageSize: number
  counts: { mine: number; groups: number; unassigned: number; overdue: number }
}

/** Totals above this are reported as "at least". */
const TOTAL_CAP = 1000
const COUNTS_TTL_MS = 5000

export interface TaskQueriesDeps {
  db: Kysely<DB>
  /** Task events drop the cached sidebar counts. */
  bus: EventBus
  now(): number
}

export class TaskQueries {
  constructor(private readonly deps: TaskQueriesDeps) {}

  async list(user: SessionUser, query: TaskQuery): Promise<TaskPage> {
    const { db } = this.deps
    const now = new Date(this.deps.now())
    // 4.1.3: a task someone may not complete (segregation of duties) is not offered to them
    const base = offeredOnly(visibleTasks(db.selectFrom('tasks'), user), user)
    let q = base
    const view = query.view ?? 'all'
    if (view === 'mine') q = q.where('assignee', '=', user.username)
    if (view === 'unassigned') q = q.where('assignee', 'is', null)
    if (view === 'groups') q = q.where(offeredToMe(user))
    if (query.state) q = q.where('state', '=', query.state)
    else q = q.where('state', 'in', LIVE_STATES)
    if (query.group) q = q.where(sql<boolean>`${query.group} = any(candidate_groups)`)
    if (query.assignee) q = q.where('assignee', '=', query.assignee)
    if (query.bpmnProcessId) q = q.where('bpmn_process_id', '=', query.bpmnProcessId)
    if (query.processVersion !== undefined)
      q = q.where('process_version', '=', query.processVersion)
    if (query.processInstanceKey) q = q.where('process_instance_key', '=', query.processInstanceKey)
    if (query.caseId) q = q.where('case_id', '=', query.caseId)
    if (query.caseKind) q = q.where('case_kind', '=', query.caseKind)
    if (query.priority !== undefined) q = q.where('priority', '=', query.priority)
    if (query.minPriority !== undefined) q = q.where('priority', '>=', query.minPriority)
    if (query.dueBefore) q = q.where('due_date', '<', new Date(query.dueBefore))
    if (query.dueAfter) q = q.where('due_date', '>=', new Date(query.dueAfter))
    if (query.overdue) q = q.where('due_date', '<', now).where('state', 'in', LIVE_STATES)
    const dueBounded = Boolean(query.dueBefore || query.overdue)
    if (query.q) q = q.where('search', 'like', `%${escapeLike(query.q.toLowerCase())}%`)
    for (const [name, value] of Object.entries(query.variables ?? {})) {
      // a staff-only value is no filter key for customers (it would tell them the value, 8.1)
      if (customerKinds.some((k) => hiddenDataKeys(k, user).includes(name))) {
        throw new UserError(`Customers cannot filter on ${name}.`, [
          { path: `/var.${name}`, message: 'is for staff only' },
        ])
      }
      // containment uses the GIN index; a numeric or boolean text also matches that JSON value
      const asText = JSON.stringify({ [name]: value })
      const typed = /^(-?\d+(\.\d+)?|true|false)$/.test(value)
        ? JSON.stringify({ [name]: JSON.parse(value) as unknown })
        : asText
      q = q.where(
        typed === asText
          ? sql<boolean>`variables @> ${asText}::jsonb`
          : sql<boolean>`(variables @> ${asText}::jsonb or variables @> ${typed}::jsonb)`,
      )
    }
    const pageSize = Math.min(Math.max(query.pageSize ?? 25, 1), 200)
    const page = Math.max(query.page ?? 1, 1)
    const sortColumn = {
      created: 'created_at',
      due: 'due_date',
      priority: 'priority',
      name: 'name',
      followUp: 'follow_up_date',
    } as const
    const column = sortColumn[query.sort ?? 'created']
    const order = query.order ?? (query.sort === 'priority' ? 'desc' : 'asc')
    const [rows, total, counts] = await Promise.all([
      q
        .selectAll()
        .orderBy(column, (ob) => (order === 'asc' ? ob.asc().nullsLast() : ob.desc().nullsLast()))
        .orderBy('id')
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute(),
      // Counting stops past TOTAL_CAP: a list of thousands is paged, not counted to the last row.
      this.deps.db
        .selectNoFrom(
          cappedCount(this.deps.db, q, TOTAL_CAP + 1, {
            byDue: dueBounded && (!query.state || isLive(query.state)),
          }).as('n'),
        )
        .executeTakeFirstOrThrow(),
      this.cachedCounts(base, user, now),
    ])
    const n = Number(total.n)
    return {
      items: rows.map((r) => taskView(r, now.getTime())),
      total: Math.min(n, TOTAL_CAP),
      totalIsLowerBound: n > TOTAL_CAP,
      page,
      pageSize,
      counts,
    }
  }

  private countsCache = new Map<string, { at: number; value: Promise<TaskPage['counts']> }>()
  private countsListener?: () => void

  /**
   * The sidebar counts of a user, cached for a few seconds and dropped on every task event, so
   * a busy inbox does not recount all open tasks on every page.
   */
  private cachedCounts(base: TaskSelect, user: SessionUser, now: Date) {
    this.countsListener ??= this.deps.bus.subscribe((e) => {
      if (e.type.startsWith('task.')) this.countsCache.clear()
    })
    const key = `${user.username}|${groupIds(user).join(',')}|${user.roles.join(',')}`
    const hit = this.countsCache.get(key)
    if (hit && now.getTime() - hit.at < COUNTS_TTL_MS) return hit.value
    const value = this.counts(base, user, now)
    this.countsCache.set(key, { at: now.getTime(), value })
    value.catch(() => this.countsCache.delete(key))
    return value
  }

  /**
   * Sidebar counts, each counted up to {@link TOTAL_CAP} (a badge shows "1000+" beyond), in one
   * statement: PGlite serves one query at a time, so four round trips would queue behind each
   * other (and behind the page).
   */
  private async counts(base: TaskSelect, user: SessionUser, now: Date) {
    const live = base.where('state', 'in', LIVE_STATES)
    const { db } = this.deps
    const row = await db
      .selectNoFrom([
        cappedCount(db, live.where('assignee', '=', user.username), TOTAL_CAP).as('mine'),
        cappedCount(db, live.where(offeredToMe(user)), TOTAL_CAP).as('groups'),
        cappedCount(db, live.where('assignee', 'is', null), TOTAL_CAP).as('unassigned'),
        cappedCount(db, live.where('due_date', '<', now), TOTAL_CAP, { byDue: true }).as('overdue'),
      ])
      .executeTakeFirstOrThrow()
    return {
      mine: Number(row.mine),
      groups: Number(row.groups),
      unassigned: Number(row.unassigned),
      overdue: Number(row.overdue),
    }
  }

  /** A task the user may see, or 404 (a task they may not see does not exist for them). */
  async get(user: SessionUser, id: string): Promise<TaskView> {
    const row = await visibleTasks(this.deps.db.selectFrom('tasks'), user)
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (!row) throw new NotFoundError(`No task ${id}.`)
    return taskView(row, this.deps.now())
  }
}

/**
 * `(select count(*) from (<q> limit <cap>))` as text: how many rows `q` matches, counted no
 * further than `cap`. With `byDue` (the rows are bounded by an upper due date and are live) the
 * rows are taken in due-date order, so the count walks the live due-date index from its start
 * and reads only tasks inside the bound; unordered, the planner scans the table until it has
 * met `cap` matches, reading every task due later on the way.
 */
function cappedCount(
  db: Kysely<DB>,
  q: TaskSelect,
  cap: number,
  options: { byDue?: boolean } = {},
) {
  const rows = options.byDue ? q.orderBy('due_date') : q
  return db
    .selectFrom(
      rows
        .select(sql<number>`1`.as('one'))
        .limit(cap)
        .as('capped'),
    )
    .select(sql<string>`count(*)::text`.as('n'))
}

function escapeLike(s: string) {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`)
}

/**
 * The "My groups" view: tasks offered to one of the user's groups, or to the user by name (a
 * procedure names its candidate users, e.g. the owners of corrective actions, 4.5.4.2).
 */
function offeredToMe(user: SessionUser) {
  const groups = groupIds(user)
  const byName = sql<boolean>`candidate_users @> array[${user.username}]::text[]`
  return groups.length
    ? sql<boolean>`(candidate_groups && ${sql.val(groups)}::text[] or ${byName})`
    : byName
}
