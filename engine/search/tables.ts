/**
 * The secondary storage's tables (Camunda's exporter → secondary storage, here SQL tables in the
 * engine's own database). Each table is declared once: its columns and their SQL types drive the
 * DDL, the batched upserts of the projection and the casts of the search queries.
 */
import type { SqlClient } from '../state/sql'

/** SQL column types the projection uses. `bigint` holds keys and epoch-ms dates. */
export type ColumnType = 'bigint' | 'int' | 'text' | 'bool' | 'jsonb'

export interface TableSpec {
  name: string
  /** Primary key columns. */
  pk: readonly string[]
  columns: Readonly<Record<string, ColumnType>>
  /** Secondary indexes for the searches (column lists). */
  indexes: readonly string[][]
}

const table = <T extends TableSpec>(spec: T): T => spec

export const Tables = {
  position: table({
    name: 'search_position',
    pk: ['id'],
    columns: { id: 'int', position: 'bigint' },
    indexes: [],
  }),
  processDefinitions: table({
    name: 'search_process_definitions',
    pk: ['process_definition_key'],
    columns: {
      process_definition_key: 'bigint',
      process_definition_id: 'text',
      name: 'text',
      version: 'int',
      version_tag: 'text',
      resource_name: 'text',
      tenant_id: 'text',
      has_start_form: 'bool',
      start_form_id: 'text',
      start_form_key: 'text',
      bpmn_xml: 'text',
    },
    indexes: [['process_definition_id', 'version']],
  }),
  forms: table({
    name: 'search_forms',
    pk: ['form_key'],
    columns: {
      form_key: 'bigint',
      form_id: 'text',
      version: 'int',
      schema: 'text',
      tenant_id: 'text',
    },
    indexes: [['form_id', 'version']],
  }),
  decisionRequirements: table({
    name: 'search_decision_requirements',
    pk: ['decision_requirements_key'],
    columns: {
      decision_requirements_key: 'bigint',
      decision_requirements_id: 'text',
      decision_requirements_name: 'text',
      version: 'int',
      resource_name: 'text',
      tenant_id: 'text',
      xml: 'text',
    },
    indexes: [['decision_requirements_id', 'version']],
  }),
  decisionDefinitions: table({
    name: 'search_decision_definitions',
    pk: ['decision_definition_key'],
    columns: {
      decision_definition_key: 'bigint',
      decision_definition_id: 'text',
      name: 'text',
      version: 'int',
      decision_requirements_id: 'text',
      decision_requirements_key: 'bigint',
      tenant_id: 'text',
    },
    indexes: [['decision_definition_id', 'version']],
  }),
  processInstances: table({
    name: 'search_process_instances',
    pk: ['process_instance_key'],
    columns: {
      process_instance_key: 'bigint',
      process_definition_key: 'bigint',
      process_definition_id: 'text',
      process_definition_name: 'text',
      process_definition_version: 'int',
      process_definition_version_tag: 'text',
      start_date: 'bigint',
      end_date: 'bigint',
      state: 'text',
      incident_count: 'int',
      tenant_id: 'text',
      parent_process_instance_key: 'bigint',
      parent_element_instance_key: 'bigint',
    },
    indexes: [
      ['state', 'start_date'],
      ['process_definition_id'],
      ['process_definition_key'],
      ['start_date'],
      ['parent_process_instance_key'],
    ],
  }),
  elementInstances: table({
    name: 'search_element_instances',
    pk: ['element_instance_key'],
    columns: {
      element_instance_key: 'bigint',
      process_instance_key: 'bigint',
      process_definition_key: 'bigint',
      process_definition_id: 'text',
      element_id: 'text',
      element_name: 'text',
      type: 'text',
      state: 'text',
      start_date: 'bigint',
      end_date: 'bigint',
      incident_key: 'bigint',
      flow_scope_key: 'bigint',
      tenant_id: 'text',
    },
    indexes: [
      ['process_instance_key', 'element_instance_key'],
      ['process_definition_key', 'element_id'],
      ['flow_scope_key'],
    ],
  }),
  sequenceFlows: table({
    name: 'search_sequence_flows',
    pk: ['process_instance_key', 'sequence_flow_id'],
    columns: {
      process_instance_key: 'bigint',
      sequence_flow_id: 'text',
      process_definition_key: 'bigint',
      process_definition_id: 'text',
      tenant_id: 'text',
    },
    indexes: [],
  }),
  variables: table({
    name: 'search_variables',
    pk: ['variable_key'],
    columns: {
      variable_key: 'bigint',
      name: 'text',
      value: 'text',
      scope_key: 'bigint',
      process_instance_key: 'bigint',
      tenant_id: 'text',
    },
    indexes: [['scope_key', 'name'], ['process_instance_key'], ['name', 'value']],
  }),
  incidents: table({
    name: 'search_incidents',
    pk: ['incident_key'],
    columns: {
      incident_key: 'bigint',
      process_definition_key: 'bigint',
      process_definition_id: 'text',
      process_instance_key: 'bigint',
      error_type: 'text',
      error_message: 'text',
      element_id: 'text',
      element_instance_key: 'bigint',
      creation_time: 'bigint',
      state: 'text',
      job_key: 'bigint',
      tenant_id: 'text',
    },
    indexes: [['process_instance_key'], ['state']],
  }),
  userTasks: table({
    name: 'search_user_tasks',
    pk: ['user_task_key'],
    columns: {
      user_task_key: 'bigint',
      name: 'text',
      state: 'text',
      assignee: 'text',
      element_id: 'text',
      candidate_groups: 'jsonb',
      candidate_users: 'jsonb',
      process_definition_id: 'text',
      creation_date: 'bigint',
      completion_date: 'bigint',
      follow_up_date: 'bigint',
      due_date: 'bigint',
      tenant_id: 'text',
      external_form_reference: 'text',
      process_definition_version: 'int',
      custom_headers: 'jsonb',
      priority: 'int',
      element_instance_key: 'bigint',
      process_name: 'text',
      process_definition_key: 'bigint',
      process_instance_key: 'bigint',
      form_key: 'bigint',
    },
    indexes: [
      ['state', 'creation_date'],
      ['assignee'],
      ['process_instance_key'],
      ['element_instance_key'],
    ],
  }),
  jobs: table({
    name: 'search_jobs',
    pk: ['job_key'],
    columns: {
      job_key: 'bigint',
      type: 'text',
      worker: 'text',
      state: 'text',
      kind: 'text',
      listener_event_type: 'text',
      retries: 'int',
      error_message: 'text',
      error_code: 'text',
      deadline: 'bigint',
      end_time: 'bigint',
      element_id: 'text',
      element_instance_key: 'bigint',
      process_instance_key: 'bigint',
      process_definition_key: 'bigint',
      process_definition_id: 'text',
      tenant_id: 'text',
      custom_headers: 'jsonb',
      has_failed_with_retries_left: 'bool',
      denied_reason: 'text',
      is_denied: 'bool',
    },
    indexes: [['process_instance_key'], ['type', 'state']],
  }),
} as const

export type TableName = keyof typeof Tables
/** A row as the projection holds it: column name → value (keys as strings, dates as epoch ms). */
export type Row = Record<string, unknown>

/** Creates the secondary storage's tables and indexes if they are missing (idempotent). */
export async function ensureSearchTables(sql: SqlClient): Promise<void> {
  for (const spec of Object.values(Tables)) {
    const cols = Object.entries(spec.columns).map(([c, t]) => `${c} ${t}`)
    await sql.query(
      `create table if not exists ${spec.name} (${cols.join(', ')}, primary key (${spec.pk.join(', ')}))`,
    )
    for (const index of spec.indexes) {
      await sql.query(
        `create index if not exists ${spec.name}_${index.join('_')} on ${spec.name} (${index.join(', ')})`,
      )
    }
  }
}

/** The select list of a table: bigint columns as text (keys beyond 2^53 stay exact). */
export function selectList(spec: TableSpec, alias = ''): string {
  const p = alias ? `${alias}.` : ''
  return Object.entries(spec.columns)
    .map(([c, t]) => (t === 'bigint' ? `${p}${c}::text as ${c}` : `${p}${c}`))
    .join(', ')
}

/**
 * Writes `rows` (whole rows) as one statement: insert, or replace the row with the same primary
 * key. Rows travel as one jsonb parameter (`jsonb_to_recordset`).
 */
export async function upsertRows(sql: SqlClient, spec: TableSpec, rows: Row[]): Promise<void> {
  if (rows.length === 0) return
  const cols = Object.keys(spec.columns)
  const recordset = Object.entries(spec.columns)
    .map(([c, t]) => `${c} ${t}`)
    .join(', ')
  const updates = cols.filter((c) => !spec.pk.includes(c)).map((c) => `${c} = excluded.${c}`)
  await sql.query(
    `insert into ${spec.name} (${cols.join(', ')})
     select ${cols.join(', ')} from jsonb_to_recordset($1::jsonb) as x(${recordset})
     on conflict (${spec.pk.join(', ')}) do ${updates.length ? `update set ${updates.join(', ')}` : 'nothing'}`,
    [JSON.stringify(rows)],
  )
}

/** Rows of `spec` whose single-column primary key is in `keys`. */
export async function loadRows(
  sql: SqlClient,
  spec: TableSpec,
  keys: Iterable<string>,
): Promise<Row[]> {
  const list = [...keys]
  if (list.length === 0) return []
  const pk = spec.pk[0]!
  const { rows } = await sql.query<Row>(
    `select ${selectList(spec)} from ${spec.name} where ${pk} = any($1::${spec.columns[pk]}[])`,
    [list],
  )
  return rows
}

/** Deletes the rows whose single-column primary key is in `keys`. */
export async function deleteRows(
  sql: SqlClient,
  spec: TableSpec,
  keys: Iterable<string>,
): Promise<void> {
  const list = [...keys]
  if (list.length === 0) return
  const pk = spec.pk[0]!
  await sql.query(`delete from ${spec.name} where ${pk} = any($1::${spec.columns[pk]}[])`, [list])
}
