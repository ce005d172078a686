/**
 * Task inbox (job-worker user tasks), saved filters, and procedures under document control
 * (ISO/IEC 20000-1 4.3.2): drafts, deployed versions, the forms deployed with each version and
 * the process instances the server started.
 */
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('process_versions')
    .addColumn('process_definition_key', 'text', (c) => c.primaryKey())
    .addColumn('bpmn_process_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('resource_name', 'text', (c) => c.notNull())
    .addColumn('xml', 'text', (c) => c.notNull())
    .addColumn('checksum', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('deployment_key', 'text', (c) => c.notNull())
    .addColumn('deployed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('deployed_by', 'text', (c) => c.notNull())
    .addColumn('approved_by', 'text')
    .addColumn('draft_id', 'text')
    .addUniqueConstraint('process_versions_id_version', ['bpmn_process_id', 'version'])
    .execute()

  await db.schema
    .createTable('deployed_forms')
    .addColumn('form_key', 'text', (c) => c.primaryKey())
    .addColumn('form_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('schema', 'jsonb', (c) => c.notNull())
    .addColumn('deployment_key', 'text', (c) => c.notNull())
    .addColumn('deployed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createIndex('deployed_forms_by_id')
    .on('deployed_forms')
    .columns(['form_id', 'version'])
    .execute()
  await db.schema
    .createTable('process_version_forms')
    .addColumn('process_definition_key', 'text', (c) => c.notNull())
    .addColumn('form_id', 'text', (c) => c.notNull())
    .addColumn('form_key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('process_version_forms_pk', ['process_definition_key', 'form_id'])
    .execute()

  await db.schema
    .createTable('process_drafts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('bpmn_process_id', 'text', (c) => c.notNull())
    .addColumn('xml', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('base_version', 'integer')
    .addColumn('lint', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('approved_by', 'text')
    .addColumn('approved_at', 'timestamptz')
    .addColumn('rejected_by', 'text')
    .addColumn('rejected_reason', 'text')
    .addColumn('deployed_by', 'text')
    .addColumn('deployed_at', 'timestamptz')
    .addColumn('process_definition_key', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute()

  await db.schema
    .createTable('process_instances')
    .addColumn('process_instance_key', 'text', (c) => c.primaryKey())
    .addColumn('process_definition_key', 'text', (c) => c.notNull())
    .addColumn('bpmn_process_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('case_kind', 'text')
    .addColumn('case_id', 'text')
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('started_by', 'text')
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('ended_at', 'timestamptz')
    .execute()
  await db.schema
    .createIndex('process_instances_by_version')
    .on('process_instances')
    .columns(['bpmn_process_id', 'version', 'state'])
    .execute()
  await db.schema
    .createIndex('process_instances_by_case')
    .on('process_instances')
    .columns(['case_kind', 'case_id'])
    .execute()

  await db.schema
    .createTable('tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('job_key', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('element_id', 'text', (c) => c.notNull())
    .addColumn('element_instance_key', 'text', (c) => c.notNull())
    .addColumn('process_instance_key', 'text', (c) => c.notNull())
    .addColumn('process_definition_key', 'text', (c) => c.notNull())
    .addColumn('bpmn_process_id', 'text', (c) => c.notNull())
    .addColumn('process_name', 'text', (c) => c.notNull())
    .addColumn('process_version', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('assignee', 'text')
    .addColumn('candidate_groups', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('candidate_users', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(50))
    .addColumn('due_date', 'timestamptz')
    .addColumn('follow_up_date', 'timestamptz')
    .addColumn('form_id', 'text')
    .addColumn('form_key', 'text')
    .addColumn('case_kind', 'text')
    .addColumn('case_id', 'text')
    .addColumn('case_title', 'text')
    .addColumn('search', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('variables', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('custom_headers', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('job_deadline', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('claimed_at', 'timestamptz')
    .addColumn('completed_at', 'timestamptz')
    .addColumn('completed_by', 'text')
    .addColumn('cancel_reason', 'text')
    .addColumn('escalated_at', 'timestamptz')
    .addColumn('submitted_data', 'jsonb')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute()
  for (const [name, cols] of [
    ['tasks_open_by_created', ['state', 'created_at']],
    ['tasks_by_assignee', ['assignee', 'state']],
    ['tasks_by_due', ['state', 'due_date']],
    ['tasks_by_process', ['bpmn_process_id', 'process_version', 'state']],
    ['tasks_by_case', ['case_kind', 'case_id']],
    ['tasks_by_instance', ['process_instance_key']],
    ['tasks_by_priority', ['state', 'priority']],
  ] as const) {
    await db.schema
      .createIndex(name)
      .on('tasks')
      .columns([...cols])
      .execute()
  }
  await sql`create index tasks_by_groups on tasks using gin (candidate_groups)`.execute(db)
  await sql`create index tasks_by_candidate_users on tasks using gin (candidate_users)`.execute(db)
  await sql`create index tasks_by_variables on tasks using gin (variables jsonb_path_ops)`.execute(
    db,
  )
  // Trigram index for the inbox's text search, where the server offers pg_trgm (PGlite does;
  // a server without it, or without the right to add it, searches by scanning).
  await sql`savepoint before_trgm`.execute(db)
  try {
    await sql`create extension if not exists pg_trgm`.execute(db)
    await sql`create index tasks_by_search on tasks using gin (search gin_trgm_ops)`.execute(db)
    await sql`release savepoint before_trgm`.execute(db)
  } catch {
    await sql`rollback to savepoint before_trgm`.execute(db)
  }
  // Open tasks in the orders the inbox sorts by: a page is read off the index, not sorted.
  for (const [name, order] of [
    ['tasks_live_by_created', 'created_at asc nulls last, id'],
    ['tasks_live_by_due', 'due_date asc nulls last, id'],
    ['tasks_live_by_priority', 'priority desc nulls last, id'],
  ] as const) {
    await sql
      .raw(`create index ${name} on tasks (${order}) where state in ('open', 'claimed')`)
      .execute(db)
  }

  await db.schema
    .createTable('task_comments')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('task_id', 'text', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createIndex('task_comments_by_task')
    .on('task_comments')
    .column('task_id')
    .execute()

  // How far the server has read the engine's record log (instance tracking, evidence).
  await db.schema
    .createTable('record_cursors')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('position', 'bigint', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('saved_filters')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('query', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('saved_filters_user_name', ['user_id', 'name'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'record_cursors',
    'saved_filters',
    'task_comments',
    'tasks',
    'process_instances',
    'process_drafts',
    'process_version_forms',
    'deployed_forms',
    'process_versions',
  ]) {
    await db.schema.dropTable(t).ifExists().execute()
  }
}
