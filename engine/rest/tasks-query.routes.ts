/**
 * Camunda 8.8's read side of user tasks (search, get, form, variables) and jobs (search), from
 * the secondary storage.
 */
import { formResult } from '../search/definitions'
import { userTaskVariables, userTaskVariablesFull } from '../search/variables'
import { Tables, type Row } from '../search/tables'
import { jobs, userTasks } from '../search/tasks'
import { found, pathKey, storeOf, truncateValues } from './search-support'
import type { RestRoute } from './types'

const EI = Tables.elementInstances.name

export const tasksQueryRoutes: RestRoute[] = [
  {
    method: 'POST',
    path: '/v2/user-tasks/search',
    operationId: 'searchUserTasks',
    handler: async (req, ctx) => ({
      status: 200,
      body: await userTasks.search(storeOf(ctx).sql, req.body),
    }),
  },
  {
    method: 'GET',
    path: '/v2/user-tasks/:userTaskKey',
    operationId: 'getUserTask',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'userTaskKey')
      const task = await userTasks.get(storeOf(ctx).sql, key)
      return { status: 200, body: found(task, 'User Task', key) }
    },
  },
  {
    method: 'GET',
    path: '/v2/user-tasks/:userTaskKey/form',
    operationId: 'getUserTaskForm',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'userTaskKey')
      const { sql } = storeOf(ctx)
      const { rows } = await sql.query<Row>(
        `select f.form_key::text as form_key, f.form_id, f.version, f.schema, f.tenant_id, u.user_task_key
           from ${Tables.userTasks.name} u left join ${Tables.forms.name} f on f.form_key = u.form_key
          where u.user_task_key = $1::bigint`,
        [key],
      )
      const row = found(rows[0], 'User Task', key)
      return row.form_key ? { status: 200, body: formResult(row) } : { status: 204 }
    },
  },
  {
    method: 'POST',
    path: '/v2/user-tasks/:userTaskKey/variables/search',
    operationId: 'searchUserTaskVariables',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'userTaskKey')
      const { sql } = storeOf(ctx)
      const { rows } = await sql.query<{ ei: string | null }>(
        `select element_instance_key::text as ei from ${Tables.userTasks.name} where user_task_key = $1::bigint`,
        [key],
      )
      const task = found(rows[0], 'User Task', key)
      const search = truncateValues(req) ? userTaskVariables : userTaskVariablesFull
      // the variables the task sees: its element instance's scope and every scope around it
      return {
        status: 200,
        body: await search.search(sql, req.body, {
          where: `t.scope_key in (with recursive up(k, parent) as (
              select element_instance_key, flow_scope_key from ${EI} where element_instance_key = $1::bigint
              union all
              select e.element_instance_key, e.flow_scope_key from ${EI} e join up on e.element_instance_key = up.parent
            ) select k from up union select parent from up where parent is not null)`,
          params: [task.ei],
        }),
      }
    },
  },
  {
    method: 'POST',
    path: '/v2/jobs/search',
    operationId: 'searchJobs',
    handler: async (req, ctx) => ({
      status: 200,
      body: await jobs.search(storeOf(ctx).sql, req.body),
    }),
  },
]
