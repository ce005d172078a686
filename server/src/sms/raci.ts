/**
 * Roles and responsibilities (ISO/IEC 20000-1 4.1.3, 4.4.1): a RACI per procedure (by its
 * bpmnProcessId) and per SMS document: for each activity who is Responsible, Accountable,
 * Consulted and Informed (groups or people). SMS managers write it; everyone else reads it.
 */
import { Router } from 'express'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { iso } from '../db/timestamps'
import { writeWithEvidence, type AuditSink } from '../evidence/audit-sink'
import { NotFoundError } from '../errors'
import { openapi } from '../http/openapi'
import { bodyValidator, paramsValidator } from '../http/validation'
import { actorOf, requireSmsReader, requireSmsWriter } from './access'
import { readOp, writeOp } from './openapi-helpers'

export interface RaciRow {
  activity: string
  responsible: string[]
  accountable: string
  consulted: string[]
  informed: string[]
}
export interface Raci {
  subjectType: 'process' | 'document'
  subjectId: string
  rows: RaciRow[]
  updatedBy: string
  updatedAt: string
}

const who = { type: 'string', minLength: 1, maxLength: 100 } as const
const whoList = { type: 'array', maxItems: 30, uniqueItems: true, items: who } as const
export const raciBody = {
  type: 'object',
  additionalProperties: false,
  required: ['rows'],
  properties: {
    rows: {
      type: 'array',
      maxItems: 100,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['activity', 'responsible', 'accountable', 'consulted', 'informed'],
        properties: {
          activity: { type: 'string', minLength: 1, maxLength: 300 },
          responsible: { ...whoList, minItems: 1 },
          // one accountable person or group per activity
          accountable: who,
          consulted: whoList,
          informed: whoList,
        },
      },
    },
  },
} as const
const raciParams = {
  type: { enum: ['process', 'document'] },
  id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$' },
} as const
const validateParams = paramsValidator<{ type: Raci['subjectType']; id: string }>({
  type: 'object',
  properties: raciParams,
  required: ['type', 'id'],
})
const validateBody = bodyValidator<{ rows: RaciRow[] }>(raciBody)

export class RaciService {
  constructor(private readonly deps: { db: Kysely<DB>; audit: AuditSink; now: () => Date }) {}

  async list(): Promise<Raci[]> {
    const rows = await this.deps.db
      .selectFrom('sms_raci')
      .selectAll()
      .orderBy('subject_type')
      .orderBy('subject_id')
      .execute()
    return rows.map((r) => ({
      subjectType: r.subject_type as Raci['subjectType'],
      subjectId: r.subject_id,
      rows: r.rows as RaciRow[],
      updatedBy: r.updated_by,
      updatedAt: iso(r.updated_at),
    }))
  }

  async get(type: Raci['subjectType'], id: string): Promise<Raci> {
    const found = (await this.list()).find((r) => r.subjectType === type && r.subjectId === id)
    if (!found) throw new NotFoundError(`No RACI for ${type} ${id}.`)
    return found
  }

  async set(type: Raci['subjectType'], id: string, rows: RaciRow[], actor: string): Promise<Raci> {
    await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const exists =
        type === 'document'
          ? await tx
              .selectFrom('sms_documents')
              .select('id')
              .where('id', '=', id)
              .executeTakeFirst()
          : await tx
              .selectFrom('process_versions')
              .select('bpmn_process_id')
              .where('bpmn_process_id', '=', id)
              .executeTakeFirst()
      if (!exists) throw new NotFoundError(`No ${type} ${id}.`)
      const before = await tx
        .selectFrom('sms_raci')
        .select('rows')
        .where('subject_type', '=', type)
        .where('subject_id', '=', id)
        .executeTakeFirst()
      const now = this.deps.now()
      await tx
        .insertInto('sms_raci')
        .values({
          subject_type: type,
          subject_id: id,
          rows: JSON.stringify(rows),
          updated_by: actor,
          updated_at: now,
        })
        .onConflict((oc) =>
          oc
            .columns(['subject_type', 'subject_id'])
            .doUpdateSet({ rows: JSON.stringify(rows), updated_by: actor, updated_at: now }),
        )
        .execute()
      return {
        result: null,
        evidence: {
          actor,
          action: 'raci.set',
          entityType: `raci-${type}`,
          entityId: id,
          before: before?.rows ?? null,
          after: rows,
        },
      }
    })
    return this.get(type, id)
  }
}

export function raciRoutes({ raci }: { raci: RaciService }): Router {
  const r = Router()
  r.get('/sms/raci', requireSmsReader, async (_req, res) => {
    res.json({ items: await raci.list() })
  })
  r.get('/sms/raci/:type/:id', requireSmsReader, async (req, res) => {
    const { type, id } = validateParams(req.params)
    res.json(await raci.get(type, id))
  })
  r.put('/sms/raci/:type/:id', requireSmsWriter, async (req, res) => {
    const { type, id } = validateParams(req.params)
    res.json(await raci.set(type, id, validateBody(req.body).rows, actorOf(req)))
  })
  return r
}

openapi.register(
  readOp({
    method: 'get',
    path: '/sms/raci',
    summary: 'Every RACI: per procedure and per SMS document (4.1.3)',
  }),
  readOp({
    method: 'get',
    path: '/sms/raci/:type/:id',
    summary: 'The RACI of a procedure or a document',
    params: raciParams,
  }),
  writeOp({
    method: 'put',
    path: '/sms/raci/:type/:id',
    summary: 'Set the RACI of a procedure or a document',
    params: raciParams,
    requestBody: raciBody,
  }),
)
