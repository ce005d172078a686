import { sql, type Kysely } from 'kysely'

/**
 * Tables of the job workers and notifications:
 * - `worker_jobs`: the outcome of every job a worker finished, so a re-delivered job repeats its
 *   outcome instead of its effects (idempotency);
 * - `priority_matrices`: the versioned impact × urgency → priority table (8.1 b, 8.2 c), which
 *   the process owner changes by adding a version; version 1 is seeded;
 * - `sla_breaches`: breaches of response/resolution targets, for service reporting (6.2 a);
 * - `notifications`: the outbox of notifications, shown in-app and optionally mailed (8.1);
 * - `supplier_reviews`: recorded supplier review outcomes (7.2).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('worker_jobs')
    .addColumn('job_key', 'text', (c) => c.primaryKey())
    .addColumn('job_type', 'text', (c) => c.notNull())
    .addColumn('process_instance_key', 'text', (c) => c.notNull())
    .addColumn('element_id', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('result', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema
    .createTable('priority_matrices')
    .addColumn('version', 'integer', (c) => c.primaryKey())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('cells', 'jsonb', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  // impact (1 high … 3 low) × urgency (1 high … 3 low) → priority 1 … 4
  const cells = {
    '1': { '1': 1, '2': 2, '3': 3 },
    '2': { '1': 2, '2': 3, '3': 4 },
    '3': { '1': 3, '2': 4, '3': 4 },
  }
  await sql`insert into priority_matrices (version, description, cells, created_by)
    values (1, 'Initial impact × urgency matrix', ${JSON.stringify(cells)}::jsonb, 'system:migration')`.execute(
    db,
  )

  await db.schema
    .createTable('sla_breaches')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('case_kind', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz')
    .addColumn('breached_at', 'timestamptz', (c) => c.notNull())
    .addColumn('priority', 'integer')
    .addColumn('service_id', 'text')
    .addColumn('supplier_id', 'text')
    .addColumn('process_instance_key', 'text')
    .addUniqueConstraint('sla_breaches_once', ['case_kind', 'case_id', 'target'])
    .execute()

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('recipient', 'text')
    .addColumn('recipient_group', 'text')
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('case_kind', 'text')
    .addColumn('case_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('read_at', 'timestamptz')
    .addColumn('email_status', 'text', (c) => c.notNull().defaultTo('not-sent'))
    .addColumn('email_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('email_error', 'text')
    .addCheckConstraint(
      'notifications_has_recipient',
      sql`recipient is not null or recipient_group is not null`,
    )
    .execute()
  await db.schema
    .createIndex('notifications_recipient_idx')
    .on('notifications')
    .columns(['recipient', 'created_at'])
    .execute()
  await db.schema
    .createIndex('notifications_group_idx')
    .on('notifications')
    .columns(['recipient_group', 'created_at'])
    .execute()

  await db.schema
    .createTable('supplier_reviews')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('supplier_id', 'text', (c) => c.notNull())
    .addColumn('process_instance_key', 'text', (c) => c.notNull().unique())
    .addColumn('outcome', 'jsonb', (c) => c.notNull())
    .addColumn('reviewed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('next_review_at', 'timestamptz')
    .execute()
}
