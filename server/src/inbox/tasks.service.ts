/**
 * The task inbox: user tasks stored as tasks — job-worker user tasks (`user-task.intake.ts`) and
 * Camunda user tasks (`camunda-task.intake.ts`, see README.md) — and what people do with them —
 * claim, unclaim, assign, complete with form data, comment. Authorisation lives on the server
 * (`task-access.ts`): staff act only on tasks of their groups or assigned to them; group leads
 * assign; auditors read; nobody completes a task they have not claimed.
 *
 * This class composes the inbox's parts, one concern a file, and is what routes, intakes and
 * the reconciler call:
 *
 * | part | file |
 * |---|---|
 * | intake and job locks | `task-intake.ts` |
 * | list, filters, counts, one task | `task-queries.ts` |
 * | the task view (form, variables, case, context) | `task-detail.ts` |
 * | claim, unclaim, assign | `task-assignment.ts` |
 * | completion with form data and record updates | `task-submission.ts` (then `task-completion.ts`) |
 * | comments | `task-comments.ts` |
 * | state change, evidence entry, socket event | `task-changes.ts` |
 */
import type { Kysely } from 'kysely'
import type { SessionUser } from '../auth/sessions'
import type { DB } from '../db/schema'
import type { UnmigratedAuditSink as AuditSink } from '../evidence/audit-sink'
import type { Logger } from '../log'
import { Outbox, type Checkpoint } from '../outbox/outbox'
import { ProcessVersions } from '../processes/process-version-info'
import type { EventBus } from '../realtime/bus'
import type { CamundaUserTask, UserTaskApi } from '../camunda/camunda-rest'
import { CamundaTasks } from './camunda-tasks'
import { SegregationOfDuties, segregationOf } from './segregation'
import { TaskAssignments } from './task-assignment'
import { TaskChanges } from './task-changes'
import { TaskComments, type TaskComment } from './task-comments'
import { TaskCompletions, type JobCompleter, type JobHistory } from './task-completion'
import { TaskDetails, type CaseContextLookup } from './task-detail'
import { TaskIntake, type UserTaskJob } from './task-intake'
import type { TaskView } from './task-model'
import { TaskQueries, type TaskPage, type TaskQuery } from './task-queries'
import { TaskSubmissions, type TaskDecisionRecorder } from './task-submission'

export type { JobCompleter } from './task-completion'
export type { CaseContextLookup } from './task-detail'
export type { UserTaskJob } from './task-intake'
export type { TaskPage, TaskQuery } from './task-queries'
export type { TaskDecisionRecorder } from './task-submission'
export { isCandidate } from './task-access'

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
  /** Crash-test hook (see {@link Checkpoint}). */
  checkpoint?: Checkpoint
}

export class TasksService {
  /** Job completions through the outbox. */
  readonly completions: TaskCompletions

  /** Who may not complete a task, as its diagram declares (`sod:` properties). */
  readonly segregation: SegregationOfDuties

  /** The stored Camunda user tasks, as their intake compares and mends them. */
  readonly camunda: CamundaTasks

  /** Names, forms and declarations of deployed versions, parsed once each. */
  private readonly versions: ProcessVersions
  private readonly intakes: TaskIntake
  private readonly queries: TaskQueries
  private readonly details: TaskDetails
  private readonly assignments: TaskAssignments
  private readonly submissions: TaskSubmissions
  private readonly comments: TaskComments

  constructor(deps: TasksServiceDeps) {
    const { db, bus } = deps
    const now = () => deps.now?.() ?? Date.now()
    const versions = (this.versions = deps.versions ?? new ProcessVersions(db))
    const changes = new TaskChanges({ db, bus, audit: deps.audit, now })
    const audit = (tx: Kysely<DB>, actor: string, action: string, task: TaskView, extra?: object) =>
      changes.audit(actor, action, task, extra, tx)
    this.completions = new TaskCompletions({
      db,
      jobs: deps.jobs,
      userTasks: deps.userTasks,
      outbox: new Outbox(db),
      history: deps.jobHistory,
      audit,
      publish: (type, task, actor) => changes.publish(type, task, actor),
      now,
      log: deps.log,
      checkpoint: deps.checkpoint,
    })
    this.camunda = new CamundaTasks({
      db,
      audit,
      publish: (type, task) => changes.publish(type, task),
      now,
    })
    const segregation = (this.segregation = new SegregationOfDuties({
      db,
      rulesOf: async (t) => segregationOf(await this.elementProperties(t)),
    }))
    this.intakes = new TaskIntake({ db, versions, changes, now })
    const queries = (this.queries = new TaskQueries({ db, bus, now }))
    this.details = new TaskDetails({
      db,
      queries,
      versions,
      declarations: this,
      caseContext: deps.caseContext,
      now,
    })
    this.assignments = new TaskAssignments({
      db,
      queries,
      changes,
      segregation,
      camunda: this.camunda,
      userTasks: deps.userTasks,
      now,
    })
    this.submissions = new TaskSubmissions({
      db,
      queries,
      changes,
      segregation,
      versions,
      completions: this.completions,
      recordDecision: deps.recordDecision,
      log: deps.log,
      checkpoint: deps.checkpoint,
    })
    this.comments = new TaskComments({ db, bus, queries, changes })
  }

  // ---- intake (task-intake.ts) ------------------------------------------------------------

  /** Stores an activated user-task job as a task (idempotent on the job key). */
  intake(job: UserTaskJob): Promise<{ task: TaskView; created: boolean }> {
    return this.intakes.intake(job)
  }

  /** Stores a Camunda user task read through v2 as a task (idempotent on its key). */
  intakeUserTask(
    t: CamundaUserTask,
    variables: Record<string, unknown>,
  ): Promise<{ task: TaskView; created: boolean }> {
    return this.intakes.intakeUserTask(t, variables)
  }

  /** Closes the live task of a job the engine no longer has (found by the keep-alive). */
  cancelByJobKey(jobKey: string, reason: string): Promise<void> {
    return this.intakes.cancelByJobKey(jobKey, reason)
  }

  /** Open tasks whose job lock ends before `before`: the keep-alive extends them. */
  expiringJobs(before: Date): Promise<{ jobKey: string }[]> {
    return this.intakes.expiringJobs(before)
  }

  /** Records a job lock the keep-alive extended. */
  extended(jobKey: string, deadline: Date): Promise<void> {
    return this.intakes.extended(jobKey, deadline)
  }

  // ---- reading (task-queries.ts, task-detail.ts) --------------------------------------------

  /** The tasks `user` may see that match `query`, one page, with the sidebar counts. */
  list(user: SessionUser, query: TaskQuery): Promise<TaskPage> {
    return this.queries.list(user, query)
  }

  /** A task the user may see, or 404 (a task they may not see does not exist for them). */
  get(user: SessionUser, id: string): Promise<TaskView> {
    return this.queries.get(user, id)
  }

  /** Task, form, variables, case context and comments in one answer. */
  detail(user: SessionUser, id: string) {
    return this.details.detail(user, id)
  }

  /** The form-js schema of a task, from the version it was deployed with. */
  formOf(task: TaskView): Promise<unknown> {
    return this.details.formOf(task)
  }

  /** The extension properties (`zeebe:properties`) of a task's element in its process version. */
  elementProperties(task: TaskView): Promise<Record<string, string> | undefined> {
    return this.versions.elementProperties(task.processDefinitionKey, task.elementId)
  }

  // ---- actions (task-assignment.ts, task-submission.ts, task-comments.ts) --------------------

  claim(user: SessionUser, id: string): Promise<TaskView> {
    return this.assignments.claim(user, id)
  }

  unclaim(user: SessionUser, id: string): Promise<TaskView> {
    return this.assignments.unclaim(user, id)
  }

  /** Group leads (and admins) hand a task to a member of one of its candidate groups. */
  assign(user: SessionUser, id: string, assignee: string): Promise<TaskView> {
    return this.assignments.assign(user, id, assignee)
  }

  /** Completes a claimed task with its form data (see `task-submission.ts`). */
  complete(user: SessionUser, id: string, data: Record<string, unknown>): Promise<TaskView> {
    return this.submissions.complete(user, id, data)
  }

  comment(user: SessionUser, id: string, body: string): Promise<TaskComment> {
    return this.comments.comment(user, id, body)
  }
}
