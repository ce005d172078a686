/**
 * One task as `GET /api/tasks/:id` shows it: the task, its form (from the version it was
 * deployed with), its variables as the reader may see them, the submitted data, its case with
 * the fields the diagram names (`context:`), why the reader may not complete it (`sod:`), the
 * matches and SLA clock the procedure found, and the task's comments.
 */
import type { Kysely } from 'kysely'
import type { SessionUser } from '../auth/sessions'
import { isCaseKind } from '../cases/kinds'
import { hiddenDataKeys } from '../cases/projection'
import type { DB } from '../db/schema'
import { dataFields, isFormJs } from '../forms/form-schema'
import type { ProcessVersions } from '../processes/process-version-info'
import type { SegregationOfDuties } from './segregation'
import { declaredForTask } from './task-declarations'
import type { TaskView } from './task-model'
import type { TaskQueries } from './task-queries'

/** Looks up the case a task belongs to, as the user may see it (null if none or not allowed). */
export type CaseContextLookup = (
  caseKind: string,
  caseId: string,
  user: SessionUser,
) => Promise<Record<string, unknown> | null>

export interface TaskDetailsDeps {
  db: Kysely<DB>
  queries: TaskQueries
  versions: ProcessVersions
  /** What the task's element declares: the case fields it shows, who may not complete it. */
  declarations: {
    elementProperties(task: TaskView): Promise<Record<string, string> | undefined>
    segregation: SegregationOfDuties
  }
  caseContext?: CaseContextLookup
  now(): number
}

export class TaskDetails {
  constructor(private readonly deps: TaskDetailsDeps) {}

  /** Task, form, variables, case context and comments in one answer. */
  async detail(user: SessionUser, id: string) {
    const task = await this.deps.queries.get(user, id)
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
    const sla = slaOf(variables, this.deps.now())
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
      ...(await declaredForTask(this.deps.declarations, db, task, caseRecord, user)),
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
    return this.deps.versions.formSchema(task.processDefinitionKey, task)
  }
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
