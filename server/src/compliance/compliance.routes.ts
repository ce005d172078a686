/**
 * The compliance API (ISO/IEC 20000-1:2011 clauses 4–9) for auditors and SMS managers: the
 * requirements catalogue, the live matrix of a period, one requirement's drill-down, the gaps to
 * act on and the audit pack. Read-only: nothing here changes a record.
 */
import { Router, type RequestHandler } from 'express'
import { sessionOf } from '../auth/auth.middleware'
import { Role } from '../auth/roles'
import { ForbiddenError } from '../errors'
import { refuseReversedRange } from '../forms/date-ranges'
import { EXPORT_CSP } from '../http/content-security'
import { openapi } from '../http/openapi'
import { limitSchema, paramsValidator, queryValidator } from '../http/validation'
import { isSmsManager } from '../sms/access'
import { auditPack, auditPackHtml } from './audit-pack'
import type { ComplianceService, Period } from './compliance.service'
import { findGaps } from './gaps'
import { REQUIREMENT_ID_PATTERN, requirements } from './requirements'

/** Who reads compliance, in words. */
export const complianceReaders = 'auditor, admin, or staff in the sms-managers group'

export const requireComplianceReader: RequestHandler = (req, _res, next) => {
  const user = sessionOf(req).user
  if (!user.roles.includes(Role.Auditor) && !isSmsManager(user)) {
    throw new ForbiddenError(`Compliance needs: ${complianceReaders}.`)
  }
  next()
}

const clauseParam = { type: 'string', pattern: '^[4-9](\\.[0-9]{1,2}){0,3}$', maxLength: 12 }
const periodProps = {
  from: { type: 'string', format: 'date-time' },
  to: { type: 'string', format: 'date-time' },
}
const matrixQuery = {
  type: 'object',
  properties: { ...periodProps, clause: clauseParam },
  additionalProperties: false,
} as const
const drillQuery = {
  type: 'object',
  properties: { ...periodProps, limit: limitSchema(5000) },
  additionalProperties: false,
} as const
const packQuery = {
  type: 'object',
  properties: {
    ...periodProps,
    clauses: {
      type: 'string',
      pattern: '^[4-9](\\.[0-9]{1,2}){0,3}(,[4-9](\\.[0-9]{1,2}){0,3}){0,40}$',
      maxLength: 400,
    },
    sampleSize: { type: 'integer', minimum: 1, maximum: 50, default: 3 },
    seed: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
    format: { enum: ['json', 'html'], default: 'json' },
  },
  additionalProperties: false,
} as const
const idParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: REQUIREMENT_ID_PATTERN, maxLength: 20 } },
  required: ['id'],
} as const

type PeriodQuery = { from?: string; to?: string }
const validateMatrix = queryValidator<PeriodQuery & { clause?: string }>(matrixQuery)
const validateDrill = queryValidator<PeriodQuery & { limit?: number }>(drillQuery)
const validatePack = queryValidator<
  PeriodQuery & { clauses?: string; sampleSize: number; seed?: string; format: 'json' | 'html' }
>(packQuery)
const validateId = paramsValidator<{ id: string }>(idParams)

/** Without `to`, now; without `from`, a year before `to`. */
export function periodOf(q: PeriodQuery, now: Date): Period {
  refuseReversedRange(q.from, q.to, '/to', 'from')
  const to = q.to ? new Date(q.to) : now
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 365 * 86_400_000)
  return { from, to }
}

export function complianceRoutes({
  compliance,
  now = () => new Date(),
}: {
  compliance: ComplianceService
  now?: () => Date
}): Router {
  const r = Router()
  r.get('/compliance/requirements', requireComplianceReader, (_req, res) => {
    res.json({ items: requirements })
  })
  r.get('/compliance/matrix', requireComplianceReader, async (req, res) => {
    const q = validateMatrix(req.query)
    const period = periodOf(q, now())
    res.json({
      period: { from: period.from.toISOString(), to: period.to.toISOString() },
      items: await compliance.matrix(period, q.clause),
      unknownIds: await compliance.unknownIds(),
    })
  })
  r.get('/compliance/requirements/:id', requireComplianceReader, async (req, res) => {
    const { id } = validateId(req.params)
    const q = validateDrill(req.query)
    res.json(await compliance.drillDown(id, periodOf(q, now()), q.limit))
  })
  r.get('/compliance/gaps', requireComplianceReader, async (req, res) => {
    const q = validateMatrix(req.query)
    const at = now()
    res.json(await findGaps(compliance.db, await compliance.matrix(periodOf(q, at), q.clause), at))
  })
  r.get('/compliance/audit-pack', requireComplianceReader, async (req, res) => {
    const q = validatePack(req.query)
    const pack = await auditPack(compliance, {
      period: periodOf(q, now()),
      clauses: q.clauses ? q.clauses.split(',') : [],
      sampleSize: q.sampleSize,
      seed: q.seed,
      by: sessionOf(req).user.username,
      at: now(),
    })
    if (q.format === 'html') {
      // a printable export: runs nothing and loads nothing, like the history export
      res.type('html').setHeader('Content-Security-Policy', EXPORT_CSP).send(auditPackHtml(pack))
      return
    }
    res.json(pack)
  })
  return r
}

const roles = [Role.Auditor, Role.Admin, Role.Staff]
const description = `Allowed to: ${complianceReaders}.`
const query = (schema: { properties: Record<string, unknown> }) =>
  Object.entries(schema.properties).map(([name, s]) => ({
    name,
    schema: s as Record<string, unknown>,
  }))
openapi.register(
  {
    method: 'get',
    path: '/compliance/requirements',
    tag: 'compliance',
    summary: 'The requirements catalogue: every requirement of ISO/IEC 20000-1:2011 clauses 4–9',
    description,
    roles,
  },
  {
    method: 'get',
    path: '/compliance/matrix',
    tag: 'compliance',
    summary:
      'Per requirement: the elements, records, documents and reports carrying it, evidence counts of the period, tests, status',
    description: `${description} Period defaults: to = now, from = a year before.`,
    roles,
    query: query(matrixQuery),
  },
  {
    method: 'get',
    path: '/compliance/requirements/:id',
    tag: 'compliance',
    summary: 'One requirement: the instances, records and evidence entries behind its counts',
    description,
    roles,
    params: { id: idParams.properties.id },
    query: query(drillQuery),
  },
  {
    method: 'get',
    path: '/compliance/gaps',
    tag: 'compliance',
    summary:
      'Requirements not evidenced in the period, overdue reviews, expired documents, open nonconformities, each with its door',
    description,
    roles,
    query: query(matrixQuery),
  },
  {
    method: 'get',
    path: '/compliance/audit-pack',
    tag: 'compliance',
    summary:
      'The audit pack of a period and clauses: the matrix with evidence sampled per requirement (reproducible from the seed it states), replay links, hashes and chain verification',
    description,
    roles,
    query: query(packQuery),
  },
)
