import { sql, type Kysely } from 'kysely'

/**
 * `sla_clock_pauses` (ISO/IEC 20000-1 8.1, 6.1): each stay of an incident or service request in
 * a waiting status (`waiting-for-customer`, `waiting-for-supplier`, `on-hold`) during which its
 * SLA clock stands still, as evidence of how the targets were measured: who put it there, when and
 * why, who took it out again and when, and the due dates before the pause and after the resume
 * (the remaining time counted again from the resume, in the SLA's service calendar). One row per
 * pause request (`paused_at` is the request's instant), so a retried job finds its own row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sla_clock_pauses')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('case_kind', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('previous_status', 'text', (c) => c.notNull())
    .addColumn('paused_at', 'timestamptz', (c) => c.notNull())
    .addColumn('paused_by', 'text', (c) => c.notNull())
    .addColumn('pause_reason', 'text', (c) => c.notNull())
    .addColumn('response_due_before', 'timestamptz')
    .addColumn('resolution_due_before', 'timestamptz')
    .addColumn('resumed_at', 'timestamptz')
    .addColumn('resumed_by', 'text')
    .addColumn('resume_reason', 'text')
    .addColumn('response_due_after', 'timestamptz')
    .addColumn('resolution_due_after', 'timestamptz')
    .addColumn('process_instance_key', 'text', (c) => c.notNull())
    .addUniqueConstraint('sla_clock_pauses_request', ['case_kind', 'case_id', 'paused_at'])
    .execute()
  // at most one open pause per case
  await sql`create unique index sla_clock_pauses_open on sla_clock_pauses (case_kind, case_id)
    where resumed_at is null`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sla_clock_pauses').execute()
}
