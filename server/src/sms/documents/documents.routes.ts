/**
 * `/api/sms/documents`: the SMS documents register under document control (ISO/IEC 20000-1
 * 4.3.1, 4.3.2). SMS managers and admins write; staff, process owners and auditors read (an
 * auditor finds documents from a clause: `?clause=4.5.1`); people a version was distributed to
 * acknowledge it.
 */
import { Router } from 'express'
import { sessionOf } from '../../auth/auth.middleware'
import { Role } from '../../auth/roles'
import { ForbiddenError, NotFoundError } from '../../errors'
import { openapi } from '../../http/openapi'
import { readOp, writeOp } from '../openapi-helpers'
import {
  bodyValidator,
  paramsValidator,
  queryValidator,
  versionSchema,
} from '../../http/validation'
import { actorOf, clauseSchema, refSchema, requireSmsReader, requireSmsWriter } from '../access'
import { DocumentKind, type Objective } from './document-model'
import {
  approveBody,
  createDocumentBody,
  distributeBody,
  noteBody,
  updateDocumentBody,
  versionBody,
} from './document-schemas'
import type {
  CreateDocumentInput,
  DocumentsService,
  UpdateDocumentInput,
  VersionInput,
} from './documents.service'
import { measureObjectives } from './objective-metrics'
import { inForce } from './controlled-documents'
import { slaTargetsOf } from '../../cases/sla-targets'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema'

const idParams = { id: refSchema('DOC') }
const validateId = paramsValidator<{ id: string }>({
  type: 'object',
  properties: idParams,
  required: ['id'],
})
const fileParams = { id: refSchema('DOC'), version: versionSchema }
const validateFileParams = paramsValidator<{ id: string; version: number }>({
  type: 'object',
  properties: fileParams,
  required: ['id', 'version'],
})
const listQuery = { clause: clauseSchema, kind: { enum: Object.values(DocumentKind) } } as const
const validateList = queryValidator<{ clause?: string; kind?: string }>({
  type: 'object',
  additionalProperties: false,
  properties: listQuery,
})
const validateCreate = bodyValidator<CreateDocumentInput>(createDocumentBody)
const validateUpdate = bodyValidator<UpdateDocumentInput>(updateDocumentBody)
const validateVersion = bodyValidator<VersionInput>(versionBody)
const validateNote = bodyValidator<{ note?: string }>(noteBody)
const validateApprove = bodyValidator<{ note?: string; effectiveFrom?: string }>(approveBody)
const compareQuery = { from: versionSchema, to: versionSchema } as const
const validateCompare = queryValidator<{ from: number; to: number }>({
  type: 'object',
  additionalProperties: false,
  required: ['from', 'to'],
  properties: compareQuery,
})
const slaTargetsQuery = {
  serviceId: { type: 'string', pattern: '^[A-Z]{2,4}-\\d{6,}$' },
  priority: { type: 'integer', minimum: 1, maximum: 5 },
} as const
const validateSlaTargets = queryValidator<{ serviceId: string; priority: number }>({
  type: 'object',
  additionalProperties: false,
  required: ['serviceId', 'priority'],
  properties: slaTargetsQuery,
})
const inForceQuery = { subject: { type: 'string', minLength: 1, maxLength: 120 } } as const
const validateInForce = queryValidator<{ subject: string }>({
  type: 'object',
  additionalProperties: false,
  required: ['subject'],
  properties: inForceQuery,
})
const validateDistribute = bodyValidator<{
  groups?: string[]
  roles?: string[]
  users?: string[]
}>(distributeBody)

/** The transitions of a version, each `POST /sms/documents/:id/<step>` with an optional note. */
const steps = ['submit', 'reject', 'effective', 'withdraw', 'review'] as const

export function documentsRoutes({
  documents,
  db,
  now,
}: {
  documents: DocumentsService
  db: Kysely<DB>
  now: () => Date
}): Router {
  const r = Router()
  r.get('/sms/documents', requireSmsReader, async (req, res) => {
    res.json({ items: await documents.list(validateList(req.query)) })
  })
  r.post('/sms/documents', requireSmsWriter, async (req, res) => {
    res.status(201).json(await documents.create(validateCreate(req.body), actorOf(req)))
  })
  r.get('/sms/documents/:id', requireSmsReader, async (req, res) => {
    res.json(await documents.get(validateId(req.params).id))
  })
  r.patch('/sms/documents/:id', requireSmsWriter, async (req, res) => {
    res.json(
      await documents.update(validateId(req.params).id, validateUpdate(req.body), actorOf(req)),
    )
  })
  r.put('/sms/documents/:id/draft', requireSmsWriter, async (req, res) => {
    res.json(
      await documents.writeDraft(
        validateId(req.params).id,
        validateVersion(req.body),
        actorOf(req),
      ),
    )
  })
  for (const step of steps) {
    r.post(`/sms/documents/:id/${step}`, requireSmsWriter, async (req, res) => {
      const { id } = validateId(req.params)
      const { note } = validateNote(req.body ?? {})
      const actor = actorOf(req)
      const out =
        step === 'submit'
          ? await documents.submit(id, actor)
          : step === 'reject'
            ? await documents.reject(id, actor, note)
            : step === 'effective'
              ? await documents.makeEffective(id, actor)
              : step === 'withdraw'
                ? await documents.withdraw(id, actor, note)
                : await documents.recordReview(id, actor, note)
      res.json(out)
    })
  }
  r.post('/sms/documents/:id/approve', requireSmsWriter, async (req, res) => {
    const { id } = validateId(req.params)
    const { note, effectiveFrom } = validateApprove(req.body ?? {})
    res.json(await documents.approve(id, actorOf(req), note, effectiveFrom))
  })
  r.get('/sms/documents/:id/compare', requireSmsReader, async (req, res) => {
    const { id } = validateId(req.params)
    const { from, to } = validateCompare(req.query)
    res.json(await documents.compare(id, from, to))
  })
  r.get('/sms/in-force/sla-targets', requireSmsReader, async (req, res) => {
    const { serviceId, priority } = validateSlaTargets(req.query)
    const t = await slaTargetsOf(db, serviceId, priority, now())
    if (!t)
      throw new NotFoundError(`${serviceId} has no agreed SLA target for priority ${priority}.`)
    res.json(t)
  })
  r.get('/sms/in-force', requireSmsReader, async (req, res) => {
    const { subject } = validateInForce(req.query)
    const doc = await inForce(db, subject, now())
    if (!doc) throw new NotFoundError(`No controlled document of ${subject} is in force.`)
    res.json(doc)
  })
  r.post('/sms/documents/:id/distribute', requireSmsWriter, async (req, res) => {
    const { id } = validateId(req.params)
    res.json(await documents.distribute(id, validateDistribute(req.body), actorOf(req)))
  })
  r.post('/sms/documents/:id/acknowledge', requireSmsReader, async (req, res) => {
    const { user } = sessionOf(req)
    // auditors read; acknowledging is a record the reader writes
    if (!user.roles.some((x) => x !== Role.Auditor)) {
      throw new ForbiddenError('Auditors read SMS documents; they do not acknowledge them.')
    }
    res.json(await documents.acknowledge(validateId(req.params).id, user.username))
  })
  r.get('/sms/documents/:id/versions/:version/file', requireSmsReader, async (req, res) => {
    const { id, version } = validateFileParams(req.params)
    const f = await documents.file(id, version)
    res
      .type(f.mediaType)
      .setHeader('Content-Disposition', `attachment; filename="${f.name.replace(/["\r\n]/g, '_')}"`)
      .send(Buffer.from(f.base64, 'base64'))
  })
  r.get('/sms/documents/:id/objectives', requireSmsReader, async (req, res) => {
    const doc = await documents.get(validateId(req.params).id)
    const v = doc.versions.find((x) => x.version === doc.effectiveVersion) ?? doc.versions[0]
    const objectives = (v?.data as { objectives?: Objective[] } | null)?.objectives
    if (!objectives) throw new NotFoundError(`${doc.id} holds no objectives.`)
    res.json({
      id: doc.id,
      version: v!.version,
      items: await measureObjectives(db, objectives, now()),
    })
  })
  return r
}

openapi.register(
  readOp({
    method: 'get',
    path: '/sms/documents',
    summary: 'The SMS documents register (4.3.1); `clause` finds the documents answering a clause',
    query: Object.entries(listQuery).map(([name, schema]) => ({ name, schema })),
  }),
  writeOp({
    method: 'post',
    path: '/sms/documents',
    summary: 'Register a document; version 1 is a draft',
    requestBody: createDocumentBody,
  }),
  readOp({
    method: 'get',
    path: '/sms/documents/:id',
    summary: 'A document, every version, acknowledgements',
    params: idParams,
  }),
  writeOp({
    method: 'patch',
    path: '/sms/documents/:id',
    summary: 'Title, owner, clauses, review interval',
    params: idParams,
    requestBody: updateDocumentBody,
  }),
  writeOp({
    method: 'put',
    path: '/sms/documents/:id/draft',
    summary: 'Edit the draft (its author only), or start a new draft after an issued version',
    params: idParams,
    requestBody: versionBody,
  }),
  writeOp({
    method: 'post',
    path: '/sms/documents/:id/approve',
    summary:
      'Approve the version under review, not by its author (4.3.2 a); `effectiveFrom` is when it takes effect (default now)',
    params: idParams,
    requestBody: approveBody,
    status: 200,
  }),
  readOp({
    method: 'get',
    path: '/sms/documents/:id/compare',
    summary: 'What changed between two versions: Markdown lines and structured values (4.3.2 e)',
    params: idParams,
    query: Object.entries(compareQuery).map(([name, schema]) => ({ name, schema })),
  }),
  readOp({
    method: 'get',
    path: '/sms/in-force/sla-targets',
    summary:
      "The SLA targets the procedures use now for a service and priority: the SLA document's version in force (6.1)",
    query: Object.entries(slaTargetsQuery).map(([name, schema]) => ({ name, schema })),
  }),
  readOp({
    method: 'get',
    path: '/sms/in-force',
    summary:
      'The version in force now of the controlled document of a subject (sla:SLA-…, change-policy, service-catalogue, …)',
    query: Object.entries(inForceQuery).map(([name, schema]) => ({ name, schema })),
  }),
  ...steps.map((step) =>
    writeOp({
      method: 'post',
      path: `/sms/documents/:id/${step}`,
      summary: {
        submit: 'Submit the draft for review; its content is fixed from now on (4.3.2 d)',
        reject: 'Send the version under review back, with a note',
        effective: 'Make the approved version effective; the previous one is superseded (4.3.2 h)',
        withdraw: 'Withdraw the effective version (4.3.2 h)',
        review: 'Record the planned review of the effective version; next review planned (4.3.2 c)',
      }[step],
      params: idParams,
      requestBody: noteBody,
      status: 200,
    }),
  ),
  writeOp({
    method: 'post',
    path: '/sms/documents/:id/distribute',
    summary:
      'Distribute the effective version to groups, roles and named people, each person notified and asked to acknowledge (4.3.2 b)',
    params: idParams,
    requestBody: distributeBody,
    status: 200,
  }),
  {
    method: 'post',
    path: '/sms/documents/:id/acknowledge',
    tag: 'sms',
    summary: 'Acknowledge the effective version distributed to me (4.3.2 b)',
    roles: [Role.Admin, Role.ProcessOwner, Role.Staff],
    params: idParams,
    status: 200,
  },
  readOp({
    method: 'get',
    path: '/sms/documents/:id/versions/:version/file',
    summary: "A version's uploaded file",
    params: fileParams,
    responseType: 'application/octet-stream',
  }),
  readOp({
    method: 'get',
    path: '/sms/documents/:id/objectives',
    summary: 'The objectives of an objectives document, measured from the records (4.1.1)',
    params: idParams,
  }),
)
