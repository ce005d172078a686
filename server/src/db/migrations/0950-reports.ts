import { sql, type Kysely } from 'kysely'

/**
 * Service reporting on the server (ISO/IEC 20000-1 6.2):
 * - `report_definitions`: a report is a record: what (sections), which period, for which
 *   audience, and whether it runs monthly (`next_run_at` is the due-check's claim: a run moves it
 *   forward in the transaction that stores the snapshot, so a run happens once even after a
 *   restart or with several servers);
 * - `report_snapshots`: what a run produced, stored as canonical JSON text with its SHA-256 (the
 *   same hash goes into the evidence trail), so it is shown again byte for byte.
 * Indexes let the aggregates read one period of a million cases without a full scan.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('report_definitions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('sections', 'jsonb', (c) => c.notNull())
    .addColumn('period', 'jsonb', (c) => c.notNull())
    .addColumn('granularity', 'text', (c) => c.notNull().defaultTo('week'))
    .addColumn('schedule', 'text', (c) => c.notNull().defaultTo('none'))
    .addColumn('next_run_at', 'timestamptz')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createIndex('report_definitions_due_idx')
    .on('report_definitions')
    .columns(['schedule', 'next_run_at'])
    .execute()

  await db.schema
    .createTable('report_snapshots')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('definition_id', 'text', (c) => c.notNull().references('report_definitions.id'))
    .addColumn('period_from', 'timestamptz', (c) => c.notNull())
    .addColumn('period_to', 'timestamptz', (c) => c.notNull())
    .addColumn('ran_by', 'text', (c) => c.notNull())
    .addColumn('ran_at', 'timestamptz', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('evidence_seq', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('report_snapshots_definition_idx')
    .on('report_snapshots')
    .columns(['definition_id', 'ran_at'])
    .execute()

  // aggregates over one period: cases closed in it, breaches and reviews in it
  await sql`create index cases_kind_closed_idx on cases (kind, closed_at)`.execute(db)
  await sql`create index cases_created_idx on cases (created_at)`.execute(db)
  await sql`create index cases_closed_idx on cases (closed_at)`.execute(db)
  await sql`create index sla_breaches_case_idx on sla_breaches (case_id, target)`.execute(db)
  await sql`create index sla_breaches_breached_idx on sla_breaches (breached_at)`.execute(db)
  await sql`create index case_status_history_case_idx on case_status_history (case_id, changed_at)`.execute(
    db,
  )
  await sql`create index cases_supplier_created_idx on cases (supplier_id, created_at)`.execute(db)
  await sql`create index sla_breaches_supplier_idx on sla_breaches (supplier_id, breached_at)`.execute(
    db,
  )
  await sql`create index supplier_reviews_reviewed_idx on supplier_reviews (reviewed_at)`.execute(
    db,
  )
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of [
    'cases_kind_closed_idx',
    'cases_created_idx',
    'cases_closed_idx',
    'sla_breaches_case_idx',
    'sla_breaches_breached_idx',
    'case_status_history_case_idx',
    'supplier_reviews_reviewed_idx',
    'cases_supplier_created_idx',
    'sla_breaches_supplier_idx',
  ]) {
    await sql`drop index if exists ${sql.id(index)}`.execute(db)
  }
  await db.schema.dropTable('report_snapshots').execute()
  await db.schema.dropTable('report_definitions').execute()
}
