/**
 * Searches of Camunda 8.8's runtime entities: process instances, element instances, incidents
 * (variables: search/variables.ts). Each is an {@link EntitySearch} over its table with the filter fields, operators
 * and sort fields of 8.8's OpenAPI spec.
 */
import { compact, iso, key, text } from './convert'
import { EntitySearch, fieldCondition, Ops, type CustomFilter, type FieldSpec } from './query'
import { Tables, type Row } from './tables'

export const INSTANCE_STATES = ['ACTIVE', 'COMPLETED', 'TERMINATED'] as const
/** Camunda 8.8's ElementInstanceResult.type values. */
export const ELEMENT_TYPES = [
  'UNSPECIFIED',
  'PROCESS',
  'SUB_PROCESS',
  'EVENT_SUB_PROCESS',
  'AD_HOC_SUB_PROCESS',
  'AD_HOC_SUB_PROCESS_INNER_INSTANCE',
  'START_EVENT',
  'INTERMEDIATE_CATCH_EVENT',
  'INTERMEDIATE_THROW_EVENT',
  'BOUNDARY_EVENT',
  'END_EVENT',
  'SERVICE_TASK',
  'RECEIVE_TASK',
  'USER_TASK',
  'MANUAL_TASK',
  'TASK',
  'EXCLUSIVE_GATEWAY',
  'INCLUSIVE_GATEWAY',
  'PARALLEL_GATEWAY',
  'EVENT_BASED_GATEWAY',
  'SEQUENCE_FLOW',
  'MULTI_INSTANCE_BODY',
  'CALL_ACTIVITY',
  'BUSINESS_RULE_TASK',
  'SCRIPT_TASK',
  'SEND_TASK',
  'UNKNOWN',
] as const
export const INCIDENT_ERROR_TYPES = [
  'UNSPECIFIED',
  'UNKNOWN',
  'IO_MAPPING_ERROR',
  'JOB_NO_RETRIES',
  'EXECUTION_LISTENER_NO_RETRIES',
  'TASK_LISTENER_NO_RETRIES',
  'AD_HOC_SUB_PROCESS_NO_RETRIES',
  'CONDITION_ERROR',
  'EXTRACT_VALUE_ERROR',
  'CALLED_ELEMENT_ERROR',
  'UNHANDLED_ERROR_EVENT',
  'MESSAGE_SIZE_EXCEEDED',
  'CALLED_DECISION_ERROR',
  'DECISION_EVALUATION_ERROR',
  'FORM_NOT_FOUND',
  'RESOURCE_NOT_FOUND',
] as const

/** A filter field on the table `t`. */
export const f = (
  sql: string,
  kind: FieldSpec['kind'],
  ops?: FieldSpec['ops'],
  values?: readonly string[],
): FieldSpec => ({
  sql: `t.${sql}`,
  kind,
  ...(ops ? { ops } : {}),
  ...(values ? { values } : {}),
})

const stringFilterSchema = {
  anyOf: [
    { type: 'string' },
    {
      type: 'object',
      additionalProperties: false,
      properties: {
        $eq: { type: 'string' },
        $neq: { type: 'string' },
        $exists: { type: 'boolean' },
        $in: { type: 'array', items: { type: 'string' } },
        $notIn: { type: 'array', items: { type: 'string' } },
        $like: { type: 'string' },
      },
    },
  ],
}

/** `variables: [{ name, value }]`: a variable of that name whose value matches, in `scope`. */
export function variablesFilter(scopeSql: (v: string) => string): CustomFilter {
  const valueField: FieldSpec = { sql: 'v.value', kind: 'string', ops: Ops.string }
  return {
    custom: true,
    schema: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'value'],
        properties: { name: { type: 'string' }, value: stringFilterSchema },
      },
    },
    where: (value, param) =>
      (value as { name: string; value: unknown }[])
        .map(
          (item) =>
            `exists (select 1 from ${Tables.variables.name} v where ${scopeSql('v')} and v.name = ${param(item.name)}::text and ${fieldCondition(valueField, item.value, param)})`,
        )
        .join(' and ') || 'true',
  }
}

/** Exists-filters on the instance's element instances and incidents (8.8's base filter fields). */
function elementExists(
  cond: (e: string, value: unknown, param: (v: unknown) => string) => string,
  schema: object,
): CustomFilter {
  return {
    custom: true,
    schema,
    where: (value, param) =>
      `exists (select 1 from ${Tables.elementInstances.name} e where e.process_instance_key = t.process_instance_key and ${cond('e', value, param)})`,
  }
}

const elementStateField = (alias: string): FieldSpec => ({
  sql: `${alias}.state`,
  kind: 'enum',
  ops: Ops.enum,
  values: INSTANCE_STATES,
})
const elementIdField = (alias: string): FieldSpec => ({
  sql: `${alias}.element_id`,
  kind: 'string',
  ops: Ops.string,
})

export function processInstanceResult(r: Row) {
  return compact({
    processDefinitionId: String(r.process_definition_id),
    processDefinitionName: String(r.process_definition_name ?? r.process_definition_id),
    processDefinitionVersion: Number(r.process_definition_version),
    processDefinitionVersionTag: text(r.process_definition_version_tag),
    startDate: iso(r.start_date)!,
    endDate: iso(r.end_date),
    state: String(r.state),
    hasIncident: Number(r.incident_count ?? 0) > 0,
    tenantId: String(r.tenant_id),
    processInstanceKey: String(r.process_instance_key),
    processDefinitionKey: String(r.process_definition_key),
    parentProcessInstanceKey: key(r.parent_process_instance_key),
    parentElementInstanceKey: key(r.parent_element_instance_key),
  })
}
export type ProcessInstanceResult = ReturnType<typeof processInstanceResult>

/** Filter fields shared by process instance search and definition statistics (8.8's base fields). */
export function baseInstanceFilters(
  fieldSql: (s: string) => FieldSpec,
): Record<string, FieldSpec | CustomFilter> {
  return {
    startDate: { ...fieldSql('start_date'), kind: 'date', ops: Ops.range },
    endDate: { ...fieldSql('end_date'), kind: 'date', ops: Ops.range },
    state: { ...fieldSql('state'), kind: 'enum', ops: Ops.enum, values: INSTANCE_STATES },
    hasIncident: { sql: '(t.incident_count > 0)', kind: 'bool' },
    tenantId: { ...fieldSql('tenant_id'), kind: 'string', ops: Ops.string },
    variables: variablesFilter((v) => `${v}.scope_key = t.process_instance_key`),
    processInstanceKey: { ...fieldSql('process_instance_key'), kind: 'key', ops: Ops.basic },
    parentProcessInstanceKey: {
      ...fieldSql('parent_process_instance_key'),
      kind: 'key',
      ops: Ops.basic,
    },
    parentElementInstanceKey: {
      ...fieldSql('parent_element_instance_key'),
      kind: 'key',
      ops: Ops.basic,
    },
    errorMessage: {
      custom: true,
      schema: stringFilterSchema,
      where: (value, param) =>
        `exists (select 1 from ${Tables.incidents.name} i where i.process_instance_key = t.process_instance_key and i.state = 'ACTIVE' and ${fieldCondition({ sql: 'i.error_message', kind: 'string', ops: Ops.string }, value, param)})`,
    },
    elementInstanceState: elementExists(
      (e, value, param) => fieldCondition(elementStateField(e), value, param),
      { anyOf: [{ type: 'string', enum: INSTANCE_STATES }, { type: 'object' }] },
    ),
    elementId: elementExists(
      (e, value, param) => fieldCondition(elementIdField(e), value, param),
      stringFilterSchema,
    ),
    hasElementInstanceIncident: elementExists(
      (e, value) => (value ? `${e}.incident_key is not null` : `${e}.incident_key is null`),
      { type: 'boolean' },
    ),
  }
}

export const processInstances = new EntitySearch(
  {
    table: Tables.processInstances,
    tiebreak: 'process_instance_key',
    filters: {
      ...baseInstanceFilters((s) => f(s, 'string')),
      processDefinitionId: f('process_definition_id', 'string', Ops.string),
      processDefinitionName: f('process_definition_name', 'string', Ops.string),
      processDefinitionVersion: f('process_definition_version', 'int', Ops.range),
      processDefinitionVersionTag: f('process_definition_version_tag', 'string', Ops.string),
      processDefinitionKey: f('process_definition_key', 'key', Ops.basic),
    },
    sorts: {
      processInstanceKey: { sql: 't.process_instance_key', kind: 'key' },
      processDefinitionId: { sql: 't.process_definition_id', kind: 'string' },
      processDefinitionName: { sql: 't.process_definition_name', kind: 'string' },
      processDefinitionVersion: { sql: 't.process_definition_version', kind: 'int' },
      processDefinitionVersionTag: { sql: 't.process_definition_version_tag', kind: 'string' },
      processDefinitionKey: { sql: 't.process_definition_key', kind: 'key' },
      parentProcessInstanceKey: { sql: 't.parent_process_instance_key', kind: 'key' },
      parentElementInstanceKey: { sql: 't.parent_element_instance_key', kind: 'key' },
      startDate: { sql: 't.start_date', kind: 'date' },
      endDate: { sql: 't.end_date', kind: 'date' },
      state: { sql: 't.state', kind: 'string' },
      hasIncident: { sql: '(t.incident_count > 0)', kind: 'bool' },
      tenantId: { sql: 't.tenant_id', kind: 'string' },
    },
    toResult: processInstanceResult,
  },
  { orGroups: true },
)

export function elementInstanceResult(r: Row) {
  return compact({
    processDefinitionId: String(r.process_definition_id),
    startDate: iso(r.start_date)!,
    endDate: iso(r.end_date),
    elementId: String(r.element_id),
    elementName: String(r.element_name ?? r.element_id),
    type: String(r.type),
    state: String(r.state),
    hasIncident: r.incident_key !== null && r.incident_key !== undefined,
    tenantId: String(r.tenant_id),
    elementInstanceKey: String(r.element_instance_key),
    processInstanceKey: String(r.process_instance_key),
    processDefinitionKey: String(r.process_definition_key),
    incidentKey: key(r.incident_key),
  })
}

export const elementInstances = new EntitySearch({
  table: Tables.elementInstances,
  tiebreak: 'element_instance_key',
  filters: {
    processDefinitionId: f('process_definition_id', 'string'),
    state: f('state', 'enum', Ops.enum, INSTANCE_STATES),
    type: f('type', 'enum', undefined, ELEMENT_TYPES),
    elementId: f('element_id', 'string'),
    elementName: f('element_name', 'string'),
    hasIncident: { sql: '(t.incident_key is not null)', kind: 'bool' },
    tenantId: f('tenant_id', 'string'),
    elementInstanceKey: f('element_instance_key', 'key'),
    processInstanceKey: f('process_instance_key', 'key'),
    processDefinitionKey: f('process_definition_key', 'key'),
    incidentKey: f('incident_key', 'key'),
    startDate: f('start_date', 'date', Ops.range),
    endDate: f('end_date', 'date', Ops.range),
    elementInstanceScopeKey: {
      custom: true,
      schema: { type: 'string', pattern: '^-?[0-9]+$' },
      // direct children of a scope; the process instance's key names its top level
      where: (value, param) => `t.flow_scope_key = ${param(value)}::bigint`,
    },
  },
  sorts: {
    elementInstanceKey: { sql: 't.element_instance_key', kind: 'key' },
    processInstanceKey: { sql: 't.process_instance_key', kind: 'key' },
    processDefinitionKey: { sql: 't.process_definition_key', kind: 'key' },
    processDefinitionId: { sql: 't.process_definition_id', kind: 'string' },
    startDate: { sql: 't.start_date', kind: 'date' },
    endDate: { sql: 't.end_date', kind: 'date' },
    elementId: { sql: 't.element_id', kind: 'string' },
    elementName: { sql: 't.element_name', kind: 'string' },
    type: { sql: 't.type', kind: 'string' },
    state: { sql: 't.state', kind: 'string' },
    incidentKey: { sql: 't.incident_key', kind: 'key' },
    tenantId: { sql: 't.tenant_id', kind: 'string' },
  },
  toResult: elementInstanceResult,
})

export function incidentResult(r: Row) {
  return compact({
    processDefinitionId: String(r.process_definition_id),
    errorType: String(r.error_type),
    errorMessage: String(r.error_message ?? ''),
    elementId: String(r.element_id),
    creationTime: iso(r.creation_time),
    state: String(r.state),
    tenantId: String(r.tenant_id),
    incidentKey: String(r.incident_key),
    processDefinitionKey: key(r.process_definition_key),
    processInstanceKey: key(r.process_instance_key),
    elementInstanceKey: key(r.element_instance_key),
    jobKey: key(r.job_key),
  })
}

const incidentFilters = {
  processDefinitionId: f('process_definition_id', 'string'),
  errorType: f('error_type', 'enum', undefined, INCIDENT_ERROR_TYPES),
  errorMessage: f('error_message', 'string'),
  elementId: f('element_id', 'string'),
  creationTime: f('creation_time', 'date', Ops.range),
  state: f('state', 'enum', undefined, ['ACTIVE', 'MIGRATED', 'RESOLVED', 'PENDING']),
  tenantId: f('tenant_id', 'string'),
  incidentKey: f('incident_key', 'key'),
  processDefinitionKey: f('process_definition_key', 'key'),
  processInstanceKey: f('process_instance_key', 'key'),
  elementInstanceKey: f('element_instance_key', 'key'),
  jobKey: f('job_key', 'key'),
}
const incidentSorts = {
  incidentKey: { sql: 't.incident_key', kind: 'key' },
  processDefinitionKey: { sql: 't.process_definition_key', kind: 'key' },
  processDefinitionId: { sql: 't.process_definition_id', kind: 'string' },
  processInstanceKey: { sql: 't.process_instance_key', kind: 'key' },
  errorType: { sql: 't.error_type', kind: 'string' },
  errorMessage: { sql: 't.error_message', kind: 'string' },
  elementId: { sql: 't.element_id', kind: 'string' },
  elementInstanceKey: { sql: 't.element_instance_key', kind: 'key' },
  creationTime: { sql: 't.creation_time', kind: 'date' },
  state: { sql: 't.state', kind: 'string' },
  jobKey: { sql: 't.job_key', kind: 'key' },
  tenantId: { sql: 't.tenant_id', kind: 'string' },
} as const

export const incidents = new EntitySearch({
  table: Tables.incidents,
  tiebreak: 'incident_key',
  filters: incidentFilters,
  sorts: incidentSorts,
  toResult: incidentResult,
})
/** `/v2/process-instances/{key}/incidents/search`: no filter, the instance from the path. */
export const instanceIncidents = new EntitySearch({
  table: Tables.incidents,
  tiebreak: 'incident_key',
  filters: {},
  sorts: incidentSorts,
  toResult: incidentResult,
})
