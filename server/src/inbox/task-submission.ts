/**
 * Completing a task: the submission is checked (assignee, segregation of duties, the form
 * bound to the task's process version) and stored with the task in `completing`, the decisions
 * its diagram declares (`record:` properties) written on its case and its `complete-task`
 * outbox row — all in one transaction (4.3.3, 8.1 d); then the completion goes to the engine
 * (`task-completion.ts`: CompleteJob, or v2 for a Camunda user task).
 */
import type { Kysely } from 'kysely'
import type { SessionUser } from '../auth/sessions'
import type { RecordMapping } from '../cases/record-updates'
import type { DB } from '../db/schema'
import { ConflictError, ForbiddenError, UnexpectedError } from '../errors'
import type { Logger } from '../log'
import { CrashPoint, type Checkpoint } from '../outbox/outbox'
import type { ProcessVersions } from '../processes/process-version-info'
import { validateFormData } from './form-validation'
import type { SegregationOfDuties } from './segregation'
import type { TaskChanges } from './task-changes'
import type { TaskCompletions } from './task-completion'
import { TaskKind, TaskState, type TaskView } from './task-model'
import type { TaskQueries } from './task-queries'

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

export interface TaskSubmissionsDeps {
  db: Kysely<DB>
  queries: TaskQueries
  changes: TaskChanges
  segregation: SegregationOfDuties
  versions: ProcessVersions
  completions: TaskCompletions
  /** Writes task decisions on their cases (declared per user task in the diagram). */
  recordDecision?: TaskDecisionRecorder
  log?: Logger
  /** Crash-test hook (see {@link CrashPoint}). */
  checkpoint?: Checkpoint
}

const asObject = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {}

export class TaskSubmissions {
  constructor(private readonly deps: TaskSubmissionsDeps) {}

  /**
   * Completes a task: the data is validated against the task's form and stored with the task in
   * `completing` and its outbox row; then the job is completed (see `task-completion.ts`). A job
   * that no longer exists (the instance moved on or was cancelled) closes the task as cancelled
   * and answers 409. When the engine cannot be reached the task stays `completing` (the
   * submission is kept and sent when the engine is back) and is returned as such.
   */
  async complete(user: SessionUser, id: string, data: Record<string, unknown>): Promise<TaskView> {
    const { changes } = this.deps
    const task = await this.deps.queries.get(user, id)
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
    await this.deps.segregation.enforce(user.username, task)
    const form = await this.deps.versions.formSchema(task.processDefinitionKey, task)
    // the variables the form was shown with decide its conditions (`conditional.hide`)
    const shownWith = await this.deps.db
      .selectFrom('tasks')
      .select('variables')
      .where('id', '=', id)
      .executeTakeFirst()
    const cleaned = validateFormData(form, data, asObject(shownWith?.variables))
    const mapping = (await this.deps.versions.of(task.processDefinitionKey))?.recordMappings[
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
      await changes.change(
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
      return this.deps.completions.enqueue(tx, task.id, {
        ...(task.kind === TaskKind.Camunda && task.userTaskKey
          ? { userTaskKey: task.userTaskKey }
          : { jobKey: task.jobKey ?? '' }),
        variables: cleaned,
        actor: user.username,
      })
    })
    announce?.()
    this.deps.checkpoint?.(CrashPoint.TaskCompleting)
    const outcome = await this.deps.completions.deliver(outboxId)
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
}

/** How a task is named in the engine, for log lines. */
const engineRef = (t: TaskView) =>
  t.kind === TaskKind.Camunda ? `user task ${t.userTaskKey}` : `job ${t.jobKey}`

/** The fields of a submission given empty ('' or null), as null. */
function emptiedFields(data: Record<string, unknown>): Record<string, null> {
  return Object.fromEntries(
    Object.entries(data)
      .filter(([, v]) => v === '' || v === null)
      .map(([k]) => [k, null]),
  )
}
