/**
 * `GET /api/change-calendar`: the scheduled changes of a window with their conflicts (ISO/IEC
 * 20000-1 9.2), read from the RFC records (see `change-calendar.ts`).
 */
import { Router } from 'express'
import type { Kysely } from 'kysely'
import { requireLogin, sessionOf } from '../auth/auth.middleware'
import type { DB } from '../db/schema'
import { openapi, type OpenApiRegistry } from '../http/openapi'
import { queryValidator } from '../http/validation'
import { changeCalendar, MAX_WINDOW_DAYS } from './change-calendar'

/** A date (`2026-12-01`) or a date-time with optional seconds and offset. */
const DATE_OR_DATETIME =
  '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?)?$'

const calendarQuery = {
  from: { type: 'string', pattern: DATE_OR_DATETIME },
  to: { type: 'string', pattern: DATE_OR_DATETIME },
} as const

const validateQuery = queryValidator<{ from: string; to: string }>({
  type: 'object',
  properties: calendarQuery,
  required: ['from', 'to'],
  additionalProperties: false,
})

export interface ChangeCalendarRoutesDeps {
  db: Kysely<DB>
  registry?: OpenApiRegistry
}

export function changeCalendarRoutes({ db, registry = openapi }: ChangeCalendarRoutesDeps): Router {
  const router = Router()
  router.get('/change-calendar', requireLogin, async (req, res) => {
    res.json(await changeCalendar(db, sessionOf(req).user, validateQuery(req.query)))
  })
  registry.register({
    method: 'get',
    path: '/change-calendar',
    tag: 'changes',
    summary: 'Scheduled changes in a window, with conflicts (9.2 schedule of change)',
    roles: ['admin', 'staff', 'process-owner', 'auditor'],
    description: `Every change whose planned window (\`plannedStart\`–\`plannedEnd\` on the RFC) meets [from, to), ordered by start; cancelled and rejected changes are left out. \`conflicts\` lists the changes whose windows overlap and that touch the same CI (\`ciId\`, \`affectedCis\`) or service (\`serviceId\`, \`affectedServices\`). A date is its midnight UTC, a date-time without offset is read as UTC; the window is at most ${MAX_WINDOW_DAYS} days.`,
    query: Object.entries(calendarQuery).map(([name, schema]) => ({
      name,
      schema,
      required: true,
    })),
    response:
      '`{ from, to, changes: [{ id, title, status, plannedStart, plannedEnd, start, end, ciIds, serviceIds, names, conflicts }] }`',
  })
  return router
}
