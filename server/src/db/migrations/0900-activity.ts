import { sql, type Kysely } from 'kysely'

/**
 * The activity stream of a case (ISO/IEC 20000-1 8.1, 8.2.6 communication with the customer,
 * 4.3.3 records): `case_comments` becomes its hand-written part. Each entry is a work note
 * (`visibility = 'staff'`, never shown to customers) or a reply the customer sees
 * (`'customer'`), and names the task it was written from, if any.
 *
 * Comments written before this version: the case's requester wrote replies; everyone else
 * wrote work notes (the README called staff comments work notes), so nothing staff wrote
 * becomes customer-visible by this migration.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table case_comments add column visibility text`.execute(db)
  await sql`alter table case_comments add column task_id text`.execute(db)
  await sql`update case_comments c set visibility = case
      when exists (select 1 from cases k where k.kind = c.case_kind and k.id = c.case_id
        and k.requester = c.author) then 'customer'
      else 'staff' end`.execute(db)
  await sql`alter table case_comments alter column visibility set not null`.execute(db)
  await sql`alter table case_comments add constraint case_comments_visibility
    check (visibility in ('staff', 'customer'))`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table case_comments drop constraint case_comments_visibility`.execute(db)
  await sql`alter table case_comments drop column task_id`.execute(db)
  await sql`alter table case_comments drop column visibility`.execute(db)
}
