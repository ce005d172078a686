import { sql, type Kysely } from 'kysely'

/**
 * `case_status_history`: every status change of a case, who made it, when and at which element
 * of its procedure (ISO/IEC 20000-1 8.1 d, 8.2 e: the record's status comes from the procedure).
 * `element_id` is null for a change made outside a procedure (PATCH of a kind whose status people
 * set).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('case_status_history')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('case_kind', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('element_id', 'text')
    .addColumn('process_instance_key', 'text')
    .addColumn('changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createIndex('case_status_history_case')
    .on('case_status_history')
    .columns(['case_kind', 'case_id', 'id'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('case_status_history').execute()
}
