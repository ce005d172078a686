import { sql, type Kysely } from 'kysely'

/**
 * Drafts under document control (ISO/IEC 20000-1 4.3.2), one open draft per document and author:
 * - `process_drafts.name`: what the author calls the change (editable);
 * - `discarded_by`, `discarded_at`, `discard_reason`: a draft given up by its author (state
 *   `discarded`; it stays, with its evidence);
 * - `approval_comment`: what the approver wrote (a rejection's reason stays in
 *   `rejected_reason`);
 * - a unique index keeps one open draft (draft, in review, approved, rejected) per kind,
 *   document and author, so two requests at the same moment cannot open two.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('process_drafts')
    .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('discarded_by', 'text')
    .addColumn('discarded_at', 'timestamptz')
    .addColumn('discard_reason', 'text')
    .addColumn('approval_comment', 'text')
    .execute()
  // drafts left open side by side before this rule: all but the newest of an author are
  // discarded (nothing is deleted)
  await sql`
    update process_drafts d
       set state = 'discarded', discarded_by = 'system', discarded_at = now(),
           discard_reason = 'One open draft per procedure and author: a newer draft of the author is open'
     where d.state in ('draft', 'in-review', 'approved', 'rejected')
       and exists (
         select 1 from process_drafts n
          where n.kind = d.kind and n.bpmn_process_id = d.bpmn_process_id and n.author = d.author
            and n.state in ('draft', 'in-review', 'approved', 'rejected')
            and (n.updated_at > d.updated_at or (n.updated_at = d.updated_at and n.id > d.id)))
  `.execute(db)
  await sql`
    create unique index process_drafts_one_open_per_author
        on process_drafts (kind, bpmn_process_id, author)
     where state in ('draft', 'in-review', 'approved', 'rejected')
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists process_drafts_one_open_per_author`.execute(db)
  await db.schema
    .alterTable('process_drafts')
    .dropColumn('name')
    .dropColumn('discarded_by')
    .dropColumn('discarded_at')
    .dropColumn('discard_reason')
    .dropColumn('approval_comment')
    .execute()
}
