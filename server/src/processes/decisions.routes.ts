/**
 * `/api/decisions`: the DMN decisions of the procedures under document control (ISO/IEC
 * 20000-1 4.3.2), with every deployed version, the procedures that evaluate them and their open
 * drafts. Drafts of decisions are `/api/process-drafts` of kind `decision`.
 */
import { Router } from 'express'
import { requireRole } from '../auth/auth.middleware'
import { Role } from '../auth/roles'
import { openapi } from '../http/openapi'
import { paramsValidator, versionSchema } from '../http/validation'
import type { ProcessesService } from './processes.service'

const readers = [Role.Admin, Role.ProcessOwner, Role.Staff, Role.Auditor] as const

const versionParams = {
  id: { type: 'string', minLength: 1, maxLength: 200 },
  version: { anyOf: [{ const: 'latest' }, versionSchema] },
} as const
const validateVersionParams = paramsValidator<{ id: string; version: number | 'latest' }>({
  type: 'object',
  properties: versionParams,
  required: ['id', 'version'],
})

export function decisionsRoutes(deps: { processes: ProcessesService }): Router {
  const { decisions } = deps.processes
  const r = Router()
  r.get('/decisions', requireRole(...readers), async (_req, res) => {
    res.json(await decisions.list())
  })
  r.get('/decisions/:id/versions/:version', requireRole(...readers), async (req, res) => {
    const { id, version } = validateVersionParams(req.params)
    res.json(await decisions.getVersion(id, version))
  })
  return r
}

openapi.register(
  {
    method: 'get',
    path: '/decisions',
    tag: 'processes',
    summary:
      'Decision files (DRGs) with their deployed versions, decisions, the procedures evaluating them (and which version) and open drafts',
    roles: readers,
  },
  {
    method: 'get',
    path: '/decisions/:id/versions/:version',
    tag: 'processes',
    summary: 'One deployed version of a decision file with its DMN XML (`latest` allowed)',
    roles: readers,
    params: versionParams,
  },
)
