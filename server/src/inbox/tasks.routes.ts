/**
 * `/api/tasks`: the inbox. One request returns a task with its form, variables, case context,
 * SLA clock and comments; actions are claim, unclaim, assign, complete and comment. Saved
 * filters live under `/api/task-filters`.
 */
import { Router, type Request } from 'express'
import type { Kysely } from 'kysely'
import { requireRole, sessionOf } from '../auth/auth.middleware'
import { Role } from '../auth/roles'
import type { DB } from '../db/schema'
import { NotFoundError, UserError } from '../errors'
import { refuseReversedRange } from '../forms/date-ranges'
import { openapi } from '../http/openapi'
import {
  ajv,
  bodyValidator,
  fieldErrors,
  int4IdSchema,
  paramsValidator,
  versionSchema,
} from '../http/validation'
import type { TaskQuery, TasksService } from './tasks.service'

const readers = [Role.Admin, Role.Staff, Role.Auditor] as const
const actors = [Role.Admin, Role.Staff] as const
/**
 * Customers reach the task list too, but see only the steps their procedures assign to them
 * (8.1: confirm a resolution) and only complete or comment on those.
 */
const listers = [...readers, Role.Customer] as const
const finishers = [...actors, Role.Customer] as const

const querySchema = {
  type: 'object',
  properties: {
    view: { enum: ['mine', 'groups', 'unassigned', 'all'] },
    state: { enum: ['open', 'claimed', 'completing', 'completed', 'cancelled'] },
    group: { type: 'string', maxLength: 200 },
    assignee: { type: 'string', maxLength: 200 },
    bpmnProcessId: { type: 'string', maxLength: 200 },
    processVersion: versionSchema,
    processInstanceKey: { type: 'string', pattern: '^[0-9]{1,20}$' },
    caseId: { type: 'string', maxLength: 200 },
    caseKind: { type: 'string', maxLength: 100 },
    priority: { type: 'integer', minimum: 0, maximum: 100 },
    minPriority: { type: 'integer', minimum: 0, maximum: 100 },
    dueBefore: { type: 'string', format: 'date-time' },
    dueAfter: { type: 'string', format: 'date-time' },
    overdue: { type: 'boolean' },
    q: { type: 'string', maxLength: 200 },
    sort: { enum: ['created', 'due', 'priority', 'name', 'followUp'] },
    order: { enum: ['asc', 'desc'] },
    // (page - 1) × pageSize stays within an int4 offset
    page: { type: 'integer', minimum: 1, maximum: 10_000_000 },
    pageSize: { type: 'integer', minimum: 1, maximum: 200 },
  },
  additionalProperties: false,
} as const
const validateQuery = ajv.compile(querySchema)
const INTEGER_PARAMS = new Set(['processVersion', 'priority', 'minPriority', 'page', 'pageSize'])

/** Parses `req.query` into a TaskQuery; `var.<name>=<value>` filters on variables. */
export function parseTaskQuery(raw: Record<string, unknown>): TaskQuery {
  const out: Record<string, unknown> = {}
  const variables: Record<string, string> = {}
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'string') throw new UserError(`Query parameter ${k} must be given once.`)
    if (k.startsWith('var.')) {
      const name = k.slice(4)
      if (!/^[A-Za-z_][A-Za-z0-9_]{0,99}$/.test(name)) {
        throw new UserError(`Variable filter ${k} names no valid variable.`)
      }
      variables[name] = v
    } else if (INTEGER_PARAMS.has(k)) out[k] = /^-?\d+$/.test(v) ? Number(v) : v
    else if (k === 'overdue') out[k] = v === 'true' ? true : v === 'false' ? false : v
    else out[k] = v
  }
  if (!validateQuery(out)) {
    throw new UserError(
      'The task query is invalid.',
      fieldErrors(validateQuery.errors).map((e) => ({ ...e, path: `?${e.path.slice(1)}` })),
    )
  }
  refuseReversedRange(out.dueAfter, out.dueBefore, '?dueBefore', 'dueAfter')
  return { ...(out as TaskQuery), ...(Object.keys(variables).length ? { variables } : {}) }
}

const completeBody = {
  type: 'object',
  properties: { data: { type: 'object' } },
  required: ['data'],
  additionalProperties: false,
}
const validateComplete = bodyValidator<{ data: Record<string, unknown> }>(completeBody)
const assignBody = {
  type: 'object',
  properties: { assignee: { type: 'string', minLength: 1, maxLength: 200 } },
  required: ['assignee'],
  additionalProperties: false,
}
const validateAssign = bodyValidator<{ assignee: string }>(assignBody)
const commentBody = {
  type: 'object',
  properties: { body: { type: 'string', minLength: 1, maxLength: 10_000 } },
  required: ['body'],
  additionalProperties: false,
}
const validateComment = bodyValidator<{ body: string }>(commentBody)
const emptyBody = {
  type: 'object',
  additionalProperties: false,
}
const validateEmpty = bodyValidator<Record<string, never>>(emptyBody)
const filterBody = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100 },
    query: {
      type: 'object',
      additionalProperties: { type: 'string', maxLength: 500 },
      maxProperties: 30,
    },
  },
  required: ['name', 'query'],
  additionalProperties: false,
}
const validateFilter = bodyValidator<{ name: string; query: Record<string, string> }>(filterBody)

const id = (req: Request) => String(req.params.id)
/** `:id` of `/task-filters/:id`: a `serial` row id. */
const filterParams = { id: int4IdSchema }
const validateFilterParams = paramsValidator<{ id: number }>({
  type: 'object',
  properties: filterParams,
  required: ['id'],
})

export function tasksRoutes(deps: { tasks: TasksService; db: Kysely<DB> }): Router {
  const { tasks, db } = deps
  const r = Router()

  r.get('/tasks', requireRole(...listers), async (req, res) => {
    res.json(await tasks.list(sessionOf(req).user, parseTaskQuery(req.query)))
  })
  r.get('/tasks/:id', requireRole(...listers), async (req, res) => {
    res.json(await tasks.detail(sessionOf(req).user, id(req)))
  })
  r.post('/tasks/:id/claim', requireRole(...actors), async (req, res) => {
    validateEmpty(req.body ?? {})
    res.json(await tasks.claim(sessionOf(req).user, id(req)))
  })
  r.post('/tasks/:id/unclaim', requireRole(...actors), async (req, res) => {
    validateEmpty(req.body ?? {})
    res.json(await tasks.unclaim(sessionOf(req).user, id(req)))
  })
  r.post('/tasks/:id/assign', requireRole(...actors), async (req, res) => {
    const { assignee } = validateAssign(req.body)
    res.json(await tasks.assign(sessionOf(req).user, id(req), assignee))
  })
  r.post('/tasks/:id/complete', requireRole(...finishers), async (req, res) => {
    const { data } = validateComplete(req.body)
    const task = await tasks.complete(sessionOf(req).user, id(req), data)
    // 202: the submission is stored and reaches the engine when it is back
    res.status(task.state === 'completing' ? 202 : 200).json(task)
  })
  r.post('/tasks/:id/comments', requireRole(...finishers), async (req, res) => {
    const { body } = validateComment(req.body)
    res.status(201).json(await tasks.comment(sessionOf(req).user, id(req), body))
  })

  r.get('/task-filters', requireRole(...readers), async (req, res) => {
    const rows = await db
      .selectFrom('saved_filters')
      .select(['id', 'name', 'query'])
      .where('user_id', '=', sessionOf(req).user.id)
      .orderBy('name')
      .execute()
    res.json(rows)
  })
  r.post('/task-filters', requireRole(...readers), async (req, res) => {
    const body = validateFilter(req.body)
    parseTaskQuery(body.query)
    const row = await db
      .insertInto('saved_filters')
      .values({
        user_id: sessionOf(req).user.id,
        name: body.name,
        query: JSON.stringify(body.query),
      })
      .onConflict((oc) =>
        oc.columns(['user_id', 'name']).doUpdateSet({ query: JSON.stringify(body.query) }),
      )
      .returning(['id', 'name', 'query'])
      .executeTakeFirstOrThrow()
    res.status(201).json(row)
  })
  r.delete('/task-filters/:id', requireRole(...readers), async (req, res) => {
    const { id: filterId } = validateFilterParams(req.params)
    const result = await db
      .deleteFrom('saved_filters')
      .where('id', '=', filterId)
      .where('user_id', '=', sessionOf(req).user.id)
      .executeTakeFirst()
    if (Number(result.numDeletedRows) === 0) throw new NotFoundError('No such saved filter.')
    res.status(204).end()
  })
  return r
}

openapi.register(
  {
    method: 'get',
    path: '/tasks',
    tag: 'tasks',
    summary: 'List tasks the user may see, filtered, sorted and paged, with sidebar counts',
    roles: listers,
    description:
      'Staff see tasks of their groups, offered to them or assigned to them; admins and auditors see all; customers see only the steps assigned to them. `var.<name>=<value>` filters on process variables.',
    query: Object.entries(querySchema.properties).map(([name, schema]) => ({ name, schema })),
  },
  {
    method: 'get',
    path: '/tasks/:id',
    tag: 'tasks',
    summary:
      'One task with its form (bound to its process version), variables, case, SLA and comments; `context`: the case fields its diagram declares (`context:` properties) with labels and display values; `segregation`: why segregation of duties (`sod:`) keeps it from you, or null',
    roles: listers,
  },
  {
    method: 'post',
    path: '/tasks/:id/claim',
    tag: 'tasks',
    summary:
      'Claim a task offered to you (409 when someone else was first; 403 naming the rule when segregation of duties keeps it from you)',
    roles: actors,
    requestBody: emptyBody,
    status: 200,
  },
  {
    method: 'post',
    path: '/tasks/:id/unclaim',
    tag: 'tasks',
    summary: 'Give a claimed task back to its groups (assignee, group lead or admin)',
    roles: actors,
    requestBody: emptyBody,
    status: 200,
  },
  {
    method: 'post',
    path: '/tasks/:id/assign',
    tag: 'tasks',
    summary: 'Assign a task to a member of its candidate groups (group leads and admins)',
    roles: actors,
    requestBody: assignBody,
    status: 200,
  },
  {
    method: 'post',
    path: '/tasks/:id/complete',
    tag: 'tasks',
    summary:
      'Complete a claimed task with form data (validated against its form; 409 if the process no longer waits; 202 with the task `completing` when the engine is unreachable: the submission is kept and sent when it is back)',
    roles: finishers,
    requestBody: completeBody,
    status: 200,
  },
  {
    method: 'post',
    path: '/tasks/:id/comments',
    tag: 'tasks',
    summary: 'Comment on a task',
    roles: finishers,
    requestBody: commentBody,
  },
  {
    method: 'get',
    path: '/task-filters',
    tag: 'tasks',
    summary: 'Your saved task filters',
    roles: readers,
  },
  {
    method: 'post',
    path: '/task-filters',
    tag: 'tasks',
    summary: 'Save (or replace) a named task filter',
    roles: readers,
    requestBody: filterBody,
  },
  {
    method: 'delete',
    path: '/task-filters/:id',
    tag: 'tasks',
    summary: 'Delete a saved filter',
    roles: readers,
    params: filterParams,
    status: 204,
  },
)
