/**
 * `/api/sms/parties`: processes operated by other parties (ISO/IEC 20000-1 4.2) with their
 * agreements, governance, targets (OLAs with internal groups) and measured performance.
 */
import { Router } from 'express'
import { openapi } from '../../http/openapi'
import { bodyValidator, paramsValidator } from '../../http/validation'
import { actorOf, refSchema, requireSmsReader, requireSmsWriter, usernameSchema } from '../access'
import { readOp, writeOp } from '../openapi-helpers'
import { PartyType, type PartiesService, type PartyProcessInput } from './parties.service'

const targetSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'target', 'unit', 'direction'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    target: { type: 'number', minimum: -1e9, maximum: 1e9 },
    unit: { type: 'string', maxLength: 40 },
    direction: { enum: ['at-least', 'at-most'] },
  },
} as const
const partyProperties = {
  process: { type: 'string', minLength: 1, maxLength: 200 },
  part: { type: 'string', minLength: 1, maxLength: 2000 },
  partyType: { enum: Object.values(PartyType) },
  party: { type: 'string', minLength: 1, maxLength: 200 },
  owner: usernameSchema,
  agreementDocumentId: refSchema('DOC'),
  governance: { type: 'string', maxLength: 10_000 },
  targets: { type: 'array', maxItems: 50, items: targetSchema },
} as const
export const createPartyBody = {
  type: 'object',
  additionalProperties: false,
  required: ['process', 'part', 'partyType', 'party', 'owner'],
  properties: partyProperties,
} as const
export const patchPartyBody = {
  type: 'object',
  additionalProperties: false,
  properties: partyProperties,
} as const
export const measurementBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'value', 'period'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    value: { type: 'number', minimum: -1e9, maximum: 1e9 },
    period: { type: 'string', minLength: 1, maxLength: 40 },
    note: { type: 'string', maxLength: 4000 },
  },
} as const
const validateCreate = bodyValidator<PartyProcessInput>(createPartyBody)
const validatePatch = bodyValidator<Partial<PartyProcessInput>>(patchPartyBody)
const validateMeasurement = bodyValidator<{
  name: string
  value: number
  period: string
  note?: string
}>(measurementBody)
const idParams = { id: refSchema('OPP') }
const validateId = paramsValidator<{ id: string }>({
  type: 'object',
  properties: idParams,
  required: ['id'],
})

export function partiesRoutes({ parties }: { parties: PartiesService }): Router {
  const r = Router()
  r.get('/sms/parties', requireSmsReader, async (_req, res) => {
    res.json({ items: await parties.list() })
  })
  r.post('/sms/parties', requireSmsWriter, async (req, res) => {
    res.status(201).json(await parties.create(validateCreate(req.body), actorOf(req)))
  })
  r.get('/sms/parties/:id', requireSmsReader, async (req, res) => {
    res.json(await parties.get(validateId(req.params).id))
  })
  r.patch('/sms/parties/:id', requireSmsWriter, async (req, res) => {
    res.json(await parties.update(validateId(req.params).id, validatePatch(req.body), actorOf(req)))
  })
  r.post('/sms/parties/:id/measurements', requireSmsWriter, async (req, res) => {
    const { id } = validateId(req.params)
    res.status(201).json(await parties.measure(id, validateMeasurement(req.body), actorOf(req)))
  })
  return r
}

openapi.register(
  readOp({
    method: 'get',
    path: '/sms/parties',
    summary: 'Processes operated by other parties (4.2)',
  }),
  writeOp({
    method: 'post',
    path: '/sms/parties',
    summary: 'Register a process operated by another party',
    requestBody: createPartyBody,
  }),
  readOp({
    method: 'get',
    path: '/sms/parties/:id',
    summary: 'One, with its measured performance',
    params: idParams,
  }),
  writeOp({
    method: 'patch',
    path: '/sms/parties/:id',
    summary: 'Change owner, agreement, governance, targets',
    params: idParams,
    requestBody: patchPartyBody,
  }),
  writeOp({
    method: 'post',
    path: '/sms/parties/:id/measurements',
    summary: 'Record performance measured against a target (4.2)',
    params: idParams,
    requestBody: measurementBody,
  }),
)
