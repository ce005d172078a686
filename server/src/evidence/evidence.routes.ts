/**
 * The evidence trail for auditors and admins (4.3.3): entries, verification, signed
 * checkpoints (list, take one, check one kept from earlier) and the public key that checks
 * their signatures offline. Nothing here changes a record; a checkpoint only appends.
 */
import { Router } from 'express'
import { requireRole, sessionOf } from '../auth/auth.middleware'
import { Role } from '../auth/roles'
import { ConflictError } from '../errors'
import { refuseReversedRange } from '../forms/date-ranges'
import { openapi, type OpenApiRegistry } from '../http/openapi'
import { BIGINT_API_MAX, bodyValidator, limitSchema, queryValidator } from '../http/validation'
import type { AuditTrail, EvidenceQuery } from './audit-trail'
import { checkpointPayload, checkpointSchema, type Checkpoint } from './checkpoint'

const querySchema = {
  type: 'object',
  properties: {
    entityType: { type: 'string', maxLength: 40 },
    entityId: { type: 'string', maxLength: 100 },
    actor: { type: 'string', maxLength: 100 },
    processInstanceKey: { type: 'string', pattern: '^[0-9]{1,20}$' },
    // a requirement id of the compliance catalogue (server/src/compliance): its evidence only
    requirement: { type: 'string', pattern: '^[4-9](\\.[0-9]{1,2}){0,3}-([a-l]|[0-9]{1,2})$' },
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
    // `seq` is a bigint column
    afterSeq: { type: 'integer', minimum: 0, maximum: BIGINT_API_MAX },
    beforeSeq: { type: 'integer', minimum: 1, maximum: BIGINT_API_MAX },
    order: { enum: ['asc', 'desc'] },
    limit: limitSchema(1000),
  },
  additionalProperties: false,
} as const

const checkpointQuerySchema = {
  type: 'object',
  properties: {
    afterSeq: { type: 'integer', minimum: 0, maximum: BIGINT_API_MAX },
    order: { enum: ['asc', 'desc'] },
    limit: limitSchema(1000),
  },
  additionalProperties: false,
} as const

const validateQuery = queryValidator<EvidenceQuery & { requirement?: string }>(querySchema)
const validateCheckpointQuery = queryValidator<{
  afterSeq?: number
  order?: 'asc' | 'desc'
  limit?: number
}>(checkpointQuerySchema)
const validateCheckpoint = bodyValidator<Checkpoint>(checkpointSchema)

export interface EvidenceRoutesDeps {
  audit: AuditTrail
  registry?: OpenApiRegistry
  /** The entries evidencing a requirement (`?requirement=`), from the compliance module. */
  byRequirement?: (id: string, query: EvidenceQuery) => Promise<unknown[]>
}

export function evidenceRoutes({
  audit,
  registry = openapi,
  byRequirement,
}: EvidenceRoutesDeps): Router {
  const router = Router()
  const readers = requireRole(Role.Admin, Role.Auditor)

  router.get('/evidence', readers, async (req, res) => {
    const { requirement, ...query } = validateQuery(req.query)
    refuseReversedRange(query.from, query.to, '/to', 'from')
    if (requirement && byRequirement) {
      res.json(await byRequirement(requirement, query))
      return
    }
    res.json(await audit.list(query))
  })
  router.get('/evidence/verify', readers, async (_req, res) => {
    res.json(await audit.verify())
  })
  router.post('/evidence/verify', readers, async (req, res) => {
    res.json(await audit.verifyCheckpoint(validateCheckpoint(req.body)))
  })
  router.get('/evidence/checkpoints', readers, async (req, res) => {
    res.json(await audit.listCheckpoints(validateCheckpointQuery(req.query)))
  })
  router.post('/evidence/checkpoints', readers, async (req, res) => {
    const taken = await audit.checkpoint(sessionOf(req).user.username)
    if (!taken) throw new ConflictError('The evidence trail is empty: there is nothing to sign.')
    res.status(201).json(taken)
  })
  router.get('/evidence/signing-key', readers, (_req, res) => {
    const key = audit.signingKey
    res.json({
      algorithm: 'Ed25519',
      keyId: key?.keyId ?? null,
      publicKey: key?.publicKeyHex ?? null,
      publicKeyPem: key?.publicKeyPem ?? null,
      signedPayload: checkpointPayload({ seq: 0, hash: '<hash>', signedAt: '<signedAt>' }),
    })
  })

  const roles = [Role.Admin, Role.Auditor]
  registry.register(
    {
      method: 'get',
      path: '/evidence',
      tag: 'evidence',
      summary: 'Evidence trail entries, oldest first (filter by entity, actor, time, instance)',
      roles,
      query: Object.entries(querySchema.properties).map(([name, schema]) => ({ name, schema })),
    },
    {
      method: 'get',
      path: '/evidence/verify',
      tag: 'evidence',
      summary:
        'Recompute the hash chain, check every signed checkpoint and the anchor; reports the first seq that can no longer be trusted and the kind of break',
      roles,
      response:
        '`{ ok: true, entries, headSeq, headHash, checkpoints, signedUpTo, anchoredSeq, checkpoint }` (checkpoint: the head signed now, to keep) or `{ ok: false, entries, brokenAt, kind, reason, signedUpTo }`',
    },
    {
      method: 'post',
      path: '/evidence/verify',
      tag: 'evidence',
      summary:
        'Check a checkpoint kept from earlier: genuine (signature), still contained in the trail, and the trail intact around it',
      roles,
      requestBody: checkpointSchema,
      status: 200,
      response: '`{ ok, signature: valid|invalid|other-key, contained, chainHash, chain }`',
    },
    {
      method: 'get',
      path: '/evidence/checkpoints',
      tag: 'evidence',
      summary: 'The signed checkpoint entries of the trail, oldest first',
      roles,
      query: Object.entries(checkpointQuerySchema.properties).map(([name, schema]) => ({
        name,
        schema,
      })),
      response:
        '`[{ entrySeq, at, actor, checkpoint: { seq, hash, signedAt, keyId, signature } }]`',
    },
    {
      method: 'post',
      path: '/evidence/checkpoints',
      tag: 'evidence',
      summary:
        'Append a signed checkpoint of the current head now (returns the last one when nothing came in since)',
      roles,
      response: '`{ entrySeq, at, actor, checkpoint }`; 409 when the trail is empty',
    },
    {
      method: 'get',
      path: '/evidence/signing-key',
      tag: 'evidence',
      summary:
        'The Ed25519 public key that checks checkpoint signatures offline, and the exact payload that is signed',
      roles,
    },
  )
  return router
}
