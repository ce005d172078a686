/**
 * Budgets as the API shows them (ISO/IEC 20000-1 6.4): a row of `budgets` with its lines, its
 * service's name and, once it went through `processes/budget-approval.bpmn`, its procedure and
 * what the proposal, the review and the decision recorded.
 */
import Decimal from 'decimal.js'
import { sql, type Kysely, type Selectable } from 'kysely'
import type { BudgetsTable, DB } from '../db/schema'
import { iso, isoOrNull } from '../db/timestamps'
import { money } from './accounting'
import {
  BudgetStatus,
  periodOf,
  type Budget,
  type CostCategory,
  type VarianceAction,
} from './finance-model'

export type BudgetRow = Selectable<BudgetsTable>

const record = (v: unknown) => (v == null ? null : (v as Record<string, unknown>))

/** Service id → name. */
export async function serviceNamesOf(db: Kysely<DB>): Promise<Map<string, string>> {
  const rows = await db.selectFrom('services').select(['id', 'name']).execute()
  return new Map(rows.map((s) => [s.id, s.name]))
}

/** The budgets of `rows`, with their lines and service names. */
export async function budgetsOf(db: Kysely<DB>, rows: BudgetRow[]): Promise<Budget[]> {
  if (!rows.length) return []
  const ids = rows.map((r) => r.id)
  const lines = await db
    .selectFrom('budget_lines')
    .select(['budget_id', 'category', sql<string>`amount::text`.as('amount')])
    .where('budget_id', 'in', ids)
    .orderBy('category')
    .execute()
  const names = await serviceNamesOf(db)
  return rows.map((r) => {
    const own = lines.filter((l) => l.budget_id === r.id)
    return {
      id: r.id,
      serviceId: r.service_id,
      serviceName: names.get(r.service_id) ?? r.service_id,
      fiscalYear: r.fiscal_year,
      quarter: r.quarter,
      period: periodOf(r.fiscal_year, r.quarter),
      currency: r.currency,
      lines: own.map((l) => ({ category: l.category as CostCategory, amount: money(l.amount) })),
      total: money(own.reduce((a, l) => a.plus(l.amount), new Decimal(0))),
      varianceThresholdPercent: money(r.variance_threshold_percent),
      breachAction: r.breach_action as VarianceAction,
      notes: r.notes,
      status: r.status as BudgetStatus,
      createdBy: r.created_by,
      createdAt: iso(r.created_at),
      approvedBy: r.approved_by,
      approvedAt: isoOrNull(r.approved_at),
      version: r.version,
      revises: r.revises ?? null,
      processInstanceKey: r.process_instance_key ?? null,
      submittedAt: isoOrNull(r.submitted_at ?? null),
      proposal: record(r.proposal),
      review: record(r.review),
      decision: record(r.decision),
    }
  })
}
