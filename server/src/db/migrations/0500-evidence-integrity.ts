import { sql, type Kysely } from 'kysely'

/**
 * 4.3.3 records: the database guards the evidence chain's integrity, not only its rows.
 *
 * - TRUNCATE of `evidence`, `evidence_head` and `ci_history` is refused (row triggers never see
 *   a TRUNCATE; a statement-level trigger does).
 * - An entry can only be inserted at the head: its seq is the head's seq + 1 and its
 *   `prev_hash` the head's hash. Inserting it moves the head (trigger), and the head row moves
 *   in no other way: a direct UPDATE or DELETE of `evidence_head` is refused, so the head
 *   cannot be set back to hide removed entries.
 * - Every guard fires ALWAYS, also under `session_replication_role = replica`, which otherwise
 *   silences triggers. A superuser can still disable them; the signed checkpoints outside the
 *   database (see `server/src/evidence/`) catch what is done then.
 * - A partial index finds the checkpoint entries.
 */
const statements = [
  `create index evidence_checkpoint_idx on evidence (seq) where action = 'evidence.checkpoint'`,
  `create trigger evidence_no_truncate before truncate on evidence
    for each statement execute function reject_history_change()`,
  `create trigger evidence_head_no_truncate before truncate on evidence_head
    for each statement execute function reject_history_change()`,
  `create trigger ci_history_no_truncate before truncate on ci_history
    for each statement execute function reject_history_change()`,
  `create function evidence_check_append() returns trigger language plpgsql as $$
    declare
      head record;
    begin
      select seq, hash into head from evidence_head where id = 1 for update;
      if not found then
        raise exception 'evidence_head is missing';
      end if;
      if new.seq <> head.seq + 1 or new.prev_hash <> head.hash then
        raise exception 'evidence is appended at the head only: expected seq % after hash %, got seq %',
          head.seq + 1, head.hash, new.seq;
      end if;
      return new;
    end
  $$`,
  `create trigger evidence_append_at_head before insert on evidence
    for each row execute function evidence_check_append()`,
  `create function evidence_advance_head() returns trigger language plpgsql as $$
    begin
      update evidence_head set seq = new.seq, hash = new.hash where id = 1;
      return null;
    end
  $$`,
  `create trigger evidence_advance_head after insert on evidence
    for each row execute function evidence_advance_head()`,
  // pg_trigger_depth() is 2 when the update comes from evidence_advance_head, 1 when a
  // statement updates the head directly.
  `create function evidence_guard_head() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        raise exception 'evidence_head cannot be deleted';
      end if;
      if pg_trigger_depth() < 2 or new.id <> old.id or new.seq <> old.seq + 1 then
        raise exception 'evidence_head moves only with an entry appended to evidence';
      end if;
      return new;
    end
  $$`,
  `create trigger evidence_head_guard before update or delete on evidence_head
    for each row execute function evidence_guard_head()`,
  ...[
    ['evidence', 'evidence_append_only'],
    ['evidence', 'evidence_no_truncate'],
    ['evidence', 'evidence_append_at_head'],
    ['evidence', 'evidence_advance_head'],
    ['evidence_head', 'evidence_head_no_truncate'],
    ['evidence_head', 'evidence_head_guard'],
    ['ci_history', 'ci_history_append_only'],
    ['ci_history', 'ci_history_no_truncate'],
  ].map(([table, trigger]) => `alter table ${table} enable always trigger ${trigger}`),
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    `drop trigger evidence_head_guard on evidence_head`,
    `drop function evidence_guard_head()`,
    `drop trigger evidence_advance_head on evidence`,
    `drop function evidence_advance_head()`,
    `drop trigger evidence_append_at_head on evidence`,
    `drop function evidence_check_append()`,
    `drop trigger ci_history_no_truncate on ci_history`,
    `drop trigger evidence_head_no_truncate on evidence_head`,
    `drop trigger evidence_no_truncate on evidence`,
    `drop index evidence_checkpoint_idx`,
    `alter table evidence enable trigger evidence_append_only`,
    `alter table ci_history enable trigger ci_history_append_only`,
  ]) {
    await sql.raw(statement).execute(db)
  }
}
