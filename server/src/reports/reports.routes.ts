/**
 * Service reports (ISO/IEC 20000-1 6.2): report definitions, runs that store snapshots, and the
 * stored snapshots with their CSV and printable HTML exports. Managers (admins, process owners,
 * top management) define and run reports; auditors read the stored snapshots, never run one.
 */
import { Router, type Request, type RequestHandler } from 'express'
import { sessionOf } from '../auth/auth.middleware'
import { Role, StaffGroup } from '../auth/roles'
import { ForbiddenError } from '../errors'
import { openapi } from '../http/openapi'
import { bodyValidator, paramsValidator, queryValidator } from '../http/validation'
import { allSections, Granularity, Schedule } from './report-model'
import { snapshotCsv, snapshotHtml } from './report-export'
import type { DefinitionInput, ReportsService } from './reports.service'

/** Who may define and run reports: admins, process owners and top management. */
export const reportManagers = 'admin, process-owner, or staff in the top-management group'
/** Who may read definitions and stored snapshots: the managers and auditors (read-only). */
export const reportReaders = `${reportManagers}, auditor`

function isManager(req: Request): boolean {
  const { user } = sessionOf(req)
  return (
    user.roles.includes(Role.Admin) ||
    user.roles.includes(Role.ProcessOwner) ||
    (user.roles.includes(Role.Staff) && user.groups.some((g) => g.id === StaffGroup.TopManagement))
  )
}

const requireManager: RequestHandler = (req, _res, next) => {
  if (!isManager(req)) {
    throw new ForbiddenError(`Defining and running reports needs: ${reportManagers}.`)
  }
  next()
}
const requireReader: RequestHandler = (req, _res, next) => {
  if (!isManager(req) && !sessionOf(req).user.roles.includes(Role.Auditor)) {
    throw new ForbiddenError(`Reading reports needs: ${reportReaders}.`)
  }
  next()
}

const refSchema = (prefix: string) =>
  ({ type: 'string', pattern: `^${prefix}-[0-9]{6,12}$`, maxLength: 20 }) as const
const definitionIdSchema = refSchema('RPT')
const snapshotIdSchema = refSchema('RPS')
const dateTime = { type: 'string', format: 'date-time', maxLength: 40 } as const

/** The body of `POST /reports/definitions`. */
export const definitionBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'audience', 'sections', 'period'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    audience: { type: 'string', minLength: 1, maxLength: 200 },
    sections: {
      type: 'array',
      minItems: 1,
      maxItems: allSections.length,
      uniqueItems: true,
      items: { enum: [...allSections] },
    },
    period: {
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind'],
          properties: { kind: { enum: ['previous-month', 'current-month'] } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'from', 'to'],
          properties: { kind: { const: 'fixed' }, from: dateTime, to: dateTime },
        },
      ],
    },
    granularity: { enum: Object.values(Granularity) },
    schedule: { enum: Object.values(Schedule) },
  },
} as const
const validateDefinition = bodyValidator<DefinitionInput>(definitionBodySchema)
const runBodySchema = { type: 'object', additionalProperties: false, properties: {} } as const
const validateRun = bodyValidator<Record<string, never>>(runBodySchema)

const definitionParams = { id: definitionIdSchema }
const validateDefinitionParams = paramsValidator<{ id: string }>({
  type: 'object',
  properties: definitionParams,
  required: ['id'],
})
const snapshotParams = { id: snapshotIdSchema }
const validateSnapshotParams = paramsValidator<{ id: string }>({
  type: 'object',
  properties: snapshotParams,
  required: ['id'],
})
const listQuery = { definitionId: definitionIdSchema } as const
const validateListQuery = queryValidator<{ definitionId?: string }>({
  type: 'object',
  properties: listQuery,
  additionalProperties: false,
})

export function reportsRoutes({ reports }: { reports: ReportsService }): Router {
  const r = Router()
  r.get('/reports/definitions', requireReader, async (_req, res) => {
    res.json({ items: await reports.listDefinitions() })
  })
  r.post('/reports/definitions', requireManager, async (req, res) => {
    const body = validateDefinition(req.body)
    res.status(201).json(await reports.createDefinition(body, sessionOf(req).user.username))
  })
  r.post('/reports/definitions/:id/run', requireManager, async (req, res) => {
    const { id } = validateDefinitionParams(req.params)
    validateRun(req.body ?? {})
    res.status(201).json(await reports.run(id, sessionOf(req).user.username))
  })
  r.get('/reports/snapshots', requireReader, async (req, res) => {
    const { definitionId } = validateListQuery(req.query)
    res.json({ items: await reports.listSnapshots(definitionId) })
  })
  r.get('/reports/snapshots/:id', requireReader, async (req, res) => {
    const { text: _text, ...snapshot } = await reports.getSnapshot(
      validateSnapshotParams(req.params).id,
    )
    res.json(snapshot)
  })
  r.get('/reports/snapshots/:id/export.csv', requireReader, async (req, res) => {
    const s = await reports.getSnapshot(validateSnapshotParams(req.params).id)
    res
      .type('text/csv')
      .setHeader('Content-Disposition', `attachment; filename="${s.id}.csv"`)
      .send(snapshotCsv(s))
  })
  r.get('/reports/snapshots/:id/export.html', requireReader, async (req, res) => {
    const s = await reports.getSnapshot(validateSnapshotParams(req.params).id)
    res
      .type('text/html')
      .setHeader('Content-Disposition', `inline; filename="${s.id}.html"`)
      .send(snapshotHtml(s))
  })
  return r
}

const managers = [Role.Admin, Role.ProcessOwner, Role.Staff] as const
const readers = [...managers, Role.Auditor] as const
openapi.register(
  {
    method: 'get',
    path: '/reports/definitions',
    tag: 'reports',
    summary: 'Report definitions: what, which period, for whom, how often (6.2)',
    description: `Allowed to: ${reportReaders}.`,
    roles: readers,
  },
  {
    method: 'post',
    path: '/reports/definitions',
    tag: 'reports',
    summary: 'Define a report (6.2); `schedule: monthly` runs it on the first of each month',
    description: `Allowed to: ${reportManagers}.`,
    roles: managers,
    requestBody: definitionBodySchema,
  },
  {
    method: 'post',
    path: '/reports/definitions/:id/run',
    tag: 'reports',
    summary:
      'Run a report over all records and store its snapshot; its SHA-256 goes into the evidence trail',
    description: `Allowed to: ${reportManagers}. Auditors read snapshots but never run reports.`,
    roles: managers,
    params: definitionParams,
    requestBody: runBodySchema,
  },
  {
    method: 'get',
    path: '/reports/snapshots',
    tag: 'reports',
    summary: 'Stored report snapshots, newest first',
    description: `Allowed to: ${reportReaders}.`,
    roles: readers,
    query: Object.entries(listQuery).map(([name, schema]) => ({ name, schema })),
  },
  {
    method: 'get',
    path: '/reports/snapshots/:id',
    tag: 'reports',
    summary: 'One stored report snapshot, exactly as it was computed',
    description: `Allowed to: ${reportReaders}.`,
    roles: readers,
    params: snapshotParams,
  },
  {
    method: 'get',
    path: '/reports/snapshots/:id/export.csv',
    tag: 'reports',
    summary: 'A stored snapshot as CSV',
    roles: readers,
    params: snapshotParams,
    responseType: 'text/csv',
  },
  {
    method: 'get',
    path: '/reports/snapshots/:id/export.html',
    tag: 'reports',
    summary: 'A stored snapshot as a printable HTML page with its charts as inline SVG',
    roles: readers,
    params: snapshotParams,
    responseType: 'text/html',
  },
)
