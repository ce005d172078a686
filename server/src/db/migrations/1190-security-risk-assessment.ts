import { sql, type Kysely } from 'kysely'

/**
 * The information security risk assessment at planned intervals (ISO/IEC 20000-1 6.6.1,
 * `processes/security-risk-assessment.bpmn`): one row per assessment, opened by the daily check
 * when the interval has passed, with the security risks of the risk register as they stood
 * (`risks`), what the assessors found and decided (`assessment`), the treatment and its actions
 * (`treatment`), who assessed and when it was recorded.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('security_risk_assessments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('process_instance_key', 'text', (c) => c.unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('period_start', 'timestamptz', (c) => c.notNull())
    .addColumn('period_end', 'timestamptz', (c) => c.notNull())
    .addColumn('risks', 'jsonb', (c) => c.notNull())
    .addColumn('assessment', 'jsonb')
    .addColumn('treatment', 'jsonb')
    .addColumn('assessed_by', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('completed_at', 'timestamptz')
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('security_risk_assessments').execute()
}
