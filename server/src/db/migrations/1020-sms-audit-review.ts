import { sql, type Kysely } from 'kysely'

/**
 * Internal audit and management review (ISO/IEC 20000-1 4.5.4). The audits, reviews and findings
 * themselves are records of the `cases` table (kinds `internal-audit`, `management-review`,
 * `audit-finding`); these tables hold what is not a record of its own:
 * - `sms_auditor_areas`: the areas (clauses such as `8.1`, or procedures such as `incident`)
 *   each person works in, declared so that nobody is assigned to audit their own area
 *   (4.5.4.2: "auditors shall not audit their own work");
 * - `sms_review_actions`: the actions a management review decides (4.5.4.3), each with an owner
 *   and a due date, tracked to closure or carried over to the next review.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sms_auditor_areas')
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('area', 'text', (c) => c.notNull())
    .addColumn('declared_by', 'text', (c) => c.notNull())
    .addColumn('declared_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('sms_auditor_areas_pk', ['username', 'area'])
    .execute()

  await db.schema
    .createTable('sms_review_actions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('review_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('improvement'))
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('open')
        .check(sql`status in ('open', 'closed', 'carried-over')`),
    )
    .addColumn('outcome', 'text')
    .addColumn('closed_by', 'text')
    .addColumn('closed_at', 'timestamptz')
    .addColumn('carried_from', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createIndex('sms_review_actions_review_idx')
    .on('sms_review_actions')
    .columns(['review_id', 'status'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sms_review_actions').execute()
  await db.schema.dropTable('sms_auditor_areas').execute()
}
