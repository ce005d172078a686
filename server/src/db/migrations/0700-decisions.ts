import { sql, type Kysely } from 'kysely'

/**
 * DMN decisions of the procedures under document control (ISO/IEC 20000-1 4.3.2):
 * - `decision_requirements_versions`: every deployed version of a `.dmn` (its decision
 *   requirements graph, DRG) with the exact XML, who deployed and who approved it;
 * - `deployed_decisions`: the decisions each DRG version holds (Zeebe's decision keys);
 * - `process_version_decisions`: the decision version a process version evaluates
 *   (`zeebe:calledDecision bindingType="deployment"`: the one deployed with it), so a case
 *   records which version decided (evidence);
 * - `process_drafts.kind`: `process` (BPMN with its forms) or `decision` (a `.dmn`; then
 *   `bpmn_process_id` holds the decision requirements id). Both follow the same control.
 * `priority_matrices` is no longer read (the decision `priority-matrix` replaced it); it stays as
 * the record of the matrix cases prioritised before carry (`priorityMatrixVersion`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('decision_requirements_versions')
    .addColumn('decision_requirements_key', 'text', (c) => c.primaryKey())
    .addColumn('decision_requirements_id', 'text', (c) => c.notNull())
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
    .addUniqueConstraint('decision_requirements_id_version', [
      'decision_requirements_id',
      'version',
    ])
    .execute()
  await db.schema
    .createTable('deployed_decisions')
    .addColumn('decision_key', 'text', (c) => c.primaryKey())
    .addColumn('decision_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('decision_requirements_key', 'text', (c) => c.notNull())
    .addColumn('decision_requirements_id', 'text', (c) => c.notNull())
    .addColumn('deployment_key', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('deployed_decisions_by_id')
    .on('deployed_decisions')
    .columns(['decision_id', 'version'])
    .execute()
  await db.schema
    .createTable('process_version_decisions')
    .addColumn('process_definition_key', 'text', (c) => c.notNull())
    .addColumn('decision_id', 'text', (c) => c.notNull())
    .addColumn('decision_key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('process_version_decisions_pk', [
      'process_definition_key',
      'decision_id',
    ])
    .execute()
  await db.schema
    .alterTable('process_drafts')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('process'))
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('process_drafts').dropColumn('kind').execute()
  for (const t of [
    'process_version_decisions',
    'deployed_decisions',
    'decision_requirements_versions',
  ]) {
    await db.schema.dropTable(t).ifExists().execute()
  }
}
