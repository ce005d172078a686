/**
 * Camunda 8.8's read side of deployed definitions: process definitions (search, get, XML, start
 * form, element statistics), decision definitions and decision requirements (search, get, XML).
 */
import {
  decisionDefinitions,
  decisionRequirements,
  formResult,
  processDefinitions,
} from '../search/definitions'
import { baseInstanceFilters } from '../search/instances'
import { EntitySearch } from '../search/query'
import { Tables, type Row } from '../search/tables'
import { elementStatistics } from './instances-query.routes'
import { found, pathKey, storeOf } from './search-support'
import type { RestRoute } from './types'

/** The process instance filter of 8.8's definition statistics (base fields and `$or`). */
const statisticsFilter = new EntitySearch(
  {
    table: Tables.processInstances,
    tiebreak: 'process_instance_key',
    filters: baseInstanceFilters((s) => ({ sql: `t.${s}`, kind: 'string' })),
    sorts: {},
    toResult: (r) => r,
  },
  { orGroups: true },
)

const xml = (body: string) => ({ status: 200, body, contentType: 'text/xml' })

export const definitionsQueryRoutes: RestRoute[] = [
  {
    method: 'POST',
    path: '/v2/process-definitions/search',
    operationId: 'searchProcessDefinitions',
    handler: async (req, ctx) => ({
      status: 200,
      body: await processDefinitions.search(storeOf(ctx).sql, req.body),
    }),
  },
  {
    method: 'GET',
    path: '/v2/process-definitions/:processDefinitionKey',
    operationId: 'getProcessDefinition',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'processDefinitionKey')
      const pd = await processDefinitions.get(storeOf(ctx).sql, key)
      return { status: 200, body: found(pd, 'Process Definition', key) }
    },
  },
  {
    method: 'GET',
    path: '/v2/process-definitions/:processDefinitionKey/xml',
    operationId: 'getProcessDefinitionXML',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'processDefinitionKey')
      const { rows } = await storeOf(ctx).sql.query<{ bpmn_xml: string }>(
        `select bpmn_xml from ${Tables.processDefinitions.name} where process_definition_key = $1::bigint`,
        [key],
      )
      return xml(found(rows[0], 'Process Definition', key).bpmn_xml)
    },
  },
  {
    method: 'GET',
    path: '/v2/process-definitions/:processDefinitionKey/form',
    operationId: 'getStartProcessForm',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'processDefinitionKey')
      const { sql } = storeOf(ctx)
      const { rows } = await sql.query<{ start_form_id: string | null; tenant_id: string }>(
        `select start_form_id, tenant_id from ${Tables.processDefinitions.name}
          where process_definition_key = $1::bigint`,
        [key],
      )
      const pd = found(rows[0], 'Process Definition', key)
      // a custom form key (no linked form) has no form schema to answer: 204, as for none
      if (!pd.start_form_id) return { status: 204 }
      const { rows: forms } = await sql.query<Row>(
        `select form_key::text as form_key, form_id, version, schema, tenant_id from ${Tables.forms.name}
          where form_id = $1 and tenant_id = $2 order by version desc limit 1`,
        [pd.start_form_id, pd.tenant_id],
      )
      return forms[0] ? { status: 200, body: formResult(forms[0]) } : { status: 204 }
    },
  },
  {
    method: 'POST',
    path: '/v2/process-definitions/:processDefinitionKey/statistics/element-instances',
    operationId: 'getProcessDefinitionStatistics',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'processDefinitionKey')
      const { sql } = storeOf(ctx)
      const params: unknown[] = [key]
      const where = statisticsFilter.where(req.body, params)
      return {
        status: 200,
        body: {
          items: await elementStatistics(
            sql,
            `e.process_definition_key = $1::bigint and e.process_instance_key in
               (select t.process_instance_key from ${Tables.processInstances.name} t where ${where})`,
            params,
          ),
        },
      }
    },
  },
  {
    method: 'POST',
    path: '/v2/decision-definitions/search',
    operationId: 'searchDecisionDefinitions',
    handler: async (req, ctx) => ({
      status: 200,
      body: await decisionDefinitions.search(storeOf(ctx).sql, req.body),
    }),
  },
  {
    method: 'GET',
    path: '/v2/decision-definitions/:decisionDefinitionKey',
    operationId: 'getDecisionDefinition',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'decisionDefinitionKey')
      const dd = await decisionDefinitions.get(storeOf(ctx).sql, key)
      return { status: 200, body: found(dd, 'Decision Definition', key) }
    },
  },
  {
    method: 'GET',
    path: '/v2/decision-definitions/:decisionDefinitionKey/xml',
    operationId: 'getDecisionDefinitionXML',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'decisionDefinitionKey')
      const { rows } = await storeOf(ctx).sql.query<{ xml: string }>(
        `select r.xml from ${Tables.decisionDefinitions.name} d
           join ${Tables.decisionRequirements.name} r using (decision_requirements_key)
          where d.decision_definition_key = $1::bigint`,
        [key],
      )
      return xml(found(rows[0], 'Decision Definition', key).xml)
    },
  },
  {
    method: 'POST',
    path: '/v2/decision-requirements/search',
    operationId: 'searchDecisionRequirements',
    handler: async (req, ctx) => ({
      status: 200,
      body: await decisionRequirements.search(storeOf(ctx).sql, req.body),
    }),
  },
  {
    method: 'GET',
    path: '/v2/decision-requirements/:decisionRequirementsKey',
    operationId: 'getDecisionRequirements',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'decisionRequirementsKey')
      const drg = await decisionRequirements.get(storeOf(ctx).sql, key)
      return { status: 200, body: found(drg, 'Decision Requirements', key) }
    },
  },
  {
    method: 'GET',
    path: '/v2/decision-requirements/:decisionRequirementsKey/xml',
    operationId: 'getDecisionRequirementsXML',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'decisionRequirementsKey')
      const { rows } = await storeOf(ctx).sql.query<{ xml: string }>(
        `select xml from ${Tables.decisionRequirements.name} where decision_requirements_key = $1::bigint`,
        [key],
      )
      return xml(found(rows[0], 'Decision Requirements', key).xml)
    },
  },
]
