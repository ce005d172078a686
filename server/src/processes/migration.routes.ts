/**
 * `/api/processes/:id/...` running-instance migration (ISO/IEC 20000-1 4.3.2): administrators
 * migrate; auditors read the instances, the proposed plan and a dry run (read-only); everyone
 * else gets 403.
 */
import { Router } from 'express'
import { requireRole, sessionOf } from '../auth/auth.middleware'
import { Role } from '../auth/roles'
import { openapi } from '../http/openapi'
import { bodyValidator, paramsValidator, queryValidator, versionSchema } from '../http/validation'
import type { EventBus } from '../realtime/bus'
import { MAX_INSTANCES, type InstanceMigration, type MigrationRequest } from './instance-migration'

const readers = [Role.Admin, Role.Auditor] as const

const elementId = { type: 'string', minLength: 1, maxLength: 255 } as const
const migrationBody = {
  type: 'object',
  properties: {
    sourceVersion: versionSchema,
    targetVersion: versionSchema,
    mappingInstructions: {
      type: 'array',
      maxItems: 2000,
      items: {
        type: 'object',
        properties: { sourceElementId: elementId, targetElementId: elementId },
        required: ['sourceElementId', 'targetElementId'],
        additionalProperties: false,
      },
    },
    processInstanceKeys: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_INSTANCES,
      uniqueItems: true,
      items: { type: 'string', pattern: '^[0-9]{1,19}$' },
    },
  },
  required: ['sourceVersion', 'targetVersion', 'mappingInstructions', 'processInstanceKeys'],
  additionalProperties: false,
}
const validateMigration = bodyValidator<MigrationRequest>(migrationBody)
const versionParams = { version: versionSchema } as const
const validateVersionParams = paramsValidator<{ version: number }>({
  type: 'object',
  properties: versionParams,
  required: ['version'],
})
const planQuery = { from: versionSchema, to: versionSchema } as const
const validatePlanQuery = queryValidator<{ from: number; to: number }>({
  type: 'object',
  properties: planQuery,
  required: ['from', 'to'],
  additionalProperties: false,
})
const param = (v: unknown) => (typeof v === 'string' ? v : '')

export function migrationRoutes(deps: { migration: InstanceMigration; bus: EventBus }): Router {
  const { migration, bus } = deps
  const r = Router()
  r.get('/processes/:id/versions/:version/instances', requireRole(...readers), async (req, res) => {
    const { version } = validateVersionParams(req.params)
    res.json(await migration.runningInstances(param(req.params.id), version))
  })
  r.get('/processes/:id/migration-plan', requireRole(...readers), async (req, res) => {
    const { from, to } = validatePlanQuery(req.query)
    res.json(await migration.plan(param(req.params.id), from, to))
  })
  r.post('/processes/:id/migrations/dry-run', requireRole(...readers), async (req, res) => {
    const body = validateMigration(req.body)
    res.json({ instances: await migration.dryRun(param(req.params.id), body) })
  })
  r.post('/processes/:id/migrations', requireRole(Role.Admin), async (req, res) => {
    const body = validateMigration(req.body)
    const bpmnProcessId = param(req.params.id)
    const results = await migration.migrate(bpmnProcessId, body, sessionOf(req).user.username)
    bus.publish({ type: 'process.changed', bpmnProcessId })
    res.json({ results })
  })
  return r
}

openapi.register(
  {
    method: 'get',
    path: '/processes/:id/versions/:version/instances',
    tag: 'processes',
    summary: 'Running instances of a version with their active elements (v2 element search)',
    roles: readers,
    params: versionParams,
  },
  {
    method: 'get',
    path: '/processes/:id/migration-plan',
    tag: 'processes',
    summary:
      'Element mapping proposed from the diff of two versions (`?from=&to=`): same id and type mapped, removed and type-changed elements flagged',
    roles: readers,
    query: Object.entries(planQuery).map(([name, schema]) => ({ name, schema })),
  },
  {
    method: 'post',
    path: '/processes/:id/migrations/dry-run',
    tag: 'processes',
    summary:
      'What each selected instance would look like after the migration: its active elements, their targets, and why it cannot migrate; changes nothing',
    roles: readers,
    requestBody: migrationBody,
    status: 200,
  },
  {
    method: 'post',
    path: '/processes/:id/migrations',
    tag: 'processes',
    summary:
      'Migrate the selected instances (administrators): each through v2 migration, then its projection and `process-instance.migrated` evidence in one transaction; per-instance results',
    roles: [Role.Admin],
    requestBody: migrationBody,
    status: 200,
  },
)
