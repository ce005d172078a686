/**
 * `/api/sms/risks`: the risk register (ISO/IEC 20000-1 4.5.2 j, 4.5.3 d, 6.3.1, 6.6.1) and its
 * heat map. SMS managers and admins write; staff, process owners and auditors read.
 */
import { Router } from 'express'
import { openapi } from '../../http/openapi'
import { readOp, writeOp } from '../openapi-helpers'
import { bodyValidator, paramsValidator, versionSchema } from '../../http/validation'
import { actorOf, refSchema, requireSmsReader, requireSmsWriter, usernameSchema } from '../access'
import { RiskCategory, RiskStatus, TreatmentOption, type ReviewDecision } from './risk-model'
import type { RiskInput, RiskPatch, RisksService } from './risks.service'

const scale = { type: 'integer', minimum: 1, maximum: 5 } as const
const refs = {
  type: 'array',
  maxItems: 100,
  uniqueItems: true,
  items: { type: 'string', pattern: '^[A-Z]{2,5}-[0-9]{6,12}$', maxLength: 20 },
} as const
const riskProperties = {
  title: { type: 'string', minLength: 1, maxLength: 300 },
  description: { type: 'string', maxLength: 10_000 },
  category: { enum: Object.values(RiskCategory) },
  likelihood: scale,
  impact: scale,
  owner: usernameSchema,
  treatmentOption: { enum: Object.values(TreatmentOption) },
  treatment: { type: 'string', maxLength: 10_000 },
  status: { enum: Object.values(RiskStatus) },
  reviewIntervalDays: { type: 'integer', minimum: 1, maximum: 366 },
  nextReviewAt: { type: 'string', format: 'date-time', maxLength: 40 },
  links: {
    type: 'object',
    additionalProperties: false,
    properties: { changes: refs, cis: refs, services: refs, improvements: refs },
  },
} as const
export const createRiskBody = {
  type: 'object',
  additionalProperties: false,
  required: ['title', 'category', 'likelihood', 'impact', 'owner', 'treatmentOption'],
  properties: riskProperties,
} as const
export const patchRiskBody = {
  type: 'object',
  additionalProperties: false,
  required: ['version'],
  properties: { ...riskProperties, version: versionSchema },
} as const
export const reviewBody = {
  type: 'object',
  additionalProperties: false,
  required: ['likelihood', 'impact', 'status'],
  properties: {
    likelihood: scale,
    impact: scale,
    status: { enum: Object.values(RiskStatus) },
    treatment: { type: 'string', maxLength: 10_000 },
    notes: { type: 'string', maxLength: 10_000 },
  },
} as const
const validateCreate = bodyValidator<RiskInput>(createRiskBody)
const validatePatch = bodyValidator<RiskPatch>(patchRiskBody)
const validateReview = bodyValidator<ReviewDecision>(reviewBody)
const idParams = { id: refSchema('RSK') }
const validateId = paramsValidator<{ id: string }>({
  type: 'object',
  properties: idParams,
  required: ['id'],
})

export function risksRoutes({ risks }: { risks: RisksService }): Router {
  const r = Router()
  r.get('/sms/risks', requireSmsReader, async (_req, res) => {
    res.json({ items: await risks.list() })
  })
  r.get('/sms/risks/heat-map', requireSmsReader, async (_req, res) => {
    res.json({ cells: await risks.heatMap() })
  })
  r.post('/sms/risks', requireSmsWriter, async (req, res) => {
    res.status(201).json(await risks.create(validateCreate(req.body), actorOf(req)))
  })
  r.get('/sms/risks/:id', requireSmsReader, async (req, res) => {
    res.json(await risks.get(validateId(req.params).id))
  })
  r.patch('/sms/risks/:id', requireSmsWriter, async (req, res) => {
    res.json(await risks.update(validateId(req.params).id, validatePatch(req.body), actorOf(req)))
  })
  // a review outside the periodic procedure (e.g. after a major incident)
  r.post('/sms/risks/:id/reviews', requireSmsWriter, async (req, res) => {
    const { id } = validateId(req.params)
    await risks.recordReview(id, validateReview(req.body), actorOf(req), null)
    res.status(201).json(await risks.get(id))
  })
  return r
}

openapi.register(
  readOp({
    method: 'get',
    path: '/sms/risks',
    summary: 'The risk register, highest score first (4.5.2 j, 6.6.1)',
  }),
  readOp({
    method: 'get',
    path: '/sms/risks/heat-map',
    summary: 'Open risks per likelihood × impact cell',
  }),
  writeOp({
    method: 'post',
    path: '/sms/risks',
    summary: 'Record a risk',
    requestBody: createRiskBody,
  }),
  readOp({
    method: 'get',
    path: '/sms/risks/:id',
    summary: 'A risk with its reviews',
    params: idParams,
  }),
  writeOp({
    method: 'patch',
    path: '/sms/risks/:id',
    summary: 'Change a risk (`version` as read)',
    params: idParams,
    requestBody: patchRiskBody,
  }),
  writeOp({
    method: 'post',
    path: '/sms/risks/:id/reviews',
    summary: 'Record a review outside the periodic procedure (4.5.3 d)',
    params: idParams,
    requestBody: reviewBody,
  }),
)
