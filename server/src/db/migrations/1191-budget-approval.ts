import { sql, type Kysely } from 'kysely'

/**
 * Budget approval as a procedure (ISO/IEC 20000-1 6.4, `processes/budget-approval.bpmn`): a draft
 * budget submitted by its author is proposed, reviewed by the service's owner group and approved
 * or rejected by finance (someone other than the proposer); the approved one is in force.
 * - `budgets.status` gains `submitted` (in its procedure), `rejected` and `superseded`;
 * - `revises`: the approved budget of the same service, period and currency a proposal revises,
 *   superseded when the proposal is approved (one budget in force per period);
 * - `process_instance_key`, `proposal`, `review`, `decision`: the procedure and what its steps
 *   decided (justification, the owners' review, the decision and its rationale).
 * One budget in force and one proposal open per service, period and currency (partial indexes
 * in place of the unique index over all budgets).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('budgets')
    .addColumn('revises', 'text', (c) => c.references('budgets.id'))
    .addColumn('process_instance_key', 'text')
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('proposal', 'jsonb')
    .addColumn('review', 'jsonb')
    .addColumn('decision', 'jsonb')
    .execute()
  await sql`drop index budgets_period_uq`.execute(db)
  await sql`create unique index budgets_in_force_uq
    on budgets (service_id, fiscal_year, coalesce(quarter, 0), currency)
    where status = 'approved'`.execute(db)
  await sql`create unique index budgets_open_proposal_uq
    on budgets (service_id, fiscal_year, coalesce(quarter, 0), currency)
    where status in ('draft', 'submitted')`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index budgets_open_proposal_uq`.execute(db)
  await sql`drop index budgets_in_force_uq`.execute(db)
  await sql`create unique index budgets_period_uq
    on budgets (service_id, fiscal_year, coalesce(quarter, 0), currency)`.execute(db)
  for (const c of [
    'decision',
    'review',
    'proposal',
    'submitted_at',
    'process_instance_key',
    'revises',
  ]) {
    await db.schema.alterTable('budgets').dropColumn(c).execute()
  }
}
