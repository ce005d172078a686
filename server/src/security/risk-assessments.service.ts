/**
 * The information security risk assessment at planned intervals (ISO/IEC 20000-1 6.6.1,
 * `processes/security-risk-assessment.bpmn`): every `intervalDays` (90 by default) once security
 * risks are in the risk register, an assessment is opened with those risks as they stand (score,
 * owner, treatment, the controls of the controls register treating them, whether their review is
 * overdue); the information security group assesses them, decides whether treatment is needed
 * and, when it is, plans it with actions, an owner and a due date; the results are recorded.
 * Every write is one transaction with its evidence entry (4.3.3).
 */
import { sql, type Kysely, type Selectable } from 'kysely'
import type { DB, SecurityRiskAssessmentsTable } from '../db/schema'
import { iso, isoOrNull } from '../db/timestamps'
import { writeWithEvidence, type AuditSink } from '../evidence/audit-sink'
import { NotFoundError } from '../errors'
import { nextReference } from '../cases/references'
import { RiskCategory } from '../sms/risks/risk-model'
import type { AssessedRisk, SecurityRiskAssessment } from '@shared/api/security-risk-assessments'

const DAY = 86_400_000

export type { AssessedRisk, SecurityRiskAssessment } from '@shared/api/security-risk-assessments'

/** What the procedure's tasks decided. */
export interface AssessmentResults {
  assessment: { findings: string; riskChanges: string; treatmentNeeded: boolean }
  treatment: { plan: string; actions: string; actionOwner: string; actionDue: string } | null
}

const toAssessment = (r: Selectable<SecurityRiskAssessmentsTable>): SecurityRiskAssessment => ({
  id: r.id,
  status: r.status as SecurityRiskAssessment['status'],
  processInstanceKey: r.process_instance_key,
  periodStart: iso(r.period_start),
  periodEnd: iso(r.period_end),
  risks: r.risks as AssessedRisk[],
  assessment: (r.assessment ?? null) as SecurityRiskAssessment['assessment'],
  treatment: (r.treatment ?? null) as SecurityRiskAssessment['treatment'],
  assessedBy: r.assessed_by,
  createdAt: iso(r.created_at),
  completedAt: isoOrNull(r.completed_at),
})

export class SecurityRiskAssessmentsService {
  constructor(private readonly deps: { db: Kysely<DB>; audit: AuditSink; now: () => Date }) {}

  async list(): Promise<SecurityRiskAssessment[]> {
    const rows = await this.deps.db
      .selectFrom('security_risk_assessments')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(100)
      .execute()
    return rows.map(toAssessment)
  }

  async get(id: string): Promise<SecurityRiskAssessment> {
    const r = await this.deps.db
      .selectFrom('security_risk_assessments')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (!r) throw new NotFoundError(`No security risk assessment ${id}.`)
    return toAssessment(r)
  }

  /**
   * Opens the assessment of the period for the instance `instanceKey` when one is due: security
   * risks exist and the last assessment (or, before any, the first security risk) is
   * `intervalDays` old. Returns null when none is due; a repeated job returns the one it opened.
   */
  async openIfDue(instanceKey: string, intervalDays: number, actor: string) {
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      // daily checks catching up after a pause run side by side: one at a time decides
      await sql`lock table security_risk_assessments in share row exclusive mode`.execute(tx)
      const mine = await tx
        .selectFrom('security_risk_assessments')
        .select('id')
        .where('process_instance_key', '=', instanceKey)
        .executeTakeFirst()
      if (mine) return { result: mine.id, evidence: null }
      const now = this.deps.now()
      const last = await tx
        .selectFrom('security_risk_assessments')
        .select('period_end')
        .orderBy('period_end', 'desc')
        .limit(1)
        .executeTakeFirst()
      const first = await tx
        .selectFrom('sms_risks')
        .select((eb) => eb.fn.min('created_at').as('at'))
        .where('category', '=', RiskCategory.Security)
        .executeTakeFirst()
      const since = last?.period_end ?? first?.at ?? null
      if (!since || now.getTime() - Date.parse(iso(since)) < intervalDays * DAY) {
        return { result: null, evidence: null }
      }
      const risks = await this.securityRisks(tx, now)
      const id = await nextReference(tx, 'SRA')
      const row = await tx
        .insertInto('security_risk_assessments')
        .values({
          id,
          process_instance_key: instanceKey,
          status: 'open',
          period_start: new Date(Date.parse(iso(since))),
          period_end: now,
          risks: JSON.stringify(risks),
          created_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      return {
        result: id,
        evidence: {
          actor,
          action: 'security-risk-assessment.opened',
          entityType: 'security-risk-assessment',
          entityId: id,
          after: toAssessment(row),
          processInstanceKey: instanceKey,
        },
      }
    })
  }

  /** The open security risks of the register, highest score first, with their controls. */
  private async securityRisks(tx: Kysely<DB>, now: Date): Promise<AssessedRisk[]> {
    const risks = await tx
      .selectFrom('sms_risks')
      .selectAll()
      .where('category', '=', RiskCategory.Security)
      .where('status', '!=', 'closed')
      .orderBy(sql`likelihood * impact`, 'desc')
      .orderBy('id')
      .execute()
    const controls = await tx
      .selectFrom('security_controls')
      .select(['id', 'reference', 'status', 'risk_ids'])
      .orderBy('reference')
      .execute()
    return risks.map((r) => ({
      riskId: r.id,
      title: r.title,
      owner: r.owner,
      likelihood: r.likelihood,
      impact: r.impact,
      score: r.likelihood * r.impact,
      status: r.status,
      treatment: r.treatment,
      reviewOverdue: Date.parse(iso(r.next_review_at)) <= now.getTime(),
      controls: controls
        .filter((c) => c.risk_ids.includes(r.id))
        .map((c) => ({ id: c.id, reference: c.reference, status: c.status })),
    }))
  }

  /** Records what the assessment and the treatment decided and completes it (once). */
  async record(id: string, results: AssessmentResults, assessor: string, instanceKey: string) {
    await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const before = await tx
        .selectFrom('security_risk_assessments')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst()
      if (!before) throw new NotFoundError(`No security risk assessment ${id}.`)
      if (before.status === 'completed') return { result: null, evidence: null }
      const after = await tx
        .updateTable('security_risk_assessments')
        .set({
          status: 'completed',
          assessment: JSON.stringify(results.assessment),
          treatment: results.treatment ? JSON.stringify(results.treatment) : null,
          assessed_by: assessor,
          completed_at: this.deps.now(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
      return {
        result: null,
        evidence: {
          actor: assessor,
          action: 'security-risk-assessment.recorded',
          entityType: 'security-risk-assessment',
          entityId: id,
          before: toAssessment(before),
          after: toAssessment(after),
          processInstanceKey: instanceKey,
        },
      }
    })
    return this.get(id)
  }
}
