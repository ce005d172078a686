/**
 * Roles and responsibilities (ISO/IEC 20000-1 4.1.3, 4.4.1): a RACI per procedure (by its
 * bpmnProcessId) and per SMS document: for each activity who is Responsible, Accountable,
 * Consulted and Informed (groups, people or roles). SMS managers write it; everyone else reads it.
 * Each activity has exactly one Accountable and at least one Responsible; every name is a group,
 * an active person or a role the product knows, and an activity appears once — otherwise the write
 * is 422 with an error per field (`/rows/1/accountable`), and nothing is stored.
 */
import { Router } from 'express'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { iso } from '../db/timestamps'
import { writeWithEvidence, type AuditSink } from '../evidence/audit-sink'
import { UnprocessableError } from '../cases/change-control'
import { NotFoundError, type FieldError } from '../errors'
import { allRoles } from '../auth/roles'
import { activityNames } from '../processes/bpmn'
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

/** Who can be named in a RACI. */
export interface RaciParty {
  id: string
  name: string
  type: 'group' | 'person' | 'role'
}
/** What the RACI editor offers: the procedures with their activities, the documents, the parties. */
export interface RaciOptions {
  processes: { id: string; name: string; activities: string[] }[]
  documents: { id: string; title: string }[]
  parties: RaciParty[]
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

  /** Who can be named: staff groups, active people (not customers), the roles. */
  async parties(db: Kysely<DB> = this.deps.db): Promise<RaciParty[]> {
    const groups = await db.selectFrom('groups').select(['id', 'name']).orderBy('id').execute()
    const people = await db
      .selectFrom('users')
      .select(['username', 'display_name', 'roles'])
      .where('active', '=', true)
      .orderBy('username')
      .execute()
    return [
      ...groups.map((g) => ({ id: g.id, name: g.name, type: 'group' as const })),
      ...people
        .filter((p) => p.roles.some((r) => r !== 'customer'))
        .map((p) => ({ id: p.username, name: p.display_name, type: 'person' as const })),
      ...allRoles.map((r) => ({
        id: r,
        name: `everyone with the role ${r}`,
        type: 'role' as const,
      })),
    ]
  }

  /** The editor's choices: deployed procedures with their activities, documents, parties. */
  async options(): Promise<RaciOptions> {
    const { db } = this.deps
    const versions = await db
      .selectFrom('process_versions')
      .select(['bpmn_process_id', 'name', 'xml', 'version'])
      .where('state', '=', 'deployed')
      .orderBy('bpmn_process_id')
      .execute()
    const processes = await Promise.all(
      versions.map(async (v) => ({
        id: v.bpmn_process_id,
        name: v.name || v.bpmn_process_id,
        activities: await activityNames(v.xml, v.bpmn_process_id),
      })),
    )
    const documents = await db
      .selectFrom('sms_documents')
      .select(['id', 'title'])
      .orderBy('id')
      .execute()
    return { processes, documents, parties: await this.parties() }
  }

  /** 4.1.3: a field error per unknown name and repeated activity (empty: the rows are sound). */
  private async problems(db: Kysely<DB>, rows: RaciRow[]): Promise<FieldError[]> {
    const known = new Set((await this.parties(db)).map((p) => p.id))
    const errors: FieldError[] = []
    const seen = new Map<string, number>()
    rows.forEach((row, i) => {
      const activity = row.activity.trim().toLowerCase()
      const first = seen.get(activity)
      if (first !== undefined) {
        errors.push({
          path: `/rows/${i}/activity`,
          message: `"${row.activity}" is already activity ${first + 1}: each activity has one row.`,
        })
      } else seen.set(activity, i)
      const check = (field: 'responsible' | 'accountable' | 'consulted' | 'informed') => {
        const names = field === 'accountable' ? [row.accountable] : row[field]
        const unknown = names.filter((n) => !known.has(n))
        if (unknown.length) {
          errors.push({
            path: `/rows/${i}/${field}`,
            message: `${unknown.join(', ')}: no such group, active person or role.`,
          })
        }
      }
      check('responsible')
      check('accountable')
      check('consulted')
      check('informed')
    })
    return errors
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
      const errors = await this.problems(tx, rows)
      if (errors.length) {
        throw new UnprocessableError(
          `The RACI of ${type} ${id} names what the product does not know or repeats an activity (ISO/IEC 20000-1 4.1.3); nothing was changed.`,
          errors,
        )
      }
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
  r.get('/sms/raci-options', requireSmsWriter, async (_req, res) => {
    res.json(await raci.options())
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
  writeOp({
    method: 'get',
    path: '/sms/raci-options',
    summary: 'What a RACI can name: procedures with their activities, documents, parties',
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
