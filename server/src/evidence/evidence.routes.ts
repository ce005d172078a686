/** `GET /api/evidence` and `GET /api/evidence/verify` (4.3.3): auditors and admins only. */
import { Router } from 'express'
import { requireRole } from '../auth/auth.middleware'
import { Role } from '../auth/roles'
import { openapi, type OpenApiRegistry } from '../http/openapi'
import { BIGINT_API_MAX, limitSchema, queryValidator } from '../http/validation'
import type { AuditTrail, EvidenceQuery } from './audit-trail'

const querySchema = {
  type: 'object',
  properties: {
    entityType: { type: 'string', maxLength: 40 },
    entityId: { type: 'string', maxLength: 100 },
    actor: { type: 'string', maxLength: 100 },
    processInstanceKey: { type: 'string', pattern: '^[0-9]{1,20}$' },
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
    // `seq` is a bigint column
    afterSeq: { type: 'integer', minimum: 0, maximum: BIGINT_API_MAX },
    beforeSeq: { type: 'integer', minimum: 1, maximum: BIGINT_API_MAX },
    order: { enum: ['asc', 'desc'] },
    limit: limitSchema(1000),
  },
  additionalProperties: false,
} as const

const validateQuery = queryValidator<EvidenceQuery>(querySchema)

export interface EvidenceRoutesDeps {
  audit: AuditTrail
  registry?: OpenApiRegistry
}

export function evidenceRoutes({ audit, registry = openapi }: EvidenceRoutesDeps): Router {
  const router = Router()
  const readers = requireRole(Role.Admin, Role.Auditor)

  router.get('/evidence', readers, async (req, res) => {
    res.json(await audit.list(validateQuery(req.query)))
  })
  router.get('/evidence/verify', readers, async (_req, res) => {
    res.json(await audit.verify())
  })

  registry.register(
    {
      method: 'get',
      path: '/evidence',
      tag: 'evidence',
      summary: 'Evidence trail entries, oldest first (filter by entity, actor, time, instance)',
      roles: [Role.Admin, Role.Auditor],
      query: Object.entries(querySchema.properties).map(([name, schema]) => ({ name, schema })),
    },
    {
      method: 'get',
      path: '/evidence/verify',
      tag: 'evidence',
      summary: 'Recompute the hash chain; reports the first broken link (seq and reason)',
      roles: [Role.Admin, Role.Auditor],
      response: '`{ ok: true, entries, headSeq, headHash }` or `{ ok: false, brokenAt, reason }`',
    },
  )
  return router
}
