/**
 * Camunda user task commands of Camunda 8.8's v2 API: assignment (`allowOverride: false` is a
 * claim), unassignment, update (changeset of dates, candidates, priority) and completion, each
 * with an optional custom `action`. Every answer is 204 once the transition finished (after its
 * task listeners), as 8.8 answers once the broker wrote ASSIGNED/UPDATED/COMPLETED.
 */
import type { UserTaskChanges } from '../api'
import { bodyValidator, command, invalidArgument, parseBody, pathKey } from './command'
import {
  userTaskAssignment,
  userTaskCompletion,
  userTaskUpdate,
  type UserTaskAssignmentBody,
  type UserTaskCompletionBody,
  type UserTaskUpdateBody,
} from './schemas/commands'
import type { RestRoute } from './types'

const validateAssignment = bodyValidator<UserTaskAssignmentBody>(userTaskAssignment)
const validateUpdate = bodyValidator<UserTaskUpdateBody>(userTaskUpdate)
const validateCompletion = bodyValidator<UserTaskCompletionBody>(userTaskCompletion)

/** RFC 3339 date-time with an offset, as 8.8 parses dueDate/followUpDate (OffsetDateTime). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/

function changesOf(body: UserTaskUpdateBody): Omit<UserTaskChanges, 'assignee'> {
  const c = body.changeset ?? {}
  const violations: string[] = []
  for (const name of ['dueDate', 'followUpDate'] as const) {
    const value = c[name]
    if (value && (!RFC3339.test(value) || Number.isNaN(Date.parse(value)))) {
      violations.push(
        `The provided ${name} '${value}' cannot be parsed as a date according to RFC 3339, section 5.6`,
      )
    }
  }
  if (c.priority !== undefined && c.priority !== null && (c.priority < 0 || c.priority > 100)) {
    violations.push(
      `The value for priority is '${c.priority}' but must be within the [0,100] range`,
    )
  }
  const changes: Omit<UserTaskChanges, 'assignee'> = {
    ...(c.dueDate !== undefined && c.dueDate !== null ? { dueDate: c.dueDate } : {}),
    ...(c.followUpDate !== undefined && c.followUpDate !== null
      ? { followUpDate: c.followUpDate }
      : {}),
    ...(c.candidateUsers ? { candidateUsers: c.candidateUsers } : {}),
    ...(c.candidateGroups ? { candidateGroups: c.candidateGroups } : {}),
    ...(c.priority !== undefined && c.priority !== null ? { priority: c.priority } : {}),
  }
  if (Object.keys(changes).length === 0 && !body.action) {
    violations.push(
      'No update data provided. Provide at least an "action" or a non-null value for a supported attribute in the "changeset"',
    )
  }
  if (violations.length > 0) throw invalidArgument(violations)
  return changes
}

export const userTaskRoutes: RestRoute[] = [
  {
    method: 'POST',
    path: '/v2/user-tasks/:userTaskKey/assignment',
    operationId: 'assignUserTask',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'userTaskKey')
      const body = parseBody(req, validateAssignment)
      if (!body.assignee || body.assignee.trim() === '') {
        throw invalidArgument(['No assignee provided'])
      }
      const claim = body.allowOverride === false
      await command(claim ? 'CLAIM' : 'ASSIGN', () =>
        ctx.engine.assignUserTask(key, {
          assignee: body.assignee!,
          ...(body.action ? { action: body.action } : {}),
          allowOverride: !claim,
        }),
      )
      return { status: 204 }
    },
  },
  {
    method: 'DELETE',
    path: '/v2/user-tasks/:userTaskKey/assignee',
    operationId: 'unassignUserTask',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'userTaskKey')
      await command('ASSIGN', () => ctx.engine.unassignUserTask(key))
      return { status: 204 }
    },
  },
  {
    method: 'PATCH',
    path: '/v2/user-tasks/:userTaskKey',
    operationId: 'updateUserTask',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'userTaskKey')
      const body = parseBody(req, validateUpdate, true) ?? {}
      const changeset = changesOf(body)
      await command('UPDATE', () =>
        ctx.engine.updateUserTask(key, {
          changeset,
          ...(body.action ? { action: body.action } : {}),
        }),
      )
      return { status: 204 }
    },
  },
  {
    method: 'POST',
    path: '/v2/user-tasks/:userTaskKey/completion',
    operationId: 'completeUserTask',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'userTaskKey')
      const body = parseBody(req, validateCompletion, true) ?? {}
      await command('COMPLETE', () =>
        ctx.engine.completeUserTask(key, {
          variables: body.variables ?? {},
          ...(body.action ? { action: body.action } : {}),
        }),
      )
      return { status: 204 }
    },
  },
]
