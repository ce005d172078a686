import { sql, type Kysely } from 'kysely'

/**
 * Budgeting and accounting for services (ISO/IEC 20000-1 6.4). Money is `numeric(18,2)` with an
 * ISO 4217 currency beside it, never a float.
 * - `finance` group: budgets and costs are written by its members (exists on every installation:
 *   the access rules name it);
 * - `budgets`, `budget_lines`: a budget per service and period (a year, or a quarter of it) in one
 *   currency, an amount per cost category, a variance threshold and what exceeding it raises; a
 *   draft until someone other than its author approves it (6.4 c: financial control and approval);
 * - `apportionment_rules`, `apportionment_shares`: how an indirect (shared) cost is apportioned to
 *   services, by weight (6.4 b);
 * - `cost_entries`: actual costs, direct (one service) or indirect (by a rule), fixed or variable,
 *   capital or operating, optionally of a supplier contract (7.2) or of a change or incident;
 * - `budget_variance_actions`: the improvement or RFC a budget's exceeded variance raised (one while
 *   it is open).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`insert into groups (id, name, description) values ('finance',
    'Finance', 'Budgeting and accounting for services: budgets, costs and their approval (6.4).')
    on conflict (id) do nothing`.execute(db)
  await db.schema
    .createTable('budgets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id'))
    .addColumn('fiscal_year', 'integer', (c) => c.notNull())
    .addColumn('quarter', 'integer')
    .addColumn('currency', sql`char(3)`, (c) => c.notNull())
    .addColumn('variance_threshold_percent', sql`numeric(6,2)`, (c) => c.notNull())
    .addColumn('breach_action', 'text', (c) => c.notNull())
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('approved_by', 'text')
    .addColumn('approved_at', 'timestamptz')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute()
  // one budget per service, period and currency
  await sql`create unique index budgets_period_uq
    on budgets (service_id, fiscal_year, coalesce(quarter, 0), currency)`.execute(db)
  await db.schema
    .createTable('budget_lines')
    .addColumn('budget_id', 'text', (c) => c.notNull().references('budgets.id').onDelete('cascade'))
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('amount', sql`numeric(18,2)`, (c) => c.notNull())
    .addPrimaryKeyConstraint('budget_lines_pk', ['budget_id', 'category'])
    .execute()
  await db.schema
    .createTable('apportionment_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('basis', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute()
  await db.schema
    .createTable('apportionment_shares')
    .addColumn('rule_id', 'text', (c) =>
      c.notNull().references('apportionment_rules.id').onDelete('cascade'),
    )
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id'))
    .addColumn('weight', sql`numeric(18,4)`, (c) => c.notNull())
    .addPrimaryKeyConstraint('apportionment_shares_pk', ['rule_id', 'service_id'])
    .execute()
  await db.schema
    .createTable('cost_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incurred_on', 'date', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('amount', sql`numeric(18,2)`, (c) => c.notNull())
    .addColumn('currency', sql`char(3)`, (c) => c.notNull())
    .addColumn('allocation', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.references('services.id'))
    .addColumn('rule_id', 'text', (c) => c.references('apportionment_rules.id'))
    .addColumn('behaviour', 'text', (c) => c.notNull())
    .addColumn('expense', 'text', (c) => c.notNull())
    .addColumn('contract_id', 'text', (c) => c.references('contracts.id'))
    .addColumn('case_id', 'text')
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addCheckConstraint(
      'cost_entries_allocation_ck',
      sql`(allocation = 'direct' and service_id is not null and rule_id is null)
        or (allocation = 'indirect' and rule_id is not null and service_id is null)`,
    )
    .execute()
  await db.schema
    .createIndex('cost_entries_incurred_idx')
    .on('cost_entries')
    .columns(['incurred_on'])
    .execute()
  await db.schema
    .createTable('budget_variance_actions')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('budget_id', 'text', (c) => c.notNull().references('budgets.id'))
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('case_kind', 'text', (c) => c.notNull())
    .addColumn('variance', 'jsonb', (c) => c.notNull())
    .addColumn('raised_at', 'timestamptz', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'budget_variance_actions',
    'cost_entries',
    'apportionment_shares',
    'apportionment_rules',
    'budget_lines',
    'budgets',
  ]) {
    await db.schema.dropTable(t).execute()
  }
}
