/**
 * The routes every record kind has (`/api/incidents`, `/api/cis`, `/api/services`, …): list,
 * create, get, change, links, comments and attachments, with their OpenAPI entries. Handlers
 * validate with ajv, pass the session user to the services (which enforce `access.ts`) and
 * return JSON; errors are thrown.
 */
import type { Router } from 'express'
import { requireLogin } from '../auth/auth.middleware'
import { refuseReversedRange } from '../forms/date-ranges'
import type { OpenApiRegistry, QueryParameter } from '../http/openapi'
import {
  bodyValidator,
  int4Schema,
  limitSchema,
  offsetSchema,
  queryValidator,
} from '../http/validation'
import { isCustomer } from './access'
import { ActivityType } from './activity'
import type { ActivityService } from './activity.service'
import type { ListQuery } from './case-record'
import type { CaseService } from './case.service'
import { allKinds, type CaseKind, type KindSpec } from './kinds'
import { actorOf, idOf, numberOf, rowIdParams } from './route-params'
import { createSchemaOf, patchSchemaOf } from './validators'

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
const validateLink = bodyValidator<{ toKind: CaseKind; toId: string; linkType: string }>(
  linkBodySchema,
)
const validateComment = bodyValidator<{ body: string }>(commentBodySchema)
const validateAttachment = bodyValidator<{
  name: string
  contentType: string
  contentBase64: string
}>(attachmentBodySchema)
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

/** Registers the routes of one kind on `router`. */
export function kindRoutes(
  router: Router,
  spec: KindSpec,
  { cases, activity }: { cases: CaseService; activity: ActivityService },
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
      summary:
        'Work notes (task comments among them) and replies as in …/activity (customers: replies only)',
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
