/**
 * `/api/process-instances`: instances per version and state, and one instance's history as
 * evidence (JSON, and a printable HTML report). Read-only for everybody; admins may cancel.
 */
import { Router } from 'express'
import { requireRole, sessionOf } from '../auth/auth.middleware'
import { Role } from '../auth/roles'
import { openapi } from '../http/openapi'
import { limitSchema, paramsValidator, queryValidator, versionSchema } from '../http/validation'
import type { InstancesService } from './instances.service'
import type { HistoryService } from './history.service'
import { historyHtml } from './history-report'
import { EXPORT_CSP } from '../http/content-security'

const readers = [Role.Admin, Role.Auditor, Role.ProcessOwner, Role.Staff] as const
/** `:key`: a process instance key, a decimal int64 (kept as text, as Zeebe's clients do). */
const keyParams = { key: { type: 'string', pattern: '^[0-9]{1,20}$' } }
const validateKeyParams = paramsValidator<{ key: string }>({
  type: 'object',
  properties: keyParams,
  required: ['key'],
})
const keyParam = (params: unknown) => validateKeyParams(params).key

const listQuery = {
  bpmnProcessId: { type: 'string', maxLength: 200 },
  version: versionSchema,
  state: { type: 'string', maxLength: 40 },
  caseKind: { type: 'string', maxLength: 100 },
  caseId: { type: 'string', maxLength: 200 },
  limit: { ...limitSchema(1000), default: 100 },
} as const
interface ListQuery {
  bpmnProcessId?: string
  version?: number
  state?: string
  caseKind?: string
  caseId?: string
  limit: number
}
const validateListQuery = queryValidator<ListQuery>({
  type: 'object',
  properties: listQuery,
  additionalProperties: false,
})

export function historyRoutes(deps: {
  history: HistoryService
  instances: InstancesService
}): Router {
  const { history, instances } = deps
  const r = Router()
  r.get('/process-instances', requireRole(...readers), async (req, res) => {
    const q = validateListQuery(req.query)
    // an empty text filter is no filter
    const s = (v: string | undefined) => v || undefined
    res.json(
      await history.list({
        bpmnProcessId: s(q.bpmnProcessId),
        version: q.version,
        state: s(q.state),
        caseKind: s(q.caseKind),
        caseId: s(q.caseId),
        limit: q.limit,
      }),
    )
  })
  r.get('/process-instances/:key/history', requireRole(...readers), async (req, res) => {
    res.json(await history.history(keyParam(req.params)))
  })
  r.get('/process-instances/:key/history.html', requireRole(...readers), async (req, res) => {
    const h = await history.history(keyParam(req.params))
    res
      .type('text/html')
      .setHeader('Content-Disposition', `inline; filename="instance-${h.instance.key}.html"`)
      .setHeader('Content-Security-Policy', EXPORT_CSP)
    res.send(await historyHtml(h))
  })
  r.post('/process-instances/:key/cancel', requireRole(Role.Admin), async (req, res) => {
    const key = keyParam(req.params)
    await instances.cancel(key, sessionOf(req).user.username)
    res.status(202).json({ key, state: 'cancelling' })
  })
  return r
}

openapi.register(
  {
    method: 'get',
    path: '/process-instances',
    tag: 'history',
    summary: 'Process instances by process, version, state or case',
    roles: readers,
    query: Object.entries(listQuery).map(([name, schema]) => ({ name, schema })),
  },
  {
    method: 'get',
    path: '/process-instances/:key/history',
    params: keyParams,
    tag: 'history',
    summary:
      'Evidence of one instance (4.3.3): exact BPMN version, steps, the element-instance tree (nested scopes, iterations, who by name, incidents, variables per scope), path taken, variables, tasks with who and what, incidents, evidence chain status',
    roles: readers,
  },
  {
    method: 'get',
    path: '/process-instances/:key/history.html',
    params: keyParams,
    tag: 'history',
    summary:
      "The same history as a printable HTML report: the diagram with the path taken, names, the organisation's time zone",
    roles: readers,
    responseType: 'text/html',
  },
  {
    method: 'post',
    path: '/process-instances/:key/cancel',
    params: keyParams,
    tag: 'history',
    summary: 'Cancel a running instance',
    roles: [Role.Admin],
    status: 202,
  },
)
