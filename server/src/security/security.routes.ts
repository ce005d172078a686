/**
 * `/api/security/...` (ISO/IEC 20000-1 6.6): the information security policy of the SMS documents
 * register with its acknowledgements (6.6.1), the controls register and its reviews, external
 * parties' access with the controls agreed (6.6.2), security risks of the risk register with the
 * controls treating them (6.6.1), changes with their security risk (6.6.3, 9.2) and security
 * incidents with their handling and trends (6.6.3). Information security staff, SMS managers and
 * admins write; staff, process owners and auditors read.
 */
import { Router } from 'express'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { iso } from '../db/timestamps'
import { openapi, type OperationSpec } from '../http/openapi'
import { Role } from '../auth/roles'
import { bodyValidator, paramsValidator, queryValidator, versionSchema } from '../http/validation'
import { usernameSchema } from '../sms/access'
import type { DocumentsService } from '../sms/documents/documents.service'
import type { RisksService } from '../sms/risks/risks.service'
import {
  actorOf,
  requireSecurityReader,
  requireSecurityWriter,
  securityReaders,
  securityWriters,
} from './access'
import type { ControlInput, ControlPatch, ControlReviewInput } from './controls.service'
import type { SecurityControlsService } from './controls.service'
import type { PartyAccessInput, PartyAccessPatch, PartyAccessService } from './party-access.service'
import type { SecurityIncidentsService } from './incidents.service'
import type { SecurityRiskAssessmentsService } from './risk-assessments.service'
import {
  AccessStatus,
  ControlStatus,
  ControlTheme,
  PartyType,
  controlCatalogue,
} from './security-model'

const ref = (prefix: string) =>
  ({ type: 'string', pattern: `^${prefix}-[0-9]{6,12}$`, maxLength: 20 }) as const
const refs = (prefix: string) =>
  ({ type: 'array', maxItems: 100, uniqueItems: true, items: ref(prefix) }) as const
const text = (max: number) => ({ type: 'string', maxLength: max }) as const

const controlProperties = {
  reference: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$', maxLength: 40 },
  name: { type: 'string', minLength: 1, maxLength: 300 },
  theme: { enum: Object.values(ControlTheme) },
  objective: text(5000),
  owner: usernameSchema,
  status: { enum: Object.values(ControlStatus) },
  implementation: text(20_000),
  riskIds: refs('RSK'),
  reviewIntervalDays: { type: 'integer', minimum: 1, maximum: 1096 },
  nextReviewAt: { type: 'string', format: 'date-time', maxLength: 40 },
} as const
export const createControlBody = {
  type: 'object',
  additionalProperties: false,
  required: ['reference', 'name', 'theme', 'owner', 'status'],
  properties: controlProperties,
} as const
export const patchControlBody = {
  type: 'object',
  additionalProperties: false,
  required: ['version'],
  properties: { ...controlProperties, version: versionSchema },
} as const
export const controlReviewBody = {
  type: 'object',
  additionalProperties: false,
  required: ['status', 'effective'],
  properties: {
    status: { enum: Object.values(ControlStatus) },
    effective: { type: 'boolean' },
    notes: text(10_000),
  },
} as const
const accessProperties = {
  partyType: { enum: Object.values(PartyType) },
  supplierId: { anyOf: [ref('SUP'), { type: 'null' }] },
  partyName: { type: 'string', minLength: 1, maxLength: 300 },
  information: { type: 'string', minLength: 1, maxLength: 5000 },
  access: { type: 'string', minLength: 1, maxLength: 2000 },
  controlIds: refs('SC'),
  agreedControls: text(10_000),
  validUntil: { anyOf: [{ type: 'string', format: 'date-time', maxLength: 40 }, { type: 'null' }] },
} as const
export const createAccessBody = {
  type: 'object',
  additionalProperties: false,
  required: ['partyType', 'information', 'access', 'controlIds', 'agreedControls'],
  properties: accessProperties,
} as const
export const patchAccessBody = {
  type: 'object',
  additionalProperties: false,
  required: ['version'],
  properties: {
    ...accessProperties,
    status: { enum: Object.values(AccessStatus) },
    version: versionSchema,
  },
} as const
const controlsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { status: { enum: Object.values(ControlStatus) }, riskId: ref('RSK') },
} as const
const accessQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { supplierId: ref('SUP') },
} as const
const trendsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { type: 'string', format: 'date-time', maxLength: 40 },
    to: { type: 'string', format: 'date-time', maxLength: 40 },
  },
} as const

const validateCreateControl = bodyValidator<ControlInput>(createControlBody)
const validatePatchControl = bodyValidator<ControlPatch>(patchControlBody)
const validateReview = bodyValidator<ControlReviewInput>(controlReviewBody)
const validateCreateAccess = bodyValidator<PartyAccessInput>(createAccessBody)
const validatePatchAccess = bodyValidator<PartyAccessPatch>(patchAccessBody)
const validateControlsQuery = queryValidator<{ status?: string; riskId?: string }>(controlsQuery)
const validateAccessQuery = queryValidator<{ supplierId?: string }>(accessQuery)
const validateTrendsQuery = queryValidator<{ from?: string; to?: string }>(trendsQuery)
const idOf = (prefix: string) =>
  paramsValidator<{ id: string }>({
    type: 'object',
    properties: { id: ref(prefix) },
    required: ['id'],
  })
const controlId = idOf('SC')
const accessId = idOf('SPA')
const incidentId = idOf('INC')
const assessmentId = idOf('SRA')

const DAY = 86_400_000

/** The security risk levels a change assessment records (change-assessment form). */
const elevated = ['high', 'extensive']

/** 6.6.3, 9.2: changes with their security risk (every class), newest first. */
async function changesWithSecurityRisk(db: Kysely<DB>) {
  const rows = await db
    .selectFrom('cases')
    .select(['id', 'title', 'status', 'created_at', 'data'])
    .where('kind', '=', 'change')
    .orderBy('created_at', 'desc')
    .limit(500)
    .execute()
  return rows.map((r) => {
    const d = (r.data ?? {}) as Record<string, unknown>
    const securityRisk = typeof d.securityRisk === 'string' ? d.securityRisk : null
    return {
      id: r.id,
      title: r.title,
      status: r.status,
      changeType: typeof d.changeType === 'string' ? d.changeType : null,
      securityRisk,
      securityControlsEffect:
        typeof d.securityControlsEffect === 'string' ? d.securityControlsEffect : null,
      assessed: securityRisk !== null,
      elevated: securityRisk !== null && elevated.includes(securityRisk),
      createdAt: iso(r.created_at),
    }
  })
}

export function securityRoutes(deps: {
  db: Kysely<DB>
  controls: SecurityControlsService
  partyAccess: PartyAccessService
  incidents: SecurityIncidentsService
  riskAssessments: SecurityRiskAssessmentsService
  documents: DocumentsService
  risks: RisksService
  now: () => Date
}): Router {
  const { controls, partyAccess, incidents } = deps
  const r = Router()
  // 6.6.1 the information security policy: a controlled document of kind security-policy
  r.get('/security/policy', requireSecurityReader, async (_req, res) => {
    const docs = await deps.documents.list({ kind: 'security-policy' })
    const items = []
    for (const d of docs) {
      const full = await deps.documents.get(d.id)
      const effective = full.versions.find((v) => v.version === d.effectiveVersion) ?? null
      const acks = full.acknowledgements.filter((a) => a.version === d.effectiveVersion)
      items.push({
        ...d,
        approvedBy: effective?.approvedBy ?? null,
        approvedAt: effective?.approvedAt ?? null,
        communicatedTo: acks.length,
        acknowledged: acks.filter((a) => a.acknowledgedAt !== null).length,
        acknowledgements: acks,
      })
    }
    res.json({ items })
  })
  r.get('/security/control-catalogue', requireSecurityReader, (_req, res) => {
    res.json({ items: controlCatalogue })
  })
  r.get('/security/controls', requireSecurityReader, async (req, res) => {
    res.json({ items: await controls.list(validateControlsQuery(req.query)) })
  })
  r.post('/security/controls', requireSecurityWriter, async (req, res) => {
    res.status(201).json(await controls.create(validateCreateControl(req.body), actorOf(req)))
  })
  r.get('/security/controls/:id', requireSecurityReader, async (req, res) => {
    res.json(await controls.get(controlId(req.params).id))
  })
  r.patch('/security/controls/:id', requireSecurityWriter, async (req, res) => {
    const { id } = controlId(req.params)
    res.json(await controls.update(id, validatePatchControl(req.body), actorOf(req)))
  })
  // the owner may review their own control: checked in the service
  r.post('/security/controls/:id/reviews', requireSecurityReader, async (req, res) => {
    const { id } = controlId(req.params)
    res.status(201).json(await controls.review(id, validateReview(req.body), actorOf(req)))
  })
  // 6.6.1: security risks of the register with the controls that treat them
  r.get('/security/risks', requireSecurityReader, async (_req, res) => {
    const all = await controls.list()
    const now = deps.now().getTime()
    const risks = (await deps.risks.list()).filter((x) => x.category === 'security')
    res.json({
      items: risks.map((x) => ({
        ...x,
        reviewDue: x.status !== 'closed' && Date.parse(x.nextReviewAt) <= now,
        controls: all
          .filter((c) => c.riskIds.includes(x.id))
          .map((c) => ({ id: c.id, reference: c.reference, name: c.name, status: c.status })),
      })),
    })
  })
  r.get('/security/party-access', requireSecurityReader, async (req, res) => {
    res.json({ items: await partyAccess.list(validateAccessQuery(req.query)) })
  })
  r.post('/security/party-access', requireSecurityWriter, async (req, res) => {
    res.status(201).json(await partyAccess.create(validateCreateAccess(req.body), actorOf(req)))
  })
  r.get('/security/party-access/:id', requireSecurityReader, async (req, res) => {
    res.json(await partyAccess.get(accessId(req.params).id))
  })
  r.patch('/security/party-access/:id', requireSecurityWriter, async (req, res) => {
    const { id } = accessId(req.params)
    res.json(await partyAccess.update(id, validatePatchAccess(req.body), actorOf(req)))
  })
  r.get('/security/changes', requireSecurityReader, async (_req, res) => {
    res.json({ items: await changesWithSecurityRisk(deps.db) })
  })
  r.get('/security/incidents', requireSecurityReader, async (_req, res) => {
    res.json({ items: await incidents.list() })
  })
  r.get('/security/incidents/trends', requireSecurityReader, async (req, res) => {
    const q = validateTrendsQuery(req.query)
    const to = q.to ? new Date(q.to) : deps.now()
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - 365 * DAY)
    const lines = await incidents.trends(from, to)
    const total = lines.reduce((n, l) => n + l.count, 0)
    res.json({ from: from.toISOString(), to: to.toISOString(), total, lines })
  })
  r.get('/security/incidents/:id', requireSecurityReader, async (req, res) => {
    res.json(await incidents.get(incidentId(req.params).id))
  })
  // 6.6.1 the security risk assessments at planned intervals (security-risk-assessment.bpmn)
  r.get('/security/risk-assessments', requireSecurityReader, async (_req, res) => {
    res.json({ items: await deps.riskAssessments.list() })
  })
  r.get('/security/risk-assessments/:id', requireSecurityReader, async (req, res) => {
    res.json(await deps.riskAssessments.get(assessmentId(req.params).id))
  })
  return r
}

const tag = 'security'
type Spec = Omit<OperationSpec, 'roles' | 'tag'>
const readOp = (op: Spec): OperationSpec => ({
  ...op,
  tag,
  roles: [Role.Admin, Role.ProcessOwner, Role.Staff, Role.Auditor],
  description: [op.description, `Allowed to: ${securityReaders}.`].filter(Boolean).join(' '),
})
const writeOp = (op: Spec): OperationSpec => ({
  ...op,
  tag,
  roles: [Role.Admin, Role.Staff],
  description: [op.description, `Allowed to: ${securityWriters}.`].filter(Boolean).join(' '),
})
openapi.register(
  readOp({
    method: 'get',
    path: '/security/policy',
    summary:
      'The information security policy (SMS document of kind security-policy) with its approval and acknowledgements (6.6.1)',
  }),
  readOp({
    method: 'get',
    path: '/security/control-catalogue',
    summary: 'A starter catalogue of controls (Annex-A-style references) to fill the register',
  }),
  readOp({
    method: 'get',
    path: '/security/controls',
    summary: 'The register of information security controls (6.6.2)',
    query: [
      { name: 'status', schema: controlsQuery.properties.status },
      { name: 'riskId', schema: controlsQuery.properties.riskId },
    ],
  }),
  writeOp({
    method: 'post',
    path: '/security/controls',
    summary: 'Record a control with owner, status, implementation, risks and review date',
    requestBody: createControlBody,
  }),
  readOp({
    method: 'get',
    path: '/security/controls/:id',
    summary: 'A control with its reviews',
    params: { id: ref('SC') },
  }),
  writeOp({
    method: 'patch',
    path: '/security/controls/:id',
    summary: 'Change a control (`version` as read)',
    params: { id: ref('SC') },
    requestBody: patchControlBody,
  }),
  writeOp({
    method: 'post',
    path: '/security/controls/:id/reviews',
    summary: 'Review a control (status, effective); plans the next review',
    description: 'The control owner may review it too.',
    params: { id: ref('SC') },
    requestBody: controlReviewBody,
  }),
  readOp({
    method: 'get',
    path: '/security/risks',
    summary: 'Security risks of the risk register with their review date and controls (6.6.1)',
  }),
  readOp({
    method: 'get',
    path: '/security/party-access',
    summary: "External parties' access to information with the controls agreed (6.6.2)",
    query: [{ name: 'supplierId', schema: accessQuery.properties.supplierId }],
  }),
  writeOp({
    method: 'post',
    path: '/security/party-access',
    summary: "Record an external party's access with the controls agreed",
    requestBody: createAccessBody,
  }),
  readOp({
    method: 'get',
    path: '/security/party-access/:id',
    summary: "An external party's access",
    params: { id: ref('SPA') },
  }),
  writeOp({
    method: 'patch',
    path: '/security/party-access/:id',
    summary: 'Change or revoke an access (`version` as read)',
    params: { id: ref('SPA') },
    requestBody: patchAccessBody,
  }),
  readOp({
    method: 'get',
    path: '/security/changes',
    summary: 'Changes of every class with their assessed information security risk (6.6.3, 9.2)',
  }),
  readOp({
    method: 'get',
    path: '/security/incidents',
    summary: 'Information security incidents with their handling (6.6.3)',
  }),
  readOp({
    method: 'get',
    path: '/security/incidents/trends',
    summary: 'Security incidents per month and category: volume, high priority, reported (6.6.3)',
    query: [
      { name: 'from', schema: trendsQuery.properties.from },
      { name: 'to', schema: trendsQuery.properties.to },
    ],
  }),
  readOp({
    method: 'get',
    path: '/security/incidents/:id',
    summary: 'The handling of one security incident',
    params: { id: ref('INC') },
  }),
  readOp({
    method: 'get',
    path: '/security/risk-assessments',
    summary:
      'Information security risk assessments at planned intervals (security-risk-assessment.bpmn): the security risks assessed, findings, treatment and actions (6.6.1)',
  }),
  readOp({
    method: 'get',
    path: '/security/risk-assessments/:id',
    summary: 'One information security risk assessment',
    params: { id: ref('SRA') },
  }),
)
