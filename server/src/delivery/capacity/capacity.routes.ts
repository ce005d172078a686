/**
 * `/api/capacity/...` (ISO/IEC 20000-1 6.5): requirements per service and CI, measured
 * utilisation (JSON or a CSV file, all rows or none) and the periodic reviews. Service owners
 * write for their services and CIs; staff, process owners and auditors read.
 */
import { Router, type Request, type RequestHandler } from 'express'
import { sessionOf } from '../../auth/auth.middleware'
import { openapi } from '../../http/openapi'
import { bodyValidator, paramsValidator, versionSchema } from '../../http/validation'
import { ForbiddenError } from '../../errors'
import { isDeliveryReader } from '../access'
import { ownerOp, readerOp } from '../openapi-helpers'
import { BreachAction, type MeasurementInput } from './capacity-model'
import type { CapacityService, RequirementInput, RequirementPatch } from './capacity.service'
import type { CapacityReviewsService } from './capacity-reviews.service'

const ref = (prefix: string) =>
  ({ type: 'string', pattern: `^${prefix}-[0-9]{6,12}$`, maxLength: 20 }) as const
const amount = { type: 'number', minimum: 0, maximum: 1e15 } as const
const percent = { type: 'number', minimum: 0, maximum: 1000 } as const
const properties = {
  serviceId: { anyOf: [ref('SVC'), { type: 'null' }] },
  ciId: { anyOf: [ref('CI'), { type: 'null' }] },
  metric: { type: 'string', minLength: 1, maxLength: 100 },
  unit: { type: 'string', minLength: 1, maxLength: 40 },
  capacity: { type: 'number', exclusiveMinimum: 0, maximum: 1e15 },
  currentDemand: amount,
  forecastDemand: amount,
  forecastDate: { type: 'string', format: 'date', maxLength: 10 },
  performanceTarget: { type: 'string', maxLength: 2000 },
  warningPercent: percent,
  criticalPercent: percent,
  breachAction: { enum: Object.values(BreachAction) },
  ownerGroup: { type: 'string', minLength: 1, maxLength: 100 },
} as const
export const createCapacityBody = {
  type: 'object',
  additionalProperties: false,
  required: [
    'metric',
    'unit',
    'capacity',
    'currentDemand',
    'forecastDemand',
    'forecastDate',
    'warningPercent',
    'criticalPercent',
    'breachAction',
  ],
  properties,
} as const
export const patchCapacityBody = {
  type: 'object',
  additionalProperties: false,
  required: ['version'],
  properties: { ...properties, version: versionSchema },
} as const
const measurement = {
  type: 'object',
  additionalProperties: false,
  required: ['requirementId', 'measuredAt', 'value'],
  properties: {
    requirementId: ref('CAP'),
    measuredAt: { type: 'string', format: 'date-time', maxLength: 40 },
    value: amount,
  },
} as const
export const measurementsBody = {
  type: 'object',
  additionalProperties: false,
  required: ['measurements'],
  properties: {
    measurements: { type: 'array', minItems: 1, maxItems: 10_000, items: measurement },
  },
} as const
export const csvBody = {
  type: 'object',
  additionalProperties: false,
  required: ['csv'],
  properties: { csv: { type: 'string', minLength: 1, maxLength: 2_000_000 } },
} as const

const validateCreate = bodyValidator<RequirementInput>(createCapacityBody)
const validatePatch = bodyValidator<RequirementPatch>(patchCapacityBody)
const validateMeasurements = bodyValidator<{ measurements: MeasurementInput[] }>(measurementsBody)
const validateCsv = bodyValidator<{ csv: string }>(csvBody)
const idParams = paramsValidator<{ id: string }>({
  type: 'object',
  properties: { id: ref('CAP') },
  required: ['id'],
})
const reviewParams = paramsValidator<{ id: string }>({
  type: 'object',
  properties: { id: ref('CR') },
  required: ['id'],
})

const actor = (req: Request) => sessionOf(req).user
const requireReader: RequestHandler = (req, _res, next) => {
  if (!isDeliveryReader(actor(req))) {
    throw new ForbiddenError('Continuity, availability and capacity records are for staff.')
  }
  next()
}

export function capacityRoutes(deps: {
  capacity: CapacityService
  reviews: CapacityReviewsService
}): Router {
  const { capacity, reviews } = deps
  const r = Router()
  r.get('/capacity/requirements', requireReader, async (_req, res) => {
    res.json({ items: await capacity.list() })
  })
  r.post('/capacity/requirements', requireReader, async (req, res) => {
    res.status(201).json(await capacity.create(validateCreate(req.body), actor(req)))
  })
  r.get('/capacity/requirements/:id', requireReader, async (req, res) => {
    const { id } = idParams(req.params)
    res.json({ ...(await capacity.get(id)), measurements: await capacity.measurements(id) })
  })
  r.patch('/capacity/requirements/:id', requireReader, async (req, res) => {
    res.json(await capacity.update(idParams(req.params).id, validatePatch(req.body), actor(req)))
  })
  r.post('/capacity/measurements', requireReader, async (req, res) => {
    const { measurements } = validateMeasurements(req.body)
    res.status(201).json(await capacity.record(measurements, actor(req)))
  })
  r.post('/capacity/measurements/import', requireReader, async (req, res) => {
    res.status(201).json(await capacity.importCsv(validateCsv(req.body).csv, actor(req)))
  })
  r.get('/capacity/reviews', requireReader, async (_req, res) => {
    res.json({ items: await reviews.list() })
  })
  r.get('/capacity/reviews/:id', requireReader, async (req, res) => {
    res.json(await reviews.get(reviewParams(req.params).id))
  })
  return r
}

const tag = 'capacity'
const idParam = { id: ref('CAP') }
openapi.register(
  readerOp(tag, {
    method: 'get',
    path: '/capacity/requirements',
    summary: 'Capacity requirements per service and CI with their latest utilisation (6.5)',
  }),
  ownerOp(tag, {
    method: 'post',
    path: '/capacity/requirements',
    summary: 'Record a capacity requirement of a service or a CI',
    requestBody: createCapacityBody,
  }),
  readerOp(tag, {
    method: 'get',
    path: '/capacity/requirements/:id',
    summary: 'A requirement with its measurements, newest first',
    params: idParam,
  }),
  ownerOp(tag, {
    method: 'patch',
    path: '/capacity/requirements/:id',
    summary: 'Change a requirement (`version` as read)',
    params: idParam,
    requestBody: patchCapacityBody,
  }),
  ownerOp(tag, {
    method: 'post',
    path: '/capacity/measurements',
    summary: 'Record measured utilisation; a critical one raises an incident or a change',
    requestBody: measurementsBody,
  }),
  ownerOp(tag, {
    method: 'post',
    path: '/capacity/measurements/import',
    summary:
      'Import measurements from CSV (requirementId,measuredAt,value): any bad row refuses the file with 422 and an error per row; nothing is stored',
    requestBody: csvBody,
  }),
  readerOp(tag, {
    method: 'get',
    path: '/capacity/reviews',
    summary: 'Periodic capacity reviews (capacity-review.bpmn)',
  }),
  readerOp(tag, {
    method: 'get',
    path: '/capacity/reviews/:id',
    summary: 'A capacity review with its figures and decision',
    params: { id: ref('CR') },
  }),
)
