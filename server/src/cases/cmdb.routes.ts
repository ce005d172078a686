/**
 * The CMDB's routes (9.1): relations of a CI, its history, its cases and impact, and
 * configuration baselines, with their OpenAPI entries. The rules are in `cmdb.service.ts`.
 */
import { Router } from 'express'
import { requireLogin } from '../auth/auth.middleware'
import type { OpenApiRegistry } from '../http/openapi'
import { bodyValidator, queryValidator } from '../http/validation'
import { RelationType, type CmdbService } from './cmdb.service'
import { actorOf, idOf, numberOf, rowIdParams } from './route-params'

const relationBodySchema = {
  type: 'object',
  properties: {
    targetKind: { enum: ['ci', 'service'] },
    targetId: { type: 'string', minLength: 1, maxLength: 40 },
    relationType: { enum: Object.values(RelationType) },
  },
  required: ['targetKind', 'targetId', 'relationType'],
  additionalProperties: false,
} as const
const baselineBodySchema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: 'string', maxLength: 5000 },
    ciIds: {
      type: 'array',
      minItems: 1,
      maxItems: 1000,
      items: { type: 'string', minLength: 1, maxLength: 40 },
    },
    releaseId: { type: ['string', 'null'], maxLength: 40 },
  },
  required: ['name', 'ciIds'],
  additionalProperties: false,
} as const

const validateRelation = bodyValidator<{
  targetKind: 'ci' | 'service'
  targetId: string
  relationType: string
}>(relationBodySchema)
const validateBaseline = bodyValidator<{
  name: string
  description?: string
  ciIds: string[]
  releaseId?: string | null
}>(baselineBodySchema)

const baselinesQuery = { releaseId: { type: 'string', maxLength: 40 } } as const
const validateBaselinesQuery = queryValidator<{ releaseId?: string }>({
  type: 'object',
  properties: baselinesQuery,
  additionalProperties: false,
})

/** The CMDB routes, mounted under `/api`. */
export function cmdbRoutes(cmdb: CmdbService, registry: OpenApiRegistry): Router {
  const router = Router()
  router.get('/cis/:id/relations', requireLogin, async (req, res) => {
    res.json(await cmdb.relations(idOf(req), actorOf(req)))
  })
  router.post('/cis/:id/relations', requireLogin, async (req, res) => {
    const body = validateRelation(req.body)
    res.status(201).json(await cmdb.addRelation(idOf(req), body, actorOf(req)))
  })
  router.delete('/cis/:id/relations/:relationId', requireLogin, async (req, res) => {
    await cmdb.removeRelation(idOf(req), numberOf(req, 'relationId'), actorOf(req))
    res.status(204).end()
  })
  router.get('/cis/:id/history', requireLogin, async (req, res) => {
    res.json(await cmdb.history(idOf(req), actorOf(req)))
  })
  router.get('/cis/:id/cases', requireLogin, async (req, res) => {
    res.json(await cmdb.associatedCases(idOf(req), actorOf(req)))
  })
  router.get('/cis/:id/impact', requireLogin, async (req, res) => {
    const id = idOf(req)
    await cmdb.relations(id, actorOf(req))
    res.json(await cmdb.impact([id]))
  })
  router.get('/baselines', requireLogin, async (req, res) => {
    const { releaseId } = validateBaselinesQuery(req.query)
    res.json(await cmdb.baselines(actorOf(req), releaseId))
  })
  router.post('/baselines', requireLogin, async (req, res) => {
    const body = validateBaseline(req.body)
    res.status(201).json(await cmdb.takeBaseline(body, actorOf(req)))
  })
  router.get('/baselines/:id', requireLogin, async (req, res) => {
    res.json(await cmdb.baseline(idOf(req), actorOf(req)))
  })

  registry.register(
    {
      method: 'get',
      path: '/cis/:id/relations',
      tag: 'cis',
      summary: 'Relations of a CI to CIs and services (9.1 b, c), both directions',
      roles: ['admin', 'staff', 'process-owner', 'auditor'],
    },
    {
      method: 'post',
      path: '/cis/:id/relations',
      tag: 'cis',
      summary: 'Add a relation to a CI or a service',
      roles: ['admin', 'staff (owner group)'],
      requestBody: relationBodySchema,
    },
    {
      method: 'delete',
      path: '/cis/:id/relations/:relationId',
      tag: 'cis',
      summary: 'Remove a relation (kept in the CI history)',
      roles: ['admin', 'staff (owner group)'],
      params: { relationId: rowIdParams.relationId },
      status: 204,
      response: 'Removed',
    },
    {
      method: 'get',
      path: '/cis/:id/history',
      tag: 'cis',
      summary: 'Change history of a CI with before/after (9.1), read-only',
      roles: ['admin', 'staff', 'process-owner', 'auditor'],
    },
    {
      method: 'get',
      path: '/cis/:id/cases',
      tag: 'cis',
      summary: 'RFCs, problems and known errors associated with a CI (9.1 g, h)',
      roles: ['admin', 'staff', 'process-owner', 'auditor'],
    },
    {
      method: 'get',
      path: '/cis/:id/impact',
      tag: 'cis',
      summary: 'CIs depending on the CI (transitively) and the services they support (9.2)',
      roles: ['admin', 'staff', 'process-owner', 'auditor'],
    },
    {
      method: 'get',
      path: '/baselines',
      tag: 'baselines',
      summary: 'Configuration baselines, newest first',
      roles: ['admin', 'staff', 'process-owner', 'auditor'],
      query: Object.entries(baselinesQuery).map(([name, schema]) => ({ name, schema })),
    },
    {
      method: 'post',
      path: '/baselines',
      tag: 'baselines',
      summary: 'Take a baseline of CIs (9.1, before a release is deployed 9.3)',
      roles: ['admin', 'staff'],
      requestBody: baselineBodySchema,
    },
    {
      method: 'get',
      path: '/baselines/:id',
      tag: 'baselines',
      summary: 'A baseline with the CI snapshots',
      roles: ['admin', 'staff', 'process-owner', 'auditor'],
    },
  )
  return router
}
