/**
 * The door for records under change control (ISO/IEC 20000-1 9.2, 9.1, 6.1, 7.2): a change
 * carries the edits it makes, attached while it is not yet approved (so the CAB approves what
 * will be written), and its implementation step (`apply-record-edits`, after a successful
 * deployment) applies them all in one transaction with their evidence. Edits may target a CI,
 * a service, an SLA, a supplier contract or a standard change model (a new model enters the
 * register this way, `standard-changes.ts`).
 */
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { iso } from '../db/timestamps'
import { ConflictError, ForbiddenError, NotFoundError, UserError } from '../errors'
import { writeWithEvidence, type AuditSink } from '../evidence/audit-sink'
import { bodyValidator } from '../http/validation'
import { canReadKind, canWrite, type Actor } from './access'
import { kindSpecs } from './kinds'
import type { CaseService } from './case.service'
import { contractBodySchema } from './catalogue.service'
import { nextReference } from './references'
import {
  ModelStatus,
  findModel,
  listModels,
  modelPatchSchema,
  toModel,
  type ModelPatch,
  type StandardChangeModel,
} from './standard-changes'
import { refuseReadonly, validatePatch } from './validators'
import { issueContractFromChange, issueFromChange } from '../sms/documents/controlled-issue'

/** What a change may edit. */
export const EditTarget = {
  Ci: 'ci',
  Service: 'service',
  Sla: 'sla',
  Contract: 'contract',
  StandardChangeModel: 'standard-change-model',
} as const
export type EditTarget = (typeof EditTarget)[keyof typeof EditTarget]

/**
 * Statuses of a change in which edits may still be attached: before its approval (9.2), and only
 * while the CAB has not decided (`data.cabApproved`).
 */
export const editableChangeStatuses: readonly string[] = ['new', 'assessed']

/** The parts of a change that decide who may attach edits to it, and when. */
export interface EditableChange {
  status: string
  assigned_group: string | null
  assignee: string | null
  created_by: string
  data: Record<string, unknown> | null
}

/**
 * Whoever may change the change may attach an edit to it, and so may staff who recorded it: the
 * person who raises an RFC says what it will change; its CAB approves that (9.2).
 */
export const mayAttachEdits = (actor: Actor, change: EditableChange): boolean =>
  canWrite(actor, 'change', { assignedGroup: change.assigned_group, assignee: change.assignee }) ||
  (actor.roles.includes('staff') && change.created_by === actor.username)

/** Whether the change still takes edits: not yet approved, and the CAB has not decided. */
export const acceptsEdits = (change: EditableChange): boolean =>
  editableChangeStatuses.includes(change.status) && change.data?.cabApproved === undefined

/** Body of `POST /api/changes/:id/record-edits`. */
export const recordEditBodySchema = {
  type: 'object',
  properties: {
    targetKind: { enum: Object.values(EditTarget) },
    targetId: {
      type: 'string',
      pattern: '^[A-Z]{2,4}-\\d{6,}$',
      description: 'The record edited; absent only for a new standard change model.',
    },
    patch: {
      type: 'object',
      description:
        'ci, service, sla: a PATCH body of the kind without `version`; contract: the fields of a contract PATCH; standard-change-model: name, description, risk, tasks, ciIds, serviceIds, status.',
    },
  },
  required: ['targetKind', 'patch'],
  additionalProperties: false,
} as const

interface RecordEditBody {
  targetKind: EditTarget
  targetId?: string
  patch: Record<string, unknown>
}
const validateBody = bodyValidator<RecordEditBody>(recordEditBodySchema)
const validateModelPatch = bodyValidator<ModelPatch>(modelPatchSchema)
const validateContractEdit = bodyValidator<Record<string, unknown>>({
  ...contractBodySchema,
  required: [],
  minProperties: 1,
})

/** An edit a change carries. */
export interface RecordEdit {
  id: number
  changeId: string
  targetKind: EditTarget
  targetId: string | null
  patch: Record<string, unknown>
  createdBy: string
  createdAt: string
  /** When the change's implementation applied it (null while pending). */
  appliedAt: string | null
  /** The record written (the new model's id for a new standard change model). */
  appliedTargetId: string | null
}

/** A row of `change_record_edits`. */
export type EditRow = {
  id: number
  change_id: string
  target_kind: string
  target_id: string | null
  patch: unknown
  created_by: string
  created_at: Date | string
  applied_at: Date | string | null
  applied_target_id: string | null
}
/** A row of `change_record_edits` as the API shows it. */
export const toEdit = (r: EditRow): RecordEdit => ({
  id: r.id,
  changeId: r.change_id,
  targetKind: r.target_kind as EditTarget,
  targetId: r.target_id,
  patch: (r.patch ?? {}) as Record<string, unknown>,
  createdBy: r.created_by,
  createdAt: iso(r.created_at),
  appliedAt: r.applied_at ? iso(r.applied_at) : null,
  appliedTargetId: r.applied_target_id,
})

export interface ChangeRecordEditsDeps {
  db: Kysely<DB>
  audit: AuditSink
  cases: CaseService
  /** Current time for the controlled document versions an edit issues (default: system clock). */
  now?: () => Date
}

/** Edits carried by changes, and the standard change catalogue they maintain. */
export class ChangeRecordEdits {
  constructor(private readonly deps: ChangeRecordEditsDeps) {}

  /** The database, for the read-only views of `change-control-queries.ts`. */
  get db(): Kysely<DB> {
    return this.deps.db
  }

  /** The standard change catalogue (staff, auditors, process owners, admins). */
  async models(actor: Actor): Promise<StandardChangeModel[]> {
    if (!canReadKind(actor, 'change')) throw new ForbiddenError('You may not read changes.')
    return listModels(this.deps.db)
  }

  /** One model of the catalogue. */
  async model(id: string, actor: Actor): Promise<StandardChangeModel> {
    if (!canReadKind(actor, 'change')) throw new ForbiddenError('You may not read changes.')
    const model = await findModel(this.deps.db, id)
    if (!model) throw new NotFoundError(`No standard change model ${id}.`)
    return model
  }

  /** The edits a change carries, oldest first. */
  async list(changeId: string, actor: Actor): Promise<RecordEdit[]> {
    await this.deps.cases.get('change', changeId, actor)
    const rows = await this.deps.db
      .selectFrom('change_record_edits')
      .selectAll()
      .where('change_id', '=', changeId)
      .orderBy('id')
      .execute()
    return rows.map(toEdit)
  }

  /**
   * Attaches an edit to a change that is not yet approved. Whoever may change the change may
   * attach one (its CAB approves it); the edit is validated now, and again when applied.
   */
  async attach(changeId: string, body: unknown, actor: Actor): Promise<RecordEdit> {
    const input = validateBody(body)
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const change = await sql<{
        id: string
        status: string
        assigned_group: string | null
        assignee: string | null
        created_by: string
        data: Record<string, unknown> | null
      }>`select id, status, assigned_group, assignee, created_by, data from cases
        where kind = 'change' and id = ${changeId} for update`.execute(tx)
      const row = change.rows[0]
      if (!row || !canReadKind(actor, 'change')) throw new NotFoundError(`No change ${changeId}.`)
      if (!mayAttachEdits(actor, row)) {
        throw new ForbiddenError(`You may not change ${changeId}.`)
      }
      if (!acceptsEdits(row)) {
        const decided = row.data?.cabApproved !== undefined
        throw new ConflictError(
          `${changeId} is ${decided ? 'decided by the CAB' : row.status}: edits are attached to a change before it is approved (9.2), so that its approval covers them. Raise a new change (POST /api/changes) for this edit. Nothing was recorded.`,
        )
      }
      await this.checkTarget(tx, input, row.data ?? {})
      const inserted = await tx
        .insertInto('change_record_edits')
        .values({
          change_id: changeId,
          target_kind: input.targetKind,
          target_id: input.targetId ?? null,
          patch: JSON.stringify(input.patch),
          created_by: actor.username,
          applied_at: null,
          applied_target_id: null,
          process_instance_key: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      const edit = toEdit(inserted)
      return {
        result: edit,
        evidence: {
          actor: actor.username,
          action: 'change.record-edit-attached',
          entityType: 'change',
          entityId: changeId,
          after: edit,
        },
      }
    })
  }

  /**
   * The implementation of a change (9.2): applies every pending edit it carries, in one
   * transaction with their evidence; an edit already applied is not applied again (a job retried
   * after commit). Any edit failing leaves every record as it was.
   */
  async applyAll(
    changeId: string,
    actor: Actor,
    origin: { processInstanceKey?: string; elementId?: string } = {},
  ): Promise<RecordEdit[]> {
    const after: (() => void)[] = []
    const applied = await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const pending = await sql<EditRow>`select * from change_record_edits
        where change_id = ${changeId} and applied_at is null order by id for update`.execute(tx)
      const done: RecordEdit[] = []
      for (const row of pending.rows) {
        const edit = toEdit(row)
        const targetId = await this.applyOne(tx, edit, actor, origin, after)
        const updated = await tx
          .updateTable('change_record_edits')
          .set({
            applied_at: new Date(),
            applied_target_id: targetId,
            process_instance_key: origin.processInstanceKey ?? null,
          })
          .where('id', '=', edit.id)
          .returningAll()
          .executeTakeFirstOrThrow()
        done.push(toEdit(updated))
      }
      return {
        result: done,
        evidence: done.length
          ? {
              actor: actor.username,
              action: 'change.record-edits-applied',
              entityType: 'change',
              entityId: changeId,
              after: {
                edits: done.map((e) => ({
                  id: e.id,
                  kind: e.targetKind,
                  target: e.appliedTargetId,
                })),
              },
              processInstanceKey: origin.processInstanceKey ?? null,
            }
          : null,
      }
    })
    for (const publish of after) publish()
    return applied
  }

  private async applyOne(
    tx: Kysely<DB>,
    edit: RecordEdit,
    actor: Actor,
    origin: { processInstanceKey?: string; elementId?: string },
    after: (() => void)[],
  ): Promise<string> {
    switch (edit.targetKind) {
      case EditTarget.Ci:
      case EditTarget.Service:
      case EditTarget.Sla: {
        const { publish } = await this.deps.cases.applyInTransaction(
          edit.targetKind,
          edit.targetId!,
          edit.patch,
          actor,
          tx,
          origin,
        )
        after.push(publish)
        // the change door writes the SLA document's next version when the edit changes what the
        // document agrees: the targets or the service calendar they count in (controlled-issue.ts)
        const data = (edit.patch.data ?? {}) as Record<string, unknown>
        if (edit.targetKind === EditTarget.Sla && ('targets' in data || 'calendar' in data)) {
          await issueFromChange(tx, this.deps.audit, {
            slaId: edit.targetId!,
            targets: data.targets,
            calendar: data.calendar,
            changeId: edit.changeId,
            actor: actor.username,
            now: this.deps.now?.() ?? new Date(),
          })
        }
        return edit.targetId!
      }
      case EditTarget.Contract:
        return this.applyContract(tx, edit, actor, origin)
      case EditTarget.StandardChangeModel:
        return this.applyModel(tx, edit, actor, origin)
    }
  }

  private async applyContract(
    tx: Kysely<DB>,
    edit: RecordEdit,
    actor: Actor,
    origin: { processInstanceKey?: string },
  ): Promise<string> {
    const p = validateContractEdit(edit.patch)
    const current = await sql<Record<string, unknown>>`
      select * from contracts where id = ${edit.targetId} for update`.execute(tx)
    const before = current.rows[0]
    if (!before) throw new NotFoundError(`No contract ${String(edit.targetId)}.`)
    const has = (k: string) => p[k] !== undefined
    const updated = await sql<Record<string, unknown>>`
      update contracts set
        title = ${has('title') ? p.title : before.title},
        status = ${has('status') ? p.status : before.status},
        starts_on = ${has('startsOn') ? p.startsOn : before.starts_on},
        ends_on = ${has('endsOn') ? p.endsOn : before.ends_on},
        data = ${JSON.stringify(has('data') ? p.data : before.data)}::jsonb,
        version = version + 1, updated_at = now()
      where id = ${edit.targetId} returning *`.execute(tx)
    await this.deps.audit.append(
      {
        actor: actor.username,
        action: 'contract.updated',
        entityType: 'contract',
        entityId: edit.targetId!,
        before,
        after: updated.rows[0],
        processInstanceKey: origin.processInstanceKey ?? null,
      },
      tx,
    )
    // 7.2: the change door writes the contract document's next version (controlled-issue.ts)
    const serviceTargets = has('data')
      ? (p.data as Record<string, unknown>).serviceTargets
      : undefined
    if (serviceTargets !== undefined) {
      await issueContractFromChange(tx, this.deps.audit, {
        contractId: edit.targetId!,
        supplierId: String(before.supplier_id),
        serviceTargets,
        changeId: edit.changeId,
        actor: actor.username,
        now: this.deps.now?.() ?? new Date(),
      })
    }
    return edit.targetId!
  }

  private async applyModel(
    tx: Kysely<DB>,
    edit: RecordEdit,
    actor: Actor,
    origin: { processInstanceKey?: string },
  ): Promise<string> {
    const p = validateModelPatch(edit.patch)
    const json = (v: unknown) => JSON.stringify(v)
    let before: StandardChangeModel | null = null
    let row
    if (!edit.targetId) {
      const id = await nextReference(tx, 'SCM')
      row = await tx
        .insertInto('standard_change_models')
        .values({
          id,
          name: p.name!,
          description: p.description ?? '',
          risk: p.risk!,
          tasks: json(p.tasks ?? []),
          ci_ids: json(p.ciIds ?? []),
          service_ids: json(p.serviceIds ?? []),
          status: p.status ?? ModelStatus.Active,
          version: 1,
          approved_by_change: edit.changeId,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
    } else {
      const found = await sql<Parameters<typeof toModel>[0]>`
        select * from standard_change_models where id = ${edit.targetId} for update`.execute(tx)
      if (!found.rows[0]) throw new NotFoundError(`No standard change model ${edit.targetId}.`)
      before = toModel(found.rows[0])
      row = await tx
        .updateTable('standard_change_models')
        .set({
          ...(p.name !== undefined ? { name: p.name } : {}),
          ...(p.description !== undefined ? { description: p.description } : {}),
          ...(p.risk !== undefined ? { risk: p.risk } : {}),
          ...(p.tasks !== undefined ? { tasks: json(p.tasks) } : {}),
          ...(p.ciIds !== undefined ? { ci_ids: json(p.ciIds) } : {}),
          ...(p.serviceIds !== undefined ? { service_ids: json(p.serviceIds) } : {}),
          ...(p.status !== undefined ? { status: p.status } : {}),
          version: before.version + 1,
          approved_by_change: edit.changeId,
          updated_at: new Date(),
        })
        .where('id', '=', edit.targetId)
        .returningAll()
        .executeTakeFirstOrThrow()
    }
    const model = toModel(row)
    await this.deps.audit.append(
      {
        actor: actor.username,
        action: before ? 'standard-change-model.revised' : 'standard-change-model.approved',
        entityType: 'standard-change-model',
        entityId: model.id,
        before,
        after: model,
        processInstanceKey: origin.processInstanceKey ?? null,
      },
      tx,
    )
    return model.id
  }

  /** Refuses (400/404/409) an edit that could not be applied, before it is attached. */
  private async checkTarget(
    tx: Kysely<DB>,
    input: RecordEditBody,
    changeData: Record<string, unknown>,
  ): Promise<void> {
    const { targetKind, targetId, patch } = input
    const invalid = (message: string, path = '/patch') =>
      new UserError('The record edit is invalid.', [{ path, message }])
    if (targetKind !== EditTarget.StandardChangeModel && !targetId) {
      throw invalid(`a ${targetKind} edit names its record`, '/targetId')
    }
    switch (targetKind) {
      case EditTarget.Ci:
      case EditTarget.Service:
      case EditTarget.Sla: {
        if ('version' in patch)
          throw invalid('no version: the edit applies to the record as it is then')
        validatePatch(targetKind, { ...patch, version: 1 })
        refuseReadonly(targetKind, patch.data)
        const table = kindSpecs[targetKind].table
        const found = await sql`select 1 from ${sql.table(table)} where id = ${targetId}`.execute(
          tx,
        )
        if (!found.rows.length) {
          throw new NotFoundError(`No ${targetKind} ${targetId}.`)
        }
        return
      }
      case EditTarget.Contract: {
        validateContractEdit(patch)
        const found = await tx
          .selectFrom('contracts')
          .select('id')
          .where('id', '=', targetId!)
          .executeTakeFirst()
        if (!found) throw new NotFoundError(`No contract ${targetId}.`)
        return
      }
      case EditTarget.StandardChangeModel: {
        // 9.2: a model is pre-approved once through the normal change procedure
        if (changeData.changeType === 'standard') {
          throw new ConflictError(
            'A standard change model is approved through a normal change, not a standard one. Nothing was recorded.',
          )
        }
        const p = validateModelPatch(patch)
        if (!targetId) {
          const missing = (['name', 'risk', 'tasks'] as const).filter((k) => p[k] === undefined)
          if (missing.length) throw invalid(`a new model needs ${missing.join(', ')}`)
          if (!p.ciIds?.length && !p.serviceIds?.length) {
            throw invalid('a new model has a scope: ciIds or serviceIds')
          }
        } else if (!(await findModel(tx, targetId))) {
          throw new NotFoundError(`No standard change model ${targetId}.`)
        }
        for (const [key, table] of [
          ['ciIds', 'cis'],
          ['serviceIds', 'services'],
        ] as const) {
          const wanted = p[key] ?? []
          if (!wanted.length) continue
          const found = await tx.selectFrom(table).select('id').where('id', 'in', wanted).execute()
          const unknown = wanted.filter((w) => !found.some((f) => f.id === w))
          if (unknown.length) throw invalid(`unknown: ${unknown.join(', ')}`, `/patch/${key}`)
        }
      }
    }
  }
}
