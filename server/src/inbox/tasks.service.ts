/**
 * The task inbox: user tasks stored as tasks — job-worker user tasks (`user-task.intake.ts`) and
 * Camunda user tasks (`camunda-task.intake.ts`, see README.md) — and what people do with them — claim,
 * unclaim, assign, complete with form data, comment. Authorisation lives here, on the server:
 * staff act only on tasks of their groups or assigned to them; group leads assign; auditors
 * read; nobody completes a task they have not claimed.
 */
import { randomUUID } from 'node:crypto'
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely'
import type { SessionUser } from '../auth/sessions'
import type { DB } from '../db/schema'
import { ConflictError, ForbiddenError, NotFoundError, UnexpectedError, UserError } from '../errors'
import type { EventBus, TaskEventPayload } from '../realtime/bus'
import type { UnmigratedAuditSink as AuditSink } from '../evidence/audit-sink'
import { ProcessVersions } from '../processes/process-version-info'
import type { RecordMapping } from '../cases/record-updates'
import type { Logger } from '../log'
import { CrashPoint, Outbox, type Checkpoint } from '../outbox/outbox'
import { TaskCompletions, type JobCompleter, type JobHistory } from './task-completion'
import { CamundaTasks } from './camunda-tasks'
import { dataFields, isFormJs } from '../forms/form-schema'
import { validateFormData } from './form-validation'
import { hiddenDataKeys } from '../cases/projection'
import { customerKinds, isCaseKind } from '../cases/kinds'
import { offeredOnly, segregationColumns, segregationOf, SegregationOfDuties } from './segregation'
import { declaredForTask } from './task-declarations'
import { restStatus, type CamundaUserTask, type UserTaskApi } from '../zeebe/camunda-rest'
import {
  TaskKind,
  TaskState,
  UserTaskHeader,
  parseDate,
  parseList,
  parsePriority,
  taskView,
  type TaskView,
} from './task-model'

/** The fields of an activated job the inbox stores (as the Zeebe client delivers them). */
export interface UserTaskJob {
  key: string
  processInstanceKey: string
  bpmnProcessId: string
  processDefinitionVersion: number
  processDefinitionKey: string
  elementId: string
  elementInstanceKey: string
  customHeaders: Record<string, unknown>
  variables: Record<string, unknown>
  /** Epoch ms or ISO string when the activation times out. */
  deadline?: number | string
}

/** A user task as the inbox projects it, from a job or from the v2 API. */
interface TaskSource {
  kind: TaskKind
  jobKey: string | null
  userTaskKey: string | null
  processInstanceKey: string
  bpmnProcessId: string
  processDefinitionVersion: number
  processDefinitionKey: string
  elementId: string
  elementInstanceKey: string
  assignee: string | null
  candidateGroups: string[]
  candidateUsers: string[]
  priority: number
  dueDate: Date | null
  followUpDate: Date | null
  /** The engine's form key (a deployed form's key, `camunda-forms:bpmn:<id>`, or a custom key). */
  formHint: string | undefined
  variables: Record<string, unknown>
  customHeaders: Record<string, unknown>
  deadline: Date | null
}

/**
 * Writes what a completed task decides on its case inside `tx`, the transaction that stores the
 * submission (see `cases/record-updates.ts`); returns what tells the clients after commit.
 */
export type TaskDecisionRecorder = (
  tx: Kysely<DB>,
  decision: {
    task: TaskView
    caseKind: string
    caseId: string
    mapping: RecordMapping
    data: Record<string, unknown>
    actor: SessionUser
  },
) => Promise<(() => void) | undefined>

export type { JobCompleter } from './task-completion'

/** Looks up the case a task belongs to, as the user may see it (null if none or not allowed). */
export type CaseContextLookup = (
  caseKind: string,
  caseId: string,
  user: SessionUser,
) => Promise<Record<string, unknown> | null>

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

const LIVE = [TaskState.Open, TaskState.Claimed]
/** Totals above this are reported as "at least". */
const TOTAL_CAP = 1000
const COUNTS_TTL_MS = 5000

type TaskSelect = SelectQueryBuilder<DB, 'tasks', object>

const isReader = (u: SessionUser) => u.roles.includes('admin') || u.roles.includes('auditor')
const groupIds = (u: SessionUser) => u.groups.map((g) => g.id)

/** Whether `user` is among the people a task is offered to. */
export function isCandidate(user: SessionUser, t: TaskView): boolean {
  if (t.assignee === user.username) return true
  if (t.candidateUsers.includes(user.username)) return true
  return t.candidateGroups.some((g) => groupIds(user).includes(g))
}

export interface TasksServiceDeps {
  db: Kysely<DB>
  bus: EventBus
  jobs: JobCompleter
  /** The v2 API: claims, assignments and completions of Camunda user tasks. */
  userTasks?: UserTaskApi
  audit?: AuditSink
  /** Deployed versions' names and forms, shared with history and migration (else its own). */
  versions?: ProcessVersions
  caseContext?: CaseContextLookup
  /** Writes task decisions on their cases (declared per user task in the diagram). */
  recordDecision?: TaskDecisionRecorder
  now?: () => number
  /** The engine's history, to tell a lost completion from a cancelled job after a crash. */
  jobHistory?: JobHistory
  log?: Logger
  /** Crash-test hook (see {@link CrashPoint}). */
  checkpoint?: Checkpoint
}

export class TasksService {
  /** Names, forms and declarations of deployed versions, parsed once each. */
  private readonly versions: ProcessVersions

  /** Job completions through the outbox. */
  readonly completions: TaskCompletions

  /** Who may not complete a task, as its diagram declares (`sod:` properties). */
  readonly segregation: SegregationOfDuties

  /** The stored Camunda user tasks, as their intake compares and mends them. */
  readonly camunda: CamundaTasks

  constructor(private readonly deps: TasksServiceDeps) {
    this.versions = deps.versions ?? new ProcessVersions(deps.db)
    this.completions = new TaskCompletions({
      db: deps.db,
      jobs: deps.jobs,
      userTasks: deps.userTasks,
      outbox: new Outbox(deps.db),
      history: deps.jobHistory,
      audit: (tx, actor, action, task, extra) => this.audit(actor, action, task, extra, tx),
      publish: (type, task, actor) => this.publish(type, task, actor),
      now: () => this.now(),
      log: deps.log,
      checkpoint: deps.checkpoint,
    })
    this.camunda = new CamundaTasks({
      db: deps.db,
      audit: (tx, actor, action, task, extra) => this.audit(actor, action, task, extra, tx),
      publish: (type, task) => this.publish(type, task),
      now: () => this.now(),
    })
    this.segregation = new SegregationOfDuties({
      db: deps.db,
      rulesOf: async (t) => segregationOf(await this.elementProperties(t)),
    })
  }

  private now() {
    return this.deps.now?.() ?? Date.now()
  }

  // ---- intake ---------------------------------------------------------------------------

  /**
   * Stores an activated user-task job as a task. Idempotent: the same job activated again
   * (after a timeout or a restart) updates its deadline and keeps who claimed it.
   */
  async intake(job: UserTaskJob): Promise<{ task: TaskView; created: boolean }> {
    const { db } = this.deps
    const h = (name: string) => {
      const v = job.customHeaders[name]
      return typeof v === 'string' ? v : v == null ? undefined : String(v)
    }
    const deadline =
      job.deadline === undefined ? null : new Date(Number(job.deadline) || job.deadline)
    const existing = await db
      .selectFrom('tasks')
      .selectAll()
      .where('job_key', '=', String(job.key))
      .executeTakeFirst()
    if (existing) {
      if (deadline && !Number.isNaN(deadline.getTime())) {
        await db
          .updateTable('tasks')
          .set({ job_deadline: deadline })
          .where('id', '=', existing.id)
          .execute()
      }
      return { task: taskView(existing, this.now()), created: false }
    }
    return this.store({
      kind: TaskKind.Job,
      jobKey: String(job.key),
      userTaskKey: null,
      processInstanceKey: String(job.processInstanceKey),
      bpmnProcessId: job.bpmnProcessId,
      processDefinitionVersion: job.processDefinitionVersion,
      processDefinitionKey: String(job.processDefinitionKey),
      elementId: job.elementId,
      elementInstanceKey: String(job.elementInstanceKey),
      assignee: h(UserTaskHeader.Assignee) || null,
      candidateGroups: parseList(h(UserTaskHeader.CandidateGroups)),
      candidateUsers: parseList(h(UserTaskHeader.CandidateUsers)),
      priority: parsePriority(h(UserTaskHeader.Priority)),
      dueDate: parseDate(h(UserTaskHeader.DueDate)),
      followUpDate: parseDate(h(UserTaskHeader.FollowUpDate)),
      formHint: h(UserTaskHeader.FormKey),
      variables: job.variables,
      customHeaders: job.customHeaders,
      deadline: deadline && !Number.isNaN(deadline.getTime()) ? deadline : null,
    })
  }

  /**
   * Stores a Camunda user task (`zeebe:userTask`) read through the v2 API as a task: the same
   * projection as a job's, from the task's fields instead of job headers. Idempotent on the
   * user task key.
   */
  intakeUserTask(
    t: CamundaUserTask,
    variables: Record<string, unknown>,
  ): Promise<{ task: TaskView; created: boolean }> {
    return this.store({
      kind: TaskKind.Camunda,
      jobKey: null,
      userTaskKey: t.userTaskKey,
      processInstanceKey: t.processInstanceKey,
      bpmnProcessId: t.processDefinitionId,
      processDefinitionVersion: t.processDefinitionVersion,
      processDefinitionKey: t.processDefinitionKey,
      elementId: t.elementId,
      elementInstanceKey: t.elementInstanceKey,
      assignee: t.assignee || null,
      candidateGroups: t.candidateGroups ?? [],
      candidateUsers: t.candidateUsers ?? [],
      priority: parsePriority(String(t.priority ?? '')),
      dueDate: parseDate(t.dueDate),
      followUpDate: parseDate(t.followUpDate),
      formHint: t.formKey ?? t.externalFormReference,
      variables,
      customHeaders: t.customHeaders ?? {},
      deadline: null,
    })
  }

  /** Projects a user task into a row; a second intake of the same key finds the first row. */
  private async store(src: TaskSource): Promise<{ task: TaskView; created: boolean }> {
    const { db } = this.deps
    const definitionKey = src.processDefinitionKey
    const version = await this.versions.of(definitionKey)
    const form = await this.versions.resolveForm(definitionKey, src.elementId, src.formHint)
    const vars = src.variables
    const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : null)
    const caseKind = str(vars.caseKind)
    const caseId = str(vars.caseId)
    const caseTitle = str(vars.caseTitle) ?? str(vars.title)
    const assignee = src.assignee
    const name = version?.names[src.elementId] ?? src.elementId
    const processName = version?.name ?? src.bpmnProcessId
    const row = {
      id: randomUUID(),
      kind: src.kind,
      job_key: src.jobKey,
      user_task_key: src.userTaskKey,
      name,
      element_id: src.elementId,
      element_instance_key: src.elementInstanceKey,
      process_instance_key: src.processInstanceKey,
      process_definition_key: definitionKey,
      bpmn_process_id: src.bpmnProcessId,
      process_name: processName,
      process_version: src.processDefinitionVersion,
      state: assignee ? TaskState.Claimed : TaskState.Open,
      assignee,
      candidate_groups: src.candidateGroups,
      candidate_users: src.candidateUsers,
      priority: src.priority,
      due_date: src.dueDate,
      follow_up_date: src.followUpDate,
      form_id: form.formId,
      form_key: form.formKey,
      case_kind: caseKind,
      case_id: caseId,
      case_title: caseTitle,
      search: [name, processName, caseId, caseTitle].filter(Boolean).join(' ').toLowerCase(),
      variables: JSON.stringify(vars),
      custom_headers: JSON.stringify(src.customHeaders),
      job_deadline: src.deadline,
      claimed_at: assignee ? new Date(this.now()) : null,
      completed_at: null,
      completed_by: null,
      cancel_reason: null,
      escalated_at: null,
      submitted_data: null,
      ...segregationColumns(segregationOf(version?.properties[src.elementId])),
    }
    const keyColumn = src.kind === TaskKind.Camunda ? 'user_task_key' : 'job_key'
    const keyValue = src.userTaskKey ?? src.jobKey ?? ''
    const inserted = await db
      .insertInto('tasks')
      .values(row)
      .onConflict((oc) => oc.column(keyColumn).doNothing())
      .returningAll()
      .executeTakeFirst()
    if (!inserted) {
      // another intake of the same task won the race
      const again = await db
        .selectFrom('tasks')
        .selectAll()
        .where(keyColumn, '=', keyValue)
        .executeTakeFirstOrThrow()
      return { task: taskView(again, this.now()), created: false }
    }
    const task = taskView(inserted, this.now())
    this.publish('task.created', task)
    return { task, created: true }
  }

  /** The extension properties (`zeebe:properties`) of a task's element in its process version. */
  elementProperties(task: TaskView): Promise<Record<string, string> | undefined> {
    return this.versions.elementProperties(task.processDefinitionKey, task.elementId)
  }

  // ---- queries --------------------------------------------------------------------------

  private visible(q: TaskSelect, user: SessionUser): TaskSelect {
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

  async list(user: SessionUser, query: TaskQuery): Promise<TaskPage> {
    const { db } = this.deps
    const now = new Date(this.now())
    // 4.1.3: a task someone may not complete (segregation of duties) is not offered to them
    const base = offeredOnly(this.visible(db.selectFrom('tasks'), user), user)
    let q = base
    const view = query.view ?? 'all'
    if (view === 'mine') q = q.where('assignee', '=', user.username)
    if (view === 'unassigned') q = q.where('assignee', 'is', null)
    if (view === 'groups') {
      const groups = groupIds(user)
      q = groups.length
        ? q.where(sql<boolean>`candidate_groups && ${sql.val(groups)}::text[]`)
        : q.where(sql<boolean>`false`)
    }
    if (query.state) q = q.where('state', '=', query.state)
    else q = q.where('state', 'in', LIVE)
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
    if (query.overdue) q = q.where('due_date', '<', now).where('state', 'in', LIVE)
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
    const groups = groupIds(user)
    const live = base.where('state', 'in', LIVE)
    const { db } = this.deps
    const row = await db
      .selectNoFrom([
        cappedCount(db, live.where('assignee', '=', user.username), TOTAL_CAP).as('mine'),
        groups.length
          ? cappedCount(
              db,
              live.where(sql<boolean>`candidate_groups && ${sql.val(groups)}::text[]`),
              TOTAL_CAP,
            ).as('groups')
          : sql<string>`'0'`.as('groups'),
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
    const row = await this.visible(this.deps.db.selectFrom('tasks'), user)
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (!row) throw new NotFoundError(`No task ${id}.`)
    return taskView(row, this.now())
  }

  /** Task, form, variables, case context and comments in one answer. */
  async detail(user: SessionUser, id: string) {
    const task = await this.get(user, id)
    const { db } = this.deps
    const row = await db
      .selectFrom('tasks')
      .select(['variables', 'submitted_data'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    const form = await this.formOf(task)
    const variables = customerView(user, asObject(row.variables), form)
    const comments = await db
      .selectFrom('task_comments')
      .select(['id', 'author', 'body', 'created_at'])
      .where('task_id', '=', id)
      .orderBy('created_at')
      .orderBy('id')
      .execute()
    const caseRecord =
      task.caseKind && task.caseId && this.deps.caseContext
        ? await this.deps.caseContext(task.caseKind, task.caseId, user)
        : null
    const sla = slaOf(variables, this.now())
    const links = caseRecord?.links
    const found = asObject(variables.matches)
    const list = (v: unknown) => (Array.isArray(v) ? v : [])
    return {
      task,
      form,
      variables,
      submittedData: row.submitted_data ?? null,
      case: caseRecord,
      // the case fields the diagram says the task shows; why the user may not complete it, if so
      ...(await declaredForTask(this, db, task, caseRecord, user)),
      related: list(links),
      // known errors, resolved problems and CIs the find-matches step found for the case (8.1 d)
      matches: {
        knownErrors: list(found.knownErrors),
        problems: list(found.problems),
        cis: list(found.cis),
      },
      sla,
      comments: comments.map((c) => ({
        id: c.id,
        author: c.author,
        body: c.body,
        createdAt: new Date(c.created_at).toISOString(),
      })),
    }
  }

  /** The form-js schema of a task, from the version it was deployed with. */
  formOf(task: TaskView): Promise<unknown> {
    return this.versions.formSchema(task.processDefinitionKey, task)
  }

  // ---- actions --------------------------------------------------------------------------

  private async change(
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
    return taskView(row, this.now())
  }

  async claim(user: SessionUser, id: string): Promise<TaskView> {
    const task = await this.get(user, id)
    if (!isCandidate(user, task) && !user.roles.includes('admin')) {
      throw new ForbiddenError('This task is not offered to you or your groups.')
    }
    await this.segregation.enforce(user.username, task)
    if (task.state === TaskState.Claimed && task.assignee === user.username) return task
    if (task.state !== TaskState.Open) {
      throw new ConflictError(
        task.assignee
          ? `The task was already claimed by ${task.assignee}.`
          : `The task is ${task.state}.`,
      )
    }
    await this.inEngine(task, (api, key) => api.assignUserTask(key, user.username, false))
    // the state change and its evidence entry: one transaction
    const claimed = await this.deps.db.transaction().execute(async (tx) => {
      const done = await this.change(
        task,
        { state: TaskState.Claimed, assignee: user.username, claimed_at: new Date(this.now()) },
        [TaskState.Open],
        'Someone else claimed the task a moment ago.',
        tx,
      )
      await this.audit(user.username, 'task.claimed', done, undefined, tx)
      return done
    })
    this.publish('task.claimed', claimed, user.username)
    return claimed
  }

  async unclaim(user: SessionUser, id: string): Promise<TaskView> {
    const task = await this.get(user, id)
    const lead = this.leadsTask(user, task)
    if (task.assignee !== user.username && !lead && !user.roles.includes('admin')) {
      throw new ForbiddenError('Only the assignee, a lead of its group or an admin unclaims it.')
    }
    if (task.state !== TaskState.Claimed) throw new ConflictError(`The task is ${task.state}.`)
    await this.inEngine(task, (api, key) => api.unassignUserTask(key))
    const open = await this.deps.db.transaction().execute(async (tx) => {
      const done = await this.change(
        task,
        { state: TaskState.Open, assignee: null, claimed_at: null },
        [TaskState.Claimed],
        'The task changed meanwhile; reload it.',
        tx,
      )
      await this.audit(user.username, 'task.unclaimed', done, undefined, tx)
      return done
    })
    this.publish('task.unclaimed', open, user.username)
    return open
  }

  /**
   * Sends the assignment of a Camunda user task to the engine (v2) before the inbox stores it:
   * the engine decides between concurrent claims (a claim is `allowOverride: false`). A crash
   * between the two leaves the engine's assignee ahead of the inbox's (see README.md). A task
   * the engine no longer has is closed. Job-worker tasks are assigned in the inbox only.
   */
  private async inEngine(
    task: TaskView,
    send: (api: UserTaskApi, userTaskKey: string) => Promise<void>,
  ): Promise<void> {
    if (task.kind !== TaskKind.Camunda || !task.userTaskKey) return
    if (!this.deps.userTasks) {
      throw new UnexpectedError('No v2 REST API is configured for Camunda user tasks.')
    }
    try {
      await send(this.deps.userTasks, task.userTaskKey)
    } catch (err) {
      const status = restStatus(err)
      if (status === 404) {
        await this.camunda.close(task.userTaskKey, NO_LONGER_WAITS)
        throw new ConflictError(`${NO_LONGER_WAITS} The task is closed.`)
      }
      if (status === 409) {
        throw new ConflictError('The engine holds the task for someone else now; reload it.')
      }
      throw new UnexpectedError(`The engine did not take the change of task ${task.id}`, {
        cause: err,
      })
    }
  }

  private leadsTask(user: SessionUser, task: TaskView) {
    return user.groups.some((g) => g.isLead && task.candidateGroups.includes(g.id))
  }

  /** Group leads (and admins) hand a task to a member of one of its candidate groups. */
  async assign(user: SessionUser, id: string, assignee: string): Promise<TaskView> {
    const task = await this.get(user, id)
    if (!this.leadsTask(user, task) && !user.roles.includes('admin')) {
      throw new ForbiddenError('Only a lead of one of the task’s groups or an admin assigns it.')
    }
    if (task.state !== TaskState.Open && task.state !== TaskState.Claimed) {
      throw new ConflictError(`The task is ${task.state}.`)
    }
    const member = await this.deps.db
      .selectFrom('users')
      .leftJoin('user_groups', 'user_groups.user_id', 'users.id')
      .select(['users.username', 'user_groups.group_id'])
      .where('users.username', '=', assignee)
      .where('users.active', '=', true)
      .execute()
    if (member.length === 0) throw new UserError(`No active user ${assignee}.`)
    const offered =
      task.candidateUsers.includes(assignee) ||
      member.some((m) => m.group_id && task.candidateGroups.includes(m.group_id))
    if (!offered) {
      throw new UserError(`${assignee} is not in a candidate group of this task.`, [
        { path: '/assignee', message: 'must be a member of a candidate group' },
      ])
    }
    await this.segregation.enforce(assignee, task, user.username)
    await this.inEngine(task, (api, key) => api.assignUserTask(key, assignee, true))
    const assigned = await this.deps.db.transaction().execute(async (tx) => {
      const done = await this.change(
        task,
        { state: TaskState.Claimed, assignee, claimed_at: new Date(this.now()) },
        [TaskState.Open, TaskState.Claimed],
        'The task changed meanwhile; reload it.',
        tx,
      )
      await this.audit(user.username, 'task.assigned', done, { assignee }, tx)
      return done
    })
    this.publish('task.assigned', assigned, user.username)
    return assigned
  }

  /**
   * Completes a task: the data is validated against the task's form and stored with the task in
   * `completing` and its outbox row; then the job is completed (see `task-completion.ts`). A job
   * that no longer exists (the instance moved on or was cancelled) closes the task as cancelled
   * and answers 409. When the engine cannot be reached the task stays `completing` (the
   * submission is kept and sent when the engine is back) and is returned as such.
   */
  async complete(user: SessionUser, id: string, data: Record<string, unknown>): Promise<TaskView> {
    const task = await this.get(user, id)
    if (task.state === TaskState.Completed || task.state === TaskState.Completing) {
      throw new ConflictError('The task is already completed.')
    }
    if (task.state === TaskState.Cancelled) {
      throw new ConflictError('The task was cancelled; its process no longer waits for it.')
    }
    if (task.assignee !== user.username) {
      throw new ForbiddenError(
        task.assignee
          ? `The task is assigned to ${task.assignee}.`
          : 'Claim the task before completing it.',
      )
    }
    await this.segregation.enforce(user.username, task)
    const form = await this.formOf(task)
    const cleaned = validateFormData(form, data)
    const mapping = (await this.versions.of(task.processDefinitionKey))?.recordMappings[
      task.elementId
    ]
    if (mapping && !(task.caseKind && task.caseId && this.deps.recordDecision)) {
      // a declared record update must not be lost silently
      throw new UnexpectedError(
        `Task ${task.id} (${task.elementId}) declares record updates but has no case to write them on.`,
      )
    }
    let announce: (() => void) | undefined
    const outboxId = await this.deps.db.transaction().execute(async (tx) => {
      await this.change(
        task,
        {
          state: TaskState.Completing,
          submitted_data: JSON.stringify(cleaned),
          completed_by: user.username,
        },
        [TaskState.Claimed],
        'The task changed meanwhile; reload it.',
        tx,
      )
      // 4.3.3, 8.1 d: what the task decides is on its case with the submission, or neither is
      if (mapping && task.caseKind && task.caseId && this.deps.recordDecision) {
        announce = await this.deps.recordDecision(tx, {
          task,
          caseKind: task.caseKind,
          caseId: task.caseId,
          mapping,
          // a field submitted empty clears what it maps to; one left out changes nothing
          data: { ...emptiedFields(data), ...cleaned },
          actor: user,
        })
      }
      return this.completions.enqueue(tx, task.id, {
        ...(task.kind === TaskKind.Camunda && task.userTaskKey
          ? { userTaskKey: task.userTaskKey }
          : { jobKey: task.jobKey ?? '' }),
        variables: cleaned,
        actor: user.username,
      })
    })
    announce?.()
    this.deps.checkpoint?.(CrashPoint.TaskCompleting)
    const outcome = await this.completions.deliver(outboxId)
    if (outcome.state === 'cancelled') {
      throw new ConflictError(
        'The process no longer waits for this task (it moved on or was cancelled); the task is closed.',
      )
    }
    if (outcome.state === 'rejected') {
      throw new UnexpectedError(`Completing ${engineRef(task)} failed`, { cause: outcome.error })
    }
    if (outcome.state === 'pending') {
      this.deps.log?.warn(
        `the engine did not take the completion of ${engineRef(task)}; it is sent again later`,
        outcome.error,
      )
    }
    return outcome.task
  }

  /**
   * Closes the task of a job the engine no longer has (found by the keep-alive). Only an open or
   * claimed task: one `completing` has its completion in the outbox, which finds out itself
   * whether the job went because that completion reached the engine (the job is gone the moment
   * the engine takes it, possibly before the keep-alive asks) or because the process moved on.
   * The state change and its evidence entry are one transaction.
   */
  async cancelByJobKey(jobKey: string, reason: string): Promise<void> {
    const cancelled = await this.deps.db.transaction().execute(async (tx) => {
      const row = await tx
        .updateTable('tasks')
        .set({ state: TaskState.Cancelled, cancel_reason: reason, version: sql`version + 1` })
        .where('job_key', '=', jobKey)
        .where('state', 'in', LIVE)
        .returningAll()
        .executeTakeFirst()
      if (!row) return undefined
      const task = taskView(row, this.now())
      await this.audit('system:inbox', 'task.cancelled', task, undefined, tx)
      return task
    })
    if (cancelled) this.publish('task.cancelled', cancelled)
  }

  async comment(user: SessionUser, id: string, body: string) {
    const task = await this.get(user, id)
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
      await this.audit(user.username, 'task.commented', task, { body }, tx)
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

  /** Open tasks whose job lock ends before `before`: the keep-alive extends them. */
  async expiringJobs(before: Date): Promise<{ jobKey: string }[]> {
    const rows = await this.deps.db
      .selectFrom('tasks')
      .select('job_key')
      .where('kind', '=', TaskKind.Job)
      .where('state', 'in', LIVE)
      .where((eb) => eb.or([eb('job_deadline', '<', before), eb('job_deadline', 'is', null)]))
      .limit(500)
      .execute()
    return rows.flatMap((r) => (r.job_key ? [{ jobKey: r.job_key }] : []))
  }

  async extended(jobKey: string, deadline: Date) {
    await this.deps.db
      .updateTable('tasks')
      .set({ job_deadline: deadline })
      .where('job_key', '=', jobKey)
      .execute()
  }

  private async audit(
    actor: string,
    action: string,
    task: TaskView,
    extra?: object,
    tx?: Kysely<DB>,
  ) {
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

  private publish(type: TaskEventType, task: TaskView, actor?: string) {
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

type TaskEventType =
  | 'task.created'
  | 'task.claimed'
  | 'task.unclaimed'
  | 'task.assigned'
  | 'task.completed'
  | 'task.cancelled'

const NO_LONGER_WAITS = 'The process no longer waits for this task.'

/** How a task is named in the engine, for log lines. */
const engineRef = (t: TaskView) =>
  t.kind === TaskKind.Camunda ? `user task ${t.userTaskKey}` : `job ${t.jobKey}`

const isLive = (state: string) => (LIVE as readonly string[]).includes(state)

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

function asObject(v: unknown): Record<string, unknown> {
  let parsed: unknown = v
  if (typeof v === 'string') {
    try {
      parsed = JSON.parse(v)
    } catch {
      return {}
    }
  }
  return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : {}
}

/**
 * What a customer may see of a task's variables: the fields of its form and which case it is
 * about. Internal working data (matches, assessments, notes) stays with staff.
 */
function customerView(
  user: SessionUser,
  vars: Record<string, unknown>,
  form: unknown,
): Record<string, unknown> {
  if (user.roles.some((r) => r === 'staff' || r === 'admin' || r === 'auditor')) return vars
  const keys = new Set(['caseId', 'caseKind', 'title'])
  if (isFormJs(form)) for (const c of dataFields(form)) if (c.key) keys.add(c.key)
  // the case's staff-only and internal fields stay with staff even when a task form shows them
  const kind = typeof vars.caseKind === 'string' ? vars.caseKind : ''
  if (isCaseKind(kind)) for (const k of hiddenDataKeys(kind, user)) keys.delete(k)
  return Object.fromEntries(Object.entries(vars).filter(([k]) => keys.has(k)))
}

/** SLA clock from the variables the process set (response and resolution targets). */
function slaOf(vars: Record<string, unknown>, now: number) {
  const date = (v: unknown) => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? v : null)
  const responseDue = date(vars.responseDue)
  const resolutionDue = date(vars.resolutionDue)
  if (!responseDue && !resolutionDue) return null
  const breached =
    (responseDue !== null && Date.parse(responseDue) < now && vars.respondedAt == null) ||
    (resolutionDue !== null && Date.parse(resolutionDue) < now && vars.resolvedAt == null)
  return { responseDue, resolutionDue, breached }
}

/** The fields of a submission given empty ('' or null), as null. */
function emptiedFields(data: Record<string, unknown>): Record<string, null> {
  return Object.fromEntries(
    Object.entries(data)
      .filter(([, v]) => v === '' || v === null)
      .map(([k]) => [k, null]),
  )
}
