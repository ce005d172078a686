/**
 * Intake: user tasks stored as tasks — activated job-worker user tasks (`user-task.intake.ts`)
 * and Camunda user tasks read through v2 (`camunda-task.intake.ts`) — projected alike: names
 * and process name from the deployed version, the form bound to that version, the case from the
 * variables, candidates, dates and priority, segregation rules from the element's properties.
 * Also the job-lock housekeeping of job-worker tasks (deadlines kept alive, tasks of jobs the
 * engine no longer has closed).
 */
import { randomUUID } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema'
import type { ProcessVersions } from '../processes/process-version-info'
import type { CamundaUserTask } from '../camunda/camunda-rest'
import { segregationColumns, segregationOf } from './segregation'
import type { TaskChanges } from './task-changes'
import {
  LIVE_STATES,
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

export interface TaskIntakeDeps {
  db: Kysely<DB>
  versions: ProcessVersions
  changes: TaskChanges
  now(): number
}

export class TaskIntake {
  constructor(private readonly deps: TaskIntakeDeps) {}

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
      return { task: taskView(existing, this.deps.now()), created: false }
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
    const version = await this.deps.versions.of(definitionKey)
    const form = await this.deps.versions.resolveForm(definitionKey, src.elementId, src.formHint)
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
      claimed_at: assignee ? new Date(this.deps.now()) : null,
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
      return { task: taskView(again, this.deps.now()), created: false }
    }
    const task = taskView(inserted, this.deps.now())
    this.deps.changes.publish('task.created', task)
    return { task, created: true }
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
        .where('state', 'in', LIVE_STATES)
        .returningAll()
        .executeTakeFirst()
      if (!row) return undefined
      const task = taskView(row, this.deps.now())
      await this.deps.changes.audit('system:inbox', 'task.cancelled', task, undefined, tx)
      return task
    })
    if (cancelled) this.deps.changes.publish('task.cancelled', cancelled)
  }

  /** Open tasks whose job lock ends before `before`: the keep-alive extends them. */
  async expiringJobs(before: Date): Promise<{ jobKey: string }[]> {
    const rows = await this.deps.db
      .selectFrom('tasks')
      .select('job_key')
      .where('kind', '=', TaskKind.Job)
      .where('state', 'in', LIVE_STATES)
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
}
