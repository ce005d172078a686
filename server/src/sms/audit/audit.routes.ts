/**
 * Internal audit (ISO/IEC 20000-1 4.5.4.2) beside the generic `/internal-audits` and
 * `/audit-findings` record routes: the audit programme of a year with its coverage by clause,
 * the findings of one audit, and the areas each person works in (declared by SMS managers; an
 * auditor is never assigned to audit one of them).
 */
import { Router } from 'express'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema'
import type { AuditSink } from '../../evidence/audit-sink'
import { NotFoundError } from '../../errors'
import { openapi } from '../../http/openapi'
import { bodyValidator, paramsValidator, queryValidator } from '../../http/validation'
import { findingsOf } from './findings'
import {
  actingUser as actorOf,
  requireSmsManager,
  requireSmsReader,
  smsManagers,
  smsReaders,
} from '../access'
import { auditProgramme } from './programme'

const yearQuery = { year: { type: 'integer', minimum: 2000, maximum: 2100 } } as const
const validateYear = queryValidator<{ year?: number }>({
  type: 'object',
  properties: yearQuery,
  additionalProperties: false,
})
const auditParams = { id: { type: 'string', pattern: '^IA-[0-9]{6,12}$', maxLength: 20 } } as const
const validateAuditParams = paramsValidator<{ id: string }>({
  type: 'object',
  properties: auditParams,
  required: ['id'],
})
const userParams = { username: { type: 'string', minLength: 1, maxLength: 100 } } as const
const validateUserParams = paramsValidator<{ username: string }>({
  type: 'object',
  properties: userParams,
  required: ['username'],
})

/** The body of `PUT /sms/auditor-areas/:username`: every area the person works in. */
export const areasBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['areas'],
  properties: {
    areas: {
      type: 'array',
      maxItems: 100,
      uniqueItems: true,
      items: { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]{0,59}$' },
      description: 'Clauses (e.g. `8.1`) or procedures (bpmnProcessIds, e.g. `incident`).',
    },
  },
} as const
const validateAreas = bodyValidator<{ areas: string[] }>(areasBodySchema)

export function auditRoutes({
  db,
  audit,
  now,
}: {
  db: Kysely<DB>
  audit: AuditSink
  now: () => Date
}): Router {
  const r = Router()
  r.get('/sms/audit-programme', requireSmsReader, async (req, res) => {
    const { year } = validateYear(req.query)
    res.json(await auditProgramme(db, year ?? now().getUTCFullYear(), now()))
  })
  r.get('/sms/audits/:id/findings', requireSmsReader, async (req, res) => {
    const { id } = validateAuditParams(req.params)
    res.json({ items: await findingsOf(db, id) })
  })
  r.get('/sms/auditor-areas', requireSmsReader, async (_req, res) => {
    const rows = await db
      .selectFrom('sms_auditor_areas')
      .select(['username', 'area', 'declared_by', 'declared_at'])
      .orderBy('username')
      .orderBy('area')
      .execute()
    res.json({
      items: rows.map((a) => ({
        username: a.username,
        area: a.area,
        declaredBy: a.declared_by,
        declaredAt: new Date(a.declared_at).toISOString(),
      })),
    })
  })
  r.put('/sms/auditor-areas/:username', requireSmsManager, async (req, res) => {
    const { username } = validateUserParams(req.params)
    const { areas } = validateAreas(req.body)
    const actor = actorOf(req).username
    await db.transaction().execute(async (tx) => {
      const user = await tx
        .selectFrom('users')
        .select('id')
        .where('username', '=', username)
        .executeTakeFirst()
      if (!user) throw new NotFoundError(`No user ${username}.`)
      const before = await tx
        .selectFrom('sms_auditor_areas')
        .select('area')
        .where('username', '=', username)
        .execute()
      await tx.deleteFrom('sms_auditor_areas').where('username', '=', username).execute()
      if (areas.length) {
        await tx
          .insertInto('sms_auditor_areas')
          .values(areas.map((area) => ({ username, area, declared_by: actor })))
          .execute()
      }
      await audit.append(
        {
          actor,
          action: 'auditor-areas.declared',
          entityType: 'user',
          entityId: username,
          before: before.map((b) => b.area),
          after: areas,
        },
        tx,
      )
    })
    res.json({ username, areas })
  })
  return r
}

openapi.register(
  {
    method: 'get',
    path: '/sms/audit-programme',
    tag: 'sms',
    summary:
      'The audit programme of a year (4.5.4.2): audits, coverage by clause with earlier results, gaps, overdue corrective actions',
    description: `Allowed to: ${smsReaders}.`,
    roles: ['admin', 'process-owner', 'staff', 'auditor'],
    query: Object.entries(yearQuery).map(([name, schema]) => ({ name, schema })),
  },
  {
    method: 'get',
    path: '/sms/audits/:id/findings',
    tag: 'sms',
    summary: 'The findings (audit-finding records) of an internal audit',
    description: `Allowed to: ${smsReaders}.`,
    roles: ['admin', 'process-owner', 'staff', 'auditor'],
    params: auditParams,
  },
  {
    method: 'get',
    path: '/sms/auditor-areas',
    tag: 'sms',
    summary: 'The areas each person works in, so that nobody audits their own work (4.5.4.2)',
    description: `Allowed to: ${smsReaders}.`,
    roles: ['admin', 'process-owner', 'staff', 'auditor'],
  },
  {
    method: 'put',
    path: '/sms/auditor-areas/:username',
    tag: 'sms',
    summary: 'Declare the areas a person works in (replaces them)',
    description: `Allowed to: ${smsManagers}.`,
    roles: ['admin', 'staff'],
    params: userParams,
    requestBody: areasBodySchema,
  },
)
