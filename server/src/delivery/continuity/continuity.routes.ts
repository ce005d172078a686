/**
 * `/api/continuity/...` and `/api/availability/...` (ISO/IEC 20000-1 6.3): requirements per
 * service, plans and their tests, invocation during a major incident, outages and measured
 * availability. Service owners write for their services; staff, process owners, auditors read.
 */
import { Router, type Request, type RequestHandler } from 'express'
import { sessionOf } from '../../auth/auth.middleware'
import { openapi } from '../../http/openapi'
import {
  bodyValidator,
  paramsValidator,
  queryValidator,
  versionSchema,
} from '../../http/validation'
import { ForbiddenError } from '../../errors'
import type { MessagePublisher } from '../../workers/deps'
import { isDeliveryReader } from '../access'
import { ownerOp, readerOp } from '../openapi-helpers'
import type { AvailabilityService, OutageInput } from './availability.service'
import type {
  ContinuityRequirementsService,
  PlanScheduleInput,
  RequirementInput,
} from './requirements.service'
import { CONTINUITY_TEST_MESSAGE, type ContinuityTestsService } from './tests.service'

const ref = (prefix: string) =>
  ({ type: 'string', pattern: `^${prefix}-[0-9]{6,12}$`, maxLength: 20 }) as const
const svc = ref('SVC')
const date = { type: 'string', format: 'date-time', maxLength: 40 } as const

export const requirementBody = {
  type: 'object',
  additionalProperties: false,
  required: ['availabilityTarget', 'rtoMinutes', 'rpoMinutes', 'riskIds'],
  properties: {
    availabilityTarget: { type: 'number', minimum: 0, maximum: 100 },
    rtoMinutes: { type: 'integer', minimum: 0, maximum: 525_600 },
    rpoMinutes: { type: 'integer', minimum: 0, maximum: 525_600 },
    riskIds: { type: 'array', minItems: 1, maxItems: 50, uniqueItems: true, items: ref('RSK') },
    notes: { type: 'string', maxLength: 10_000 },
    version: versionSchema,
  },
} as const
export const planBody = {
  type: 'object',
  additionalProperties: false,
  required: ['services', 'ownerGroup', 'testIntervalDays'],
  properties: {
    services: { type: 'array', minItems: 1, maxItems: 100, uniqueItems: true, items: svc },
    ownerGroup: { type: 'string', minLength: 1, maxLength: 100 },
    testIntervalDays: { type: 'integer', minimum: 1, maximum: 1096 },
    nextTestAt: date,
  },
} as const
export const invokeBody = {
  type: 'object',
  additionalProperties: false,
  required: ['incidentId'],
  properties: { incidentId: ref('INC'), notes: { type: 'string', maxLength: 10_000 } },
} as const
export const outageBody = {
  type: 'object',
  additionalProperties: false,
  required: ['serviceId', 'startedAt', 'planned'],
  properties: {
    serviceId: svc,
    startedAt: date,
    endedAt: { anyOf: [date, { type: 'null' }] },
    planned: { type: 'boolean' },
    incidentId: { anyOf: [ref('INC'), { type: 'null' }] },
    description: { type: 'string', maxLength: 10_000 },
  },
} as const
const periodQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['from', 'to'],
  properties: { from: date, to: date, serviceId: svc },
} as const

const validateRequirement = bodyValidator<RequirementInput>(requirementBody)
const validatePlan = bodyValidator<PlanScheduleInput>(planBody)
const validateInvoke = bodyValidator<{ incidentId: string; notes?: string }>(invokeBody)
const validateOutage = bodyValidator<OutageInput>(outageBody)
const validatePeriod = queryValidator<{ from: string; to: string; serviceId?: string }>(periodQuery)
const validateService = queryValidator<{ serviceId?: string }>({
  type: 'object',
  additionalProperties: false,
  properties: { serviceId: svc },
})
const validatePlanQuery = queryValidator<{ planId?: string }>({
  type: 'object',
  additionalProperties: false,
  properties: { planId: ref('DOC') },
})
const params = <K extends string>(schemas: Record<K, object>) =>
  paramsValidator<Record<K, string>>({
    type: 'object',
    properties: schemas,
    required: Object.keys(schemas),
  })
const serviceParams = params({ serviceId: svc })
const docParams = params({ id: ref('DOC') })
const testParams = params({ id: ref('CT') })
const incidentParams = params({ id: ref('INC') })

const actor = (req: Request) => sessionOf(req).user
const requireReader: RequestHandler = (req, _res, next) => {
  if (!isDeliveryReader(actor(req))) {
    throw new ForbiddenError('Continuity, availability and capacity records are for staff.')
  }
  next()
}

export function continuityRoutes(deps: {
  requirements: ContinuityRequirementsService
  tests: ContinuityTestsService
  availability: AvailabilityService
  messages: MessagePublisher
}): Router {
  const { requirements, tests, availability, messages } = deps
  const r = Router()
  r.get('/continuity/requirements', requireReader, async (_req, res) => {
    res.json({ items: await requirements.list() })
  })
  r.get('/continuity/requirements/:serviceId', requireReader, async (req, res) => {
    res.json(await requirements.get(serviceParams(req.params).serviceId))
  })
  r.put('/continuity/requirements/:serviceId', requireReader, async (req, res) => {
    const { serviceId } = serviceParams(req.params)
    res.json(await requirements.put(serviceId, validateRequirement(req.body), actor(req)))
  })
  r.get('/continuity/plans', requireReader, async (_req, res) => {
    res.json({ items: await requirements.plans() })
  })
  r.put('/continuity/plans/:id', requireReader, async (req, res) => {
    res.json(
      await requirements.putPlan(docParams(req.params).id, validatePlan(req.body), actor(req)),
    )
  })
  // 6.3.3: a test now; its procedure starts by message (continuity-test.bpmn)
  r.post('/continuity/plans/:id/tests', requireReader, async (req, res) => {
    const test = await tests.request(docParams(req.params).id, actor(req))
    await messages.publish({
      name: CONTINUITY_TEST_MESSAGE,
      correlationKey: test.id,
      variables: { dueTests: [test] },
      timeToLive: 60 * 60_000,
      messageId: test.id,
    })
    res.status(201).json(await tests.get(test.id))
  })
  r.post('/continuity/plans/:id/invocations', requireReader, async (req, res) => {
    const { incidentId, notes } = validateInvoke(req.body)
    res
      .status(201)
      .json(await tests.invoke(docParams(req.params).id, incidentId, notes ?? '', actor(req)))
  })
  r.get('/continuity/tests', requireReader, async (req, res) => {
    res.json({ items: await tests.list(validatePlanQuery(req.query).planId) })
  })
  r.get('/continuity/tests/:id', requireReader, async (req, res) => {
    res.json(await tests.get(testParams(req.params).id))
  })
  r.get('/continuity/incidents/:id/plans', requireReader, async (req, res) => {
    res.json(await tests.plansForIncident(incidentParams(req.params).id))
  })
  r.get('/availability/outages', requireReader, async (req, res) => {
    res.json({ items: await availability.outages(validateService(req.query)) })
  })
  r.post('/availability/outages', requireReader, async (req, res) => {
    res.status(201).json(await availability.recordOutage(validateOutage(req.body), actor(req)))
  })
  r.get('/availability', requireReader, async (req, res) => {
    res.json({ items: await availability.measure(validatePeriod(req.query)) })
  })
  return r
}

const tag = 'continuity'
const svcParam = { serviceId: svc }
const docParam = { id: ref('DOC') }
openapi.register(
  readerOp(tag, {
    method: 'get',
    path: '/continuity/requirements',
    summary: 'Continuity and availability requirements per service (6.3.1)',
  }),
  readerOp(tag, {
    method: 'get',
    path: '/continuity/requirements/:serviceId',
    summary: 'The requirements of a service, with the risks they come from',
    params: svcParam,
  }),
  ownerOp(tag, {
    method: 'put',
    path: '/continuity/requirements/:serviceId',
    summary:
      'Set the requirements of a service from risk assessment (a risk linked to the service; `version` when changing)',
    params: svcParam,
    requestBody: requirementBody,
  }),
  readerOp(tag, {
    method: 'get',
    path: '/continuity/plans',
    summary: 'Continuity and availability plans (SMS documents) with their test schedule (6.3.2)',
  }),
  ownerOp(tag, {
    method: 'put',
    path: '/continuity/plans/:id',
    summary: 'Schedule the tests of a continuity-plan document',
    params: docParam,
    requestBody: planBody,
  }),
  ownerOp(tag, {
    method: 'post',
    path: '/continuity/plans/:id/tests',
    summary: 'Start a continuity test of the plan now (6.3.3)',
    params: docParam,
  }),
  ownerOp(tag, {
    method: 'post',
    path: '/continuity/plans/:id/invocations',
    summary: 'Invoke the plan for a major incident on a service it covers (6.3.2)',
    params: docParam,
    requestBody: invokeBody,
    description: 'The service desk may invoke too.',
  }),
  readerOp(tag, {
    method: 'get',
    path: '/continuity/tests',
    summary: 'Continuity tests, newest first',
    query: [{ name: 'planId', schema: ref('DOC') }],
  }),
  readerOp(tag, {
    method: 'get',
    path: '/continuity/tests/:id',
    summary: 'A continuity test with its plan, run, results and actions',
    params: { id: ref('CT') },
  }),
  readerOp(tag, {
    method: 'get',
    path: '/continuity/incidents/:id/plans',
    summary: 'The plans that apply to an incident, and their invocations',
    params: { id: ref('INC') },
  }),
  readerOp(tag, {
    method: 'get',
    path: '/availability/outages',
    summary: 'Recorded outages',
    query: [{ name: 'serviceId', schema: svc }],
  }),
  ownerOp(tag, {
    method: 'post',
    path: '/availability/outages',
    summary: 'Record an outage (planned or not, linked to an incident)',
    requestBody: outageBody,
  }),
  readerOp(tag, {
    method: 'get',
    path: '/availability',
    summary: 'Availability per service over a period against its target (6.3.3)',
    query: [
      { name: 'from', schema: date, required: true },
      { name: 'to', schema: date, required: true },
      { name: 'serviceId', schema: svc },
    ],
  }),
)
