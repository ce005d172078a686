/**
 * Reading records: lists with filters, text search, created range, sort and pagination; one
 * record with its links, process instances, comments, attachments, status history and activity
 * stream; the look-ups workers use. Every answer is cut to what the reader may see
 * (`projection.ts`): customers never receive staff-only fields (8.1).
 */
import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { DB } from '../db/schema'
import { iso } from '../db/timestamps'
import { ForbiddenError, UnexpectedError, UserError } from '../errors'
import { OutboxKind, type Outbox } from '../outbox/outbox'
import { canReadKind, seesOwnOnly, type Actor } from './access'
import { activityOf } from './activity'
import {
  commentsOf,
  toAttachment,
  toLink,
  toRecord,
  type CaseDetail,
  type CaseLink,
  type CaseRecord,
  type ListQuery,
  type ListResult,
  type OperationalCase,
  type Row,
} from './case-record'
import { readableRow, rowOf } from './case-rows'
import { isCaseKind, kindSpecs, type CaseKind, type KindSpec } from './kinds'
import { caseForActor, hiddenDataKeys, withReferenceNames } from './projection'
import { statusHistoryOf } from './status-history'

/** Sortable columns every kind has, by API name. */
const commonColumns: Record<string, string> = {
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  status: 'status',
  id: 'id',
}

export interface CaseQueriesDeps {
  db: Kysely<DB>
  outbox: Outbox
  /** Whether procedures are started (a record without an instance then says why). */
  startsProcedures: boolean
}

/** The read side of the case service. */
export class CaseQueries {
  private readonly db: Kysely<DB>

  constructor(private readonly deps: CaseQueriesDeps) {
    this.db = deps.db
  }

  /** Records of `kind` visible to `actor`, filtered, sorted and paginated, with the total. */
  async list(kind: CaseKind, query: ListQuery, actor: Actor): Promise<ListResult<CaseRecord>> {
    const spec = kindSpecs[kind]
    if (!canReadKind(actor, kind)) throw new ForbiddenError(`You may not read ${spec.label}s.`)
    const where: RawBuilder<unknown>[] = []
    if (spec.table === 'cases') where.push(sql`kind = ${kind}`)
    if (seesOwnOnly(actor, kind)) where.push(sql`requester = ${actor.username}`)
    if (query.status?.length) {
      where.push(sql`status in (${sql.join(query.status.map((s) => sql`${s}`))})`)
    }
    for (const [name, value] of Object.entries(query.filters ?? {})) {
      const field = spec.fields.find((f) => f.api === name && f.filter)
      if (!field) throw new UserError(`Cannot filter ${spec.label}s by ${name}.`)
      where.push(sql`${sql.ref(field.column)} = ${field.integer ? Number(value) : String(value)}`)
    }
    if (query.q) {
      const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
      // customers search only the data they may see (a staff-only value is no search key)
      const hidden = hiddenDataKeys(kind, actor)
      const data = hidden.length
        ? sql`(data - array[${sql.join(hidden.map((k) => sql`${k}`))}]::text[])`
        : sql`data`
      where.push(
        sql`(id ilike ${like} or ${sql.ref(spec.titleColumn)} ilike ${like} or ${data}::text ilike ${like})`,
      )
    }
    if (query.createdFrom) where.push(sql`created_at >= ${new Date(query.createdFrom)}`)
    if (query.createdTo) where.push(sql`created_at < ${new Date(query.createdTo)}`)
    const condition = where.length ? sql.join(where, sql` and `) : sql`true`

    const sortKey = (query.sort ?? '-createdAt').replace(/^-/, '')
    const descending = (query.sort ?? '-createdAt').startsWith('-')
    const sortColumn = commonColumns[sortKey] ?? spec.fields.find((f) => f.api === sortKey)?.column
    if (!sortColumn) throw new UserError(`Cannot sort ${spec.label}s by ${sortKey}.`)
    const direction = sql.raw(descending ? 'desc nulls last' : 'asc nulls last')
    const limit = Math.min(Math.max(query.limit ?? 50, 1), 200)
    const offset = Math.max(query.offset ?? 0, 0)

    const table = sql.table(spec.table)
    const [rows, count] = await Promise.all([
      sql<Row>`select * from ${table} where ${condition}
        order by ${sql.ref(sortColumn)} ${direction}, id asc limit ${limit} offset ${offset}`.execute(
        this.db,
      ),
      sql<{ n: string | number }>`select count(*) as n from ${table} where ${condition}`.execute(
        this.db,
      ),
    ])
    const items = rows.rows.map((r) => caseForActor(kind, toRecord(spec, r), actor))
    return {
      items: await withReferenceNames(this.db, items),
      total: Number(count.rows[0]?.n ?? 0),
      limit,
      offset,
    }
  }

  /** One record with its links, process instances, comments and attachment list. */
  async get(kind: CaseKind, id: string, actor: Actor): Promise<CaseDetail> {
    const spec = kindSpecs[kind]
    const row = await readableRow(spec, id, actor, this.db)
    return this.detail(spec, row, actor)
  }

  /** The record without what hangs on it; undefined when it does not exist. For workers. */
  async find(kind: CaseKind, id: string): Promise<CaseRecord | undefined> {
    const spec = kindSpecs[kind]
    const row = await rowOf(spec, id, this.db)
    return row ? toRecord(spec, row) : undefined
  }

  /** The operational case (incident, problem, …) or undefined. For workers. */
  async findCase(kind: CaseKind, id: string): Promise<OperationalCase | undefined> {
    if (kindSpecs[kind].table !== 'cases') throw new UserError(`${kind} is not a case kind.`)
    return (await this.find(kind, id)) as OperationalCase | undefined
  }

  /** The case a process instance handles, if the server linked one. */
  async findByProcessInstance(
    processInstanceKey: string,
  ): Promise<{ kind: CaseKind; id: string } | undefined> {
    const row = await this.db
      .selectFrom('case_processes')
      .select(['case_kind', 'case_id'])
      .where('process_instance_key', '=', processInstanceKey)
      .executeTakeFirst()
    return row && isCaseKind(row.case_kind) ? { kind: row.case_kind, id: row.case_id } : undefined
  }

  /** Links in both directions of a record. */
  async linksOf(kind: CaseKind, id: string, db: Kysely<DB> = this.db): Promise<CaseLink[]> {
    const rows = await db
      .selectFrom('case_links')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb('from_kind', '=', kind), eb('from_id', '=', id)]),
          eb.and([eb('to_kind', '=', kind), eb('to_id', '=', id)]),
        ]),
      )
      .orderBy('id')
      .execute()
    return rows.map(toLink)
  }

  /** The record with what hangs on it, as `actor` may see it ({@link caseForActor}). */
  async detail(spec: KindSpec, row: Row, actor: Actor): Promise<CaseDetail> {
    const [record] = await withReferenceNames(this.db, [toRecord(spec, row)])
    if (!record) throw new UnexpectedError(`${String(row.id)} could not be read.`)
    const [links, processes, attachments, statusHistory, activity] = await Promise.all([
      this.linksOf(spec.kind, record.id),
      this.db
        .selectFrom('case_processes')
        .selectAll()
        .where('case_kind', '=', spec.kind)
        .where('case_id', '=', record.id)
        .orderBy('started_at')
        .execute(),
      this.db
        .selectFrom('case_attachments')
        .select(['id', 'name', 'content_type', 'size', 'sha256', 'uploaded_by', 'created_at'])
        .where('case_kind', '=', spec.kind)
        .where('case_id', '=', record.id)
        .orderBy('id')
        .execute(),
      statusHistoryOf(this.db, spec.kind, record.id),
      activityOf(this.db, spec.kind, record.id, actor),
    ])
    // a procedure that could not start (yet) says why, until it runs
    const start =
      processes.length === 0 && this.deps.startsProcedures
        ? await this.deps.outbox.latest(OutboxKind.StartProcedure, `${spec.kind}:${record.id}`)
        : undefined
    return caseForActor(
      spec.kind,
      {
        ...record,
        ...(start && start.state !== 'done' && start.lastError
          ? { processStartError: start.lastError }
          : {}),
        links,
        processInstances: processes.map((p) => ({
          processInstanceKey: p.process_instance_key,
          bpmnProcessId: p.bpmn_process_id,
          processDefinitionKey: p.process_definition_key,
          version: p.process_version,
          startedBy: p.started_by,
          startedAt: iso(p.started_at),
        })),
        // the stream's notes and replies (task comments among the notes), as the reader may see
        // them: customers read replies only, never a work note (8.1)
        comments: commentsOf(activity),
        attachments: attachments.map(toAttachment),
        statusHistory,
        activity,
      },
      actor,
    )
  }
}
