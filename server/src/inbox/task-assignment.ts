/**
 * Who works a task: claim, unclaim and a lead's assignment. A person claims only a task offered
 * to them (or as an admin), never one segregation of duties keeps from them (4.1.3); the
 * assignee, a lead of its group or an admin unclaims it; leads and admins assign it to a member
 * of a candidate group. A Camunda user task's assignment goes to the engine first, through v2
 * (see README.md); each change is stored with its evidence entry in one transaction.
 */
import type { Kysely } from 'kysely'
import type { SessionUser } from '../auth/sessions'
import type { DB } from '../db/schema'
import {
  ConflictError,
  ForbiddenError,
  ServiceUnavailableError,
  UnexpectedError,
  UserError,
} from '../errors'
import { restStatus, type UserTaskApi } from '../camunda/camunda-rest'
import type { CamundaTasks } from './camunda-tasks'
import type { SegregationOfDuties } from './segregation'
import { isCandidate, leadsTask } from './task-access'
import type { TaskChanges } from './task-changes'
import { TaskKind, TaskState, type TaskView } from './task-model'
import type { TaskQueries } from './task-queries'

/** Why a task the engine no longer has is closed. */
export const NO_LONGER_WAITS = 'The process no longer waits for this task.'

export interface TaskAssignmentsDeps {
  db: Kysely<DB>
  queries: TaskQueries
  changes: TaskChanges
  segregation: SegregationOfDuties
  camunda: CamundaTasks
  /** The v2 API: claims and assignments of Camunda user tasks. */
  userTasks?: UserTaskApi
  now(): number
}

export class TaskAssignments {
  constructor(private readonly deps: TaskAssignmentsDeps) {}

  async claim(user: SessionUser, id: string): Promise<TaskView> {
    const { changes } = this.deps
    const task = await this.deps.queries.get(user, id)
    if (!isCandidate(user, task) && !user.roles.includes('admin')) {
      throw new ForbiddenError('This task is not offered to you or your groups.')
    }
    await this.deps.segregation.enforce(user.username, task)
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
      const done = await changes.change(
        task,
        {
          state: TaskState.Claimed,
          assignee: user.username,
          claimed_at: new Date(this.deps.now()),
        },
        [TaskState.Open],
        'Someone else claimed the task a moment ago.',
        tx,
      )
      await changes.audit(user.username, 'task.claimed', done, undefined, tx)
      return done
    })
    changes.publish('task.claimed', claimed, user.username)
    return claimed
  }

  async unclaim(user: SessionUser, id: string): Promise<TaskView> {
    const { changes } = this.deps
    const task = await this.deps.queries.get(user, id)
    const lead = leadsTask(user, task)
    if (task.assignee !== user.username && !lead && !user.roles.includes('admin')) {
      throw new ForbiddenError('Only the assignee, a lead of its group or an admin unclaims it.')
    }
    if (task.state !== TaskState.Claimed) throw new ConflictError(`The task is ${task.state}.`)
    await this.inEngine(task, (api, key) => api.unassignUserTask(key))
    const open = await this.deps.db.transaction().execute(async (tx) => {
      const done = await changes.change(
        task,
        { state: TaskState.Open, assignee: null, claimed_at: null },
        [TaskState.Claimed],
        'The task changed meanwhile; reload it.',
        tx,
      )
      await changes.audit(user.username, 'task.unclaimed', done, undefined, tx)
      return done
    })
    changes.publish('task.unclaimed', open, user.username)
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
      // the engine (or its log) is down: 503, and the claim may be tried again
      if (err instanceof ServiceUnavailableError) throw err
      const status = restStatus(err)
      if (status === 404) {
        await this.deps.camunda.close(task.userTaskKey, NO_LONGER_WAITS)
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

  /** Group leads (and admins) hand a task to a member of one of its candidate groups. */
  async assign(user: SessionUser, id: string, assignee: string): Promise<TaskView> {
    const { changes } = this.deps
    const task = await this.deps.queries.get(user, id)
    if (!leadsTask(user, task) && !user.roles.includes('admin')) {
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
    await this.deps.segregation.enforce(assignee, task, user.username)
    await this.inEngine(task, (api, key) => api.assignUserTask(key, assignee, true))
    const assigned = await this.deps.db.transaction().execute(async (tx) => {
      const done = await changes.change(
        task,
        { state: TaskState.Claimed, assignee, claimed_at: new Date(this.deps.now()) },
        [TaskState.Open, TaskState.Claimed],
        'The task changed meanwhile; reload it.',
        tx,
      )
      await changes.audit(user.username, 'task.assigned', done, { assignee }, tx)
      return done
    })
    changes.publish('task.assigned', assigned, user.username)
    return assigned
  }
}
