import { sql, type Kysely } from 'kysely'

/**
 * `draft_forms`: the form-js forms a procedure draft changes (ISO/IEC 20000-1 4.3.2). A form is
 * part of the procedure it serves, so its changes are reviewed, approved and deployed with the
 * draft's BPMN; until then the deployed form stays in use.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('draft_forms')
    .addColumn('draft_id', 'text', (c) =>
      c.notNull().references('process_drafts.id').onDelete('cascade'),
    )
    .addColumn('form_id', 'text', (c) => c.notNull())
    .addColumn('schema', 'jsonb', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('draft_forms_pk', ['draft_id', 'form_id'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('draft_forms').ifExists().execute()
}
