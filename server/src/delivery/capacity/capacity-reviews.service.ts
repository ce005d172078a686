/**
 * The periodic capacity review (ISO/IEC 20000-1 6.5, `processes/capacity-review.bpmn`): every
 * `intervalDays` (30 by default) once capacity requirements exist, a review is opened with the
 * utilisation of each requirement over the period against its thresholds and forecast; the
 * service owners' review decides whether the capacity plan is to be revised and which actions
 * follow. Every write is one transaction with its evidence entry (4.3.3).
 */
import { sql, type Kysely } from 'kysely'
import type { DB } from '../../db/schema'
import { iso, isoOrNull } from '../../db/timestamps'
import { writeWithEvidence, type AuditSink } from '../../evidence/audit-sink'
import { NotFoundError } from '../../errors'
import { nextReference } from '../../cases/references'

const DAY = 86_400_000

/** One requirement's figures over the review period. */
export interface CapacityReviewLine {
  requirementId: string
  subject: string
  metric: string
  measurements: number
  peakPercent: number | null
  averagePercent: number | null
  warnings: number
  criticals: number
  forecastPercent: number
  forecastDate: string
}

export interface CapacityReview {
  id: string
  status: 'open' | 'completed'
  processInstanceKey: string | null
  periodStart: string
  periodEnd: string
  summary: CapacityReviewLine[]
  decision: Record<string, unknown> | null
  reviewedBy: string | null
  createdAt: string
  completedAt: string | null
}

export class CapacityReviewsService {
  constructor(private readonly deps: { db: Kysely<DB>; audit: AuditSink; now: () => Date }) {}

  async list(): Promise<CapacityReview[]> {
    const rows = await this.deps.db
      .selectFrom('capacity_reviews')
      .selectAll()
      .orderBy('created_at', 'desc')
      .limit(100)
      .execute()
    return rows.map((r) => ({
      id: r.id,
      status: r.status as CapacityReview['status'],
      processInstanceKey: r.process_instance_key,
      periodStart: iso(r.period_start),
      periodEnd: iso(r.period_end),
      summary: r.summary as CapacityReviewLine[],
      decision: (r.decision ?? null) as Record<string, unknown> | null,
      reviewedBy: r.reviewed_by,
      createdAt: iso(r.created_at),
      completedAt: isoOrNull(r.completed_at),
    }))
  }

  async get(id: string): Promise<CapacityReview> {
    const r = (await this.list()).find((x) => x.id === id)
    if (!r) throw new NotFoundError(`No capacity review ${id}.`)
    return r
  }

  /**
   * Opens the review of the period when it is due for the instance `instanceKey`: requirements
   * exist, and the last review (or the first requirement, before any review) is `intervalDays`
   * old. Returns null when not due; a repeated job returns the review it opened.
   */
  async openIfDue(instanceKey: string, intervalDays: number, actor: string) {
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      // daily checks catching up after a pause run side by side: one at a time decides, so two
      // of them never both find the review due and open it twice
      await sql`lock table capacity_reviews in share row exclusive mode`.execute(tx)
      const mine = await tx
        .selectFrom('capacity_reviews')
        .select('id')
        .where('process_instance_key', '=', instanceKey)
        .executeTakeFirst()
      if (mine) return { result: mine.id, evidence: null }
      const now = this.deps.now()
      const last = await tx
        .selectFrom('capacity_reviews')
        .select(['period_end'])
        .orderBy('period_end', 'desc')
        .limit(1)
        .executeTakeFirst()
      const first = await tx
        .selectFrom('capacity_requirements')
        .select((eb) => eb.fn.min('created_at').as('at'))
        .executeTakeFirst()
      const since = last?.period_end ?? first?.at ?? null
      if (!since || now.getTime() - Date.parse(iso(since)) < intervalDays * DAY) {
        return { result: null, evidence: null }
      }
      // the first review covers everything measured so far
      const earliest = last
        ? undefined
        : await tx
            .selectFrom('capacity_measurements')
            .select((eb) => eb.fn.min('measured_at').as('at'))
            .executeTakeFirst()
      const start = new Date(
        Math.min(
          Date.parse(iso(since)),
          earliest?.at ? Date.parse(iso(earliest.at)) : Number.POSITIVE_INFINITY,
        ),
      )
      const summary = await this.summarise(tx, start, now)
      const id = await nextReference(tx, 'CR')
      const row = await tx
        .insertInto('capacity_reviews')
        .values({
          id,
          process_instance_key: instanceKey,
          status: 'open',
          period_start: start,
          period_end: now,
          summary: JSON.stringify(summary),
          created_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      return {
        result: id,
        evidence: {
          actor,
          action: 'capacity-review.opened',
          entityType: 'capacity-review',
          entityId: id,
          after: row,
          processInstanceKey: instanceKey,
        },
      }
    })
  }

  /** Utilisation per requirement over the period against thresholds and forecast. */
  private async summarise(tx: Kysely<DB>, from: Date, to: Date): Promise<CapacityReviewLine[]> {
    const reqs = await tx.selectFrom('capacity_requirements').selectAll().orderBy('id').execute()
    const lines: CapacityReviewLine[] = []
    for (const r of reqs) {
      const m = await tx
        .selectFrom('capacity_measurements')
        .select([
          sql<number>`count(*)::int`.as('n'),
          sql<number | null>`max(utilisation_percent)`.as('peak'),
          sql<number | null>`round(avg(utilisation_percent)::numeric, 3)::float8`.as('avg'),
          sql<number>`count(*) filter (where level = 'warning')::int`.as('warnings'),
          sql<number>`count(*) filter (where level = 'critical')::int`.as('criticals'),
        ])
        .where('requirement_id', '=', r.id)
        .where('measured_at', '>', from)
        .where('measured_at', '<=', to)
        .executeTakeFirstOrThrow()
      lines.push({
        requirementId: r.id,
        subject: r.service_id ?? r.ci_id ?? '',
        metric: `${r.metric} (${r.unit})`,
        measurements: Number(m.n),
        peakPercent: m.peak === null ? null : Number(m.peak),
        averagePercent: m.avg === null ? null : Number(m.avg),
        warnings: Number(m.warnings),
        criticals: Number(m.criticals),
        forecastPercent: Math.round((r.forecast_demand / r.capacity) * 100_000) / 1000,
        forecastDate: iso(r.forecast_date).slice(0, 10),
      })
    }
    return lines
  }

  /** Records what the review decided and completes it. */
  async record(
    id: string,
    decision: Record<string, unknown>,
    reviewer: string,
    instanceKey: string,
  ) {
    await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const before = await tx
        .selectFrom('capacity_reviews')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst()
      if (!before) throw new NotFoundError(`No capacity review ${id}.`)
      if (before.status === 'completed') return { result: null, evidence: null }
      const after = await tx
        .updateTable('capacity_reviews')
        .set({
          status: 'completed',
          decision: JSON.stringify(decision),
          reviewed_by: reviewer,
          completed_at: this.deps.now(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
      return {
        result: null,
        evidence: {
          actor: reviewer,
          action: 'capacity-review.recorded',
          entityType: 'capacity-review',
          entityId: id,
          before,
          after,
          processInstanceKey: instanceKey,
        },
      }
    })
    return this.get(id)
  }
}
