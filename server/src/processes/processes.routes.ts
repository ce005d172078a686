/**
 * `/api/processes`, `/api/process-drafts`, `/api/forms`: procedures under document control
 * (ISO/IEC 20000-1 4.3.2). Process owners write and submit drafts, someone other than the author
 * approves, administrators deploy. Everyone logged in as staff, owner, admin or auditor reads.
 */
import { Router } from 'express'
import type { Kysely } from 'kysely'
import { requireRole, sessionOf } from '../auth/auth.middleware'
import { Role } from '../auth/roles'
import type { DB } from '../db/schema'
import { NotFoundError, UserError } from '../errors'
import { openapi } from '../http/openapi'
import {
  bodyValidator,
  paramsValidator,
  queryValidator,
  versionSchema,
} from '../http/validation'
import type { EventBus } from '../realtime/bus'
import { FORM_ID_PATTERN } from './form-validation'
import type { ProcessesService } from './processes.service'

const readers = [Role.Admin, Role.ProcessOwner, Role.Staff, Role.Auditor] as const
const authors = [Role.Admin, Role.ProcessOwner] as const

const MAX_XML = 1_500_000

const createBody = {
  type: 'object',
  properties: {
    xml: { type: 'string', minLength: 1, maxLength: MAX_XML },
    bpmnProcessId: { type: 'string', minLength: 1, maxLength: 200 },
    /** `decision`: a `.dmn` (DMN XML) instead of a procedure's BPMN. */
    kind: { enum: ['process', 'decision'] },
    /** The author's name for the change (default: "Change to <id> by <author>"). */
    name: { type: 'string', maxLength: 200 },
  },
  required: ['xml'],
  additionalProperties: false,
}
const validateCreate = bodyValidator<{
  xml: string
  bpmnProcessId?: string
  kind?: 'process' | 'decision'
  name?: string
}>(createBody)
const renameBody = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' },
    version: versionSchema,
  },
  required: ['name'],
  additionalProperties: false,
}
const validateRename = bodyValidator<{ name: string; version?: number }>(renameBody)
const discardBody = {
  type: 'object',
  properties: {
    reason: { type: 'string', maxLength: 4000 },
    version: versionSchema,
  },
  additionalProperties: false,
}
const validateDiscard = bodyValidator<{ reason?: string; version?: number }>(discardBody)
const approveBody = {
  type: 'object',
  properties: {
    version: versionSchema,
    /** What the approver says (shown in the draft's history and kept in the evidence). */
    comment: { type: 'string', maxLength: 4000 },
  },
  additionalProperties: false,
}
const validateApprove = bodyValidator<{ version?: number; comment?: string }>(approveBody)
const rebaseBody = {
  type: 'object',
  properties: {
    /** The deployed version the author compared with (must still be the latest). */
    onto: versionSchema,
    version: versionSchema,
    /** The draft's content to merge with the deployed version; default: as saved. */
    xml: { type: 'string', minLength: 1, maxLength: MAX_XML },
    /** For each element both sides changed: which version the rebased draft keeps. */
    resolutions: {
      type: 'object',
      maxProperties: 1000,
      propertyNames: { type: 'string', minLength: 1, maxLength: 255 },
      additionalProperties: { enum: ['mine', 'theirs'] },
    },
  },
  required: ['onto'],
  additionalProperties: false,
}
const validateRebase = bodyValidator<{
  onto: number
  version?: number
  xml?: string
  resolutions?: Record<string, 'mine' | 'theirs'>
}>(rebaseBody)
const updateBody = {
  type: 'object',
  properties: {
    xml: { type: 'string', minLength: 1, maxLength: MAX_XML },
    version: versionSchema,
  },
  required: ['xml', 'version'],
  additionalProperties: false,
}
const validateUpdate = bodyValidator<{ xml: string; version: number }>(updateBody)
const actionBody = {
  type: 'object',
  properties: { version: versionSchema },
  additionalProperties: false,
}
const validateAction = bodyValidator<{ version?: number }>(actionBody)
const rejectBody = {
  type: 'object',
  properties: {
    reason: { type: 'string', minLength: 3, maxLength: 4000 },
    version: versionSchema,
  },
  required: ['reason'],
  additionalProperties: false,
}
const validateReject = bodyValidator<{ reason: string; version?: number }>(rejectBody)

/** A form-js form saved into a draft; the form itself is checked by `formProblems`. */
const formBody = {
  type: 'object',
  properties: {
    schema: { type: 'object' },
    version: versionSchema,
  },
  required: ['schema'],
  additionalProperties: false,
}
const validateForm = bodyValidator<{ schema: Record<string, unknown>; version?: number }>(formBody)

const param = (v: unknown) => (typeof v === 'string' ? v : '')
const formIdPattern = new RegExp(FORM_ID_PATTERN)
const formIdParam = (v: unknown) => {
  const id = param(v)
  if (!formIdPattern.test(id)) {
    throw new UserError('The form id is invalid.', [
      { path: '/formId', message: `must match ${FORM_ID_PATTERN}` },
    ])
  }
  return id
}
/** `?version=`: a form version to read, or the draft version a change was based on. */
const versionQuery = { version: versionSchema } as const
const validateVersionQuery = queryValidator<{ version?: number }>({
  type: 'object',
  properties: versionQuery,
  additionalProperties: false,
})
const draftsQuery = {
  state: { type: 'string', maxLength: 40 },
  bpmnProcessId: { type: 'string', maxLength: 200 },
  kind: { enum: ['process', 'decision'] },
  author: { type: 'string', maxLength: 200 },
  /** Only open drafts (draft, in review, approved, rejected). */
  open: { type: 'boolean' },
} as const
const validateDraftsQuery = queryValidator<{
  state?: string
  bpmnProcessId?: string
  kind?: 'process' | 'decision'
  author?: string
  open?: boolean
}>({
  type: 'object',
  properties: draftsQuery,
  additionalProperties: false,
})
/** `:version` of a deployed process: a number or `latest`. */
const processVersionParams = { version: { anyOf: [{ const: 'latest' }, versionSchema] } } as const
const validateProcessVersionParams = paramsValidator<{ version: number | 'latest' }>({
  type: 'object',
  properties: processVersionParams,
  required: ['version'],
})

export function processesRoutes(deps: {
  processes: ProcessesService
  db: Kysely<DB>
  bus: EventBus
}): Router {
  const { processes, db, bus } = deps
  const r = Router()
  const changed = (bpmnProcessId: string) => bus.publish({ type: 'process.changed', bpmnProcessId })

  r.get('/processes', requireRole(...readers), async (_req, res) => {
    res.json(await processes.list())
  })
  r.get('/processes/:id/versions/:version', requireRole(...readers), async (req, res) => {
    const { version } = validateProcessVersionParams(req.params)
    res.json(await processes.getVersion(param(req.params.id), version))
  })

  r.get('/process-drafts', requireRole(...readers), async (req, res) => {
    res.json(await processes.listDrafts(validateDraftsQuery(req.query)))
  })
  r.get('/process-drafts/:id', requireRole(...readers), async (req, res) => {
    res.json(await processes.getDraft(param(req.params.id)))
  })
  r.get('/process-drafts/:id/diff', requireRole(...readers), async (req, res) => {
    res.json(await processes.diff(param(req.params.id)))
  })
  r.get('/process-drafts/:id/history', requireRole(...readers), async (req, res) => {
    res.json(await processes.draftHistory(param(req.params.id)))
  })
  r.get('/process-drafts/:id/three-way', requireRole(...readers), async (req, res) => {
    res.json(await processes.threeWay(param(req.params.id)))
  })
  r.patch('/process-drafts/:id', requireRole(...authors), async (req, res) => {
    const { name, version } = validateRename(req.body)
    const draft = await processes.renameDraft(
      param(req.params.id),
      name,
      sessionOf(req).user.username,
      version,
    )
    changed(draft.bpmnProcessId)
    res.json(draft)
  })
  r.post('/process-drafts/:id/discard', requireRole(...authors), async (req, res) => {
    const { reason, version } = validateDiscard(req.body ?? {})
    const draft = await processes.discardDraft(
      param(req.params.id),
      sessionOf(req).user.username,
      reason,
      version,
    )
    changed(draft.bpmnProcessId)
    res.json(draft)
  })
  r.post('/process-drafts/:id/withdraw', requireRole(...authors), async (req, res) => {
    const { version } = validateAction(req.body ?? {})
    const draft = await processes.withdrawDraft(
      param(req.params.id),
      sessionOf(req).user.username,
      version,
    )
    changed(draft.bpmnProcessId)
    res.json(draft)
  })
  r.post('/process-drafts/:id/rebase', requireRole(...authors), async (req, res) => {
    const body = validateRebase(req.body)
    const draft = await processes.rebaseDraft(param(req.params.id), body, sessionOf(req).user.username)
    changed(draft.bpmnProcessId)
    res.json(draft)
  })
  r.get('/process-drafts/:id/forms', requireRole(...readers), async (req, res) => {
    res.json(await processes.listDraftForms(param(req.params.id)))
  })
  r.get('/process-drafts/:id/forms/:formId', requireRole(...readers), async (req, res) => {
    res.json(await processes.getDraftForm(param(req.params.id), formIdParam(req.params.formId)))
  })
  r.put('/process-drafts/:id/forms/:formId', requireRole(...authors), async (req, res) => {
    const formId = formIdParam(req.params.formId)
    const body = validateForm(req.body)
    const result = await processes.saveDraftForm(
      param(req.params.id),
      formId,
      body,
      sessionOf(req).user.username,
    )
    changed(result.draft.bpmnProcessId)
    res.json(result)
  })
  r.delete('/process-drafts/:id/forms/:formId', requireRole(...authors), async (req, res) => {
    const draft = await processes.deleteDraftForm(
      param(req.params.id),
      formIdParam(req.params.formId),
      sessionOf(req).user.username,
      validateVersionQuery(req.query).version,
    )
    changed(draft.bpmnProcessId)
    res.json(draft)
  })
  r.post('/process-drafts', requireRole(...authors), async (req, res) => {
    const body = validateCreate(req.body)
    const draft = await processes.createDraft(body, sessionOf(req).user.username)
    changed(draft.bpmnProcessId)
    res.status(201).json(draft)
  })
  r.put('/process-drafts/:id', requireRole(...authors), async (req, res) => {
    const body = validateUpdate(req.body)
    const draft = await processes.updateDraft(
      param(req.params.id),
      body,
      sessionOf(req).user.username,
    )
    changed(draft.bpmnProcessId)
    res.json(draft)
  })
  r.post('/process-drafts/:id/submit', requireRole(...authors), async (req, res) => {
    const { version } = validateAction(req.body ?? {})
    const draft = await processes.submit(param(req.params.id), sessionOf(req).user.username, version)
    changed(draft.bpmnProcessId)
    res.json(draft)
  })
  r.post('/process-drafts/:id/approve', requireRole(...authors), async (req, res) => {
    const { version, comment } = validateApprove(req.body ?? {})
    const draft = await processes.approve(
      param(req.params.id),
      sessionOf(req).user.username,
      version,
      comment,
    )
    changed(draft.bpmnProcessId)
    res.json(draft)
  })
  r.post('/process-drafts/:id/reject', requireRole(...authors), async (req, res) => {
    const { reason, version } = validateReject(req.body)
    const draft = await processes.reject(
      param(req.params.id),
      sessionOf(req).user.username,
      reason,
      version,
    )
    changed(draft.bpmnProcessId)
    res.json(draft)
  })
  r.post('/process-drafts/:id/deploy', requireRole(Role.Admin), async (req, res) => {
    validateAction(req.body ?? {})
    const result = await processes.deployDraft(param(req.params.id), sessionOf(req).user.username)
    changed(result.draft.bpmnProcessId)
    res.json(result)
  })

  r.get('/forms', requireRole(...readers), async (_req, res) => {
    const rows = await db
      .selectFrom('deployed_forms')
      .select(['form_id', 'version', 'form_key', 'schema', 'deployed_at'])
      .orderBy('form_id')
      .orderBy('version', 'desc')
      .execute()
    const latest = new Map<string, (typeof rows)[number]>()
    for (const row of rows) if (!latest.has(row.form_id)) latest.set(row.form_id, row)
    res.json(
      [...latest.values()].map((f) => ({
        id: f.form_id,
        version: f.version,
        formKey: f.form_key,
        schema: f.schema,
      })),
    )
  })
  r.get('/forms/:id', requireRole(...readers), async (req, res) => {
    let q = db
      .selectFrom('deployed_forms')
      .select(['form_id', 'version', 'form_key', 'schema'])
      .where('form_id', '=', param(req.params.id))
    const { version } = validateVersionQuery(req.query)
    q = version !== undefined ? q.where('version', '=', version) : q.orderBy('version', 'desc')
    const f = await q.executeTakeFirst()
    if (!f) throw new NotFoundError(`No deployed form ${param(req.params.id)}.`)
    res.json({ id: f.form_id, version: f.version, formKey: f.form_key, schema: f.schema })
  })
  return r
}

const draftOps = (
  [
    ['submit', 'Submit a draft for review (author only; no lint errors)', actionBody],
    ['approve', 'Approve a draft in review with an optional comment (not its author, 4.3.2)', approveBody],
    ['reject', 'Reject a draft in review with a reason (required; not its author)', rejectBody],
    ['discard', 'Discard an open draft (author only; kept with its evidence)', discardBody],
    [
      'withdraw',
      'Withdraw a draft in review or approved back to draft, so it can be changed again (author only, 4.3.2)',
      actionBody,
    ],
    [
      'rebase',
      'Rebase a draft on the deployed version `onto` after seeing the three-way diff (author only; voids review and approval)',
      rebaseBody,
    ],
  ] as const
).map(([action, summary, body]) => ({
  method: 'post' as const,
  path: `/process-drafts/:id/${action}`,
  tag: 'processes',
  summary,
  roles: authors,
  requestBody: body,
  status: 200,
}))

openapi.register(
  {
    method: 'get',
    path: '/processes',
    tag: 'processes',
    summary: 'Procedures with their versions (state, approver, instances per version) and drafts',
    roles: readers,
  },
  {
    method: 'get',
    path: '/processes/:id/versions/:version',
    tag: 'processes',
    summary: 'One deployed version with its BPMN XML (`latest` allowed)',
    roles: readers,
    params: processVersionParams,
  },
  {
    method: 'get',
    path: '/process-drafts',
    tag: 'processes',
    summary: 'Drafts',
    roles: readers,
    query: Object.entries(draftsQuery).map(([name, schema]) => ({ name, schema })),
  },
  {
    method: 'get',
    path: '/process-drafts/:id',
    tag: 'processes',
    summary: 'A draft with its XML and lint results',
    roles: readers,
  },
  {
    method: 'get',
    path: '/process-drafts/:id/diff',
    tag: 'processes',
    summary:
      'Against the deployed version: for a procedure the elements added, removed and changed and the forms its deployment adds or changes; for a decision the decisions and table rules added, removed and changed, and the procedures deployed with it',
    roles: readers,
  },
  {
    method: 'get',
    path: '/process-drafts/:id/history',
    tag: 'processes',
    summary: "The draft's history from the evidence trail, with reviewers' comments",
    roles: readers,
  },
  {
    method: 'get',
    path: '/process-drafts/:id/three-way',
    tag: 'processes',
    summary:
      'Base version, the version deployed since (theirs) and the draft (mine), element by element, with conflicts',
    roles: readers,
  },
  {
    method: 'patch',
    path: '/process-drafts/:id',
    tag: 'processes',
    summary: 'Name an open draft (author only; optimistic `version`)',
    roles: authors,
    requestBody: renameBody,
  },
  {
    method: 'get',
    path: '/process-drafts/:id/forms',
    tag: 'processes',
    summary:
      "The draft's forms, and for every form its BPMN links the deployed (or bundled) version to start from",
    roles: readers,
  },
  {
    method: 'get',
    path: '/process-drafts/:id/forms/:formId',
    tag: 'processes',
    summary: "One form of a draft (the draft's version, else the deployed or bundled one)",
    roles: readers,
  },
  {
    method: 'put',
    path: '/process-drafts/:id/forms/:formId',
    tag: 'processes',
    summary:
      "Save the draft's version of a form (author only, draft or rejected; a valid form-js form with this id)",
    roles: authors,
    requestBody: formBody,
  },
  {
    method: 'delete',
    path: '/process-drafts/:id/forms/:formId',
    tag: 'processes',
    summary: "Drop the draft's version of a form (`?version=` optimistic)",
    roles: authors,
    query: Object.entries(versionQuery).map(([name, schema]) => ({ name, schema })),
  },
  {
    method: 'post',
    path: '/process-drafts',
    tag: 'processes',
    summary:
      'Create a draft: a procedure (BPMN, parsed and linted with Camunda 8 rules) or, with `kind: decision`, a decision (DMN); one open draft per document and author (409 with `draftId` of the open one)',
    roles: authors,
    requestBody: createBody,
  },
  {
    method: 'put',
    path: '/process-drafts/:id',
    tag: 'processes',
    summary: 'Change a draft (author only; optimistic `version`)',
    roles: authors,
    requestBody: updateBody,
  },
  ...draftOps,
  {
    method: 'post',
    path: '/process-drafts/:id/deploy',
    tag: 'processes',
    summary:
      'Deploy an approved draft with the forms it changes; the new version is bound to them, the previous one superseded. 409 (`deployedVersion`) when a newer version was deployed since the draft\'s base: rebase first',
    roles: [Role.Admin],
    requestBody: actionBody,
    status: 200,
  },
  { method: 'get', path: '/forms', tag: 'forms', summary: 'Latest deployed forms', roles: readers },
  {
    method: 'get',
    path: '/forms/:id',
    tag: 'forms',
    summary: 'A deployed form (`?version=` for an older one)',
    roles: readers,
    query: Object.entries(versionQuery).map(([name, schema]) => ({ name, schema })),
  },
)
