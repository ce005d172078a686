/**
 * Service reports as records (ISO/IEC 20000-1 6.2, 4.3.3): report definitions, runs that store
 * a snapshot (the data as computed, who ran it, when, the definition) whose SHA-256 goes into
 * the evidence trail in the same transaction, and the monthly due-check.
 */
import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { iso, isoOrNull } from '../db/timestamps'
import type { AuditTrail } from '../evidence/audit-trail'
import { canonicalJson } from '../evidence/canonical-json'
import { nextReference } from '../cases/references'
import { NotFoundError, UserError } from '../errors'
import {
  Schedule,
  type Granularity,
  type PeriodSpec,
  type ReportDefinition,
  type ReportSnapshot,
  type SectionId,
  type SnapshotContent,
} from './report-model'
import { applyReportSettings, computeSections, type Period } from './report-sections'

/** What a person gives to define a report. */
export interface DefinitionInput {
  name: string
  audience: string
  sections: SectionId[]
  period: PeriodSpec
  granularity?: Granularity
  schedule?: Schedule
}

/** A snapshot in a list: everything but its content. */
export type SnapshotSummary = Omit<ReportSnapshot, 'content'> & { definitionName: string }

const monthStart = (d: Date, plusMonths = 0) =>
  new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + plusMonths, 1))

/** The period a run at `now` covers. */
export function periodOf(spec: PeriodSpec, now: Date): Period {
  if (spec.kind === 'previous-month') return { from: monthStart(now, -1), to: monthStart(now) }
  if (spec.kind === 'current-month') return { from: monthStart(now), to: monthStart(now, 1) }
  const from = new Date(spec.from)
  const to = new Date(spec.to)
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to) {
    throw new UserError('The period needs a valid "from" before "to".')
  }
  if (to.getTime() - from.getTime() > 366 * 86_400_000) {
    throw new UserError('A report covers at most one year; define several for longer spans.')
  }
  return { from, to }
}

/** When a monthly report is next due after `now`: the first of the next month, 01:00 UTC. */
export function nextMonthlyRun(now: Date): Date {
  return new Date(monthStart(now, 1).getTime() + 3600_000)
}

type DefinitionRow = DB['report_definitions'] extends infer T ? { [K in keyof T]: unknown } : never

function toDefinition(r: DefinitionRow): ReportDefinition {
  return {
    id: String(r.id),
    name: String(r.name),
    audience: String(r.audience),
    sections: r.sections as SectionId[],
    period: r.period as PeriodSpec,
    granularity: r.granularity as Granularity,
    schedule: r.schedule as Schedule,
    nextRunAt: isoOrNull(r.next_run_at as Date | string | null),
    createdBy: String(r.created_by),
    createdAt: iso(r.created_at as Date | string),
  }
}

/** The SHA-256 (hex) of a snapshot's stored text. */
export const sha256Of = (text: string) => createHash('sha256').update(text).digest('hex')

export class ReportsService {
  constructor(private readonly deps: { db: Kysely<DB>; audit: AuditTrail; now?: () => Date }) {}

  private now() {
    return this.deps.now?.() ?? new Date()
  }

  async createDefinition(input: DefinitionInput, actor: string): Promise<ReportDefinition> {
    if (input.period.kind === 'fixed') periodOf(input.period, this.now())
    const schedule = input.schedule ?? Schedule.None
    if (schedule === Schedule.Monthly && input.period.kind === 'fixed') {
      throw new UserError('A monthly report covers a month: use the period "previous-month".')
    }
    return this.deps.db.transaction().execute(async (tx) => {
      const id = await nextReference(tx, 'RPT')
      const row = await tx
        .insertInto('report_definitions')
        .values({
          id,
          name: input.name,
          audience: input.audience,
          sections: JSON.stringify(input.sections),
          period: JSON.stringify(input.period),
          granularity: input.granularity ?? 'week',
          schedule,
          next_run_at: schedule === Schedule.Monthly ? nextMonthlyRun(this.now()) : null,
          created_by: actor,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      const definition = toDefinition(row)
      await this.deps.audit.append(
        {
          actor,
          action: 'report-definition.created',
          entityType: 'report-definition',
          entityId: id,
          after: definition,
        },
        tx,
      )
      return definition
    })
  }

  async listDefinitions(): Promise<ReportDefinition[]> {
    const rows = await this.deps.db
      .selectFrom('report_definitions')
      .selectAll()
      .orderBy('id')
      .execute()
    return rows.map(toDefinition)
  }

  async getDefinition(id: string, db: Kysely<DB> = this.deps.db): Promise<ReportDefinition> {
    const row = await db
      .selectFrom('report_definitions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (!row) throw new NotFoundError(`Report definition ${id} does not exist.`)
    return toDefinition(row)
  }

  /**
   * Runs a definition and stores its snapshot with its hash in the evidence trail, all in one
   * transaction (4.3.3). `claimDue` (the due-check) moves `next_run_at` in that transaction too and
   * returns undefined when another run already took this due date.
   */
  async run(
    id: string,
    actor: string,
    options: { claimDue?: boolean } = {},
  ): Promise<ReportSnapshot | undefined> {
    return this.deps.db.transaction().execute(async (tx) => {
      const definition = await this.getDefinition(id, tx)
      const ranAt = this.now()
      if (options.claimDue) {
        // a concurrent claim waits for this row lock, then finds the date moved past `ranAt`
        const claimed = await tx
          .updateTable('report_definitions')
          .set({ next_run_at: nextMonthlyRun(ranAt) })
          .where('id', '=', id)
          .where('next_run_at', '<=', ranAt)
          .returning('id')
          .executeTakeFirst()
        if (!claimed) return undefined
      }
      const period = periodOf(definition.period, ranAt)
      await applyReportSettings(tx)
      const sections = await computeSections(
        tx,
        definition.sections,
        period,
        definition.granularity,
      )
      const content: SnapshotContent = {
        definition,
        period: { from: period.from.toISOString(), to: period.to.toISOString() },
        ranBy: actor,
        ranAt: ranAt.toISOString(),
        sections,
      }
      const text = canonicalJson(content)
      const sha256 = sha256Of(text)
      const snapshotId = await nextReference(tx, 'RPS')
      const entry = await this.deps.audit.append(
        {
          actor,
          action: 'report.snapshot-taken',
          entityType: 'report-snapshot',
          entityId: snapshotId,
          after: {
            definitionId: definition.id,
            name: definition.name,
            period: content.period,
            ranAt: content.ranAt,
            sha256,
          },
        },
        tx,
      )
      await tx
        .insertInto('report_snapshots')
        .values({
          id: snapshotId,
          definition_id: definition.id,
          period_from: period.from,
          period_to: period.to,
          ran_by: actor,
          ran_at: ranAt,
          content: text,
          sha256,
          evidence_seq: entry.seq,
        })
        .execute()
      return {
        id: snapshotId,
        definitionId: definition.id,
        ranBy: actor,
        ranAt: content.ranAt,
        period: content.period,
        sha256,
        evidenceSeq: entry.seq,
        content,
      }
    })
  }

  async listSnapshots(definitionId?: string): Promise<SnapshotSummary[]> {
    let q = this.deps.db
      .selectFrom('report_snapshots as s')
      .innerJoin('report_definitions as d', 'd.id', 's.definition_id')
      .select([
        's.id',
        's.definition_id',
        'd.name',
        's.ran_by',
        's.ran_at',
        's.period_from',
        's.period_to',
        's.sha256',
        's.evidence_seq',
      ])
      .orderBy('s.ran_at', 'desc')
      .orderBy('s.id', 'desc')
      .limit(500)
    if (definitionId) q = q.where('s.definition_id', '=', definitionId)
    return (await q.execute()).map((r) => ({
      id: r.id,
      definitionId: r.definition_id,
      definitionName: r.name,
      ranBy: r.ran_by,
      ranAt: iso(r.ran_at),
      period: { from: iso(r.period_from), to: iso(r.period_to) },
      sha256: r.sha256,
      evidenceSeq: Number(r.evidence_seq),
    }))
  }

  /** A stored snapshot, as it was computed; `text` is the stored canonical JSON. */
  async getSnapshot(id: string): Promise<ReportSnapshot & { text: string }> {
    const r = await this.deps.db
      .selectFrom('report_snapshots')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (!r) throw new NotFoundError(`Report snapshot ${id} does not exist.`)
    return {
      id: r.id,
      definitionId: r.definition_id,
      ranBy: r.ran_by,
      ranAt: iso(r.ran_at),
      period: { from: iso(r.period_from), to: iso(r.period_to) },
      sha256: r.sha256,
      evidenceSeq: Number(r.evidence_seq),
      content: JSON.parse(r.content) as SnapshotContent,
      text: r.content,
    }
  }

  /**
   * Runs every monthly definition whose due date has passed, once each: the run claims the due
   * date in its own transaction, so a second server or a restart finds nothing left to run.
   * Returns the snapshots taken.
   */
  async runDue(actor = 'system:report-scheduler'): Promise<ReportSnapshot[]> {
    const due = await this.deps.db
      .selectFrom('report_definitions')
      .select('id')
      .where('schedule', '=', Schedule.Monthly)
      .where('next_run_at', '<=', this.now())
      .orderBy('id')
      .execute()
    const taken: ReportSnapshot[] = []
    for (const d of due) {
      const snapshot = await this.run(d.id, actor, { claimDue: true })
      if (snapshot) taken.push(snapshot)
    }
    return taken
  }
}
