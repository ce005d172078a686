/**
 * Controlled documents beyond diagrams (ISO/IEC 20000-1 4.3.2, 6.1, 7.2, 9.2, 9.3):
 * - `sms_documents.subject`: the record or rule set a document controls and the product uses —
 *   `sla:<SLA id>`, `contract:<contract id>`, `service-catalogue`, `change-policy`,
 *   `release-policy`, `decision:<DRG id>` (the priority matrix, whose versions are its DMN
 *   deployments, not a copy); one document per subject;
 * - `sms_documents.review_notice_days`: the owner is reminded this many days before the review
 *   date lapses (4.3.2 c);
 * - `sms_document_versions.effective_from`: the date an approved version takes effect; the
 *   product uses a version only from then on.
 */
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sms_documents').addColumn('subject', 'text').execute()
  await db.schema
    .alterTable('sms_documents')
    .addColumn('review_notice_days', 'integer', (c) => c.notNull().defaultTo(14))
    .execute()
  await sql`create unique index sms_documents_subject_idx on sms_documents (subject)
    where subject is not null`.execute(db)
  await db.schema
    .alterTable('sms_document_versions')
    .addColumn('effective_from', 'timestamptz')
    .execute()
  // versions issued before this migration took effect when they were made effective
  await sql`update sms_document_versions set effective_from = coalesce(effective_at, approved_at)
    where status in ('approved', 'effective', 'superseded', 'withdrawn')`.execute(db)
}
