/**
 * HTTP routes of every record kind (`/api/incidents`, `/api/cis`, `/api/services`, …) plus the
 * CMDB, catalogue, contract and baseline routes. Handlers validate with ajv, pass the session
 * user to the services (which enforce `access.ts`) and return JSON; errors are thrown.
 */
import { Router, type Request } from 'express'
import { sessionOf, requireLogin } from '../auth/auth.middleware'
import { NotFoundError } from '../errors'
import { refuseReversedRange } from '../forms/date-ranges'
import { openapi, type OpenApiRegistry, type QueryParameter } from '../http/openapi'
import {
  bodyValidator,
  int4IdSchema,
  int4Schema,
  limitSchema,
  offsetSchema,
  paramsValidator,
  queryValidator,
} from '../http/validation'
import { isCustomer, type Actor } from './access'
import { ActivityType } from './activity'
import type { ActivityService } from './activity.service'
import { CaseService, type ListQuery } from './case.service'
import {
  catalogueItemBodySchema,
  contractBodySchema,
  contractPatchSchema,
  dependenciesBodySchema,
  type CatalogueService,
} from './catalogue.service'
import { changeControlRoutes } from './change-control.routes'
import { RelationType, type CmdbService } from './cmdb.service'
import { withoutStaffOnly } from '../forms/form-schema'
import { caseForms } from './case-forms'
import { allKinds, isCaseKind, kindSpecs, type CaseKind, type KindSpec } from './kinds'
import { createSchemaOf, dataSchemaOf, patchSchemaOf } from './validators'

export interface CasesRoutesDeps {
  cases: CaseService
  /** Writes the legacy `POST …/comments` into the activity stream. */
  activity: ActivityService
  cmdb: CmdbService
  catalogue: CatalogueService
  registry?: OpenApiRegistry
}

/** Suggested link types; any lower-case kebab word is accepted. */
export const LinkType = {
  CausedBy: 'caused-by',
  RelatedTo: 'related-to',
  ResolvedBy: 'resolved-by',
  DuplicateOf: 'duplicate-of',
  DocumentedAs: 'documented-as',
  Implements: 'implements',
  Closes: 'closes',
  Affects: 'affects',
  RaisedFrom: 'raised-from',
} as const

const linkBodySchema = {
  type: 'object',
  properties: {
    toKind: { enum: [...allKinds] },
    toId: { type: 'string', minLength: 1, maxLength: 40 },
    linkType: {
      type: 'string',
      pattern: '^[a-z][a-z0-9-]{1,39}$',
      examples: Object.values(LinkType),
    },
  },
  required: ['toKind', 'toId', 'linkType'],
  additionalProperties: false,
} as const
const commentBodySchema = {
  type: 'object',
  properties: { body: { type: 'string', minLength: 1, maxLength: 20_000 } },
  required: ['body'],
  additionalProperties: false,
} as const
const attachmentBodySchema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[^/\\\\]+$' },
    contentType: {
      type: 'string',
      minLength: 3,
      maxLength: 100,
      pattern: '^[a-z0-9.+-]+/[a-z0-9.+-]+$',
    },
    contentBase64: {
      type: 'string',
      minLength: 1,
      maxLength: 2_000_000,
      pattern: '^[A-Za-z0-9+/]*={0,2}$',
    },
  },
  required: ['name', 'contentType', 'contentBase64'],
  additionalProperties: false,
} as const
const relationBodySchema = {
  type: 'object',
  properties: {
    targetKind: { enum: ['ci', 'service'] },
    targetId: { type: 'string', minLength: 1, maxLength: 40 },
    relationType: { enum: Object.values(RelationType) },
  },
  required: ['targetKind', 'targetId', 'relationType'],
  additionalProperties: false,
} as const
const baselineBodySchema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: 'string', maxLength: 5000 },
    ciIds: {
      type: 'array',
      minItems: 1,
      maxItems: 1000,
      items: { type: 'string', minLength: 1, maxLength: 40 },
    },
    releaseId: { type: ['string', 'null'], maxLength: 40 },
  },
  required: ['name', 'ciIds'],
  additionalProperties: false,
} as const

const reviewBodySchema = {
  type: 'object',
  properties: { reason: { type: 'string', maxLength: 2000 } },
  additionalProperties: false,
} as const
const validateReview = bodyValidator<{ reason?: string }>(reviewBodySchema)

const validateLink = bodyValidator<{ toKind: CaseKind; toId: string; linkType: string }>(
  linkBodySchema,
)
const validateComment = bodyValidator<{ body: string }>(commentBodySchema)
const validateAttachment = bodyValidator<{
  name: string
  contentType: string
  contentBase64: string
}>(attachmentBodySchema)
const validateRelation = bodyValidator<{
  targetKind: 'ci' | 'service'
  targetId: string
  relationType: string
}>(relationBodySchema)
const validateBaseline = bodyValidator<{
  name: string
  description?: string
  ciIds: string[]
  releaseId?: string | null
}>(baselineBodySchema)

const queryDescriptions: Record<string, string> = {
  status: 'Comma-separated statuses.',
  q: 'Text in id, title/name or data.',
  sort: 'Field name, `-` prefix for descending (default -createdAt).',
  limit: 'Page size (default 50).',
}

/** The query of a kind's list: what the route validates and the OpenAPI document shows. */
function listQueryProperties(spec: KindSpec): Record<string, Record<string, unknown>> {
  const properties: Record<string, Record<string, unknown>> = {
    status: { type: 'string', pattern: '^[a-z0-9-]+(,[a-z0-9-]+)*$' },
    q: { type: 'string', maxLength: 200 },
    createdFrom: { type: 'string', format: 'date-time' },
    createdTo: { type: 'string', format: 'date-time' },
    sort: { type: 'string', pattern: '^-?[A-Za-z]+$' },
    limit: limitSchema(200),
    offset: offsetSchema,
  }
  for (const f of spec.fields) {
    if (f.filter) {
      properties[f.api] = f.integer ? int4Schema : { type: 'string', minLength: 1, maxLength: 100 }
    }
  }
  return properties
}

const listQueryParameters = (spec: KindSpec): QueryParameter[] =>
  Object.entries(listQueryProperties(spec)).map(([name, schema]) => ({
    name,
    schema,
    ...(queryDescriptions[name] ? { description: queryDescriptions[name] } : {}),
  }))

const baselinesQuery = { releaseId: { type: 'string', maxLength: 40 } } as const
const validateBaselinesQuery = queryValidator<{ releaseId?: string }>({
  type: 'object',
  properties: baselinesQuery,
  additionalProperties: false,
})

const actorOf = (req: Request): Actor => sessionOf(req).user
/** Route ids look like INC-000123; anything else cannot exist. */
const idOf = (req: Request, name = 'id'): string => {
  const id = String(req.params[name] ?? '')
  if (!/^[A-Z]{2,4}-\d{6,}$/.test(id)) throw new NotFoundError(`No record ${id}.`)
  return id
}
/** Numeric path parameters: `serial` row ids of attachments and relations. */
const rowIdParams = { attachmentId: int4IdSchema, relationId: int4IdSchema } as const
type RowIdParam = keyof typeof rowIdParams
const rowIdValidators = Object.fromEntries(
  Object.entries(rowIdParams).map(([name, schema]) => [
    name,
    paramsValidator<Record<string, number>>({
      type: 'object',
      properties: { [name]: schema },
      required: [name],
    }),
  ]),
) as Record<RowIdParam, (params: unknown) => Record<string, number>>
const numberOf = (req: Request, name: RowIdParam): number =>
  rowIdValidators[name](req.params)[name]!

/** Registers the routes of one kind on `router`. */
function kindRoutes(
  router: Router,
  spec: KindSpec,
  { cases, activity }: Pick<CasesRoutesDeps, 'cases' | 'activity'>,
  registry: OpenApiRegistry,
) {
  const base = `/${spec.path}`
  const validateQuery = queryValidator<Record<string, string | number | undefined>>({
    type: 'object',
    properties: listQueryProperties(spec),
    additionalProperties: false,
  })

  router.get(base, requireLogin, async (req, res) => {
    const q = validateQuery(req.query)
    refuseReversedRange(q.createdFrom, q.createdTo, '/createdTo', 'createdFrom')
    const filters: Record<string, string | number> = {}
    for (const f of spec.fields) {
      const v = q[f.api]
      if (f.filter && v !== undefined) filters[f.api] = v
    }
    const query: ListQuery = {
      status: typeof q.status === 'string' ? q.status.split(',') : undefined,
      q: q.q as string | undefined,
      createdFrom: q.createdFrom as string | undefined,
      createdTo: q.createdTo as string | undefined,
      sort: q.sort as string | undefined,
      limit: q.limit as number | undefined,
      offset: q.offset as number | undefined,
      filters,
    }
    res.json(await cases.list(spec.kind, query, actorOf(req)))
  })
  router.post(base, requireLogin, async (req, res) => {
    res.status(201).json(await cases.create(spec.kind, req.body, actorOf(req)))
  })
  router.get(`${base}/:id`, requireLogin, async (req, res) => {
    res.json(await cases.get(spec.kind, idOf(req), actorOf(req)))
  })
  router.patch(`${base}/:id`, requireLogin, async (req, res) => {
    res.json(await cases.update(spec.kind, idOf(req), req.body, actorOf(req)))
  })
  router.get(`${base}/:id/links`, requireLogin, async (req, res) => {
    const id = idOf(req)
    await cases.get(spec.kind, id, actorOf(req))
    res.json(await cases.linksOf(spec.kind, id))
  })
  router.post(`${base}/:id/links`, requireLogin, async (req, res) => {
    const body = validateLink(req.body)
    const link = await cases.link(
      { kind: spec.kind, id: idOf(req) },
      { kind: body.toKind, id: body.toId },
      body.linkType,
      actorOf(req),
    )
    res.status(201).json(link)
  })
  router.get(`${base}/:id/comments`, requireLogin, async (req, res) => {
    res.json((await cases.get(spec.kind, idOf(req), actorOf(req))).comments)
  })
  router.post(`${base}/:id/comments`, requireLogin, async (req, res) => {
    const { body } = validateComment(req.body)
    // kept for API clients: a customer's comment is a reply, anyone else's a work note
    const actor = actorOf(req)
    const type = isCustomer(actor) ? ActivityType.Reply : ActivityType.WorkNote
    res.status(201).json(await activity.add(spec.kind, idOf(req), { type, body }, actor))
  })
  router.get(`${base}/:id/attachments`, requireLogin, async (req, res) => {
    res.json((await cases.get(spec.kind, idOf(req), actorOf(req))).attachments)
  })
  router.post(`${base}/:id/attachments`, requireLogin, async (req, res) => {
    const body = validateAttachment(req.body)
    const info = await cases.attach(
      spec.kind,
      idOf(req),
      {
        name: body.name,
        contentType: body.contentType,
        content: Buffer.from(body.contentBase64, 'base64'),
      },
      actorOf(req),
    )
    res.status(201).json(info)
  })
  router.get(`${base}/:id/attachments/:attachmentId`, requireLogin, async (req, res) => {
    const file = await cases.download(
      spec.kind,
      idOf(req),
      numberOf(req, 'attachmentId'),
      actorOf(req),
    )
    res.setHeader('Content-Type', file.contentType)
    // Uploaded content never runs in the app's origin, whatever type the uploader claimed.
    res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'")
    res.setHeader(
      'Content-Disposition',
      `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`,
    )
    res.send(file.content)
  })

  const tag = spec.path
  const label = spec.label
  const rules = `Record-level rules: see server/src/cases/access.ts (ISO/IEC 20000-1 ${spec.clause}).`
  registry.register(
    {
      method: 'get',
      path: base,
      tag,
      summary: `List ${label}s (filtered, sorted, paginated, with total)`,
      roles: 'any',
      description: `Customers see only their own. ${rules}`,
      query: listQueryParameters(spec),
    },
    {
      method: 'post',
      path: base,
      tag,
      summary: `Create a ${label}`,
      roles: rolesToCreate(spec.kind),
      description: spec.editableStatuses.length ? rules : `Starts the ${label} procedure. ${rules}`,
      requestBody: createSchemaOf(spec),
      response: `The created ${label} with links, process instances, comments and attachments`,
    },
    { method: 'get', path: `${base}/:id`, tag, summary: `Get a ${label}`, roles: 'any' },
    {
      method: 'patch',
      path: `${base}/:id`,
      tag,
      summary: `Change a ${label} (optimistic concurrency: a stale version gets 409)`,
      roles: rolesToWrite(spec.kind),
      description: rules,
      requestBody: patchSchemaOf(spec),
    },
    { method: 'get', path: `${base}/:id/links`, tag, summary: 'Links of the record', roles: 'any' },
    {
      method: 'post',
      path: `${base}/:id/links`,
      tag,
      summary: 'Link the record to another record',
      roles: rolesToWrite(spec.kind),
      requestBody: linkBodySchema,
    },
    {
      method: 'get',
      path: `${base}/:id/comments`,
      tag,
      summary: 'Work notes and replies (customers: replies only); see also …/activity',
      roles: 'any',
    },
    {
      method: 'post',
      path: `${base}/:id/comments`,
      tag,
      summary:
        "Add a comment: a customer's is a reply, anyone else's a work note (…/activity chooses)",
      roles: 'any',
      requestBody: commentBodySchema,
    },
    { method: 'get', path: `${base}/:id/attachments`, tag, summary: 'Attachments', roles: 'any' },
    {
      method: 'post',
      path: `${base}/:id/attachments`,
      tag,
      summary: `Attach a file (base64, at most ${cases.attachmentLimit} bytes)`,
      roles: 'any',
      requestBody: attachmentBodySchema,
    },
    {
      method: 'get',
      path: `${base}/:id/attachments/:attachmentId`,
      tag,
      summary: 'Download an attachment',
      roles: 'any',
      params: { attachmentId: rowIdParams.attachmentId },
      responseType: 'application/octet-stream',
    },
  )
}

function rolesToCreate(kind: CaseKind): string[] {
  if (kind === 'service' || kind === 'sla') return ['admin']
  if (kind === 'supplier') return ['admin', 'staff (supplier-managers)']
  if (kind === 'audit-finding') return ['admin', 'staff', 'auditor']
  if (kind === 'incident' || kind === 'service-request' || kind === 'complaint')
    return ['admin', 'staff', 'customer']
  return ['admin', 'staff']
}

function rolesToWrite(kind: CaseKind): string[] {
  if (kind === 'service' || kind === 'sla') return ['admin']
  if (kind === 'supplier') return ['admin', 'staff (supplier-managers)']
  if (kind === 'ci') return ['admin', 'staff (owner group)']
  if (kind === 'audit-finding') return ['admin', 'auditor', 'staff (assigned group or assignee)']
  return ['admin', 'staff (assigned group or assignee)']
}

/** Every record route, mounted under `/api`. */
export function casesRoutes({
  cases,
  activity,
  cmdb,
  catalogue,
  registry = openapi,
}: CasesRoutesDeps): Router {
  const router = Router()
  router.use(changeControlRoutes(cases, registry))

  // Specific routes first, so `/cis/:id/relations` is not taken for something else.
  router.get('/cis/:id/relations', requireLogin, async (req, res) => {
    res.json(await cmdb.relations(idOf(req), actorOf(req)))
  })
  router.post('/cis/:id/relations', requireLogin, async (req, res) => {
    const body = validateRelation(req.body)
    res.status(201).json(await cmdb.addRelation(idOf(req), body, actorOf(req)))
  })
  router.delete('/cis/:id/relations/:relationId', requireLogin, async (req, res) => {
    await cmdb.removeRelation(idOf(req), numberOf(req, 'relationId'), actorOf(req))
    res.status(204).end()
  })
  router.get('/cis/:id/history', requireLogin, async (req, res) => {
    res.json(await cmdb.history(idOf(req), actorOf(req)))
  })
  router.get('/cis/:id/cases', requireLogin, async (req, res) => {
    res.json(await cmdb.associatedCases(idOf(req), actorOf(req)))
  })
  router.get('/cis/:id/impact', requireLogin, async (req, res) => {
    const id = idOf(req)
    await cmdb.relations(id, actorOf(req))
    res.json(await cmdb.impact([id]))
  })
  router.get('/baselines', requireLogin, async (req, res) => {
    const { releaseId } = validateBaselinesQuery(req.query)
    res.json(await cmdb.baselines(actorOf(req), releaseId))
  })
  router.post('/baselines', requireLogin, async (req, res) => {
    const body = validateBaseline(req.body)
    res.status(201).json(await cmdb.takeBaseline(body, actorOf(req)))
  })
  router.get('/baselines/:id', requireLogin, async (req, res) => {
    res.json(await cmdb.baseline(idOf(req), actorOf(req)))
  })
  router.get('/services/:id/dependencies', requireLogin, async (req, res) => {
    res.json(await catalogue.dependencies(idOf(req), actorOf(req)))
  })
  router.put('/services/:id/dependencies', requireLogin, async (req, res) => {
    res.json(await catalogue.setDependencies(idOf(req), req.body, actorOf(req)))
  })
  router.get('/services/:id/catalogue-items', requireLogin, async (req, res) => {
    res.json(await catalogue.catalogueItems(actorOf(req), idOf(req)))
  })
  router.post('/services/:id/catalogue-items', requireLogin, async (req, res) => {
    res.status(201).json(await catalogue.addCatalogueItem(idOf(req), req.body, actorOf(req)))
  })
  router.get('/catalogue-items', requireLogin, async (req, res) => {
    res.json(await catalogue.catalogueItems(actorOf(req)))
  })
  router.get('/suppliers/:id/contracts', requireLogin, async (req, res) => {
    res.json(await catalogue.contracts(idOf(req), actorOf(req)))
  })
  router.post('/suppliers/:id/contracts', requireLogin, async (req, res) => {
    res.status(201).json(await catalogue.addContract(idOf(req), req.body, actorOf(req)))
  })
  router.patch('/suppliers/:id/contracts/:contractId', requireLogin, async (req, res) => {
    res.json(
      await catalogue.updateContract(idOf(req), idOf(req, 'contractId'), req.body, actorOf(req)),
    )
  })
  router.post('/suppliers/:id/reviews', requireLogin, async (req, res) => {
    const { reason } = validateReview(req.body ?? {})
    res.status(201).json(await cases.startSupplierReview(idOf(req), actorOf(req), reason))
  })

  // The form of a kind's `data`, by kind (`incident`) or by its URL segment (`incidents`).
  router.get('/case-forms/:kind', requireLogin, (req, res) => {
    const name = String(req.params.kind)
    const kind = isCaseKind(name) ? name : allKinds.find((k) => kindSpecs[k].path === name)
    if (!kind) throw new NotFoundError(`No case kind ${name}.`)
    const { formId, form, readonly, staffOnly } = caseForms[kind]
    // customers get the form without the fields the service provider's staff fill (8.1)
    const customer = isCustomer(actorOf(req))
    res.json({
      kind,
      formId,
      form: customer ? withoutStaffOnly(form) : form,
      readonly,
      staffOnly,
      dataSchema: dataSchemaOf(kind),
    })
  })

  for (const kind of allKinds) kindRoutes(router, kindSpecs[kind], { cases, activity }, registry)

  registry.register(
    {
      method: 'get',
      path: '/case-forms/:kind',
      tag: 'case-forms',
      summary: "The form-js form of a kind's data, with its JSON schema and readonly fields",
      roles: 'any',
      description:
        '`kind` as in links (`incident`) or in URLs (`incidents`). Every write of `data` is validated against `dataSchema` (4.3.3); fields in `readonly` are shown to people and written by the procedure only, a person writing one gets 400.',
      response: '`{ kind, formId, form, readonly, dataSchema }`',
    },
    {
      method: 'get',
      path: '/cis/:id/relations',
      tag: 'cis',
      summary: 'Relations of a CI to CIs and services (9.1 b, c), both directions',
      roles: ['admin', 'staff', 'process-owner', 'auditor'],
    },
    {
      method: 'post',
      path: '/cis/:id/relations',
      tag: 'cis',
      summary: 'Add a relation to a CI or a service',
      roles: ['admin', 'staff (owner group)'],
      requestBody: relationBodySchema,
    },
    {
      method: 'delete',
      path: '/cis/:id/relations/:relationId',
      tag: 'cis',
      summary: 'Remove a relation (kept in the CI history)',
      roles: ['admin', 'staff (owner group)'],
      params: { relationId: rowIdParams.relationId },
      status: 204,
      response: 'Removed',
    },
    {
      method: 'get',
      path: '/cis/:id/history',
      tag: 'cis',
      summary: 'Change history of a CI with before/after (9.1), read-only',
      roles: ['admin', 'staff', 'process-owner', 'auditor'],
    },
    {
      method: 'get',
      path: '/cis/:id/cases',
      tag: 'cis',
      summary: 'RFCs, problems and known errors associated with a CI (9.1 g, h)',
      roles: ['admin', 'staff', 'process-owner', 'auditor'],
    },
    {
      method: 'get',
      path: '/cis/:id/impact',
      tag: 'cis',
      summary: 'CIs depending on the CI (transitively) and the services they support (9.2)',
      roles: ['admin', 'staff', 'process-owner', 'auditor'],
    },
    {
      method: 'get',
      path: '/baselines',
      tag: 'baselines',
      summary: 'Configuration baselines, newest first',
      roles: ['admin', 'staff', 'process-owner', 'auditor'],
      query: Object.entries(baselinesQuery).map(([name, schema]) => ({ name, schema })),
    },
    {
      method: 'post',
      path: '/baselines',
      tag: 'baselines',
      summary: 'Take a baseline of CIs (9.1, before a release is deployed 9.3)',
      roles: ['admin', 'staff'],
      requestBody: baselineBodySchema,
    },
    {
      method: 'get',
      path: '/baselines/:id',
      tag: 'baselines',
      summary: 'A baseline with the CI snapshots',
      roles: ['admin', 'staff', 'process-owner', 'auditor'],
    },
    {
      method: 'get',
      path: '/services/:id/dependencies',
      tag: 'services',
      summary: 'Services the service depends on and services depending on it (6.1)',
      roles: 'any',
    },
    {
      method: 'put',
      path: '/services/:id/dependencies',
      tag: 'services',
      summary: 'Replace the dependencies of a service',
      roles: ['admin'],
      requestBody: dependenciesBodySchema,
      status: 200,
    },
    {
      method: 'get',
      path: '/services/:id/catalogue-items',
      tag: 'services',
      summary: 'Requestable items of a service',
      roles: 'any',
    },
    {
      method: 'post',
      path: '/services/:id/catalogue-items',
      tag: 'services',
      summary: 'Add a catalogue item (requiresApproval drives the service-request procedure)',
      roles: ['admin'],
      requestBody: catalogueItemBodySchema,
    },
    {
      method: 'get',
      path: '/catalogue-items',
      tag: 'services',
      summary: 'All requestable catalogue items',
      roles: 'any',
    },
    {
      method: 'get',
      path: '/suppliers/:id/contracts',
      tag: 'suppliers',
      summary: 'Contracts of a supplier (7.2)',
      roles: ['admin', 'staff', 'process-owner', 'auditor'],
    },
    {
      method: 'post',
      path: '/suppliers/:id/contracts',
      tag: 'suppliers',
      summary: 'Add a contract (7.2 fields)',
      roles: ['admin', 'staff (supplier-managers)'],
      requestBody: contractBodySchema,
    },
    {
      method: 'patch',
      path: '/suppliers/:id/contracts/:contractId',
      tag: 'suppliers',
      summary: 'Change a contract (stale version gets 409)',
      roles: ['admin', 'staff (supplier-managers)'],
      requestBody: contractPatchSchema,
    },
    {
      method: 'post',
      path: '/suppliers/:id/reviews',
      tag: 'suppliers',
      summary: 'Start a supplier review (supplier-review procedure, 7.2)',
      roles: ['admin', 'staff (supplier-managers)'],
      requestBody: reviewBodySchema,
    },
  )
  return router
}
