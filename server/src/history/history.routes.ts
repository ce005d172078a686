/**
 * `/api/process-instances`: instances per version and state, and one instance's history as
 * evidence (JSON, and a printable HTML report). Read-only for everybody; admins may cancel.
 */
import { Router } from 'express'
import { requireRole, sessionOf } from '../auth/auth.middleware'
import { Role } from '../auth/roles'
import { UserError } from '../errors'
import { openapi } from '../http/openapi'
import type { AuditSink } from '../processes/processes.service'
import { engineErrorText, type ZeebeClient } from '../zeebe/zeebe-client'
import { historyHtml, type HistoryService } from './history.service'

const readers = [Role.Admin, Role.Auditor, Role.ProcessOwner, Role.Staff] as const
const KEY = /^\d{1,20}$/

function keyParam(v: unknown): string {
  const key = typeof v === 'string' ? v : ''
  if (!KEY.test(key)) throw new UserError('A process instance key is a decimal number.')
  return key
}

export function historyRoutes(deps: {
  history: HistoryService
  zeebe: ZeebeClient
  audit?: AuditSink
}): Router {
  const { history, zeebe, audit } = deps
  const r = Router()
  r.get('/process-instances', requireRole(...readers), async (req, res) => {
    const q = req.query
    const s = (v: unknown) => (typeof v === 'string' && v ? v : undefined)
    const version = s(q.version)
    if (version !== undefined && !/^\d+$/.test(version)) {
      throw new UserError('version must be a positive integer.')
    }
    res.json(
      await history.list({
        bpmnProcessId: s(q.bpmnProcessId),
        version: version ? Number(version) : undefined,
        state: s(q.state),
        caseKind: s(q.caseKind),
        caseId: s(q.caseId),
        limit: s(q.limit) ? Number(q.limit) : undefined,
      }),
    )
  })
  r.get('/process-instances/:key/history', requireRole(...readers), async (req, res) => {
    res.json(await history.history(keyParam(req.params.key)))
  })
  r.get('/process-instances/:key/history.html', requireRole(...readers), async (req, res) => {
    const h = await history.history(keyParam(req.params.key))
    res
      .type('text/html')
      .setHeader('Content-Disposition', `inline; filename="instance-${h.instance.key}.html"`)
    res.send(historyHtml(h))
  })
  r.post('/process-instances/:key/cancel', requireRole(Role.Admin), async (req, res) => {
    const key = keyParam(req.params.key)
    try {
      await zeebe.cancelProcessInstance(key)
    } catch (err) {
      throw new UserError(`The instance could not be cancelled: ${engineErrorText(err)}`)
    }
    await audit?.append({
      actor: sessionOf(req).user.username,
      action: 'process-instance.cancelled',
      entityType: 'process-instance',
      entityId: key,
      processInstanceKey: key,
    })
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
    query: ['bpmnProcessId', 'version', 'state', 'caseKind', 'caseId', 'limit'].map((name) => ({
      name,
      schema: { type: 'string' },
    })),
  },
  {
    method: 'get',
    path: '/process-instances/:key/history',
    tag: 'history',
    summary:
      'Evidence of one instance (4.3.3): exact BPMN version, steps, path taken, variables, tasks with who and what, incidents, evidence chain status',
    roles: readers,
  },
  {
    method: 'get',
    path: '/process-instances/:key/history.html',
    tag: 'history',
    summary: 'The same history as a printable HTML report',
    roles: readers,
    responseType: 'text/html',
  },
  {
    method: 'post',
    path: '/process-instances/:key/cancel',
    tag: 'history',
    summary: 'Cancel a running instance',
    roles: [Role.Admin],
    status: 202,
  },
)
