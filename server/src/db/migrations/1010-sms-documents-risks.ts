import { sql, type Kysely } from 'kysely'

/**
 * The service management system itself (ISO/IEC 20000-1 clause 4):
 * - `sms_documents` / `sms_document_versions` (4.3.1, 4.3.2): controlled documents (policy,
 *   objectives, scope, plan, agreements, any other, external ones) and every version of each,
 *   never changed once submitted; `sms_document_acks` who a version was distributed to and
 *   when they acknowledged it (4.3.2 b);
 * - `sms_risks` / `sms_risk_reviews` (4.5.2 j, 4.5.3 d, 6.3.1, 6.6.1): the risk register and
 *   each periodic review of a risk;
 * - `sms_party_processes` (4.2): processes or parts operated by suppliers, internal groups or
 *   customers, their agreement (a controlled document), governance, targets and measurements;
 * - `sms_competences`, `sms_role_competences`, `sms_person_competences` (4.4.2): competences
 *   required per role, people's training and qualifications;
 * - `sms_raci` (4.1.3, 4.4.1): responsibilities per process and per SMS document.
 * The `sms-managers` group (the SMS manager, 4.1.4) is created here so procedures can name it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`insert into groups (id, name, description) values ('sms-managers', 'SMS managers',
    'Management representative and SMS managers (4.1.4): SMS documents, risks, competence.')
    on conflict (id) do nothing`.execute(db)

  await db.schema
    .createTable('sms_documents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('clauses', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('external_source', 'text')
    .addColumn('review_interval_days', 'integer', (c) => c.notNull().defaultTo(365))
    .addColumn('next_review_at', 'timestamptz')
    .addColumn('review_reminded_at', 'timestamptz')
    .addColumn('distribution', 'jsonb', (c) =>
      c.notNull().defaultTo(sql`'{"groups":[],"roles":[]}'::jsonb`),
    )
    .addColumn('effective_version', 'integer')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await sql`create index sms_documents_clauses_idx on sms_documents using gin (clauses)`.execute(db)
  await db.schema
    .createTable('sms_document_versions')
    .addColumn('document_id', 'text', (c) => c.notNull().references('sms_documents.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('data', 'jsonb')
    .addColumn('file_name', 'text')
    .addColumn('file_media_type', 'text')
    .addColumn('file_base64', 'text')
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('change_summary', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('approved_by', 'text')
    .addColumn('approved_at', 'timestamptz')
    .addColumn('approval_note', 'text')
    .addColumn('effective_at', 'timestamptz')
    .addColumn('withdrawn_at', 'timestamptz')
    .addPrimaryKeyConstraint('sms_document_versions_pk', ['document_id', 'version'])
    .execute()
  await db.schema
    .createTable('sms_document_acks')
    .addColumn('document_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('notified_at', 'timestamptz', (c) => c.notNull())
    .addColumn('acknowledged_at', 'timestamptz')
    .addPrimaryKeyConstraint('sms_document_acks_pk', ['document_id', 'version', 'username'])
    .execute()

  await db.schema
    .createTable('sms_risks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('likelihood', 'integer', (c) => c.notNull())
    .addColumn('impact', 'integer', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('treatment_option', 'text', (c) => c.notNull())
    .addColumn('treatment', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('review_interval_days', 'integer', (c) => c.notNull().defaultTo(30))
    .addColumn('next_review_at', 'timestamptz', (c) => c.notNull())
    .addColumn('review_instance_key', 'text')
    .addColumn('links', 'jsonb', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createIndex('sms_risks_review_idx')
    .on('sms_risks')
    .columns(['status', 'next_review_at'])
    .execute()
  await db.schema
    .createTable('sms_risk_reviews')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('risk_id', 'text', (c) => c.notNull().references('sms_risks.id'))
    .addColumn('reviewed_by', 'text', (c) => c.notNull())
    .addColumn('reviewed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('likelihood', 'integer', (c) => c.notNull())
    .addColumn('impact', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('process_instance_key', 'text')
    .execute()

  await db.schema
    .createTable('sms_party_processes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('process', 'text', (c) => c.notNull())
    .addColumn('part', 'text', (c) => c.notNull())
    .addColumn('party_type', 'text', (c) => c.notNull())
    .addColumn('party', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('agreement_document_id', 'text')
    .addColumn('governance', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('targets', 'jsonb', (c) => c.notNull())
    .addColumn('measurements', 'jsonb', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema
    .createTable('sms_competences')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .execute()
  await db.schema
    .createTable('sms_role_competences')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('competence_id', 'text', (c) => c.notNull().references('sms_competences.id'))
    .addPrimaryKeyConstraint('sms_role_competences_pk', ['role', 'competence_id'])
    .execute()
  await db.schema
    .createTable('sms_person_competences')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('competence_id', 'text', (c) => c.notNull().references('sms_competences.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('planned_for', 'date')
    .addColumn('achieved_at', 'date')
    .addColumn('expires_at', 'date')
    .addColumn('evidence', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createIndex('sms_person_competences_user_idx')
    .on('sms_person_competences')
    .columns(['username', 'competence_id'])
    .execute()

  await db.schema
    .createTable('sms_raci')
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('rows', 'jsonb', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('sms_raci_pk', ['subject_type', 'subject_id'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'sms_raci',
    'sms_person_competences',
    'sms_role_competences',
    'sms_competences',
    'sms_party_processes',
    'sms_risk_reviews',
    'sms_risks',
    'sms_document_acks',
    'sms_document_versions',
    'sms_documents',
  ]) {
    await db.schema.dropTable(t).execute()
  }
}
