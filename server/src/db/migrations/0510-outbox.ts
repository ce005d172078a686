import { sql, type Kysely } from 'kysely'

/**
 * `outbox`: the durable intent of every action that spans the database and the engine (issue
 * "crash consistency"). The row is written in the same transaction as the change that needs the
 * engine (a case and its procedure start; a task moved to `completing` and its job completion);
 * a dispatcher performs the engine call and closes the row in the transaction that records the
 * outcome. A row still `pending` after a crash is finished by the reconciler on the next start.
 * - `kind`: `start-procedure` | `complete-task`;
 * - `subject`: what the row is about (`incident:INC-000001`, a task id), for look-ups;
 * - `attempts`: engine calls begun; more than one means an earlier call's outcome is unknown;
 * - `result`: what the engine answered (e.g. the created instance), once done;
 * - `after_position`: the engine's record-log position known before the latest call: a created
 *   instance is looked for after it when the outcome of that call is unknown.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('after_position', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('result', 'jsonb')
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('done_at', 'timestamptz')
    .execute()
  await sql`create index outbox_pending_idx on outbox (next_attempt_at) where state = 'pending'`.execute(
    db,
  )
  await sql`create index outbox_subject_idx on outbox (kind, subject)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('outbox').ifExists().execute()
}
