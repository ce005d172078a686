/**
 * The activity stream of every record kind (`/api/<kind>/:id/activity`) and of a task's case
 * (`POST /api/tasks/:id/activity`, written from the task). Bodies are validated with ajv; the
 * rules are in `activity.service.ts`.
 */
import { Router } from 'express'
import { requireLogin, sessionOf } from '../auth/auth.middleware'
import { ConflictError } from '../errors'
import { openapi, type OpenApiRegistry } from '../http/openapi'
import { bodyValidator } from '../http/validation'
import { ActivityType, type WrittenType } from './activity'
import type { ActivityService } from './activity.service'
import { allKinds, isCaseKind, kindSpecs } from './kinds'
import { actorOf, idOf } from './route-params'

/** Reads a task the user may see (404 otherwise) with its case, as the inbox stores it. */
export type TaskCaseLookup = (
  user: ReturnType<typeof sessionOf>['user'],
  taskId: string,
) => Promise<{ id: string; caseKind: string | null; caseId: string | null }>

export interface ActivityRoutesDeps {
  activity: ActivityService
  /** The inbox's task reader (`TasksService.get`), for entries written from a task. */
  task: TaskCaseLookup
  registry?: OpenApiRegistry
}

/** A work note (staff only) or a reply the customer sees. */
export const activityBodySchema = {
  type: 'object',
  properties: {
    type: { enum: [ActivityType.WorkNote, ActivityType.Reply] },
    body: { type: 'string', minLength: 1, maxLength: 20_000, pattern: '\\S' },
  },
  required: ['type', 'body'],
  additionalProperties: false,
} as const
const validateEntry = bodyValidator<{ type: WrittenType; body: string }>(activityBodySchema)

const rules =
  'Work notes are for staff (never shown to customers, in no route or event); replies are seen by the customer who raised the case, who may reply too (409 once the case is closed, cancelled or rejected). Auditors and process owners read. See server/src/cases/activity.service.ts.'

export function activityRoutes({ activity, task, registry = openapi }: ActivityRoutesDeps): Router {
  const router = Router()
  for (const kind of allKinds) {
    const base = `/${kindSpecs[kind].path}/:id/activity`
    router.get(base, requireLogin, async (req, res) => {
      res.json(await activity.list(kind, idOf(req), actorOf(req)))
    })
    router.post(base, requireLogin, async (req, res) => {
      const entry = validateEntry(req.body)
      res.status(201).json(await activity.add(kind, idOf(req), entry, actorOf(req)))
    })
    registry.register(
      {
        method: 'get',
        path: base,
        tag: kindSpecs[kind].path,
        summary:
          'Activity stream: work notes, replies, status changes and completed tasks in time order',
        roles: 'any',
        description: `Customers receive replies and status changes of their own cases only. ${rules}`,
      },
      {
        method: 'post',
        path: base,
        tag: kindSpecs[kind].path,
        summary: 'Add a work note or a reply to the customer',
        roles: 'any',
        description: rules,
        requestBody: activityBodySchema,
      },
    )
  }

  router.post('/tasks/:id/activity', requireLogin, async (req, res) => {
    const entry = validateEntry(req.body)
    const user = sessionOf(req).user
    const t = await task(user, String(req.params.id))
    if (!t.caseKind || !t.caseId || !isCaseKind(t.caseKind)) {
      throw new ConflictError(`Task ${t.id} has no case; comment on the task instead.`)
    }
    res.status(201).json(await activity.add(t.caseKind, t.caseId, entry, user, { taskId: t.id }))
  })
  registry.register({
    method: 'post',
    path: '/tasks/:id/activity',
    tag: 'tasks',
    summary: "Add a work note or a reply to the customer to the task's case, from the task",
    roles: 'any',
    description: `The task must be one you may see and must have a case (409 otherwise); the entry names the task. ${rules}`,
    requestBody: activityBodySchema,
  })
  return router
}
