/**
 * Inbox queries without a GIN pending list. A GIN index with `fastupdate` (the default) queues
 * new entries in an unsorted pending list that every search of the index reads in full until
 * VACUUM merges it. PGlite runs no autovacuum, so after a few thousand tasks each variable
 * filter, group view and text search scanned megabytes of pending entries (a capped total of
 * a variable filter took 7 ms instead of 0.6 ms on 100,000 tasks). Tasks arrive one per user
 * task, so writing their few GIN entries straight into the index costs little.
 */
import { sql, type Kysely } from 'kysely'

/** The GIN indexes on `tasks` (the trigram index exists only where pg_trgm could be added). */
async function ginIndexes(db: Kysely<unknown>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name
    from pg_index i
    join pg_class c on c.oid = i.indexrelid
    join pg_am a on a.oid = c.relam
    where i.indrelid = 'tasks'::regclass and a.amname = 'gin'
    order by c.relname`.execute(db)
  return rows.map((r) => r.name)
}

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const name of await ginIndexes(db)) {
    await sql`alter index ${sql.id(name)} set (fastupdate = off)`.execute(db)
    // entries queued before the switch stay pending until merged
    await sql`select gin_clean_pending_list(${name}::regclass)`.execute(db)
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of await ginIndexes(db)) {
    await sql`alter index ${sql.id(name)} reset (fastupdate)`.execute(db)
  }
}
