import { sql, type Kysely } from 'kysely'

/**
 * Login throttling kept in the database, so a restart does not reset it (ISO/IEC 20000-1 8.7.3
 * information security controls):
 *
 * - `login_throttle`: failed-login counters in fixed windows, one row per key (`pair:<account>
 *   <address>`, `address:<address>`, `account:<account>`);
 * - `login_known_addresses`: the addresses an account has logged in from with the right
 *   password, so a throttled account still lets its owner in from where they usually are.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('login_throttle')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_ends', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('login_throttle_window_ends')
    .on('login_throttle')
    .column('window_ends')
    .execute()
  await db.schema
    .createTable('login_known_addresses')
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('last_success', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('login_known_addresses_pk', ['account', 'address'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('login_known_addresses').execute()
  await db.schema.dropTable('login_throttle').execute()
}
