/**
 * Routes of change control as the only door (ISO/IEC 20000-1 9.2): the standard change
 * catalogue (read; models change only through a change) and the edits a change carries.
 * Mounted by `casesRoutes` before the generic record routes.
 */
import { Router, type Request } from 'express'
import { requireLogin, sessionOf } from '../auth/auth.middleware'
import { NotFoundError } from '../errors'
import type { OpenApiRegistry } from '../http/openapi'
import { queryValidator } from '../http/validation'
import type { Actor } from './access'
import type { CaseService } from './case.service'
import {
  catalogueWithApprovals,
  changesTakingEdits,
  recordEdits,
  recordEditsQuerySchema,
  type RecordEditsQuery,
} from './change-control-queries'
import { recordEditBodySchema } from './change-record-edits'

const actorOf = (req: Request): Actor => sessionOf(req).user
/** Route ids look like RFC-000123; anything else cannot exist. */
const idOf = (req: Request): string => {
  const id = String(req.params.id ?? '')
  if (!/^[A-Z]{2,4}-\d{6,}$/.test(id)) throw new NotFoundError(`No record ${id}.`)
  return id
}

/** `/api/standard-change-models` and `/api/changes/:id/record-edits`. */
export function changeControlRoutes(cases: CaseService, registry: OpenApiRegistry): Router {
  const router = Router()
  const edits = cases.changeControl
  const db = edits.db
  const validateEditsQuery = queryValidator<RecordEditsQuery>(recordEditsQuerySchema)
  router.get('/standard-change-models', requireLogin, async (req, res) => {
    res.json(await catalogueWithApprovals(db, actorOf(req)))
  })
  router.get('/record-edits', requireLogin, async (req, res) => {
    res.json(await recordEdits(db, actorOf(req), validateEditsQuery(req.query)))
  })
  router.get('/record-edits/changes', requireLogin, async (req, res) => {
    res.json(await changesTakingEdits(db, actorOf(req)))
  })
  router.get('/standard-change-models/:id', requireLogin, async (req, res) => {
    res.json(await edits.model(idOf(req), actorOf(req)))
  })
  router.get('/changes/:id/record-edits', requireLogin, async (req, res) => {
    res.json(await edits.list(idOf(req), actorOf(req)))
  })
  router.post('/changes/:id/record-edits', requireLogin, async (req, res) => {
    res.status(201).json(await edits.attach(idOf(req), req.body, actorOf(req)))
  })
  const readers = ['admin', 'staff', 'process-owner', 'auditor']
  registry.register(
    {
      method: 'get',
      path: '/standard-change-models',
      tag: 'changes',
      summary:
        'The standard change catalogue (9.2): pre-approved models with their tasks, risk, scope, version and approval',
      description:
        '`approval`: the change that approved the current version (`changeId`, `changeTitle`, `changeStatus`) and who recorded its CAB decision, when (`decidedBy`, `decidedAt`).',
      roles: readers,
    },
    {
      method: 'get',
      path: '/record-edits',
      tag: 'changes',
      summary:
        'Edits of records under change control across changes, newest first, with the change carrying each (9.2)',
      description:
        '`targetId` matches the record edited or, for a new standard change model, the model it created; `state` pending (not yet applied by the implementation) or applied.',
      query: Object.entries(recordEditsQuerySchema.properties).map(([name, schema]) => ({
        name,
        schema,
      })),
      roles: readers,
    },
    {
      method: 'get',
      path: '/record-edits/changes',
      tag: 'changes',
      summary:
        'The changes the caller may attach an edit to now: new or assessed, not decided by the CAB, and theirs to change or recorded by them',
      roles: readers,
    },
    {
      method: 'get',
      path: '/standard-change-models/:id',
      tag: 'changes',
      summary: 'One standard change model',
      roles: readers,
    },
    {
      method: 'get',
      path: '/changes/:id/record-edits',
      tag: 'changes',
      summary: 'The edits of records under change control a change carries, pending or applied',
      roles: readers,
    },
    {
      method: 'post',
      path: '/changes/:id/record-edits',
      tag: 'changes',
      summary:
        'Attach an edit of a record under change control (CI, service, SLA, contract, standard change model) to a change before its approval; its implementation applies it (9.2)',
      description:
        'Only while the change is new or assessed (409 after); whoever may change the change may attach one. A new standard change model (no targetId) needs name, risk, tasks and a scope, and a normal change.',
      roles: ['admin', 'staff (assigned group or assignee of the change)'],
      requestBody: recordEditBodySchema,
    },
  )
  return router
}
