/**
 * The register of information security controls (ISO/IEC 20000-1 6.6.2): each control with its
 * owner, status, implementation, the risks of the risk register it treats (6.6.1) and its review
 * date; reviews of a control at planned intervals record whether it is effective. Every write is
 * one transaction with its evidence entry (4.3.3).
 */
import type { Kysely, Selectable, Updateable } from 'kysely'
import type { DB, SecurityControlReviewsTable, SecurityControlsTable } from '../db/schema'
import { iso, isoOrNull } from '../db/timestamps'
import { writeWithEvidence, type AuditSink } from '../evidence/audit-sink'
import { nextReference } from '../cases/references'
import { ConflictError, ForbiddenError, NotFoundError } from '../errors'
import { UnprocessableError } from '../cases/change-control'
import type { Actor } from '../cases/access'
import { isSecurityWriter, securityWriters } from './access'
import type { ControlReview, ControlStatus, ControlTheme, SecurityControl } from './security-model'

const DAY = 86_400_000

export interface ControlInput {
  reference: string
  name: string
  theme: ControlTheme
  objective?: string
  owner: string
  status: ControlStatus
  implementation?: string
  riskIds?: string[]
  reviewIntervalDays?: number
  nextReviewAt?: string
}
export type ControlPatch = Partial<ControlInput> & { version: number }

export interface ControlReviewInput {
  status: ControlStatus
  effective: boolean
  notes?: string
}

type Row = Selectable<SecurityControlsTable>

export class SecurityControlsService {
  constructor(private readonly deps: { db: Kysely<DB>; audit: AuditSink; now: () => Date }) {}

  private toControl(r: Row): SecurityControl {
    return {
      id: r.id,
      reference: r.reference,
      name: r.name,
      theme: r.theme as ControlTheme,
      objective: r.objective,
      owner: r.owner,
      status: r.status as ControlStatus,
      implementation: r.implementation,
      riskIds: r.risk_ids,
      reviewIntervalDays: r.review_interval_days,
      nextReviewAt: iso(r.next_review_at),
      reviewDue: Date.parse(iso(r.next_review_at)) <= this.deps.now().getTime(),
      lastReviewedAt: isoOrNull(r.last_reviewed_at),
      lastReviewedBy: r.last_reviewed_by,
      version: r.version,
      createdBy: r.created_by,
      createdAt: iso(r.created_at),
      updatedAt: iso(r.updated_at),
    }
  }

  async list(filter: { status?: string; riskId?: string } = {}): Promise<SecurityControl[]> {
    let q = this.deps.db.selectFrom('security_controls').selectAll()
    if (filter.status) q = q.where('status', '=', filter.status)
    const rows = await q.orderBy('reference').execute()
    return rows
      .filter((r) => !filter.riskId || r.risk_ids.includes(filter.riskId))
      .map((r) => this.toControl(r))
  }

  private async row(db: Kysely<DB>, id: string, lock = false): Promise<Row> {
    let q = db.selectFrom('security_controls').selectAll().where('id', '=', id)
    if (lock) q = q.forUpdate()
    const r = await q.executeTakeFirst()
    if (!r) throw new NotFoundError(`No security control ${id}.`)
    return r
  }

  async get(id: string): Promise<SecurityControl & { reviews: ControlReview[] }> {
    const r = await this.row(this.deps.db, id)
    const reviews = await this.deps.db
      .selectFrom('security_control_reviews')
      .selectAll()
      .where('control_id', '=', id)
      .orderBy('reviewed_at', 'desc')
      .orderBy('id', 'desc')
      .execute()
    return { ...this.toControl(r), reviews: reviews.map(toReview) }
  }

  /** 6.6.1: the linked risks must be in the risk register. */
  private async checkRisks(tx: Kysely<DB>, ids: readonly string[]) {
    if (!ids.length) return
    const found = await tx.selectFrom('sms_risks').select('id').where('id', 'in', ids).execute()
    const missing = ids.filter((id) => !found.some((f) => f.id === id))
    if (missing.length) {
      throw new UnprocessableError(`No risk ${missing.join(', ')} in the risk register.`)
    }
  }

  private async checkOwner(tx: Kysely<DB>, username: string) {
    const u = await tx
      .selectFrom('users')
      .select('id')
      .where('username', '=', username)
      .executeTakeFirst()
    if (!u) throw new UnprocessableError(`The owner ${username} is no user.`)
  }

  async create(input: ControlInput, actor: Actor): Promise<SecurityControl> {
    const id = await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      await this.checkRisks(tx, input.riskIds ?? [])
      await this.checkOwner(tx, input.owner)
      const taken = await tx
        .selectFrom('security_controls')
        .select('id')
        .where('reference', '=', input.reference)
        .executeTakeFirst()
      if (taken) throw new ConflictError(`${taken.id} already is control ${input.reference}.`)
      const id = await nextReference(tx, 'SC')
      const now = this.deps.now()
      const interval = input.reviewIntervalDays ?? 365
      const row = await tx
        .insertInto('security_controls')
        .values({
          id,
          reference: input.reference,
          name: input.name,
          theme: input.theme,
          objective: input.objective ?? '',
          owner: input.owner,
          status: input.status,
          implementation: input.implementation ?? '',
          risk_ids: [...(input.riskIds ?? [])],
          review_interval_days: interval,
          next_review_at: input.nextReviewAt
            ? new Date(input.nextReviewAt)
            : new Date(now.getTime() + interval * DAY),
          created_by: actor.username,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      return {
        result: id,
        evidence: {
          actor: actor.username,
          action: 'security-control.created',
          entityType: 'security-control',
          entityId: id,
          after: row,
        },
      }
    })
    return this.get(id)
  }

  async update(id: string, patch: ControlPatch, actor: Actor): Promise<SecurityControl> {
    await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const before = await this.row(tx, id, true)
      if (before.version !== patch.version) {
        throw new ConflictError(`${id} changed meanwhile (version ${before.version}); reload it.`)
      }
      if (patch.riskIds) await this.checkRisks(tx, patch.riskIds)
      if (patch.owner) await this.checkOwner(tx, patch.owner)
      const set: Updateable<SecurityControlsTable> = {
        version: before.version + 1,
        updated_at: this.deps.now(),
      }
      if (patch.reference !== undefined) set.reference = patch.reference
      if (patch.name !== undefined) set.name = patch.name
      if (patch.theme !== undefined) set.theme = patch.theme
      if (patch.objective !== undefined) set.objective = patch.objective
      if (patch.owner !== undefined) set.owner = patch.owner
      if (patch.status !== undefined) set.status = patch.status
      if (patch.implementation !== undefined) set.implementation = patch.implementation
      if (patch.riskIds !== undefined) set.risk_ids = [...patch.riskIds]
      if (patch.reviewIntervalDays !== undefined)
        set.review_interval_days = patch.reviewIntervalDays
      if (patch.nextReviewAt !== undefined) set.next_review_at = new Date(patch.nextReviewAt)
      const after = await tx
        .updateTable('security_controls')
        .set(set)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
      return {
        result: null,
        evidence: {
          actor: actor.username,
          action: 'security-control.updated',
          entityType: 'security-control',
          entityId: id,
          before,
          after,
        },
      }
    })
    return this.get(id)
  }

  /**
   * 6.6.2: the owner (or the information security team) reviews a control: its status and
   * whether it is effective; the next review is planned one interval ahead.
   */
  async review(id: string, input: ControlReviewInput, actor: Actor) {
    await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const before = await this.row(tx, id, true)
      if (before.owner !== actor.username && !isSecurityWriter(actor)) {
        throw new ForbiddenError(`Reviewing ${id} needs its owner or: ${securityWriters}.`)
      }
      const now = this.deps.now()
      const review = await tx
        .insertInto('security_control_reviews')
        .values({
          control_id: id,
          status: input.status,
          effective: input.effective,
          notes: input.notes ?? '',
          reviewed_by: actor.username,
          reviewed_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      const after = await tx
        .updateTable('security_controls')
        .set({
          status: input.status,
          last_reviewed_at: now,
          last_reviewed_by: actor.username,
          next_review_at: new Date(now.getTime() + before.review_interval_days * DAY),
          version: before.version + 1,
          updated_at: now,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
      return {
        result: null,
        evidence: {
          actor: actor.username,
          action: 'security-control.reviewed',
          entityType: 'security-control',
          entityId: id,
          before,
          after: { ...after, review: toReview(review) },
        },
      }
    })
    return this.get(id)
  }
}

const toReview = (r: Selectable<SecurityControlReviewsTable>): ControlReview => ({
  id: r.id,
  controlId: r.control_id,
  status: r.status as ControlStatus,
  effective: r.effective,
  notes: r.notes,
  reviewedBy: r.reviewed_by,
  reviewedAt: iso(r.reviewed_at),
})
