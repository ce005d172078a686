/**
 * `/api/sms/competence`: competences, what each role requires, people's training and
 * qualifications, and the matrix with the gaps per role (ISO/IEC 20000-1 4.4.2).
 */
import { Router } from 'express'
import { openapi } from '../../http/openapi'
import { bodyValidator, int4IdSchema, paramsValidator, queryValidator } from '../../http/validation'
import { actorOf, requireSmsReader, requireSmsWriter, usernameSchema } from '../access'
import { readOp, writeOp } from '../openapi-helpers'
import {
  RecordKind,
  RecordStatus,
  type Competence,
  type CompetenceService,
  type PersonRecordInput,
} from './competence.service'

const date = { type: 'string', format: 'date', maxLength: 10 } as const
const competenceId = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' } as const
const roleSchema = {
  type: 'string',
  pattern: '^(lead:)?[a-z0-9][a-z0-9._-]{0,99}$',
  maxLength: 105,
} as const
export const competenceBody = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name'],
  properties: {
    id: competenceId,
    name: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: 'string', maxLength: 4000, default: '' },
  },
} as const
export const roleBody = {
  type: 'object',
  additionalProperties: false,
  required: ['competences'],
  properties: {
    competences: { type: 'array', maxItems: 50, uniqueItems: true, items: competenceId },
  },
} as const
export const recordBody = {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'competenceId', 'kind', 'title', 'status'],
  properties: {
    username: usernameSchema,
    competenceId,
    kind: { enum: Object.values(RecordKind) },
    title: { type: 'string', minLength: 1, maxLength: 300 },
    status: { enum: Object.values(RecordStatus) },
    plannedFor: date,
    achievedAt: date,
    expiresAt: date,
    evidence: { type: 'string', maxLength: 4000 },
  },
} as const
export const completeBody = {
  type: 'object',
  additionalProperties: false,
  required: ['achievedAt', 'evidence'],
  properties: {
    achievedAt: date,
    expiresAt: date,
    evidence: { type: 'string', minLength: 1, maxLength: 4000 },
  },
} as const
const validateCompetence = bodyValidator<Competence>(competenceBody)
const validateRole = bodyValidator<{ competences: string[] }>(roleBody)
const validateRecord = bodyValidator<PersonRecordInput>(recordBody)
const validateComplete = bodyValidator<{
  achievedAt: string
  expiresAt?: string
  evidence: string
}>(completeBody)
const roleParams = { role: roleSchema }
const validateRoleParams = paramsValidator<{ role: string }>({
  type: 'object',
  properties: roleParams,
  required: ['role'],
})
const recordParams = { id: int4IdSchema }
const validateRecordParams = paramsValidator<{ id: number }>({
  type: 'object',
  properties: recordParams,
  required: ['id'],
})
const recordsQuery = { username: usernameSchema } as const
const validateRecordsQuery = queryValidator<{ username?: string }>({
  type: 'object',
  additionalProperties: false,
  properties: recordsQuery,
})

export function competenceRoutes({ competence }: { competence: CompetenceService }): Router {
  const r = Router()
  r.get('/sms/competence', requireSmsReader, async (_req, res) => {
    res.json(await competence.matrix())
  })
  r.post('/sms/competence/competences', requireSmsWriter, async (req, res) => {
    res
      .status(201)
      .json(await competence.createCompetence(validateCompetence(req.body), actorOf(req)))
  })
  r.put('/sms/competence/roles/:role', requireSmsWriter, async (req, res) => {
    const { role } = validateRoleParams(req.params)
    res.json(
      await competence.setRoleRequirements(role, validateRole(req.body).competences, actorOf(req)),
    )
  })
  r.get('/sms/competence/records', requireSmsReader, async (req, res) => {
    res.json({ items: await competence.recordsOf(validateRecordsQuery(req.query).username) })
  })
  r.post('/sms/competence/records', requireSmsWriter, async (req, res) => {
    res.status(201).json(await competence.addRecord(validateRecord(req.body), actorOf(req)))
  })
  r.post('/sms/competence/records/:id/complete', requireSmsWriter, async (req, res) => {
    const { id } = validateRecordParams(req.params)
    res.json(await competence.completeRecord(id, validateComplete(req.body), actorOf(req)))
  })
  return r
}

openapi.register(
  readOp({
    method: 'get',
    path: '/sms/competence',
    summary: 'Competence matrix: roles, required competences, holders, gaps (4.4.2)',
  }),
  writeOp({
    method: 'post',
    path: '/sms/competence/competences',
    summary: 'Define a competence',
    requestBody: competenceBody,
  }),
  writeOp({
    method: 'put',
    path: '/sms/competence/roles/:role',
    summary: 'The competences a role requires (a group id, or lead:<group id>)',
    params: roleParams,
    requestBody: roleBody,
  }),
  readOp({
    method: 'get',
    path: '/sms/competence/records',
    summary: "People's training and qualifications",
    query: Object.entries(recordsQuery).map(([name, schema]) => ({ name, schema })),
  }),
  writeOp({
    method: 'post',
    path: '/sms/competence/records',
    summary: 'Record training (planned or completed) or a qualification',
    requestBody: recordBody,
  }),
  writeOp({
    method: 'post',
    path: '/sms/competence/records/:id/complete',
    summary: 'Planned training completed, with its evidence',
    params: recordParams,
    requestBody: completeBody,
    status: 200,
  }),
)
