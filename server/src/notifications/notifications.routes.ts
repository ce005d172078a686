/**
 * In-app notifications (8.1: customers kept informed, top management told of major incidents,
 * escalations): `GET /api/notifications` lists those addressed to the user or their groups,
 * `POST /api/notifications/:id/read` marks one read.
 */
import { Router } from 'express'
import { requireLogin, sessionOf } from '../auth/auth.middleware'
import { UserError } from '../errors'
import { openapi } from '../http/openapi'
import type { NotificationService } from './notification.service'

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
    const limit = Number(req.query.limit ?? 50)
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
      throw new UserError('limit must be an integer from 1 to 500.')
    }
    res.json({
      items: await notifications.listFor(userOf(req), {
        unreadOnly: req.query.unread === 'true',
        limit,
      }),
    })
  })
  r.post('/notifications/:id/read', requireLogin, async (req, res) => {
    const id = Number(req.params.id)
    if (!Number.isInteger(id) || id < 1) throw new UserError('Notification ids are integers.')
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
    query: [
      { name: 'unread', schema: { type: 'string', enum: ['true', 'false'] } },
      { name: 'limit', schema: { type: 'integer', minimum: 1, maximum: 500 } },
    ],
  },
  {
    method: 'post',
    path: '/notifications/:id/read',
    tag: 'notifications',
    summary: 'Mark a notification read',
    roles: 'any',
    status: 204,
  },
)
