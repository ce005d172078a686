/**
 * One service for every record kind of {@link kindSpecs}: list, get, create, update (with
 * optimistic concurrency), status changes by the procedures, links and attachments (work notes
 * and replies: `activity.service.ts`).
 * Every state change writes its evidence entry (4.3.3) in the same transaction and publishes a
 * `case.*` event after commit. Every method takes the acting user and enforces the rules of
 * `access.ts`; workers pass {@link systemActor}.
 */
import { createHash } from 'node:crypto'
import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { DB } from '../db/schema'
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  isDatabaseUnavailable,
  ServiceUnavailableError,
  UnexpectedError,
  UserError,
} from '../errors'
import type { AuditTrail } from '../evidence/audit-trail'
import type { Logger } from '../log'
import type { EventBus } from '../realtime/bus'
import {
  canComment,
  canCreate,
  canRead,
  canReadKind,
  canWrite,
  isCustomer,
  staffDecidedFields,
  isSystemActor,
  seesOwnOnly,
  type Actor,
  type RecordScope,
} from './access'
import {
  SUPPLIER_REVIEW_PROCESS,
  customerKinds,
  finalStatuses,
  isCaseKind,
  kindSpecs,
  processOfKind,
  type CaseKind,
  type KindSpec,
} from './kinds'
import { caseForActor, hiddenDataKeys, withReferenceNames } from './projection'
import {
  refuseReadonly,
  refuseStaffDecided,
  validateCreate,
  validateData,
  validatePatch,
} from './validators'
import type { RecordPatch } from './record-updates'
import {
  recordStatusChange,
  statusHistoryOf,
  type ChangeOrigin,
  type StatusChange,
} from './status-history'
import { activityOf, commentsFor, type ActivityEntry, type CommentRow } from './activity'
import { nextReference } from './references'
import { slaTargetsOf } from './sla-targets'
import { iso, isoOrNull } from '../db/timestamps'
import { CrashPoint, Outbox, OutboxKind, type Checkpoint } from '../outbox/outbox'
import {
  ProcedureStarts,
  type LinkedInstance,
  type ProcedureStartPayload,
  type ProcessStarter,
} from './procedure-starts'
import { checkCreate, checkEdit } from './change-control'
import { changesAuditorOrScope, checkAuditorIndependence } from '../sms/audit/independence'
import { ChangeRecordEdits } from './change-record-edits'

export type { ProcessStarter } from './procedure-starts'
/** A record of any kind as the API returns it: typed fields by their API names, plus `data`. */
export interface CaseRecord {
  kind: CaseKind
  id: string
  status: string
  version: number
  createdBy: string
  createdAt: string
  updatedAt: string
  data: Record<string, unknown>
  [field: string]: unknown
}

/** An operational case (incident, problem, change, …) with its typed fields. */
export interface OperationalCase extends CaseRecord {
  title: string
  priority: number | null
  serviceId: string | null
  ciId: string | null
  supplierId: string | null
  assignedGroup: string | null
  assignee: string | null
  requester: string | null
  closedAt: string | null
}

/** A link between two records. */
export interface CaseLink {
  id: number
  fromKind: string
  fromId: string
  toKind: string
  toId: string
  linkType: string
  createdBy: string
  createdAt: string
}

/** A process instance that handles a record. */
export interface CaseProcessInstance {
  processInstanceKey: string
  bpmnProcessId: string
  processDefinitionKey: string
  version: number
  startedBy: string
  startedAt: string
}

/** A work note (`visibility: staff`) or reply (`customer`); see `activity.ts`. */
export interface CaseComment {
  id: number
  author: string
  body: string
  createdAt: string
  visibility: string
  taskId: string | null
}

export interface AttachmentInfo {
  id: number
  name: string
  contentType: string
  size: number
  sha256: string
  uploadedBy: string
  createdAt: string
}

/** A record with everything hung on it. */
export interface CaseDetail extends CaseRecord {
  links: CaseLink[]
  processInstances: CaseProcessInstance[]
  comments: CaseComment[]
  attachments: AttachmentInfo[]
  /** Every status change: who, when, at which element of the procedure (8.1 d, 8.2 e). */
  statusHistory: StatusChange[]
  /** Notes, replies, status changes and completed tasks in time order, as the reader may see them. */
  activity: ActivityEntry[]
  /** Set when the record was stored but its procedure could not be started. */
  processStartError?: string
}

/** List filters; typed-field filters by API name (e.g. `assignee`, `serviceId`). */
export interface ListQuery {
  status?: string[]
  q?: string
  createdFrom?: string
  createdTo?: string
  /** API field name, `-` prefix for descending; default `-createdAt`. */
  sort?: string
  limit?: number
  offset?: number
  filters?: Record<string, string | number>
}

export interface ListResult<T> {
  items: T[]
  total: number
  limit: number
  offset: number
}

/** Default responsible group of new cases per kind (the first line for customer kinds). */
const defaultGroup: Partial<Record<CaseKind, string>> = {
  incident: 'service-desk',
  'service-request': 'service-desk',
  complaint: 'service-desk',
  problem: 'problem-managers',
  'known-error': 'problem-managers',
  change: 'change-managers',
  release: 'release-managers',
  improvement: 'improvement-managers',
  'internal-audit': 'sms-managers',
  'management-review': 'sms-managers',
}

type Row = Record<string, unknown>

function toRecord(spec: KindSpec, row: Row): CaseRecord {
  const r: CaseRecord = {
    kind: spec.kind,
    id: String(row.id),
    status: String(row.status),
    version: Number(row.version),
    createdBy: String(row.created_by),
    createdAt: iso(row.created_at as Date | string),
    updatedAt: iso(row.updated_at as Date | string),
    data: (row.data ?? {}) as Record<string, unknown>,
  }
  for (const f of spec.fields) {
    const v = row[f.column]
    r[f.api] = v instanceof Date ? v.toISOString() : f.integer && v !== null ? Number(v) : v
  }
  if (spec.table === 'cases') r.closedAt = isoOrNull(row.closed_at as Date | string | null)
  return r
}

/** The parts of a stored row the rules of `access.ts` look at. */
export function scopeOf(spec: KindSpec, row: Row): RecordScope {
  return spec.table === 'cases'
    ? {
        assignedGroup: row.assigned_group as string | null,
        assignee: row.assignee as string | null,
        requester: row.requester as string | null,
      }
    : { ownerGroup: (row.owner_group as string | null) ?? null }
}

/** Sortable columns every kind has, by API name. */
const commonColumns: Record<string, string> = {
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  status: 'status',
  id: 'id',
}

export interface CaseServiceDeps {
  db: Kysely<DB>
  audit: AuditTrail
  bus?: EventBus
  /** Starts the procedures of process-driven kinds; without it no procedure is started. */
  processStarter?: ProcessStarter
  log?: Logger
  /** Largest attachment in bytes (default 1 MiB). */
  maxAttachmentBytes?: number
  /** Crash-test hook (see {@link CrashPoint}). */
  checkpoint?: Checkpoint
}

/** The generic record service. */
export class CaseService {
  private readonly db: Kysely<DB>
  private readonly maxAttachmentBytes: number
  /** Procedure starts through the outbox (absent without a process starter). */
  readonly starts?: ProcedureStarts
  private readonly outbox: Outbox
  /** Edits of records under change control that changes apply (9.2, `change-control.ts`). */
  readonly changeControl: ChangeRecordEdits

  constructor(private readonly deps: CaseServiceDeps) {
    this.db = deps.db
    this.changeControl = new ChangeRecordEdits({ db: deps.db, audit: deps.audit, cases: this })
    this.maxAttachmentBytes = deps.maxAttachmentBytes ?? 1024 * 1024
    this.outbox = new Outbox(deps.db)
    if (deps.processStarter) {
      this.starts = new ProcedureStarts({
        db: deps.db,
        outbox: this.outbox,
        starter: deps.processStarter,
        log: deps.log,
        link: (tx, p, instance) => this.linkIn(tx, p, instance),
      })
    }
  }

  /** The largest attachment accepted, in bytes. */
  get attachmentLimit(): number {
    return this.maxAttachmentBytes
  }

  // ---------------------------------------------------------------- reading

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
    const row = await this.readableRow(spec, id, actor, this.db)
    return this.detail(spec, row, actor)
  }

  /** The record without what hangs on it; undefined when it does not exist. For workers. */
  async find(kind: CaseKind, id: string): Promise<CaseRecord | undefined> {
    const spec = kindSpecs[kind]
    const row = await this.rowOf(spec, id, this.db)
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

  // ---------------------------------------------------------------- writing

  /**
   * Creates a record. Customers raise cases for themselves; process-driven kinds start their
   * procedure after commit with `{ caseId, caseKind, ...typed fields }` and link the instance.
   */
  async create(kind: CaseKind, body: unknown, actor: Actor): Promise<CaseDetail> {
    const spec = kindSpecs[kind]
    if (!canCreate(actor, kind)) throw new ForbiddenError(`You may not create ${spec.label}s.`)
    validateCreate(kind, body)
    const input = { ...(body as Record<string, unknown>) }
    if (!isSystemActor(actor)) refuseReadonly(kind, input.data, isCustomer(actor))
    if (spec.table === 'cases') {
      // Whoever raises an incident, request or complaint is its requester unless they name one
      // (workers acting as `system:*` are not people and leave it empty).
      if (customerKinds.includes(kind) && !isSystemActor(actor)) {
        input.requester ??= actor.username
      }
      if (seesOwnOnly(actor, kind)) {
        for (const f of staffDecidedFields) {
          if (input[f] !== undefined && input[f] !== null)
            throw new ForbiddenError(`Customers cannot set ${f}.`)
        }
        if (input.requester !== actor.username)
          throw new ForbiddenError('Customers raise cases for themselves only.')
      }
    }
    const data = { ...((input.data ?? {}) as Record<string, unknown>) }
    if (kind === 'service-request' && typeof data.catalogueItemId === 'string') {
      // 8.1: whether a request needs approval is the catalogue's decision, not the requester's.
      const item = await this.db
        .selectFrom('catalogue_items')
        .selectAll()
        .where('id', '=', data.catalogueItemId)
        .executeTakeFirst()
      if (!item) {
        throw new UserError('The request body is invalid.', [
          { path: '/data/catalogueItemId', message: `no catalogue item ${data.catalogueItemId}` },
        ])
      }
      data.requiresApproval = item.requires_approval
      input.serviceId ??= item.service_id
      input.assignedGroup ??= item.fulfilment_group
    }
    if (spec.table === 'cases') input.assignedGroup ??= defaultGroup[kind] ?? null

    const record = await this.db.transaction().execute(async (tx) => {
      await this.checkReferences(spec, input, tx)
      if (!isSystemActor(actor)) await checkCreate(tx, kind, input, data)
      const id = await nextReference(tx, spec.prefix)
      const columns: string[] = ['id', 'status', 'created_by', 'data']
      const values: unknown[] = [id, input.status ?? spec.initialStatus, actor.username, data]
      if (spec.table === 'cases') {
        columns.push('kind')
        values.push(kind)
      }
      for (const f of spec.fields) {
        if (f.writable && input[f.api] !== undefined) {
          columns.push(f.column)
          values.push(input[f.api])
        }
      }
      const row = await insertRow(tx, spec.table, columns, values)
      const created = toRecord(spec, row)
      // 4.5.4.2: an auditor does not audit their own area
      if (kind === 'internal-audit') await checkAuditorIndependence(tx, created)
      await this.deps.audit.append(
        {
          actor: actor.username,
          action: `${kind}.created`,
          entityType: kind,
          entityId: id,
          after: created,
        },
        tx,
      )
      if (kind === 'ci') await ciHistory(tx, id, actor.username, 'created', null, created)
      // the procedure's start commits with the case: a crash before it runs leaves it pending
      const bpmnProcessId = processOfKind[kind]
      const startId =
        bpmnProcessId && this.starts
          ? await this.starts.enqueue(tx, {
              bpmnProcessId,
              caseKind: kind,
              caseId: id,
              actor: actor.username,
              variables: await this.procedureVariables(spec, created, {}, tx),
            })
          : undefined
      return { created, startId }
    })
    this.publish('case.created', record.created, actor)

    let processStartError: string | undefined
    if (record.startId && this.starts) {
      this.deps.checkpoint?.(CrashPoint.CaseCommitted)
      let outcome: Awaited<ReturnType<ProcedureStarts['deliver']>>
      try {
        outcome = await this.starts.deliver(record.startId)
      } catch (err) {
        if (!isDatabaseUnavailable(err)) throw err
        outcome = { state: 'pending', error: 'the database is unavailable' }
      }
      if (outcome.state === 'pending') {
        // The case and its start are committed (one transaction, above); the reconciler starts
        // the procedure once the engine or database is back. Say so with 503 rather than 201,
        // naming the case so that it is not raised twice.
        this.deps.log?.warn(
          `could not start the procedure of ${record.created.id} yet (it will be retried): ${outcome.error}`,
        )
        throw new ServiceUnavailableError(
          `${record.created.id} was recorded, but its procedure could not start yet (${outcome.error}). Do not raise it again; its procedure starts once the process engine and database are back.`,
        )
      }
      if (outcome.state !== 'done') {
        processStartError = outcome.error
        this.deps.log?.error(
          `could not start the procedure of ${record.created.id}: ${outcome.error}`,
        )
      }
    }
    const detail = await this.detail(
      spec,
      (await this.rowOf(spec, record.created.id, this.db))!,
      actor,
    )
    return caseForActor(kind, processStartError ? { ...detail, processStartError } : detail, actor)
  }

  /**
   * Changes typed fields and/or merges `data`. `version` must equal the stored one (optimistic
   * concurrency): a stale write gets 409 and changes nothing. Status only for kinds whose status
   * people set (see `editableStatuses`); procedures use {@link setStatus}.
   */
  async update(kind: CaseKind, id: string, body: unknown, actor: Actor): Promise<CaseDetail> {
    const spec = kindSpecs[kind]
    validatePatch(kind, body)
    const patch = body as Record<string, unknown> & { version: number }
    if (!isSystemActor(actor)) refuseReadonly(kind, patch.data, isCustomer(actor))
    const row = await this.db.transaction().execute(async (tx) => {
      const current = await this.readableRow(spec, id, actor, tx, true)
      if (!canWrite(actor, kind, scopeOf(spec, current))) {
        throw new ForbiddenError(`You may not change ${id}.`)
      }
      refuseClosed(spec, current)
      if (Number(current.version) !== patch.version) {
        throw new ConflictError(
          `${id} was changed by someone else (version ${String(current.version)}, you sent ${patch.version}); reload and try again.`,
        )
      }
      await checkEdit(tx, kind, toRecord(spec, current), patch)
      return this.applyChange(spec, current, patch, actor, tx)
    })
    this.publish('case.updated', toRecord(spec, row), actor)
    return this.detail(spec, row, actor)
  }

  /**
   * Changes fields of a record for a worker or the system, without a version check (the row is
   * locked while it changes). Same validation and evidence as {@link update}; unlike people,
   * the procedure may write the fields its case form shows readonly.
   */
  async updateFields(
    kind: CaseKind,
    id: string,
    fields: Record<string, unknown>,
    actor: Actor,
    processInstanceKey?: string,
  ): Promise<CaseRecord> {
    const spec = kindSpecs[kind]
    const row = await this.db.transaction().execute(async (tx) => {
      const current = await this.lockedRow(spec, id, tx)
      validatePatch(kind, { ...fields, version: Number(current.version) })
      if (!canWrite(actor, kind, scopeOf(spec, current))) {
        throw new ForbiddenError(`You may not change ${id}.`)
      }
      // the procedure finishes its own records; people change a closed record through it only
      if (!isSystemActor(actor)) refuseClosed(spec, current)
      if (!isSystemActor(actor)) await checkEdit(tx, kind, toRecord(spec, current), fields)
      return this.applyChange(spec, current, fields, actor, tx, { processInstanceKey })
    })
    const record = toRecord(spec, row)
    this.publish('case.updated', record, actor)
    return record
  }

  /**
   * Sets the status of a record: how procedures drive case status (any lower-case kebab word;
   * `closed`, `cancelled`, `rejected` and `retired` set `closedAt`). Records evidence with the
   * process instance when given.
   */
  async setStatus(
    kind: CaseKind,
    id: string,
    status: string,
    actor: Actor,
    options: ChangeOrigin = {},
  ): Promise<CaseRecord> {
    if (!/^[a-z][a-z0-9-]{0,39}$/.test(status)) {
      throw new UserError(`Status "${status}" is not a lower-case word.`)
    }
    const spec = kindSpecs[kind]
    const row = await this.db.transaction().execute(async (tx) => {
      const current = await this.lockedRow(spec, id, tx)
      if (!canWrite(actor, kind, scopeOf(spec, current))) {
        throw new ForbiddenError(`You may not change ${id}.`)
      }
      if (current.status === status) return undefined
      return this.applyChange(spec, current, { status }, actor, tx, options)
    })
    if (!row) return (await this.find(kind, id))!
    const record = toRecord(spec, row)
    this.publish('case.updated', record, actor)
    return record
  }

  /**
   * Writes what a completed user task decides on its case (see `record-updates.ts`) inside the
   * caller's transaction, the one that stores the submission: fields, status, evidence and status
   * history commit with the task or not at all. The task's assignment authorises the change (the
   * diagram declares it); the values are validated like any other change. Besides the change's
   * own entry, an entry `<kind>.decided` names the task, its element and what it decided (4.3.3).
   * Returns what tells the clients after commit, or undefined when nothing changed.
   */
  async applyTaskDecision(
    kind: CaseKind,
    id: string,
    change: RecordPatch,
    actor: Actor,
    tx: Kysely<DB>,
    origin: ChangeOrigin & { taskId: string },
  ): Promise<(() => void) | undefined> {
    const spec = kindSpecs[kind]
    const current = await this.lockedRow(spec, id, tx)
    validatePatch(kind, { ...change.fields, version: Number(current.version) })
    if (isCustomer(actor)) refuseStaffDecided(kind, change.fields)
    const patch: Record<string, unknown> = { ...change.fields }
    if (change.status !== undefined && change.status !== current.status) {
      patch.status = change.status
    }
    if (Object.keys(patch).length === 0) return undefined
    const record = toRecord(spec, await this.applyChange(spec, current, patch, actor, tx, origin))
    await this.deps.audit.append(
      {
        actor: actor.username,
        action: `${spec.kind}.decided`,
        entityType: spec.kind,
        entityId: record.id,
        before: null,
        after: { taskId: origin.taskId, elementId: origin.elementId ?? null, ...patch },
        processInstanceKey: origin.processInstanceKey ?? null,
      },
      tx,
    )
    return () => this.publish('case.updated', record, actor)
  }

  /**
   * Applies an edit a change carries (9.2, `change-record-edits.ts`) inside the caller's
   * transaction: validated and evidenced like any change, attributed to the change's procedure.
   * Returns what tells the clients after commit.
   */
  async applyInTransaction(
    kind: CaseKind,
    id: string,
    fields: Record<string, unknown>,
    actor: Actor,
    tx: Kysely<DB>,
    origin: ChangeOrigin = {},
  ): Promise<{ record: CaseRecord; publish: () => void }> {
    const spec = kindSpecs[kind]
    const current = await this.lockedRow(spec, id, tx)
    validatePatch(kind, { ...fields, version: Number(current.version) })
    const record = toRecord(spec, await this.applyChange(spec, current, fields, actor, tx, origin))
    return { record, publish: () => this.publish('case.updated', record, actor) }
  }

  private async applyChange(
    spec: KindSpec,
    current: Row,
    patch: Record<string, unknown>,
    actor: Actor,
    tx: Kysely<DB>,
    origin: ChangeOrigin = {},
  ): Promise<Row> {
    const { processInstanceKey } = origin
    const before = toRecord(spec, current)
    await this.checkReferences(spec, patch, tx)
    const sets: RawBuilder<unknown>[] = [
      sql`version = version + 1`,
      sql`updated_at = ${new Date()}`,
    ]
    for (const f of spec.fields) {
      if (f.writable && patch[f.api] !== undefined) {
        sets.push(sql`${sql.ref(f.column)} = ${patch[f.api]}`)
      }
    }
    if (patch.data !== undefined) {
      const merged = { ...before.data, ...(patch.data as Record<string, unknown>) }
      for (const [k, v] of Object.entries(merged)) if (v === null) delete merged[k]
      validateData(spec.kind, merged)
      sets.push(sql`data = ${JSON.stringify(merged)}::jsonb`)
    }
    if (typeof patch.status === 'string') {
      sets.push(sql`status = ${patch.status}`)
      if (spec.table === 'cases') {
        sets.push(
          finalStatuses.includes(patch.status)
            ? sql`closed_at = coalesce(closed_at, ${new Date()})`
            : sql`closed_at = null`,
        )
      }
    }
    const updated = await sql<Row>`update ${sql.table(spec.table)} set ${sql.join(sets)}
      where id = ${String(current.id)} returning *`.execute(tx)
    const row = updated.rows[0]!
    const after = toRecord(spec, row)
    // 4.5.4.2: whoever assigns an auditor or changes what an audit covers (PATCH, plan task,
    // worker); other writes (findings counted, the report, closing) do not re-judge it
    if (spec.kind === 'internal-audit' && changesAuditorOrScope(patch)) {
      await checkAuditorIndependence(tx, after)
    }
    const action = typeof patch.status === 'string' && patch.status !== before.status
    await this.deps.audit.append(
      {
        actor: actor.username,
        action: action ? `${spec.kind}.status-changed` : `${spec.kind}.updated`,
        entityType: spec.kind,
        entityId: after.id,
        before,
        after,
        processInstanceKey: processInstanceKey ?? null,
      },
      tx,
    )
    if (spec.kind === 'ci') await ciHistory(tx, after.id, actor.username, 'updated', before, after)
    if (action) {
      await recordStatusChange(tx, {
        kind: spec.kind,
        id: after.id,
        from: before.status,
        to: after.status,
        actor: actor.username,
        origin,
      })
    }
    return row
  }

  // ---------------------------------------------------------------- links and processes

  /** Links `from` to `to` (e.g. incident → problem `caused-by`). Needs write access to `from`. */
  async link(
    from: { kind: CaseKind; id: string },
    to: { kind: CaseKind; id: string },
    linkType: string,
    actor: Actor,
  ): Promise<CaseLink> {
    const fromSpec = kindSpecs[from.kind]
    const toSpec = kindSpecs[to.kind]
    return this.db.transaction().execute(async (tx) => {
      const source = await this.readableRow(fromSpec, from.id, actor, tx, true)
      if (!canWrite(actor, from.kind, scopeOf(fromSpec, source))) {
        throw new ForbiddenError(`You may not change ${from.id}.`)
      }
      const target = await this.rowOf(toSpec, to.id, tx)
      if (!target || !canRead(actor, to.kind, scopeOf(toSpec, target))) {
        throw new UserError('The link target does not exist.', [
          { path: '/toId', message: `no ${toSpec.label} ${to.id}` },
        ])
      }
      const inserted = await tx
        .insertInto('case_links')
        .values({
          from_kind: from.kind,
          from_id: from.id,
          to_kind: to.kind,
          to_id: to.id,
          link_type: linkType,
          created_by: actor.username,
        })
        .onConflict((oc) => oc.doNothing())
        .returningAll()
        .executeTakeFirst()
      if (!inserted) throw new ConflictError(`${from.id} is already linked to ${to.id} that way.`)
      const link = toLink(inserted)
      await this.deps.audit.append(
        {
          actor: actor.username,
          action: 'link.created',
          entityType: from.kind,
          entityId: from.id,
          after: link,
        },
        tx,
      )
      return link
    })
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

  /** Records that a process instance handles the record (idempotent per instance key). */
  async linkProcessInstance(
    kind: CaseKind,
    id: string,
    instance: LinkedInstance,
    actor: Actor,
  ): Promise<void> {
    await this.db.transaction().execute((tx) =>
      this.linkIn(
        tx,
        {
          caseKind: kind,
          caseId: id,
          actor: actor.username,
          bpmnProcessId: instance.bpmnProcessId,
        },
        instance,
      ),
    )
  }

  private async linkIn(
    tx: Kysely<DB>,
    p: Pick<ProcedureStartPayload, 'caseKind' | 'caseId' | 'actor' | 'bpmnProcessId'>,
    instance: LinkedInstance,
  ): Promise<void> {
    const inserted = await tx
      .insertInto('case_processes')
      .values({
        process_instance_key: instance.processInstanceKey,
        case_kind: p.caseKind,
        case_id: p.caseId,
        bpmn_process_id: instance.bpmnProcessId,
        process_definition_key: instance.processDefinitionKey,
        process_version: instance.version,
        started_by: p.actor,
      })
      .onConflict((oc) => oc.doNothing())
      .returning('process_instance_key')
      .executeTakeFirst()
    if (!inserted) return
    await this.deps.audit.append(
      {
        actor: p.actor,
        action: 'process-instance.linked',
        entityType: p.caseKind,
        entityId: p.caseId,
        after: {
          processInstanceKey: instance.processInstanceKey,
          bpmnProcessId: instance.bpmnProcessId,
          processDefinitionKey: instance.processDefinitionKey,
          version: instance.version,
        },
        processInstanceKey: instance.processInstanceKey,
      },
      tx,
    )
  }

  /** Starts a supplier review (7.2) for one supplier and links the instance. */
  async startSupplierReview(
    supplierId: string,
    actor: Actor,
    reason = 'manual start',
  ): Promise<CaseProcessInstance> {
    const spec = kindSpecs.supplier
    const row = await this.readableRow(spec, supplierId, actor, this.db)
    if (!canWrite(actor, 'supplier', scopeOf(spec, row))) {
      throw new ForbiddenError(`You may not start a review of ${supplierId}.`)
    }
    const starts = this.starts
    if (!starts) throw new ConflictError('No process engine is connected.')
    const record = toRecord(spec, row)
    // a start still waiting for the engine is delivered, not doubled
    const startId =
      (await starts.pendingFor('supplier', supplierId, SUPPLIER_REVIEW_PROCESS)) ??
      (await this.db.transaction().execute(async (tx) =>
        starts.enqueue(tx, {
          bpmnProcessId: SUPPLIER_REVIEW_PROCESS,
          caseKind: 'supplier',
          caseId: supplierId,
          actor: actor.username,
          variables: await this.procedureVariables(spec, record, { reviewReason: reason }, tx),
        }),
      ))
    const outcome = await starts.deliver(startId)
    if (outcome.state === 'failed') throw new UserError(outcome.error)
    if (outcome.state === 'pending') {
      throw new UnexpectedError(
        `The engine could not be reached; the review of ${supplierId} starts when it is back: ${outcome.error}`,
      )
    }
    return {
      ...outcome.instance,
      startedBy: actor.username,
      startedAt: new Date().toISOString(),
    }
  }

  /**
   * Cases of procedure-driven kinds still in their first status with neither an instance nor an
   * outbox row: stored by a version before the outbox, whose process died before the start.
   * Each gets its start; since that version may have created the instance before dying, the
   * start first looks for an instance created with the case's variables.
   */
  async adoptStrandedCases(limit = 100): Promise<number> {
    const starts = this.starts
    if (!starts) return 0
    const kinds = Object.keys(processOfKind)
    const rows = await sql<Row>`select c.* from cases c
      where c.kind in (${sql.join(kinds)}) and c.status = 'new'
        and not exists (select 1 from case_processes p
          where p.case_kind = c.kind and p.case_id = c.id)
        and not exists (select 1 from outbox o
          where o.kind = ${OutboxKind.StartProcedure} and o.subject = c.kind || ':' || c.id)
      order by c.created_at limit ${limit}`.execute(this.db)
    for (const row of rows.rows) {
      const kind = String(row.kind) as CaseKind
      const spec = kindSpecs[kind]
      const record = toRecord(spec, row)
      await this.db.transaction().execute(async (tx) =>
        starts.enqueue(
          tx,
          {
            bpmnProcessId: processOfKind[kind]!,
            caseKind: kind,
            caseId: record.id,
            actor: record.createdBy,
            variables: await this.procedureVariables(spec, record, {}, tx),
            matchCase: true,
          },
          1,
        ),
      )
    }
    return rows.rows.length
  }

  /** The variables a record's procedure starts with. */
  private async procedureVariables(
    spec: KindSpec,
    record: CaseRecord,
    extra: Record<string, unknown>,
    db: Kysely<DB>,
  ): Promise<Record<string, unknown>> {
    const { kind: _k, id: _i, data, ...typed } = record
    const variables: Record<string, unknown> = {
      ...data,
      ...typed,
      ...extra,
      caseId: record.id,
      caseKind: spec.kind,
    }
    // 8.1: requests go through approval when their catalogue item says so.
    if (spec.kind === 'service-request') variables.approvalRequired = data.requiresApproval === true
    // 8.1: the SLA targets for the case's priority, for the escalation timers.
    if (typeof record.serviceId === 'string' && typeof record.priority === 'number') {
      const sla = await slaTargetsOf(db, record.serviceId, record.priority)
      if (sla) variables.sla = sla
    }
    return variables
  }

  // ---------------------------------------------------------------- attachments (notes and replies: activity.service.ts)

  /** Stores an attachment (bytea) after checking the size limit. */
  async attach(
    kind: CaseKind,
    id: string,
    file: { name: string; contentType: string; content: Uint8Array },
    actor: Actor,
  ): Promise<AttachmentInfo> {
    const spec = kindSpecs[kind]
    if (file.content.byteLength > this.maxAttachmentBytes) {
      throw new UserError(`The attachment is larger than ${this.maxAttachmentBytes} bytes.`, [
        { path: '/contentBase64', message: `must be at most ${this.maxAttachmentBytes} bytes` },
      ])
    }
    return this.db.transaction().execute(async (tx) => {
      const row = await this.readableRow(spec, id, actor, tx, true)
      if (!canComment(actor, kind, scopeOf(spec, row))) {
        throw new ForbiddenError(`You may not attach files to ${id}.`)
      }
      const inserted = await tx
        .insertInto('case_attachments')
        .values({
          case_kind: kind,
          case_id: id,
          name: file.name,
          content_type: file.contentType,
          size: file.content.byteLength,
          sha256: createHash('sha256').update(file.content).digest('hex'),
          content: file.content,
          uploaded_by: actor.username,
        })
        .returning(['id', 'name', 'content_type', 'size', 'sha256', 'uploaded_by', 'created_at'])
        .executeTakeFirstOrThrow()
      const info = toAttachment(inserted)
      await this.deps.audit.append(
        {
          actor: actor.username,
          action: 'attachment.added',
          entityType: kind,
          entityId: id,
          after: info,
        },
        tx,
      )
      return info
    })
  }

  /** The content of one attachment of a record the actor may read. */
  async download(
    kind: CaseKind,
    id: string,
    attachmentId: number,
    actor: Actor,
  ): Promise<{ name: string; contentType: string; content: Buffer }> {
    await this.readableRow(kindSpecs[kind], id, actor, this.db)
    const row = await this.db
      .selectFrom('case_attachments')
      .select(['name', 'content_type', 'content'])
      .where('id', '=', attachmentId)
      .where('case_kind', '=', kind)
      .where('case_id', '=', id)
      .executeTakeFirst()
    if (!row) throw new NotFoundError(`No attachment ${attachmentId} on ${id}.`)
    return { name: row.name, contentType: row.content_type, content: Buffer.from(row.content) }
  }

  // ---------------------------------------------------------------- helpers

  /** The row when the actor may read it; 403 for a kind they may not read, 404 otherwise. */
  async readableRow(
    spec: KindSpec,
    id: string,
    actor: Actor,
    db: Kysely<DB>,
    lock = false,
  ): Promise<Row> {
    if (!canReadKind(actor, spec.kind)) throw new ForbiddenError(`You may not read ${spec.label}s.`)
    const row = await this.rowOf(spec, id, db, lock)
    if (!row || !canRead(actor, spec.kind, scopeOf(spec, row))) {
      throw new NotFoundError(`No ${spec.label} ${id}.`)
    }
    return row
  }

  private async lockedRow(spec: KindSpec, id: string, tx: Kysely<DB>): Promise<Row> {
    const row = await this.rowOf(spec, id, tx, true)
    if (!row) throw new NotFoundError(`No ${spec.label} ${id}.`)
    return row
  }

  private async rowOf(
    spec: KindSpec,
    id: string,
    db: Kysely<DB>,
    lock = false,
  ): Promise<Row | undefined> {
    const kindCondition = spec.table === 'cases' ? sql`and kind = ${spec.kind}` : sql``
    const r = await sql<Row>`select * from ${sql.table(spec.table)} where id = ${id}
      ${kindCondition} ${lock ? sql`for update` : sql``}`.execute(db)
    return r.rows[0]
  }

  /** The record with what hangs on it, as `actor` may see it ({@link caseForActor}). */
  private async detail(spec: KindSpec, row: Row, actor: Actor): Promise<CaseDetail> {
    const [record] = await withReferenceNames(this.db, [toRecord(spec, row)])
    if (!record) throw new UnexpectedError(`${String(row.id)} could not be read.`)
    const [links, processes, comments, attachments, statusHistory, activity] = await Promise.all([
      this.linksOf(spec.kind, record.id),
      this.db
        .selectFrom('case_processes')
        .selectAll()
        .where('case_kind', '=', spec.kind)
        .where('case_id', '=', record.id)
        .orderBy('started_at')
        .execute(),
      // customers read replies only, never work notes
      commentsFor(this.db, spec.kind, record.id, actor),
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
      processes.length === 0 && this.starts
        ? await this.outbox.latest(OutboxKind.StartProcedure, `${spec.kind}:${record.id}`)
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
        comments: comments.map(toComment),
        attachments: attachments.map(toAttachment),
        statusHistory,
        activity,
      },
      actor,
    )
  }

  /** Referenced service, CI, supplier and group must exist: a 400 naming the field otherwise. */
  private async checkReferences(
    spec: KindSpec,
    input: Record<string, unknown>,
    tx: Kysely<DB>,
  ): Promise<void> {
    const checks: [string, 'services' | 'cis' | 'suppliers' | 'groups'][] = [
      ['serviceId', 'services'],
      ['ciId', 'cis'],
      ['supplierId', 'suppliers'],
      ['assignedGroup', 'groups'],
      ['ownerGroup', 'groups'],
    ]
    const people = ['assignee', 'requester', 'relationshipOwner']
    for (const [field, table] of [...checks, ...people.map((p) => [p, 'users'] as const)]) {
      const value = input[field]
      if (typeof value !== 'string' || !spec.fields.some((f) => f.api === field)) continue
      const column = table === 'users' ? 'username' : 'id'
      const found = await sql`select 1 from ${sql.table(table)}
        where ${sql.ref(column)} = ${value}`.execute(tx)
      if (!found.rows.length) {
        throw new UserError('The request refers to a record that does not exist.', [
          { path: `/${field}`, message: `no ${table.replace(/s$/, '')} ${value}` },
        ])
      }
    }
  }

  private publish(type: 'case.created' | 'case.updated', r: CaseRecord, actor: Actor): void {
    this.deps.bus?.publish({
      type,
      case: {
        kind: r.kind,
        caseId: r.id,
        status: r.status,
        requester: (r.requester as string | null | undefined) ?? null,
        group: ((r.assignedGroup ?? r.ownerGroup) as string | null | undefined) ?? null,
        actor: actor.username,
      },
    })
  }
}

/**
 * ISO/IEC 20000-1 4.3.3, 8.1, 9.2: a closed, cancelled or rejected case is a finished record.
 * People (admins too) cannot change it; a procedure step reopens it ({@link CaseService.setStatus},
 * which is evidence). Work notes, attachments and links may still be added.
 */
function refuseClosed(spec: KindSpec, row: Row): void {
  const status = String(row.status)
  if (spec.table !== 'cases' || !finalStatuses.includes(status)) return
  throw new ConflictError(
    `${String(row.id)} is ${status}; a ${status} ${spec.label} cannot be changed. Add a work note, or reopen it through its procedure.`,
  )
}

async function insertRow(
  tx: Kysely<DB>,
  table: string,
  columns: string[],
  values: unknown[],
): Promise<Row> {
  const r =
    await sql<Row>`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))})
    values (${sql.join(
      values.map((v, i) => (columns[i] === 'data' ? sql`${JSON.stringify(v)}::jsonb` : sql`${v}`)),
    )}) returning *`.execute(tx)
  return r.rows[0]!
}

/** 9.1: every change of a CI is kept with before and after. */
export async function ciHistory(
  tx: Kysely<DB>,
  ciId: string,
  actor: string,
  action: string,
  before: unknown,
  after: unknown,
): Promise<void> {
  await sql`insert into ci_history (ci_id, actor, action, before, after)
    values (${ciId}, ${actor}, ${action}, ${before === null ? null : JSON.stringify(before)}::jsonb,
      ${after === null ? null : JSON.stringify(after)}::jsonb)`.execute(tx)
}

function toLink(r: {
  id: number
  from_kind: string
  from_id: string
  to_kind: string
  to_id: string
  link_type: string
  created_by: string
  created_at: Date
}): CaseLink {
  return {
    id: r.id,
    fromKind: r.from_kind,
    fromId: r.from_id,
    toKind: r.to_kind,
    toId: r.to_id,
    linkType: r.link_type,
    createdBy: r.created_by,
    createdAt: iso(r.created_at),
  }
}

function toComment(r: CommentRow): CaseComment {
  return {
    id: r.id,
    author: r.author,
    body: r.body,
    createdAt: iso(r.created_at),
    visibility: r.visibility,
    taskId: r.task_id,
  }
}

function toAttachment(r: {
  id: number
  name: string
  content_type: string
  size: number
  sha256: string
  uploaded_by: string
  created_at: Date
}): AttachmentInfo {
  return {
    id: r.id,
    name: r.name,
    contentType: r.content_type,
    size: r.size,
    sha256: r.sha256,
    uploadedBy: r.uploaded_by,
    createdAt: iso(r.created_at),
  }
}
