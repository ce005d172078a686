import { sql, type Kysely } from 'kysely'

/**
 * Segregation of duties declared in the diagram (ISO/IEC 20000-1 4.1.3, 9.2, 9.3): what a user
 * task's `sod:` extension properties say, copied onto its inbox row when the task arrives, so
 * the inbox lists can leave a task out for the people who may not complete it (the case's
 * requester or recorder; whoever completed one of the named tasks of the same instance). Claim
 * and completion read the rules from the process version itself; these columns serve the lists.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('tasks')
    .addColumn('sod_not_requester', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute()
  await db.schema
    .alterTable('tasks')
    .addColumn('sod_not_completer_of', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tasks').dropColumn('sod_not_completer_of').execute()
  await db.schema.alterTable('tasks').dropColumn('sod_not_requester').execute()
}
