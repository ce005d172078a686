import { sql, type Kysely } from 'kysely'

/**
 * Business relationship and service level reviews (ISO/IEC 20000-1 7.1, 6.1):
 * - `customer_organisations`: the customers as organisations, each with a named relationship
 *   manager, the services it takes and when its next service review is due (6.1, 7.1). Its
 *   contacts are the existing customer users (`users.organisation_id`), not a second list of
 *   people;
 * - `satisfaction_surveys`: customer satisfaction surveys sent after a case closes and
 *   periodically, answered by the customer (7.1);
 * - `relationship_settings`: one row: which closed kinds are surveyed, the periodic survey
 *   interval, the time a complaint is to be resolved in, and the controlled document that is
 *   the agreed definition of a complaint;
 * - `service_review_actions`: the actions a service review with the customer agrees, tracked to
 *   closure (6.1).
 * The `relationship-managers` group exists on every installation: the procedures name it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`insert into groups (id, name, description) values ('relationship-managers',
    'Relationship managers', 'Business relationship: customers, complaints, satisfaction and service reviews (7.1, 6.1).')
    on conflict (id) do nothing`.execute(db)

  await db.schema
    .createTable('customer_organisations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('relationship_manager', 'text', (c) => c.notNull())
    .addColumn('services', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('review_interval_days', 'integer', (c) => c.notNull().defaultTo(90))
    .addColumn('next_review_at', 'timestamptz')
    .addColumn('notes', 'text')
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .alterTable('users')
    .addColumn('organisation_id', 'text', (c) =>
      c.references('customer_organisations.id').onDelete('set null'),
    )
    .execute()

  await db.schema
    .createTable('satisfaction_surveys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('organisation_id', 'text')
    .addColumn('trigger', 'text', (c) =>
      c.notNull().check(sql`trigger in ('case-closure', 'periodic')`),
    )
    .addColumn('case_kind', 'text')
    .addColumn('case_id', 'text')
    .addColumn('service_id', 'text')
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull())
    .addColumn('answered_at', 'timestamptz')
    .addColumn('score', 'integer', (c) => c.check(sql`score between 1 and 5`))
    .addColumn('comment', 'text')
    .execute()
  // one survey per closed case
  await sql`create unique index satisfaction_surveys_case_idx on satisfaction_surveys (case_id)
    where case_id is not null`.execute(db)
  await db.schema
    .createIndex('satisfaction_surveys_user_idx')
    .on('satisfaction_surveys')
    .columns(['username', 'sent_at'])
    .execute()

  await db.schema
    .createTable('relationship_settings')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('survey_kinds', sql`text[]`, (c) =>
      c.notNull().defaultTo(sql`'{incident,service-request}'::text[]`),
    )
    .addColumn('periodic_survey_days', 'integer', (c) => c.notNull().defaultTo(90))
    .addColumn('complaint_resolution_days', 'integer', (c) => c.notNull().defaultTo(10))
    .addColumn('complaint_definition_document_id', 'text')
    .addColumn('surveys_swept_at', 'timestamptz')
    .addColumn('updated_by', 'text', (c) => c.notNull().defaultTo('system'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await sql`insert into relationship_settings (id) values (1)`.execute(db)

  await db.schema
    .createTable('service_review_actions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('review_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('open')
        .check(sql`status in ('open', 'closed')`),
    )
    .addColumn('outcome', 'text')
    .addColumn('closed_by', 'text')
    .addColumn('closed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createIndex('service_review_actions_review_idx')
    .on('service_review_actions')
    .columns(['review_id', 'status'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('service_review_actions').execute()
  await db.schema.dropTable('relationship_settings').execute()
  await db.schema.dropTable('satisfaction_surveys').execute()
  await db.schema.alterTable('users').dropColumn('organisation_id').execute()
  await db.schema.dropTable('customer_organisations').execute()
}
