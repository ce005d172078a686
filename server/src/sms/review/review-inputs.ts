/**
 * ISO/IEC 20000-1 4.5.4.3 a–j: the inputs of a management review, assembled from the product's
 * own records for the review's period. Each input names its clause, says how it was measured and
 * holds its figures; an input the product does not (yet) record says "not recorded" instead of
 * failing (competences and risks live in tables another part of the SMS adds, 4.4.2 and 4.5.3 d).
 */
import { sql, type Kysely } from 'kysely'
import type { DB } from '../../db/schema'
import { applyReportSettings, computeSections, type Period } from '../../reports/report-sections'
import type { ReportSection } from '../../reports/report-model'

/** One input of the review. */
export interface ReviewInput {
  /** The letter of 4.5.4.3, a … j. */
  item: string
  title: string
  /** `recorded` with figures, or `not recorded` (the product holds no such records). */
  state: 'recorded' | 'not recorded'
  summary: string
  figures?: unknown
}

const NOT_RECORDED = 'not recorded'

/** Whether a table exists (tables of other SMS parts may be absent from this database). */
async function tableExists(db: Kysely<DB>, table: string): Promise<boolean> {
  const r = await sql<{ t: string | null }>`select to_regclass(${table})::text as t`.execute(db)
  return !!r.rows[0]?.t
}

async function countOf(db: Kysely<DB>, table: string): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db)
  return r.rows[0]?.n ?? 0
}

const rowsOf = (s: ReportSection | undefined) => s?.rows ?? []

/**
 * Assembles the inputs for the period `[from, to)`, leaving out the review itself
 * (`reviewId`) from "earlier reviews".
 */
export async function assembleReviewInputs(
  db: Kysely<DB>,
  period: Period,
  reviewId: string,
  now: Date,
): Promise<ReviewInput[]> {
  return db.transaction().execute(async (tx) => {
    await applyReportSettings(tx)
    const [sla, complaints, changes, nonconformities, improvements, satisfaction, costs] =
      await computeSections(
        tx,
        [
          'sla-performance',
          'complaints',
          'changes-releases',
          'nonconformities',
          'improvements',
          'satisfaction',
          'costs',
        ],
        period,
        'month',
      )
    const inputs: ReviewInput[] = []
    // 7.1: complaints (the complaint procedure's records) and the satisfaction surveys
    const overall = rowsOf(satisfaction).find((r) => r.dimension === 'all')
    inputs.push({
      item: 'a',
      title: 'Customer feedback',
      state: 'recorded',
      summary:
        `Complaints (7.1) and customer satisfaction surveys: ${String(overall?.answered ?? 0)} of ` +
        `${String(overall?.sent ?? 0)} surveys answered, average score ${String(overall?.averageScore ?? 'none')}. ` +
        (complaints?.measuredAs ?? ''),
      figures: { complaints: rowsOf(complaints), satisfaction: rowsOf(satisfaction) },
    })
    inputs.push({
      item: 'b',
      title: 'Service performance and conformity of services and processes',
      state: 'recorded',
      summary: sla?.measuredAs ?? 'SLA performance (6.2 a)',
      figures: { performance: rowsOf(sla), nonconformities: rowsOf(nonconformities) },
    })
    const staff = await tx
      .selectFrom('user_groups as ug')
      .innerJoin('users as u', 'u.id', 'ug.user_id')
      .select(['ug.group_id as group', sql<number>`count(*)::int`.as('people')])
      .where('u.active', '=', true)
      .groupBy('ug.group_id')
      .orderBy('ug.group_id')
      .execute()
    inputs.push({
      item: 'c',
      title: 'Current and forecast human, technical, information and financial resource levels',
      state: 'recorded',
      summary:
        'Active people per staff group (human resources); financial resources: the costs of each service ' +
        'against its budget (6.4). ' +
        (costs?.measuredAs ?? '') +
        ' Technical resource levels: see capacity (6.5).',
      figures: { staff, financial: rowsOf(costs) },
    })
    for (const [item, title, table, clause] of [
      [
        'd',
        'Current and forecast human resource levels and competences',
        'sms_competences',
        '4.4.2',
      ],
      ['e', 'Risks', 'sms_risks', '4.5.3 d'],
    ] as const) {
      const present = await tableExists(tx, table)
      inputs.push(
        present
          ? {
              item,
              title,
              state: 'recorded',
              summary: `${table} (${clause})`,
              figures: { records: await countOf(tx, table) },
            }
          : {
              item,
              title,
              state: NOT_RECORDED,
              summary: `${NOT_RECORDED}: no ${clause} records in this product`,
            },
      )
    }
    const audits = await tx
      .selectFrom('cases')
      .select([
        'id',
        'title',
        'status',
        sql<unknown>`data -> 'nonconformities'`.as('nonconformities'),
      ])
      .where('kind', '=', 'internal-audit')
      .where('created_at', '<', period.to)
      .where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>=', period.from)]))
      .orderBy('id')
      .execute()
    const findings = await tx
      .selectFrom('cases')
      .select([
        'status',
        sql<string>`coalesce(data ->> 'findingType', 'unknown')`.as('type'),
        sql<number>`count(*)::int`.as('n'),
      ])
      .where('kind', '=', 'audit-finding')
      .where('created_at', '<', period.to)
      .groupBy(['status', sql`data ->> 'findingType'`])
      .execute()
    inputs.push({
      item: 'f',
      title: 'Results of audits and follow-up actions',
      state: 'recorded',
      summary: `${audits.length} internal audits in the period; findings by type and status`,
      figures: { audits, findings },
    })
    const earlier = await tx
      .selectFrom('sms_review_actions')
      .select(['id', 'review_id', 'title', 'owner', 'due_at', 'status'])
      .where('review_id', '!=', reviewId)
      .orderBy('id')
      .execute()
    inputs.push({
      item: 'g',
      title: 'Status of actions from previous management reviews',
      state: 'recorded',
      summary: `${earlier.filter((a) => a.status === 'open').length} open, ${earlier.filter((a) => a.status !== 'open').length} closed or carried over`,
      figures: earlier.map((a) => ({
        ...a,
        overdue: a.status === 'open' && new Date(a.due_at) < now,
      })),
    })
    const corrective = await tx
      .selectFrom('cases')
      .select(['id', 'title', 'status', 'assignee', sql<unknown>`data -> 'actionDue'`.as('due')])
      .where('kind', '=', 'audit-finding')
      .where(sql<boolean>`data ->> 'correctiveAction' is not null`)
      .where('created_at', '<', period.to)
      .orderBy('id')
      .execute()
    inputs.push({
      item: 'h',
      title: 'Status of preventive and corrective actions',
      state: 'recorded',
      summary: 'Corrective actions of audit findings; improvements (4.5.5) in the period',
      figures: { correctiveActions: corrective, improvements: rowsOf(improvements) },
    })
    inputs.push({
      item: 'i',
      title: 'Changes that could affect the SMS and the services',
      state: 'recorded',
      summary: changes?.measuredAs ?? 'changes and releases (9.2, 9.3)',
      figures: rowsOf(changes),
    })
    const opportunities = await tx
      .selectFrom('cases')
      .select(['id', 'title', 'status'])
      .where('kind', '=', 'improvement')
      .where('created_at', '>=', period.from)
      .where('created_at', '<', period.to)
      .orderBy('id')
      .limit(200)
      .execute()
    inputs.push({
      item: 'j',
      title: 'Opportunities for improvement',
      state: 'recorded',
      summary: `${opportunities.length} improvement opportunities recorded in the period`,
      figures: opportunities,
    })
    return inputs
  })
}
