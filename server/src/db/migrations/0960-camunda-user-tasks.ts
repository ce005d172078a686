import { sql, type Kysely } from 'kysely'

/**
 * Camunda user tasks (`zeebe:userTask`) in the inbox beside job-worker user tasks:
 * - `kind`: `job` (a job of type `io.camunda.zeebe:userTask`, keyed by `job_key`) or `camunda`
 *   (a Camunda user task of the v2 API, keyed by `user_task_key`; it has no job, so `job_key`
 *   becomes nullable);
 * - the live Camunda tasks are listed by the intake's full pass (see `inbox/README.md`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('tasks')
    .alterColumn('job_key', (c) => c.dropNotNull())
    .execute()
  await db.schema
    .alterTable('tasks')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('job'))
    .execute()
  await db.schema.alterTable('tasks').addColumn('user_task_key', 'text').execute()
  await db.schema
    .createIndex('tasks_by_user_task_key')
    .unique()
    .on('tasks')
    .column('user_task_key')
    .execute()
  await db.schema
    .createIndex('tasks_live_camunda')
    .on('tasks')
    .columns(['kind', 'state'])
    .where(sql.ref('kind'), '=', 'camunda')
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('tasks_live_camunda').execute()
  await db.schema.dropIndex('tasks_by_user_task_key').execute()
  await db.schema.alterTable('tasks').dropColumn('user_task_key').execute()
  await db.schema.alterTable('tasks').dropColumn('kind').execute()
}
