import { sql, type Kysely } from 'kysely'

/**
 * The contract record names the version of its controlled document whose targets it shows
 * (ISO/IEC 20000-1 7.2 with 4.3.2): `document_id` and `document_version` are written with the
 * targets whenever a contract document version takes effect, through the register or through a
 * change (`sms/documents/controlled-issue.ts`); null while no document version was written back.
 * Contracts whose document is already in force take its id and version now.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('contracts')
    .addColumn('document_id', 'text')
    .addColumn('document_version', 'integer')
    .execute()
  await sql`
    update contracts c
       set document_id = d.id, document_version = d.effective_version
      from sms_documents d
     where d.subject = 'contract:' || c.id and d.effective_version is not null
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('contracts')
    .dropColumn('document_id')
    .dropColumn('document_version')
    .execute()
}
