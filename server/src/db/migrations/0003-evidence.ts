import { sql, type Kysely } from 'kysely'

/**
 * 4.3.3 records: the append-only, hash-chained audit trail. `evidence_head` is a single row
 * updated in the appending transaction, so concurrent writers queue on its row lock and cannot
 * fork the chain. A trigger rejects UPDATE and DELETE on the trail (and on the CI history), so
 * no one edits history through the application's connection.
 */
const statements = [
  `create table evidence (
    seq bigint primary key,
    at timestamptz not null,
    actor text not null,
    action text not null,
    entity_type text not null,
    entity_id text not null,
    before jsonb,
    after jsonb,
    process_instance_key text,
    prev_hash text not null,
    hash text not null
  )`,
  `create index evidence_entity_idx on evidence (entity_type, entity_id, seq)`,
  `create index evidence_actor_idx on evidence (actor, seq)`,
  `create index evidence_at_idx on evidence (at)`,
  `create index evidence_process_idx on evidence (process_instance_key) where process_instance_key is not null`,
  `create table evidence_head (
    id integer primary key check (id = 1),
    seq bigint not null,
    hash text not null
  )`,
  `insert into evidence_head (id, seq, hash) values (1, 0, '${'0'.repeat(64)}')`,
  `create function reject_history_change() returns trigger language plpgsql as $$
    begin
      raise exception 'history is append-only: % on % is not allowed', tg_op, tg_table_name;
    end
  $$`,
  `create trigger evidence_append_only before update or delete on evidence
    for each row execute function reject_history_change()`,
  `create trigger ci_history_append_only before update or delete on ci_history
    for each row execute function reject_history_change()`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}
