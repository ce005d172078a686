/**
 * ISO/IEC 20000-1 4.5.4.3 a–j: the inputs of a management review, assembled from the product's
 * own records for the review's period. Each input names its clause, says how it was measured and
 * holds its figures and, where the review has to read records rather than numbers, `lines`: the
 * competence gaps per role (d, 4.4.2), the high risks above the risk appetite with owner and
 * treatment (e, 4.5.2 j, 4.5.3 d), the open nonconformities with their corrective actions and
 * their state (f, 4.5.4.2) and the requirements and registers not conforming (b, the compliance
 * gaps). An input the product does not record says "not recorded" instead of failing.
 */
import { sql, type Kysely } from 'kysely'
import type { DB } from '../../db/schema'
import { applyReportSettings, computeSections, type Period } from '../../reports/report-sections'
import type { ReportSection } from '../../reports/report-model'
import type { MatrixRow } from '../../compliance/compliance.service'
import { findGaps } from '../../compliance/gaps'
import { roleGaps } from '../competence/competence.service'

/** One input of the review. */
export interface ReviewInput {
  /** The letter of 4.5.4.3, a … j. */
  item: string
  title: string
  /** `recorded` with figures, or `not recorded` (the product holds no such records). */
  state: 'recorded' | 'not recorded'
  summary: string
  figures?: unknown
  /** What the review reads, one record a line (the findings, risks, gaps themselves). */
  lines?: string[]
}

/** 4.5.2 j: the highest risk score (likelihood × impact) accepted without escalation, by default. */
export const DEFAULT_RISK_APPETITE = 12

export interface ReviewInputOptions {
  /** 4.5.2 j: risks scoring above it are the high risks the review reads (default 12). */
  riskAppetite?: number
  /**
   * The compliance matrix of the period: its requirements without evidence are gaps of
   * conformity (b). Absent: the gaps of the registers only (overdue reviews, expired documents).
   */
  matrix?: (period: Period) => Promise<readonly MatrixRow[]>
}

/** The state of a finding's corrective action (4.5.4.2, 4.5.5.1). */
export function correctiveActionState(
  status: string,
  data: Record<string, unknown>,
  today: string,
): 'verified' | 'none agreed' | 'overdue' | 'in progress' | 'closed' {
  if (data.verified === true) return 'verified'
  if (typeof data.correctiveAction !== 'string' || !data.correctiveAction) {
    return status === 'closed' ? 'closed' : 'none agreed'
  }
  if (status === 'closed') return 'closed'
  const due = typeof data.actionDue === 'string' ? data.actionDue.slice(0, 10) : null
  return due !== null && due < today ? 'overdue' : 'in progress'
}

const NOT_RECORDED = 'not recorded'

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
  options: ReviewInputOptions = {},
): Promise<ReviewInput[]> {
  const appetite = options.riskAppetite ?? DEFAULT_RISK_APPETITE
  const today = now.toISOString().slice(0, 10)
  // the matrix reads the evidence trail and the tests' tags: outside the inputs' transaction
  const matrixRows = options.matrix ? await options.matrix(period) : []
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
    // conformity: the compliance gaps at the review's date (requirements without evidence in
    // the period, reviews past their date, expired documents and qualifications)
    const gaps = await findGaps(tx, matrixRows, now)
    const requirementGaps = gaps.requirements
    inputs.push({
      item: 'b',
      title: 'Service performance and conformity of services and processes',
      state: 'recorded',
      summary:
        `${sla?.measuredAs ?? 'SLA performance (6.2 a)'} Conformity gaps: ` +
        `${requirementGaps.length} requirements without evidence, ` +
        `${gaps.overdueReviews.length} reviews overdue, ${gaps.expiredDocuments.length} expired.`,
      figures: {
        performance: rowsOf(sla),
        nonconformities: rowsOf(nonconformities),
        gaps: {
          requirements: requirementGaps,
          overdueReviews: gaps.overdueReviews,
          expiredDocuments: gaps.expiredDocuments,
        },
      },
      lines: [
        ...requirementGaps.map((r) => `${r.id} (${r.clause}): ${r.summary} — ${r.status}`),
        ...gaps.overdueReviews.map(
          (o) =>
            `${o.type} ${o.id} ${o.title}: review overdue since ${o.dueAt ?? '?'} (${o.owner})`,
        ),
        ...gaps.expiredDocuments.map(
          (e) => `${e.type} ${e.id} ${e.title}: expired ${e.expiredAt ?? '?'}`,
        ),
      ],
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
    // d (4.4.2): each role's competence gaps, and qualifications that expired
    const roles = await roleGaps(tx, today)
    const competenceGaps = roles.flatMap((r) => r.gaps)
    const expiredQualifications = gaps.expiredDocuments.filter((e) => e.type === 'qualification')
    inputs.push({
      item: 'd',
      title: 'Current and forecast human resource levels and competences',
      state: roles.length ? 'recorded' : NOT_RECORDED,
      summary: roles.length
        ? `${competenceGaps.length} competence gaps in ${roles.filter((r) => r.gaps.length).length} of ${roles.length} roles with required competences (4.4.2); ${expiredQualifications.length} qualifications expired.`
        : `${NOT_RECORDED}: no role has required competences (4.4.2)`,
      figures: { roles, competenceGaps, expiredQualifications },
      lines: [
        ...competenceGaps.map(
          (g) => `${g.role}: ${g.username} lacks ${g.competence} (${g.competenceId}) — ${g.reason}`,
        ),
        ...expiredQualifications.map((q) => `${q.title}: expired ${q.expiredAt ?? '?'}`),
      ],
    })
    // e (4.5.2 j, 4.5.3 d): the risks above the appetite, with their owners and treatment
    const risks = await tx
      .selectFrom('sms_risks')
      .select([
        'id',
        'title',
        'category',
        'likelihood',
        'impact',
        'owner',
        'treatment_option',
        'treatment',
        'status',
        'next_review_at',
      ])
      .where('status', '!=', 'closed')
      .orderBy('id')
      .execute()
    const highRisks = risks
      .map((r) => ({
        id: r.id,
        title: r.title,
        category: r.category,
        likelihood: r.likelihood,
        impact: r.impact,
        score: r.likelihood * r.impact,
        owner: r.owner,
        treatmentOption: r.treatment_option,
        treatment: r.treatment,
        status: r.status,
        nextReviewAt: new Date(r.next_review_at).toISOString(),
        reviewOverdue: new Date(r.next_review_at) < now,
      }))
      .filter((r) => r.score > appetite)
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
    inputs.push({
      item: 'e',
      title: 'Risks',
      state: 'recorded',
      summary: `${highRisks.length} of ${risks.length} open risks score above the risk appetite (${appetite}, likelihood × impact; 4.5.2 j, 4.5.3 d).`,
      figures: { appetite, openRisks: risks.length, highRisks },
      lines: highRisks.map(
        (r) =>
          `${r.id} ${r.title}: score ${r.score} (${r.likelihood}×${r.impact}), owner ${r.owner}, ` +
          `${r.treatmentOption}: ${r.treatment || 'no treatment recorded'} — ${r.status}` +
          (r.reviewOverdue ? ', review overdue' : ''),
      ),
    })
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
    // the nonconformities open at the review or closed in its period, each with its corrective
    // action, owner, due date and state (4.5.4.2 follow-up)
    const ncRows = await tx
      .selectFrom('cases')
      .select(['id', 'title', 'status', 'assignee', 'data', 'closed_at'])
      .where('kind', '=', 'audit-finding')
      .where(sql<boolean>`data ->> 'findingType' = 'nonconformity'`)
      .where('created_at', '<', period.to)
      .where((eb) =>
        eb.or([
          eb('status', 'not in', ['closed', 'cancelled', 'rejected']),
          eb('closed_at', '>=', period.from),
        ]),
      )
      .orderBy('id')
      .execute()
    const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null)
    const nonconformitiesFound = ncRows.map((f) => {
      const data = (f.data ?? {}) as Record<string, unknown>
      return {
        id: f.id,
        title: f.title,
        audit: str(data.audit),
        clause: str(data.clause),
        severity: str(data.severity),
        status: f.status,
        correctiveAction: str(data.correctiveAction),
        owner: f.assignee,
        actionDue: str(data.actionDue),
        actionState: correctiveActionState(f.status, data, today),
        verifiedBy: str(data.verifiedBy),
      }
    })
    const open = nonconformitiesFound.filter((f) => f.status !== 'closed')
    inputs.push({
      item: 'f',
      title: 'Results of audits and follow-up actions',
      state: 'recorded',
      summary:
        `${audits.length} internal audits in the period; ${open.length} nonconformities open, ` +
        `${nonconformitiesFound.length - open.length} closed in the period; findings by type and status.`,
      figures: { audits, findings, nonconformities: nonconformitiesFound },
      lines: nonconformitiesFound.map(
        (f) =>
          `${f.id} ${f.title} (clause ${f.clause ?? '?'}${f.severity ? `, ${f.severity}` : ''}` +
          `${f.audit ? `, audit ${f.audit}` : ''}) ${f.status}: ` +
          (f.correctiveAction
            ? `corrective action "${f.correctiveAction}" by ${f.owner ?? '?'}, due ${f.actionDue ?? '?'} — ${f.actionState}`
            : `no corrective action agreed — ${f.actionState}`) +
          (f.verifiedBy ? `, verified by ${f.verifiedBy}` : ''),
      ),
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
