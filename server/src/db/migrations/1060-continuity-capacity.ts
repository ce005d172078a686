import { sql, type Kysely } from 'kysely'

/**
 * Continuity and availability (ISO/IEC 20000-1 6.3) and capacity (6.5):
 * - `continuity_requirements`: per service, the availability target, recovery time and point
 *   objectives, derived from the risks of the risk register it names (6.3.1);
 * - `continuity_plans`: the test schedule and services of a continuity and availability plan,
 *   itself a controlled document of the SMS documents register (`sms_documents`, 6.3.2);
 * - `continuity_tests`: each test of a plan (scheduled, after a major change, on request) with its
 *   plan, run, results and actions (6.3.3); `continuity_invocations`: a plan invoked during a
 *   major incident;
 * - `service_outages`: recorded outages (planned or not, linked to an incident), from which with
 *   the incident records availability is measured (6.3.3);
 * - `capacity_requirements`, `capacity_measurements`, `capacity_reviews`: capacity per service
 *   or CI (current and forecast demand, performance target, thresholds), measured utilisation and
 *   the periodic capacity reviews (6.5).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('continuity_requirements')
    .addColumn('service_id', 'text', (c) => c.primaryKey())
    .addColumn('availability_target', sql`numeric(6,3)`, (c) => c.notNull())
    .addColumn('rto_minutes', 'integer', (c) => c.notNull())
    .addColumn('rpo_minutes', 'integer', (c) => c.notNull())
    .addColumn('risk_ids', sql`text[]`, (c) => c.notNull())
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('continuity_plans')
    .addColumn('document_id', 'text', (c) => c.primaryKey().references('sms_documents.id'))
    .addColumn('services', sql`text[]`, (c) => c.notNull())
    .addColumn('owner_group', 'text', (c) => c.notNull())
    .addColumn('test_interval_days', 'integer', (c) => c.notNull())
    .addColumn('next_test_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('continuity_tests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('plan_id', 'text', (c) => c.notNull().references('continuity_plans.document_id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('change_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('process_instance_key', 'text')
    .addColumn('plan', 'jsonb')
    .addColumn('run', 'jsonb')
    .addColumn('result', 'text')
    .addColumn('results', 'jsonb')
    .addColumn('actions', 'jsonb')
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('completed_at', 'timestamptz')
    .execute()
  await db.schema
    .createIndex('continuity_tests_plan_idx')
    .on('continuity_tests')
    .columns(['plan_id', 'created_at'])
    .execute()
  await db.schema
    .createTable('continuity_invocations')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('plan_id', 'text', (c) => c.notNull().references('continuity_plans.document_id'))
    .addColumn('incident_id', 'text', (c) => c.notNull())
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('invoked_by', 'text', (c) => c.notNull())
    .addColumn('invoked_at', 'timestamptz', (c) => c.notNull())
    .addColumn('returned_to_normal_at', 'timestamptz')
    .execute()
  await db.schema
    .createTable('service_outages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ended_at', 'timestamptz')
    .addColumn('planned', 'boolean', (c) => c.notNull())
    .addColumn('incident_id', 'text')
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('service_outages_service_idx')
    .on('service_outages')
    .columns(['service_id', 'started_at'])
    .execute()

  await db.schema
    .createTable('capacity_requirements')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service_id', 'text')
    .addColumn('ci_id', 'text')
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('capacity', sql`double precision`, (c) => c.notNull())
    .addColumn('current_demand', sql`double precision`, (c) => c.notNull())
    .addColumn('forecast_demand', sql`double precision`, (c) => c.notNull())
    .addColumn('forecast_date', 'date', (c) => c.notNull())
    .addColumn('performance_target', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('warning_percent', sql`double precision`, (c) => c.notNull())
    .addColumn('critical_percent', sql`double precision`, (c) => c.notNull())
    .addColumn('breach_action', 'text', (c) => c.notNull())
    .addColumn('owner_group', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('capacity_measurements')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('requirement_id', 'text', (c) => c.notNull().references('capacity_requirements.id'))
    .addColumn('measured_at', 'timestamptz', (c) => c.notNull())
    .addColumn('value', sql`double precision`, (c) => c.notNull())
    .addColumn('utilisation_percent', sql`double precision`, (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('raised_case_id', 'text')
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('capacity_measurements_req_idx')
    .on('capacity_measurements')
    .columns(['requirement_id', 'measured_at'])
    .execute()
  await db.schema
    .createTable('capacity_reviews')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('process_instance_key', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('period_start', 'timestamptz', (c) => c.notNull())
    .addColumn('period_end', 'timestamptz', (c) => c.notNull())
    .addColumn('summary', 'jsonb', (c) => c.notNull())
    .addColumn('decision', 'jsonb')
    .addColumn('reviewed_by', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('completed_at', 'timestamptz')
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'capacity_reviews',
    'capacity_measurements',
    'capacity_requirements',
    'service_outages',
    'continuity_invocations',
    'continuity_tests',
    'continuity_plans',
    'continuity_requirements',
  ]) {
    await db.schema.dropTable(t).execute()
  }
}
