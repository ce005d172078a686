/**
 * The risk register (ISO/IEC 20000-1 4.5.2 j approach to risks, 4.5.3 d managing risks, 6.3.1
 * continuity risks, 6.6.1 information security risks): risks with likelihood, impact, owner,
 * treatment and review date, linked to changes, CIs, services and improvements; the periodic
 * review (processes/sms-risk-review.bpmn) claims the risks due and records each review. Every
 * write is one transaction with its evidence entry.
 */
import type { Kysely, Selectable, Updateable } from 'kysely'
import type { DB, SmsRiskReviewsTable, SmsRisksTable } from '../../db/schema'
import { iso } from '../../db/timestamps'
import { writeWithEvidence, type AuditSink } from '../../evidence/audit-sink'
import { nextReference } from '../../cases/references'
import { ConflictError, NotFoundError, type FieldError } from '../../errors'
import { UnprocessableError } from '../../cases/change-control'
import {
  RiskStatus,
  type ReviewDecision,
  type Risk,
  type RiskCategory,
  type RiskLinks,
  type RiskReview,
  type TreatmentOption,
} from './risk-model'

export interface RiskInput {
  title: string
  description?: string
  category: RiskCategory
  likelihood: number
  impact: number
  owner: string
  treatmentOption: TreatmentOption
  treatment?: string
  status?: RiskStatus
  reviewIntervalDays?: number
  nextReviewAt?: string
  links?: Partial<RiskLinks>
}
export type RiskPatch = Partial<RiskInput> & { version: number }

/** A risk the review claimed: what its review task shows. */
export interface RiskToReview {
  id: string
  title: string
  owner: string
  likelihood: number
  impact: number
  status: string
  treatment: string
}

const DAY = 86_400_000
const noLinks: RiskLinks = { changes: [], cis: [], services: [], improvements: [] }

function toRisk(r: Selectable<SmsRisksTable>): Risk {
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    category: r.category as RiskCategory,
    likelihood: r.likelihood,
    impact: r.impact,
    score: r.likelihood * r.impact,
    owner: r.owner,
    treatmentOption: r.treatment_option as TreatmentOption,
    treatment: r.treatment,
    status: r.status as RiskStatus,
    reviewIntervalDays: r.review_interval_days,
    nextReviewAt: iso(r.next_review_at),
    reviewInstanceKey: r.review_instance_key,
    links: { ...noLinks, ...(r.links as Partial<RiskLinks>) },
    version: r.version,
    createdBy: r.created_by,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  }
}

const toReview = (r: Selectable<SmsRiskReviewsTable>): RiskReview => ({
  id: r.id,
  riskId: r.risk_id,
  reviewedBy: r.reviewed_by,
  reviewedAt: iso(r.reviewed_at),
  likelihood: r.likelihood,
  impact: r.impact,
  status: r.status as RiskStatus,
  notes: r.notes,
  processInstanceKey: r.process_instance_key,
})

/** Where each kind of link points: a case kind in `cases`, or a table of its own. */
const linkTargets: Record<
  keyof RiskLinks,
  { label: string; kind?: string; table?: 'cis' | 'services' }
> = {
  changes: { label: 'change', kind: 'change' },
  cis: { label: 'CI', table: 'cis' },
  services: { label: 'service', table: 'services' },
  improvements: { label: 'improvement', kind: 'improvement' },
}

/**
 * 4.5.3 d: a risk links the records it concerns; a link to a record that does not exist is
 * refused (422 naming the field and the id), read inside the write's transaction.
 */
async function refuseUnknownLinks(tx: Kysely<DB>, links: Partial<RiskLinks> | undefined) {
  if (!links) return
  const errors: FieldError[] = []
  for (const field of Object.keys(linkTargets) as (keyof RiskLinks)[]) {
    const ids = links[field] ?? []
    if (!ids.length) continue
    const target = linkTargets[field]
    const found = target.table
      ? await tx.selectFrom(target.table).select('id').where('id', 'in', ids).execute()
      : await tx
          .selectFrom('cases')
          .select('id')
          .where('kind', '=', target.kind!)
          .where('id', 'in', ids)
          .execute()
    const known = new Set(found.map((r) => r.id))
    ids.forEach((id, i) => {
      if (!known.has(id)) {
        errors.push({ path: `/links/${field}/${i}`, message: `no ${target.label} ${id}` })
      }
    })
  }
  if (errors.length) {
    throw new UnprocessableError(
      `The risk links records that do not exist: ${errors
        .map((e) => `links.${e.path.split('/')[2]} ${e.message}`)
        .join('; ')}.`,
      errors,
    )
  }
}

export class RisksService {
  constructor(private readonly deps: { db: Kysely<DB>; audit: AuditSink; now: () => Date }) {}

  async list(): Promise<Risk[]> {
    const rows = await this.deps.db.selectFrom('sms_risks').selectAll().orderBy('id').execute()
    return rows.map(toRisk).sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
  }

  /** Open risks counted per likelihood × impact cell (the heat map). */
  async heatMap(): Promise<{ likelihood: number; impact: number; count: number; ids: string[] }[]> {
    const risks = (await this.list()).filter((r) => r.status !== RiskStatus.Closed)
    const cells: { likelihood: number; impact: number; count: number; ids: string[] }[] = []
    for (let l = 1; l <= 5; l++) {
      for (let i = 1; i <= 5; i++) {
        const ids = risks.filter((r) => r.likelihood === l && r.impact === i).map((r) => r.id)
        cells.push({ likelihood: l, impact: i, count: ids.length, ids })
      }
    }
    return cells
  }

  async get(id: string): Promise<Risk & { reviews: RiskReview[] }> {
    const row = await this.deps.db
      .selectFrom('sms_risks')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (!row) throw new NotFoundError(`No risk ${id}.`)
    const reviews = await this.deps.db
      .selectFrom('sms_risk_reviews')
      .selectAll()
      .where('risk_id', '=', id)
      .orderBy('reviewed_at', 'desc')
      .execute()
    return { ...toRisk(row), reviews: reviews.map(toReview) }
  }

  async create(input: RiskInput, actor: string): Promise<Risk> {
    const now = this.deps.now()
    const id = await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      await refuseUnknownLinks(tx, input.links)
      const id = await nextReference(tx, 'RSK')
      const interval = input.reviewIntervalDays ?? 30
      const row = await tx
        .insertInto('sms_risks')
        .values({
          id,
          title: input.title,
          description: input.description ?? '',
          category: input.category,
          likelihood: input.likelihood,
          impact: input.impact,
          owner: input.owner,
          treatment_option: input.treatmentOption,
          treatment: input.treatment ?? '',
          status: input.status ?? RiskStatus.Open,
          review_interval_days: interval,
          next_review_at: input.nextReviewAt
            ? new Date(input.nextReviewAt)
            : new Date(now.getTime() + interval * DAY),
          review_instance_key: null,
          links: JSON.stringify({ ...noLinks, ...input.links }),
          created_by: actor,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      return {
        result: id,
        evidence: {
          actor,
          action: 'risk.created',
          entityType: 'risk',
          entityId: id,
          after: toRisk(row),
        },
      }
    })
    return this.get(id)
  }

  /** Changes a risk; `version` guards against overwriting someone else's change. */
  async update(id: string, patch: RiskPatch, actor: string): Promise<Risk> {
    await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const before = await tx
        .selectFrom('sms_risks')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst()
      if (!before) throw new NotFoundError(`No risk ${id}.`)
      if (before.version !== patch.version) {
        throw new ConflictError(`${id} changed meanwhile (version ${before.version}); reload it.`)
      }
      const set: Updateable<SmsRisksTable> = {
        version: before.version + 1,
        updated_at: this.deps.now(),
      }
      if (patch.title !== undefined) set.title = patch.title
      if (patch.description !== undefined) set.description = patch.description
      if (patch.category !== undefined) set.category = patch.category
      if (patch.likelihood !== undefined) set.likelihood = patch.likelihood
      if (patch.impact !== undefined) set.impact = patch.impact
      if (patch.owner !== undefined) set.owner = patch.owner
      if (patch.treatmentOption !== undefined) set.treatment_option = patch.treatmentOption
      if (patch.treatment !== undefined) set.treatment = patch.treatment
      if (patch.status !== undefined) set.status = patch.status
      if (patch.reviewIntervalDays !== undefined)
        set.review_interval_days = patch.reviewIntervalDays
      if (patch.nextReviewAt !== undefined) set.next_review_at = new Date(patch.nextReviewAt)
      if (patch.links !== undefined) {
        await refuseUnknownLinks(tx, patch.links)
        set.links = JSON.stringify({
          ...noLinks,
          ...(before.links as Partial<RiskLinks>),
          ...patch.links,
        })
      }
      const after = await tx
        .updateTable('sms_risks')
        .set(set)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
      return {
        result: null,
        evidence: {
          actor,
          action: 'risk.updated',
          entityType: 'risk',
          entityId: id,
          before: toRisk(before),
          after: toRisk(after),
        },
      }
    })
    return this.get(id)
  }

  /**
   * 4.5.3 d: the risks whose review is due and that no review is working on are claimed by the
   * review instance `instanceKey` (so a second run does not review them twice).
   */
  async claimDueForReview(instanceKey: string, actor: string): Promise<RiskToReview[]> {
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const due = await tx
        .updateTable('sms_risks')
        .set({ review_instance_key: instanceKey })
        .where('status', '!=', RiskStatus.Closed)
        .where('next_review_at', '<=', this.deps.now())
        .where((eb) =>
          eb.or([
            eb('review_instance_key', 'is', null),
            eb('review_instance_key', '=', instanceKey),
          ]),
        )
        .returningAll()
        .execute()
      due.sort((a, b) => a.id.localeCompare(b.id))
      return {
        result: due.map((r) => ({
          id: r.id,
          title: r.title,
          owner: r.owner,
          likelihood: r.likelihood,
          impact: r.impact,
          status: r.status,
          treatment: r.treatment,
        })),
        evidence: due.map((r) => ({
          actor,
          action: 'risk.review-started',
          entityType: 'risk',
          entityId: r.id,
          after: { nextReviewAt: iso(r.next_review_at) },
          processInstanceKey: instanceKey,
        })),
      }
    })
  }

  /**
   * Records one review (who, when, the assessment) and plans the next one interval ahead; a
   * repeated job of the same instance records nothing twice.
   */
  async recordReview(
    riskId: string,
    decision: ReviewDecision,
    reviewer: string,
    instanceKey: string | null,
  ): Promise<{ reviewId: number; nextReviewAt: string }> {
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const risk = await tx
        .selectFrom('sms_risks')
        .selectAll()
        .where('id', '=', riskId)
        .forUpdate()
        .executeTakeFirst()
      if (!risk) throw new NotFoundError(`No risk ${riskId}.`)
      if (instanceKey) {
        const done = await tx
          .selectFrom('sms_risk_reviews')
          .select('id')
          .where('risk_id', '=', riskId)
          .where('process_instance_key', '=', instanceKey)
          .executeTakeFirst()
        if (done)
          return {
            result: { reviewId: done.id, nextReviewAt: iso(risk.next_review_at) },
            evidence: null,
          }
      }
      const now = this.deps.now()
      const next = new Date(now.getTime() + risk.review_interval_days * DAY)
      const review = await tx
        .insertInto('sms_risk_reviews')
        .values({
          risk_id: riskId,
          reviewed_by: reviewer,
          reviewed_at: now,
          likelihood: decision.likelihood,
          impact: decision.impact,
          status: decision.status,
          notes: decision.notes ?? '',
          process_instance_key: instanceKey,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      const after = await tx
        .updateTable('sms_risks')
        .set({
          likelihood: decision.likelihood,
          impact: decision.impact,
          status: decision.status,
          ...(decision.treatment !== undefined && decision.treatment !== ''
            ? { treatment: decision.treatment }
            : {}),
          next_review_at: next,
          review_instance_key: null,
          version: risk.version + 1,
          updated_at: now,
        })
        .where('id', '=', riskId)
        .returningAll()
        .executeTakeFirstOrThrow()
      return {
        result: { reviewId: review.id, nextReviewAt: next.toISOString() },
        evidence: {
          actor: reviewer,
          action: 'risk.reviewed',
          entityType: 'risk',
          entityId: riskId,
          before: toRisk(risk),
          after: { ...toRisk(after), review: toReview(review) },
          processInstanceKey: instanceKey,
        },
      }
    })
  }
}
