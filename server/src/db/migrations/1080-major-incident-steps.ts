import type { Kysely } from 'kysely'

/**
 * `major_incident_steps` (ISO/IEC 20000-1 8.1): which step of an incident's procedure runs the
 * major-incident steps (tell top management, name a major incident manager). The incident's id is
 * the key, so when the procedure's own rule (`Task_PrioritiseIncident`) and an escalation by staff
 * (`Task_RecordMajorEscalation`) make the incident major at the same moment, exactly one of them
 * claims the steps and the other passes them by; a retried job of the claimant finds its own claim
 * (same job).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('major_incident_steps')
    .addColumn('case_id', 'text', (c) => c.primaryKey())
    .addColumn('element_id', 'text', (c) => c.notNull())
    .addColumn('job_key', 'text', (c) => c.notNull())
    .addColumn('process_instance_key', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'timestamptz', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('major_incident_steps').execute()
}
