/**
 * In-app notifications (8.1: customers kept informed, top management told of major incidents,
 * escalations): `GET /api/notifications` lists those addressed to the user or their groups,
 * `POST /api/notifications/:id/read` marks one read.
 */
import { Router } from 'express'
import { requireLogin, sessionOf } from '../auth/auth.middleware'
import { openapi } from '../http/openapi'
import { int4IdSchema, limitSchema, paramsValidator, queryValidator } from '../http/validation'
import type { NotificationService } from './notification.service'

const listQuery = {
  unread: { type: 'boolean' },
  limit: { ...limitSchema(500), default: 50 },
} as const
const validateListQuery = queryValidator<{ unread?: boolean; limit: number }>({
  type: 'object',
  properties: listQuery,
  additionalProperties: false,
})
const idParams = { id: int4IdSchema }
const validateIdParams = paramsValidator<{ id: number }>({
  type: 'object',
  properties: idParams,
  required: ['id'],
})

export function notificationsRoutes({
  notifications,
}: {
  notifications: NotificationService
}): Router {
  const r = Router()
  const userOf = (req: Parameters<typeof sessionOf>[0]) => {
    const { user } = sessionOf(req)
    return { username: user.username, groups: user.groups.map((g) => g.id) }
  }
  r.get('/notifications', requireLogin, async (req, res) => {
    const { unread, limit } = validateListQuery(req.query)
    res.json({
      items: await notifications.listFor(userOf(req), { unreadOnly: unread === true, limit }),
    })
  })
  r.post('/notifications/:id/read', requireLogin, async (req, res) => {
    const { id } = validateIdParams(req.params)
    await notifications.markRead(id, userOf(req))
    res.status(204).end()
  })
  return r
}

openapi.register(
  {
    method: 'get',
    path: '/notifications',
    tag: 'notifications',
    summary: 'Notifications addressed to you or your groups, newest first (8.1)',
    roles: 'any',
    query: Object.entries(listQuery).map(([name, schema]) => ({ name, schema })),
  },
  {
    method: 'post',
    path: '/notifications/:id/read',
    tag: 'notifications',
    summary: 'Mark a notification read',
    roles: 'any',
    params: idParams,
    status: 204,
  },
)
