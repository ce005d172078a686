/**
 * Searches of Camunda 8.8's deployed definitions: process definitions, decision definitions,
 * decision requirements (fields, operators and sort fields of 8.8's OpenAPI spec).
 */
import { compact, text } from './convert'
import { EntitySearch, Ops, type FieldSpec } from './query'
import { Tables, type Row } from './tables'

const f = (sql: string, kind: FieldSpec['kind'], ops?: FieldSpec['ops']): FieldSpec => ({
  sql: `t.${sql}`,
  kind,
  ...(ops ? { ops } : {}),
})

export function processDefinitionResult(r: Row) {
  return compact({
    name: text(r.name),
    resourceName: String(r.resource_name),
    version: Number(r.version),
    versionTag: text(r.version_tag),
    processDefinitionId: String(r.process_definition_id),
    tenantId: String(r.tenant_id),
    processDefinitionKey: String(r.process_definition_key),
    hasStartForm: Boolean(r.has_start_form),
  })
}

const PD = Tables.processDefinitions.name

export const processDefinitions = new EntitySearch({
  table: Tables.processDefinitions,
  tiebreak: 'process_definition_key',
  filters: {
    name: f('name', 'string', Ops.string),
    isLatestVersion: {
      custom: true,
      schema: { type: 'boolean' },
      where: (value) =>
        `${value ? '' : 'not '}(t.version = (select max(l.version) from ${PD} l where l.process_definition_id = t.process_definition_id and l.tenant_id = t.tenant_id))`,
    },
    resourceName: f('resource_name', 'string'),
    version: f('version', 'int'),
    versionTag: f('version_tag', 'string'),
    processDefinitionId: f('process_definition_id', 'string', Ops.string),
    tenantId: f('tenant_id', 'string'),
    processDefinitionKey: f('process_definition_key', 'key'),
    hasStartForm: f('has_start_form', 'bool'),
  },
  sorts: {
    processDefinitionKey: { sql: 't.process_definition_key', kind: 'key' },
    name: { sql: 't.name', kind: 'string' },
    resourceName: { sql: 't.resource_name', kind: 'string' },
    version: { sql: 't.version', kind: 'int' },
    versionTag: { sql: 't.version_tag', kind: 'string' },
    processDefinitionId: { sql: 't.process_definition_id', kind: 'string' },
    tenantId: { sql: 't.tenant_id', kind: 'string' },
  },
  toResult: processDefinitionResult,
})

export const decisionDefinitions = new EntitySearch({
  table: Tables.decisionDefinitions,
  tiebreak: 'decision_definition_key',
  filters: {
    decisionDefinitionId: f('decision_definition_id', 'string'),
    name: f('name', 'string'),
    version: f('version', 'int'),
    decisionRequirementsId: f('decision_requirements_id', 'string'),
    tenantId: f('tenant_id', 'string'),
    decisionDefinitionKey: f('decision_definition_key', 'key'),
    decisionRequirementsKey: f('decision_requirements_key', 'key'),
  },
  sorts: {
    decisionDefinitionKey: { sql: 't.decision_definition_key', kind: 'key' },
    decisionDefinitionId: { sql: 't.decision_definition_id', kind: 'string' },
    name: { sql: 't.name', kind: 'string' },
    version: { sql: 't.version', kind: 'int' },
    decisionRequirementsId: { sql: 't.decision_requirements_id', kind: 'string' },
    decisionRequirementsKey: { sql: 't.decision_requirements_key', kind: 'key' },
    tenantId: { sql: 't.tenant_id', kind: 'string' },
  },
  toResult: (r) => ({
    decisionDefinitionId: String(r.decision_definition_id),
    name: String(r.name),
    version: Number(r.version),
    decisionRequirementsId: String(r.decision_requirements_id),
    tenantId: String(r.tenant_id),
    decisionDefinitionKey: String(r.decision_definition_key),
    decisionRequirementsKey: String(r.decision_requirements_key),
  }),
})

export const decisionRequirements = new EntitySearch({
  table: Tables.decisionRequirements,
  tiebreak: 'decision_requirements_key',
  filters: {
    decisionRequirementsName: f('decision_requirements_name', 'string'),
    version: f('version', 'int'),
    decisionRequirementsId: f('decision_requirements_id', 'string'),
    tenantId: f('tenant_id', 'string'),
    decisionRequirementsKey: f('decision_requirements_key', 'key'),
    resourceName: f('resource_name', 'string'),
  },
  sorts: {
    decisionRequirementsKey: { sql: 't.decision_requirements_key', kind: 'key' },
    decisionRequirementsName: { sql: 't.decision_requirements_name', kind: 'string' },
    version: { sql: 't.version', kind: 'int' },
    decisionRequirementsId: { sql: 't.decision_requirements_id', kind: 'string' },
    tenantId: { sql: 't.tenant_id', kind: 'string' },
  },
  toResult: (r) => ({
    decisionRequirementsName: String(r.decision_requirements_name),
    version: Number(r.version),
    decisionRequirementsId: String(r.decision_requirements_id),
    resourceName: String(r.resource_name),
    tenantId: String(r.tenant_id),
    decisionRequirementsKey: String(r.decision_requirements_key),
  }),
})

/** A deployed form as 8.8's FormResult: its schema parsed. */
export function formResult(r: Row) {
  let schema: unknown
  try {
    schema = JSON.parse(String(r.schema))
  } catch {
    // the engine validated the JSON at deployment; keep the text if it is not an object
    schema = String(r.schema)
  }
  return {
    tenantId: String(r.tenant_id),
    formId: String(r.form_id),
    schema,
    version: Number(r.version),
    formKey: String(r.form_key),
  }
}
