/**
 * Camunda 8.8's variable searches (`/v2/variables/search`, a user task's variables): values cut
 * at {@link VARIABLE_TRUNCATE_AT} unless `truncateValues` is false.
 */
import { f } from './instances'
import { EntitySearch, Ops, type FieldSpec } from './query'
import { Tables, type Row } from './tables'

/** Variable values longer than this are truncated in searches (`isTruncated`), as in Camunda. */
export const VARIABLE_TRUNCATE_AT = 8191

/** A variable as searches show it: the value cut at {@link VARIABLE_TRUNCATE_AT} unless asked not to. */
export function variableResult(r: Row, truncate: boolean) {
  const value = String(r.value)
  const truncated = truncate && value.length > VARIABLE_TRUNCATE_AT
  return {
    name: String(r.name),
    value: truncated ? value.slice(0, VARIABLE_TRUNCATE_AT) : value,
    isTruncated: truncated,
    tenantId: String(r.tenant_id),
    variableKey: String(r.variable_key),
    scopeKey: String(r.scope_key),
    processInstanceKey: String(r.process_instance_key),
  }
}

const variableFilters = {
  name: f('name', 'string', Ops.string),
  value: f('value', 'string', Ops.string),
  tenantId: f('tenant_id', 'string'),
  isTruncated: { sql: `(length(t.value) > ${VARIABLE_TRUNCATE_AT})`, kind: 'bool' } as FieldSpec,
  variableKey: f('variable_key', 'key', Ops.basic),
  scopeKey: f('scope_key', 'key', Ops.basic),
  processInstanceKey: f('process_instance_key', 'key', Ops.basic),
}
const variableSorts = {
  value: { sql: 't.value', kind: 'string' },
  name: { sql: 't.name', kind: 'string' },
  tenantId: { sql: 't.tenant_id', kind: 'string' },
  variableKey: { sql: 't.variable_key', kind: 'key' },
  scopeKey: { sql: 't.scope_key', kind: 'key' },
  processInstanceKey: { sql: 't.process_instance_key', kind: 'key' },
} as const

export const variables = new EntitySearch({
  table: Tables.variables,
  tiebreak: 'variable_key',
  filters: variableFilters,
  sorts: variableSorts,
  toResult: (r) => variableResult(r, true),
})
export const variablesFull = new EntitySearch({
  table: Tables.variables,
  tiebreak: 'variable_key',
  filters: variableFilters,
  sorts: variableSorts,
  toResult: (r) => variableResult(r, false),
})
/** `/v2/user-tasks/{key}/variables/search`: only `name` filters; the task's scopes come from the path. */
export const userTaskVariables = new EntitySearch({
  table: Tables.variables,
  tiebreak: 'variable_key',
  filters: { name: variableFilters.name },
  sorts: variableSorts,
  toResult: (r) => variableResult(r, true),
})
export const userTaskVariablesFull = new EntitySearch({
  table: Tables.variables,
  tiebreak: 'variable_key',
  filters: { name: variableFilters.name },
  sorts: variableSorts,
  toResult: (r) => variableResult(r, false),
})
