import { sql, type Kysely } from 'kysely'

/**
 * Information security management (ISO/IEC 20000-1 6.6):
 * - `security_controls`: the register of information security controls (6.6.2) with owner,
 *   status, implementation, the risks of the risk register they treat and the review date;
 *   `security_control_reviews`: each review of a control;
 * - `security_party_access`: access of external parties (suppliers, customers, others) to
 *   information and systems with the controls agreed (6.6.2);
 * - `security_incidents`: the handling of an incident flagged as an information security
 *   incident (6.6.3): who was told, what was done, whether it was reported to authorities;
 * - the `information-security` group, whose members handle security incidents and write the
 *   registers, on every installation.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('security_controls')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('reference', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('theme', 'text', (c) => c.notNull())
    .addColumn('objective', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('implementation', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('risk_ids', sql`text[]`, (c) => c.notNull())
    .addColumn('review_interval_days', 'integer', (c) => c.notNull())
    .addColumn('next_review_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_reviewed_at', 'timestamptz')
    .addColumn('last_reviewed_by', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('security_control_reviews')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('control_id', 'text', (c) => c.notNull().references('security_controls.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('effective', 'boolean', (c) => c.notNull())
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('reviewed_by', 'text', (c) => c.notNull())
    .addColumn('reviewed_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('security_control_reviews_control_idx')
    .on('security_control_reviews')
    .columns(['control_id', 'reviewed_at'])
    .execute()
  await db.schema
    .createTable('security_party_access')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('party_type', 'text', (c) => c.notNull())
    .addColumn('supplier_id', 'text')
    .addColumn('party_name', 'text', (c) => c.notNull())
    .addColumn('information', 'text', (c) => c.notNull())
    .addColumn('access', 'text', (c) => c.notNull())
    .addColumn('control_ids', sql`text[]`, (c) => c.notNull())
    .addColumn('agreed_controls', 'text', (c) => c.notNull())
    .addColumn('agreed_by', 'text', (c) => c.notNull())
    .addColumn('agreed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('valid_until', 'timestamptz')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('security_incidents')
    .addColumn('incident_id', 'text', (c) => c.primaryKey())
    .addColumn('process_instance_key', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('notified_groups', sql`text[]`, (c) => c.notNull())
    .addColumn('category', 'text')
    .addColumn('handling', 'jsonb')
    .addColumn('reported_to_authorities', 'boolean')
    .addColumn('authority', 'text')
    .addColumn('authority_reference', 'text')
    .addColumn('reported_at', 'timestamptz')
    .addColumn('handled_by', 'text')
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull())
    .addColumn('handled_at', 'timestamptz')
    .execute()
  await sql`insert into groups (id, name, description) values ('information-security',
    'Information security', 'Handle information security incidents, keep the controls register (6.6).')
    on conflict (id) do nothing`.execute(db)
}
