/**
 * The routes of the service catalogue (6.1: dependencies, catalogue items) and of suppliers
 * (7.2: contracts, reviews), with their OpenAPI entries. The rules are in
 * `catalogue.service.ts`; a review starts the supplier-review procedure (`case-procedures.ts`).
 */
import { Router } from 'express'
import { requireLogin } from '../auth/auth.middleware'
import type { OpenApiRegistry } from '../http/openapi'
import { bodyValidator } from '../http/validation'
import type { CaseService } from './case.service'
import {
  catalogueItemBodySchema,
  contractBodySchema,
  contractPatchSchema,
  dependenciesBodySchema,
  type CatalogueService,
} from './catalogue.service'
import { actorOf, idOf } from './route-params'

const reviewBodySchema = {
  type: 'object',
  properties: { reason: { type: 'string', maxLength: 2000 } },
  additionalProperties: false,
} as const
const validateReview = bodyValidator<{ reason?: string }>(reviewBodySchema)

/** The catalogue and supplier routes, mounted under `/api`. */
export function catalogueRoutes(
  { cases, catalogue }: { cases: CaseService; catalogue: CatalogueService },
  registry: OpenApiRegistry,
): Router {
  const router = Router()
  router.get('/services/:id/dependencies', requireLogin, async (req, res) => {
    res.json(await catalogue.dependencies(idOf(req), actorOf(req)))
  })
  router.put('/services/:id/dependencies', requireLogin, async (req, res) => {
    res.json(await catalogue.setDependencies(idOf(req), req.body, actorOf(req)))
  })
  router.get('/services/:id/catalogue-items', requireLogin, async (req, res) => {
    res.json(await catalogue.catalogueItems(actorOf(req), idOf(req)))
  })
  router.post('/services/:id/catalogue-items', requireLogin, async (req, res) => {
    res.status(201).json(await catalogue.addCatalogueItem(idOf(req), req.body, actorOf(req)))
  })
  router.get('/service-catalogue', requireLogin, async (_req, res) => {
    res.json(await catalogue.published())
  })
  router.get('/catalogue-items', requireLogin, async (req, res) => {
    res.json(await catalogue.catalogueItems(actorOf(req)))
  })
  router.get('/suppliers/:id/contracts', requireLogin, async (req, res) => {
    res.json(await catalogue.contracts(idOf(req), actorOf(req)))
  })
  router.post('/suppliers/:id/contracts', requireLogin, async (req, res) => {
    res.status(201).json(await catalogue.addContract(idOf(req), req.body, actorOf(req)))
  })
  router.patch('/suppliers/:id/contracts/:contractId', requireLogin, async (req, res) => {
    res.json(
      await catalogue.updateContract(idOf(req), idOf(req, 'contractId'), req.body, actorOf(req)),
    )
  })
  router.post('/suppliers/:id/reviews', requireLogin, async (req, res) => {
    const { reason } = validateReview(req.body ?? {})
    res.status(201).json(await cases.startSupplierReview(idOf(req), actorOf(req), reason))
  })

  registry.register(
    {
      method: 'get',
      path: '/services/:id/dependencies',
      tag: 'services',
      summary: 'Services the service depends on and services depending on it (6.1)',
      roles: 'any',
    },
    {
      method: 'put',
      path: '/services/:id/dependencies',
      tag: 'services',
      summary: 'Replace the dependencies of a service',
      roles: ['admin'],
      requestBody: dependenciesBodySchema,
      status: 200,
    },
    {
      method: 'get',
      path: '/services/:id/catalogue-items',
      tag: 'services',
      summary: 'Requestable items of a service',
      roles: 'any',
    },
    {
      method: 'post',
      path: '/services/:id/catalogue-items',
      tag: 'services',
      summary: 'Add a catalogue item (requiresApproval drives the service-request procedure)',
      roles: ['admin'],
      requestBody: catalogueItemBodySchema,
    },
    {
      method: 'get',
      path: '/service-catalogue',
      tag: 'services',
      summary:
        'The service catalogue customers request from: the service catalogue document in force, with its requestable items and the service levels of each service (agreed SLA targets per priority, service hours, calendar) (6.1)',
      roles: 'any',
    },
    {
      method: 'get',
      path: '/catalogue-items',
      tag: 'services',
      summary: 'All requestable catalogue items',
      roles: 'any',
    },
    {
      method: 'get',
      path: '/suppliers/:id/contracts',
      tag: 'suppliers',
      summary:
        'Contracts of a supplier (7.2); `document` names the contract document version whose targets the record shows',
      roles: ['admin', 'staff', 'process-owner', 'auditor'],
    },
    {
      method: 'post',
      path: '/suppliers/:id/contracts',
      tag: 'suppliers',
      summary: 'Add a contract (7.2 fields)',
      roles: ['admin', 'staff (supplier-managers)'],
      requestBody: contractBodySchema,
    },
    {
      method: 'patch',
      path: '/suppliers/:id/contracts/:contractId',
      tag: 'suppliers',
      summary: 'Change a contract (stale version gets 409)',
      roles: ['admin', 'staff (supplier-managers)'],
      requestBody: contractPatchSchema,
    },
    {
      method: 'post',
      path: '/suppliers/:id/reviews',
      tag: 'suppliers',
      summary: 'Start a supplier review (supplier-review procedure, 7.2)',
      roles: ['admin', 'staff (supplier-managers)'],
      requestBody: reviewBodySchema,
    },
  )
  return router
}
