/**
 * Camunda 8.8's read side of process instances, element instances, variables and incidents:
 * searches and gets from the secondary storage (engine/search/), call hierarchy, sequence flows
 * and element statistics.
 */
import {
  elementInstances,
  incidents,
  instanceIncidents,
  processInstances,
} from '../search/instances'
import { variables, variablesFull } from '../search/variables'
import { Tables } from '../search/tables'
import { found, pathKey, storeOf, truncateValues } from './search-support'
import type { RestRoute } from './types'

const PI = Tables.processInstances.name
const EI = Tables.elementInstances.name

export const instancesQueryRoutes: RestRoute[] = [
  {
    method: 'POST',
    path: '/v2/process-instances/search',
    operationId: 'searchProcessInstances',
    handler: async (req, ctx) => ({
      status: 200,
      body: await processInstances.search(storeOf(ctx).sql, req.body),
    }),
  },
  {
    method: 'GET',
    path: '/v2/process-instances/:processInstanceKey',
    operationId: 'getProcessInstance',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'processInstanceKey')
      const pi = await processInstances.get(storeOf(ctx).sql, key)
      return { status: 200, body: found(pi, 'Process Instance', key) }
    },
  },
  {
    method: 'GET',
    path: '/v2/process-instances/:processInstanceKey/call-hierarchy',
    operationId: 'getProcessInstanceCallHierarchy',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'processInstanceKey')
      const { sql } = storeOf(ctx)
      // the instance and its callers, root first
      const { rows } = await sql.query<{ k: string; d: string; n: string; depth: number }>(
        `with recursive up(k, parent, d, n, depth) as (
           select process_instance_key, parent_process_instance_key, process_definition_key,
                  coalesce(process_definition_name, process_definition_id), 0
             from ${PI} where process_instance_key = $1::bigint
           union all
           select p.process_instance_key, p.parent_process_instance_key, p.process_definition_key,
                  coalesce(p.process_definition_name, p.process_definition_id), up.depth + 1
             from ${PI} p join up on p.process_instance_key = up.parent
         )
         select k::text as k, d::text as d, n, depth from up order by depth desc`,
        [key],
      )
      if (rows.length === 0) found(undefined, 'Process Instance', key)
      return {
        status: 200,
        body: rows.map((r) => ({
          processInstanceKey: r.k,
          processDefinitionKey: r.d,
          processDefinitionName: r.n,
        })),
      }
    },
  },
  {
    method: 'GET',
    path: '/v2/process-instances/:processInstanceKey/sequence-flows',
    operationId: 'getProcessInstanceSequenceFlows',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'processInstanceKey')
      const { sql } = storeOf(ctx)
      const { rows } = await sql.query<Record<string, string>>(
        `select process_instance_key::text as pi, sequence_flow_id, process_definition_key::text as pd,
                process_definition_id, tenant_id
           from ${Tables.sequenceFlows.name} where process_instance_key = $1::bigint
          order by sequence_flow_id`,
        [key],
      )
      return {
        status: 200,
        body: {
          items: rows.map((r) => ({
            sequenceFlowId: r.sequence_flow_id,
            processInstanceKey: r.pi,
            processDefinitionKey: r.pd,
            processDefinitionId: r.process_definition_id,
            elementId: r.sequence_flow_id,
            tenantId: r.tenant_id,
          })),
        },
      }
    },
  },
  {
    method: 'GET',
    path: '/v2/process-instances/:processInstanceKey/statistics/element-instances',
    operationId: 'getProcessInstanceStatistics',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'processInstanceKey')
      const { sql } = storeOf(ctx)
      return {
        status: 200,
        body: { items: await elementStatistics(sql, `e.process_instance_key = $1::bigint`, [key]) },
      }
    },
  },
  {
    method: 'POST',
    path: '/v2/process-instances/:processInstanceKey/incidents/search',
    operationId: 'searchProcessInstanceIncidents',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'processInstanceKey')
      const { sql } = storeOf(ctx)
      found(await processInstances.get(sql, key), 'Process Instance', key)
      return {
        status: 200,
        body: await instanceIncidents.search(sql, req.body, {
          where: 't.process_instance_key = $1::bigint',
          params: [key],
        }),
      }
    },
  },
  {
    method: 'POST',
    path: '/v2/element-instances/search',
    operationId: 'searchElementInstances',
    handler: async (req, ctx) => ({
      status: 200,
      body: await elementInstances.search(storeOf(ctx).sql, req.body),
    }),
  },
  {
    method: 'GET',
    path: '/v2/element-instances/:elementInstanceKey',
    operationId: 'getElementInstance',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'elementInstanceKey')
      const ei = await elementInstances.get(storeOf(ctx).sql, key)
      return { status: 200, body: found(ei, 'Element Instance', key) }
    },
  },
  {
    method: 'POST',
    path: '/v2/variables/search',
    operationId: 'searchVariables',
    handler: async (req, ctx) => {
      const search = truncateValues(req) ? variables : variablesFull
      return { status: 200, body: await search.search(storeOf(ctx).sql, req.body) }
    },
  },
  {
    method: 'GET',
    path: '/v2/variables/:variableKey',
    operationId: 'getVariable',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'variableKey')
      const v = await variablesFull.get(storeOf(ctx).sql, key)
      const { isTruncated: _, ...variable } = found(v, 'Variable', key)
      return { status: 200, body: variable }
    },
  },
  {
    method: 'POST',
    path: '/v2/incidents/search',
    operationId: 'searchIncidents',
    handler: async (req, ctx) => ({
      status: 200,
      body: await incidents.search(storeOf(ctx).sql, req.body),
    }),
  },
  {
    method: 'GET',
    path: '/v2/incidents/:incidentKey',
    operationId: 'getIncident',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'incidentKey')
      const incident = await incidents.get(storeOf(ctx).sql, key)
      return { status: 200, body: found(incident, 'Incident', key) }
    },
  },
]

/**
 * Element instance counts per element id, as 8.8's statistics: `active`, `canceled`
 * (terminated), `incidents` (active with an incident), `completed`.
 */
export async function elementStatistics(
  sql: import('../state/sql').SqlClient,
  where: string,
  params: unknown[],
): Promise<
  { elementId: string; active: number; canceled: number; incidents: number; completed: number }[]
> {
  const { rows } = await sql.query<Record<string, string | number>>(
    `select e.element_id,
            count(*) filter (where e.state = 'ACTIVE' and e.incident_key is null)::int as active,
            count(*) filter (where e.state = 'TERMINATED')::int as canceled,
            count(*) filter (where e.state = 'ACTIVE' and e.incident_key is not null)::int as incidents,
            count(*) filter (where e.state = 'COMPLETED')::int as completed
       from ${EI} e where ${where} and e.type <> 'MULTI_INSTANCE_BODY'
      group by e.element_id order by e.element_id`,
    params,
  )
  return rows.map((r) => ({
    elementId: String(r.element_id),
    active: Number(r.active),
    canceled: Number(r.canceled),
    incidents: Number(r.incidents),
    completed: Number(r.completed),
  }))
}
