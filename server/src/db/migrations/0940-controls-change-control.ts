import { sql, type Kysely } from 'kysely'

/**
 * Change control as the only door (ISO/IEC 20000-1 9.2, 9.1):
 *
 * - `standard_change_models`: the register of standard change models, each pre-approved through
 *   the normal change procedure (a model exists only once the change that proposed it was
 *   approved and implemented), with its own tasks, risk and scope (CIs, services), a version that
 *   grows with each approved revision, and the change that approved the current version.
 * - `change_record_edits`: what a change will change on records under change control (a CI, a
 *   service, an SLA, a contract, a standard change model), attached while the change is not yet
 *   approved and applied by the change's implementation step, all in one transaction.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('standard_change_models')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('risk', 'text', (c) => c.notNull())
    .addColumn('tasks', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('ci_ids', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('service_ids', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('approved_by_change', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createTable('change_record_edits')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('change_id', 'text', (c) => c.notNull())
    .addColumn('target_kind', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text')
    .addColumn('patch', 'jsonb', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('applied_at', 'timestamptz')
    .addColumn('applied_target_id', 'text')
    .addColumn('process_instance_key', 'text')
    .execute()
  await db.schema
    .createIndex('change_record_edits_change')
    .on('change_record_edits')
    .columns(['change_id', 'id'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('change_record_edits').execute()
  await db.schema.dropTable('standard_change_models').execute()
}
