/**
 * Writing records: create (with its procedure's start in the outbox), people's changes with
 * optimistic concurrency, the procedures' field and status changes, and what a user task
 * decides on its case. Every change and its evidence entry commit in one transaction
 * (`writeWithEvidence`, 4.3.3); a status change adds to the status history (8.1 d, 8.2 e) in
 * that transaction too. Clients hear of a change after commit.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { DB } from '../db/schema'
import {
  ConflictError,
  ForbiddenError,
  isDatabaseUnavailable,
  ServiceUnavailableError,
  UserError,
} from '../errors'
import { writeWithEvidence, type AuditSink, type EvidenceInput } from '../evidence/audit-sink'
import type { Logger } from '../log'
import { CrashPoint, type Checkpoint } from '../outbox/outbox'
import type { EventBus } from '../realtime/bus'
import {
  canCreate,
  canWrite,
  isCustomer,
  isSystemActor,
  seesOwnOnly,
  staffDecidedFields,
  type Actor,
} from './access'
import type { CaseQueries } from './case-queries'
import { procedureVariables } from './case-procedures'
import {
  publishCase,
  scopeOf,
  toRecord,
  type CaseDetail,
  type CaseRecord,
  type Row,
} from './case-record'
import {
  checkReferences,
  ciHistory,
  insertRow,
  lockedRow,
  readableRow,
  refuseClosed,
  rowOf,
} from './case-rows'
import {
  UnprocessableError,
  checkCreate,
  checkEdit,
  checkTaskDecision,
  refuseDirectEdit,
} from './change-control'
import { unpublishedItem } from './service-catalogue'
import { changesAuditorOrScope, checkAuditorIndependence } from '../sms/audit/independence'
import { checkChecklistCoversPlan, CONDUCTED } from '../sms/audit/checklist'
import { customerKinds, finalStatuses, kindSpecs, processOfKind, type CaseKind } from './kinds'
import type { KindSpec } from './kinds'
import type { ProcedureStarts } from './procedure-starts'
import { caseForActor } from './projection'
import type { RecordPatch } from './record-updates'
import { nextReference } from './references'
import { refuseDecisionWhileWithdrawing } from './service-transition-withdrawal'
import { recordStatusChange, type ChangeOrigin } from './status-history'
import {
  refuseReadonly,
  refuseStaffDecided,
  validateCreate,
  validateData,
  validatePatch,
} from './validators'

/** Default responsible group of new cases per kind (the first line for customer kinds). */
const defaultGroup: Partial<Record<CaseKind, string>> = {
  incident: 'service-desk',
  'service-request': 'service-desk',
  complaint: 'relationship-managers',
  problem: 'problem-managers',
  'known-error': 'problem-managers',
  change: 'change-managers',
  release: 'release-managers',
  improvement: 'improvement-managers',
  'internal-audit': 'sms-managers',
  'management-review': 'sms-managers',
  'service-review': 'relationship-managers',
  'service-transition': 'change-managers',
}

export interface CaseWritesDeps {
  db: Kysely<DB>
  audit: AuditSink
  bus?: EventBus
  log?: Logger
  checkpoint?: Checkpoint
  queries: CaseQueries
  /** Procedure starts through the outbox (absent without a process starter). */
  starts?: ProcedureStarts
  /** Current time for the controlled documents in force (default: the system clock). */
  now?: () => Date
}

/** The write side of the case service. */
export class CaseWrites {
  private readonly db: Kysely<DB>

  constructor(private readonly deps: CaseWritesDeps) {
    this.db = deps.db
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date()
  }

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
      // Whoever raises an incident, request or complaint is its requester unless they name one,
      // and so is whoever raises a change (5.1: its requester may withdraw its service design and
      // transition); workers acting as `system:*` are not people and name it themselves or not.
      if ((customerKinds.includes(kind) || kind === 'change') && !isSystemActor(actor)) {
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
      // 6.1: customers request what the service catalogue in force offers
      const unpublished = isCustomer(actor)
        ? await unpublishedItem(this.db, item.id, this.now())
        : undefined
      if (unpublished) {
        throw new UnprocessableError(
          `Customers request what the service catalogue offers: ${unpublished}. Nothing was recorded.`,
          [{ path: '/data/catalogueItemId', message: unpublished }],
        )
      }
      data.requiresApproval = item.requires_approval
      input.serviceId ??= item.service_id
      input.assignedGroup ??= item.fulfilment_group
    }
    if (spec.table === 'cases') input.assignedGroup ??= defaultGroup[kind] ?? null

    const { starts } = this.deps
    const record = await writeWithEvidence(this.db, this.deps.audit, async (tx) => {
      await checkReferences(spec, input, tx)
      if (!isSystemActor(actor)) await checkCreate(tx, kind, input, data, this.now())
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
      const created = toRecord(spec, await insertRow(tx, spec.table, columns, values))
      // 4.5.4.2: an auditor does not audit their own area
      if (kind === 'internal-audit') await checkAuditorIndependence(tx, created)
      if (kind === 'ci') await ciHistory(tx, id, actor.username, 'created', null, created)
      // the procedure's start commits with the case: a crash before it runs leaves it pending
      const bpmnProcessId = processOfKind[kind]
      const startId =
        bpmnProcessId && starts
          ? await starts.enqueue(tx, {
              bpmnProcessId,
              caseKind: kind,
              caseId: id,
              actor: actor.username,
              variables: await procedureVariables(spec, created, {}, tx, this.now()),
            })
          : undefined
      return {
        result: { created, startId },
        evidence: {
          actor: actor.username,
          action: `${kind}.created`,
          entityType: kind,
          entityId: id,
          after: created,
        },
      }
    })
    publishCase(this.deps.bus, 'case.created', record.created, actor)

    let processStartError: string | undefined
    if (record.startId && starts) {
      this.deps.checkpoint?.(CrashPoint.CaseCommitted)
      let outcome: Awaited<ReturnType<ProcedureStarts['deliver']>>
      try {
        outcome = await starts.deliver(record.startId)
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
    const detail = await this.deps.queries.detail(
      spec,
      (await rowOf(spec, record.created.id, this.db))!,
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
    const row = await writeWithEvidence(this.db, this.deps.audit, async (tx) => {
      const current = await readableRow(spec, id, actor, tx, true)
      if (!canWrite(actor, kind, scopeOf(spec, current))) {
        throw new ForbiddenError(`You may not change ${id}.`)
      }
      refuseClosed(spec, current)
      // 9.1, 6.1: the door is named before the version is checked, as reloading would not help
      refuseDirectEdit(kind, toRecord(spec, current))
      if (Number(current.version) !== patch.version) {
        throw new ConflictError(
          `${id} was changed by someone else (version ${String(current.version)}, you sent ${patch.version}); reload and try again.`,
        )
      }
      await checkEdit(tx, kind, toRecord(spec, current), patch, this.now())
      return applyChange(spec, current, patch, actor, tx)
    })
    publishCase(this.deps.bus, 'case.updated', toRecord(spec, row), actor)
    return this.deps.queries.detail(spec, row, actor)
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
    const row = await writeWithEvidence(this.db, this.deps.audit, async (tx) => {
      const current = await lockedRow(spec, id, tx)
      validatePatch(kind, { ...fields, version: Number(current.version) })
      if (!canWrite(actor, kind, scopeOf(spec, current))) {
        throw new ForbiddenError(`You may not change ${id}.`)
      }
      // the procedure finishes its own records; people change a closed record through it only
      if (!isSystemActor(actor)) refuseClosed(spec, current)
      if (!isSystemActor(actor))
        await checkEdit(tx, kind, toRecord(spec, current), fields, this.now())
      return applyChange(spec, current, fields, actor, tx, { processInstanceKey })
    })
    const record = toRecord(spec, row)
    publishCase(this.deps.bus, 'case.updated', record, actor)
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
    const row = await writeWithEvidence(this.db, this.deps.audit, async (tx) => {
      const current = await lockedRow(spec, id, tx)
      if (!canWrite(actor, kind, scopeOf(spec, current))) {
        throw new ForbiddenError(`You may not change ${id}.`)
      }
      if (current.status === status) return { result: undefined, evidence: null }
      return applyChange(spec, current, { status }, actor, tx, options)
    })
    if (!row) return (await this.deps.queries.find(kind, id))!
    const record = toRecord(spec, row)
    publishCase(this.deps.bus, 'case.updated', record, actor)
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
    const current = await lockedRow(spec, id, tx)
    // 5.1: a withdrawal committed first wins over the decision (the row lock orders them)
    refuseDecisionWhileWithdrawing(kind, toRecord(spec, current))
    validatePatch(kind, { ...change.fields, version: Number(current.version) })
    if (isCustomer(actor)) refuseStaffDecided(kind, change.fields)
    // 9.2: what a procedure's task decides on a change keeps the change policy
    await checkTaskDecision(
      tx,
      kind,
      toRecord(spec, current),
      change.fields,
      change.sources ?? {},
      this.now(),
    )
    const patch: Record<string, unknown> = { ...change.fields }
    if (change.status !== undefined && change.status !== current.status) {
      patch.status = change.status
    }
    if (Object.keys(patch).length === 0) return undefined
    const applied = await applyChange(spec, current, patch, actor, tx, origin)
    const record = toRecord(spec, applied.result)
    const decided: EvidenceInput = {
      actor: actor.username,
      action: `${spec.kind}.decided`,
      entityType: spec.kind,
      entityId: record.id,
      before: null,
      after: { taskId: origin.taskId, elementId: origin.elementId ?? null, ...patch },
      processInstanceKey: origin.processInstanceKey ?? null,
    }
    for (const entry of [applied.evidence, decided]) await this.deps.audit.append(entry, tx)
    return () => publishCase(this.deps.bus, 'case.updated', record, actor)
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
    const current = await lockedRow(spec, id, tx)
    validatePatch(kind, { ...fields, version: Number(current.version) })
    const applied = await applyChange(spec, current, fields, actor, tx, origin)
    await this.deps.audit.append(applied.evidence, tx)
    const record = toRecord(spec, applied.result)
    return { record, publish: () => publishCase(this.deps.bus, 'case.updated', record, actor) }
  }
}

/**
 * Changes a locked row in `tx` (typed fields, merged `data`, status with `closedAt` and the
 * status history) and returns the stored row with the evidence entry of the change, for the
 * caller to append in the same transaction.
 */
async function applyChange(
  spec: KindSpec,
  current: Row,
  patch: Record<string, unknown>,
  actor: Actor,
  tx: Kysely<DB>,
  origin: ChangeOrigin = {},
): Promise<{ result: Row; evidence: EvidenceInput }> {
  const before = toRecord(spec, current)
  await checkReferences(spec, patch, tx)
  const sets: RawBuilder<unknown>[] = [sql`version = version + 1`, sql`updated_at = ${new Date()}`]
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
  // 4.5.4.2: conducted against a checklist with a result for every planned clause
  if (spec.kind === 'internal-audit' && patch.status === CONDUCTED && before.status !== CONDUCTED) {
    checkChecklistCoversPlan(after)
  }
  const statusChanged = typeof patch.status === 'string' && patch.status !== before.status
  if (spec.kind === 'ci') await ciHistory(tx, after.id, actor.username, 'updated', before, after)
  if (statusChanged) {
    await recordStatusChange(tx, {
      kind: spec.kind,
      id: after.id,
      from: before.status,
      to: after.status,
      actor: actor.username,
      origin,
    })
  }
  return {
    result: row,
    evidence: {
      actor: actor.username,
      action: statusChanged ? `${spec.kind}.status-changed` : `${spec.kind}.updated`,
      entityType: spec.kind,
      entityId: after.id,
      before,
      after,
      processInstanceKey: origin.processInstanceKey ?? null,
    },
  }
}
