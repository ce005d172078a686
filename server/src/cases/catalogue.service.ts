/**
 * The service catalogue around services and SLAs (6.1): dependencies between services,
 * requestable catalogue items (whether a request needs approval, 8.1), SLA targets per priority
 * for the escalation timers, and supplier contracts (7.2). Admins maintain the catalogue;
 * supplier managers maintain contracts. Every change writes evidence in its transaction.
 */
import type { CatalogueItem } from '@shared/api/service-catalogue'
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { ConflictError, ForbiddenError, NotFoundError, UserError } from '../errors'
import { writeWithEvidence, type AuditSink } from '../evidence/audit-sink'
import { refuseReversedRange } from '../forms/date-ranges'
import { bodyValidator, versionSchema } from '../http/validation'
import { canCreate, canReadKind, canWrite, type Actor } from './access'
import { refuseDirectEdit } from './change-control'
import { nextReference } from './references'
import { slaTargetsOf, type SlaTarget } from './sla-targets'
import { iso } from '../db/timestamps'
import { publishedCatalogue, type PublishedCatalogue } from './service-catalogue'

/** A service another service depends on. */
export interface ServiceDependency {
  serviceId: string
  dependsOnId: string
  dependencyType: string
}

/** A requestable item of the catalogue, as the API returns it (shared/api/service-catalogue.ts). */
export type { CatalogueItem } from '@shared/api/service-catalogue'

/** A supplier contract with the 7.2 fields in `data`. */
export interface Contract {
  id: string
  supplierId: string
  title: string
  status: string
  startsOn: string | null
  endsOn: string | null
  version: number
  createdBy: string
  createdAt: string
  updatedAt: string
  data: Record<string, unknown>
  /**
   * The contract document version whose targets `data.serviceTargets` shows (7.2, 4.3.2), written
   * when a version takes effect through the register or a change; null: none written back yet.
   */
  document: { id: string; version: number } | null
}

/** Body of `PUT /api/services/:id/dependencies`. */
export const dependenciesBodySchema = {
  type: 'object',
  properties: {
    dependencies: {
      type: 'array',
      maxItems: 100,
      items: {
        type: 'object',
        properties: {
          dependsOnId: { type: 'string', minLength: 1, maxLength: 40 },
          dependencyType: { enum: ['uses', 'hosted-by', 'supported-by', 'part-of'] },
        },
        required: ['dependsOnId'],
        additionalProperties: false,
      },
    },
  },
  required: ['dependencies'],
  additionalProperties: false,
} as const

/** Body of `POST /api/services/:id/catalogue-items`. */
export const catalogueItemBodySchema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: 'string', maxLength: 5000 },
    requiresApproval: { type: 'boolean' },
    fulfilmentGroup: { type: ['string', 'null'], maxLength: 100 },
  },
  required: ['name'],
  additionalProperties: false,
} as const

const contractData = {
  type: 'object',
  properties: {
    scope: { type: 'string', minLength: 1, maxLength: 20_000 },
    /** Services of the catalogue the contract supports. */
    services: { type: 'array', items: { type: 'string', maxLength: 40 }, maxItems: 100 },
    requirements: { type: 'string', maxLength: 20_000 },
    serviceTargets: {
      type: 'array',
      maxItems: 100,
      items: {
        type: 'object',
        properties: {
          measure: { type: 'string', minLength: 1, maxLength: 500 },
          target: { anyOf: [{ type: 'string' }, { type: 'number' }] },
          /**
           * How a numeric target is met (7.2): the achieved value is at least (availability) or
           * at most (time to restore) the target. Without it the reviewer judges met or missed.
           */
          direction: { enum: ['at-least', 'at-most'] },
        },
        required: ['measure', 'target'],
        additionalProperties: false,
      },
    },
    responsibilities: { type: 'string', maxLength: 20_000 },
    interfaces: { type: 'string', maxLength: 20_000 },
    workload: { type: 'string', maxLength: 5000 },
    exceptions: { type: 'string', maxLength: 5000 },
    authorities: { type: 'string', maxLength: 5000 },
    reporting: { type: 'string', maxLength: 5000 },
    paymentBasis: { type: 'string', maxLength: 5000 },
    termination: { type: 'string', maxLength: 5000 },
    reviewIntervalDays: { type: 'integer', minimum: 1, maximum: 3650 },
    relationshipOwner: { type: 'string', minLength: 1, maxLength: 100 },
  },
  required: ['scope', 'services', 'serviceTargets', 'responsibilities', 'reviewIntervalDays'],
  additionalProperties: false,
} as const

/** Body of `POST /api/suppliers/:id/contracts`. */
export const contractBodySchema = {
  type: 'object',
  properties: {
    title: { type: 'string', minLength: 1, maxLength: 300 },
    status: { enum: ['draft', 'active', 'expired', 'terminated'] },
    startsOn: { type: ['string', 'null'], format: 'date' },
    endsOn: { type: ['string', 'null'], format: 'date' },
    data: contractData,
  },
  required: ['title', 'data'],
  additionalProperties: false,
} as const

/** Body of `PATCH /api/suppliers/:id/contracts/:contractId`. */
export const contractPatchSchema = {
  type: 'object',
  properties: { version: versionSchema, ...contractBodySchema.properties },
  required: ['version'],
  minProperties: 2,
  additionalProperties: false,
} as const

interface ContractBody {
  title: string
  status?: string
  startsOn?: string | null
  endsOn?: string | null
  data: Record<string, unknown>
}
const validateDependencies = bodyValidator<{
  dependencies: { dependsOnId: string; dependencyType?: string }[]
}>(dependenciesBodySchema)
const validateCatalogueItem = bodyValidator<{
  name: string
  description?: string
  requiresApproval?: boolean
  fulfilmentGroup?: string | null
}>(catalogueItemBodySchema)
const validateContract = bodyValidator<ContractBody>(contractBodySchema)
const validateContractPatch = bodyValidator<Partial<ContractBody> & { version: number }>(
  contractPatchSchema,
)

const dateOnly = (v: unknown) => (v === null || v === undefined ? null : String(v))

export class CatalogueService {
  constructor(private readonly deps: { db: Kysely<DB>; audit: AuditSink; now?: () => Date }) {}

  /**
   * 6.1: the service catalogue customers see and request from: the catalogue document's version
   * in force at the product's clock (`service-catalogue.ts`). Everyone signed in may read it.
   */
  published(): Promise<PublishedCatalogue> {
    return publishedCatalogue(this.deps.db, this.deps.now?.() ?? new Date())
  }

  private async service(id: string, actor: Actor, db: Kysely<DB> = this.deps.db) {
    if (!canReadKind(actor, 'service')) throw new ForbiddenError('You may not read services.')
    const row = await db.selectFrom('services').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row) throw new NotFoundError(`No service ${id}.`)
    return row
  }

  /** Services `serviceId` depends on, and services that depend on it. */
  async dependencies(
    serviceId: string,
    actor: Actor,
  ): Promise<{ dependsOn: ServiceDependency[]; dependents: ServiceDependency[] }> {
    await this.service(serviceId, actor)
    const rows = await this.deps.db
      .selectFrom('service_dependencies')
      .selectAll()
      .where((eb) => eb.or([eb('service_id', '=', serviceId), eb('depends_on_id', '=', serviceId)]))
      .orderBy('service_id')
      .orderBy('depends_on_id')
      .execute()
    const all = rows.map((r) => ({
      serviceId: r.service_id,
      dependsOnId: r.depends_on_id,
      dependencyType: r.dependency_type,
    }))
    return {
      dependsOn: all.filter((d) => d.serviceId === serviceId),
      dependents: all.filter((d) => d.dependsOnId === serviceId),
    }
  }

  /** Replaces the dependencies of a service (admin). */
  async setDependencies(
    serviceId: string,
    body: unknown,
    actor: Actor,
  ): Promise<ServiceDependency[]> {
    const { dependencies } = validateDependencies(body)
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      await this.service(serviceId, actor, tx)
      if (!canWrite(actor, 'service', {})) throw new ForbiddenError('Only admins change services.')
      const before = await tx
        .selectFrom('service_dependencies')
        .selectAll()
        .where('service_id', '=', serviceId)
        .execute()
      for (const [i, d] of dependencies.entries()) {
        const found = await tx
          .selectFrom('services')
          .select('id')
          .where('id', '=', d.dependsOnId)
          .executeTakeFirst()
        if (!found || d.dependsOnId === serviceId) {
          throw new UserError('A dependency names an unknown service or the service itself.', [
            { path: `/dependencies/${i}/dependsOnId`, message: `invalid service ${d.dependsOnId}` },
          ])
        }
      }
      await tx.deleteFrom('service_dependencies').where('service_id', '=', serviceId).execute()
      const after = dependencies.map((d) => ({
        serviceId,
        dependsOnId: d.dependsOnId,
        dependencyType: d.dependencyType ?? 'uses',
      }))
      if (after.length) {
        await tx
          .insertInto('service_dependencies')
          .values(
            after.map((d) => ({
              service_id: d.serviceId,
              depends_on_id: d.dependsOnId,
              dependency_type: d.dependencyType,
            })),
          )
          .execute()
      }
      return {
        result: after,
        evidence: {
          actor: actor.username,
          action: 'service.dependencies-set',
          entityType: 'service',
          entityId: serviceId,
          before,
          after,
        },
      }
    })
  }

  /** The requestable items of a service, or of all services. */
  async catalogueItems(actor: Actor, serviceId?: string): Promise<CatalogueItem[]> {
    if (!canReadKind(actor, 'service')) throw new ForbiddenError('You may not read services.')
    let q = this.deps.db.selectFrom('catalogue_items').selectAll().orderBy('id')
    if (serviceId) q = q.where('service_id', '=', serviceId)
    return (await q.execute()).map(toItem)
  }

  /** One catalogue item (for the service-request procedure's approval decision). */
  async catalogueItem(id: string): Promise<CatalogueItem | undefined> {
    const row = await this.deps.db
      .selectFrom('catalogue_items')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    return row ? toItem(row) : undefined
  }

  /** Adds a catalogue item to a service (admin). */
  async addCatalogueItem(serviceId: string, body: unknown, actor: Actor): Promise<CatalogueItem> {
    const input = validateCatalogueItem(body)
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      await this.service(serviceId, actor, tx)
      if (!canWrite(actor, 'service', {})) throw new ForbiddenError('Only admins change services.')
      if (input.fulfilmentGroup) {
        const g = await tx
          .selectFrom('groups')
          .select('id')
          .where('id', '=', input.fulfilmentGroup)
          .executeTakeFirst()
        if (!g) {
          throw new UserError('Unknown group.', [
            { path: '/fulfilmentGroup', message: `no group ${input.fulfilmentGroup}` },
          ])
        }
      }
      const id = await nextReference(tx, 'CAT')
      const row = await tx
        .insertInto('catalogue_items')
        .values({
          id,
          service_id: serviceId,
          name: input.name,
          description: input.description ?? '',
          requires_approval: input.requiresApproval ?? false,
          fulfilment_group: input.fulfilmentGroup ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      const item = toItem(row)
      return {
        result: item,
        evidence: {
          actor: actor.username,
          action: 'service.catalogue-item-added',
          entityType: 'service',
          entityId: serviceId,
          after: item,
        },
      }
    })
  }

  /** SLA targets of a service for a priority (see {@link slaTargetsOf}). */
  slaTargets(serviceId: string, priority: number, now?: Date): Promise<SlaTarget | undefined> {
    return slaTargetsOf(this.deps.db, serviceId, priority, now)
  }

  // ------------------------------------------------------------- contracts (7.2)

  private async supplier(id: string, actor: Actor, db: Kysely<DB> = this.deps.db) {
    if (!canReadKind(actor, 'supplier')) throw new ForbiddenError('You may not read suppliers.')
    const row = await db.selectFrom('suppliers').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row) throw new NotFoundError(`No supplier ${id}.`)
    return row
  }

  /** Contracts of a supplier. */
  async contracts(supplierId: string, actor: Actor): Promise<Contract[]> {
    await this.supplier(supplierId, actor)
    const rows = await this.deps.db
      .selectFrom('contracts')
      .selectAll()
      .where('supplier_id', '=', supplierId)
      .orderBy('id')
      .execute()
    return rows.map(toContract)
  }

  /** Adds a contract (admin, supplier managers). */
  async addContract(supplierId: string, body: unknown, actor: Actor): Promise<Contract> {
    const input = validateContract(body)
    refuseReversedRange(input.startsOn, input.endsOn, '/endsOn', 'startsOn') // 7.2
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      await this.supplier(supplierId, actor, tx)
      if (!canCreate(actor, 'supplier')) throw new ForbiddenError('You may not change suppliers.')
      await this.checkServices(input.data, tx)
      const id = await nextReference(tx, 'CON')
      const row = await sql<Record<string, unknown>>`
        insert into contracts (id, supplier_id, title, status, starts_on, ends_on, created_by, data)
        values (${id}, ${supplierId}, ${input.title}, ${input.status ?? 'active'},
          ${input.startsOn ?? null}, ${input.endsOn ?? null}, ${actor.username},
          ${JSON.stringify(input.data)}::jsonb)
        returning *`.execute(tx)
      const contract = toContract(row.rows[0] as Parameters<typeof toContract>[0])
      return {
        result: contract,
        evidence: {
          actor: actor.username,
          action: 'contract.created',
          entityType: 'contract',
          entityId: id,
          after: contract,
        },
      }
    })
  }

  /** Changes a contract; `version` must be current (409 otherwise). */
  async updateContract(
    supplierId: string,
    contractId: string,
    body: unknown,
    actor: Actor,
  ): Promise<Contract> {
    const patch = validateContractPatch(body)
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      await this.supplier(supplierId, actor, tx)
      if (!canCreate(actor, 'supplier')) throw new ForbiddenError('You may not change suppliers.')
      const current = await sql<Parameters<typeof toContract>[0]>`
        select * from contracts where id = ${contractId} and supplier_id = ${supplierId} for update`.execute(
        tx,
      )
      const row = current.rows[0]
      if (!row) throw new NotFoundError(`No contract ${contractId} of ${supplierId}.`)
      // 7.2, 9.2: a contract in force changes through a change (or document control)
      refuseDirectEdit('contract', { id: contractId, status: row.status, data: {} })
      if (row.version !== patch.version) {
        throw new ConflictError(`${contractId} was changed by someone else; reload and try again.`)
      }
      if (patch.data) await this.checkServices(patch.data, tx)
      const before = toContract(row)
      const term = { ...before, ...patch }
      refuseReversedRange(term.startsOn, term.endsOn, '/endsOn', 'startsOn') // 7.2
      const updated = await sql<Parameters<typeof toContract>[0]>`
        update contracts set
          title = ${patch.title ?? before.title},
          status = ${patch.status ?? before.status},
          starts_on = ${patch.startsOn !== undefined ? patch.startsOn : before.startsOn},
          ends_on = ${patch.endsOn !== undefined ? patch.endsOn : before.endsOn},
          data = ${JSON.stringify(patch.data ?? before.data)}::jsonb,
          version = version + 1, updated_at = now()
        where id = ${contractId} returning *`.execute(tx)
      const after = toContract(updated.rows[0]!)
      return {
        result: after,
        evidence: {
          actor: actor.username,
          action: 'contract.updated',
          entityType: 'contract',
          entityId: contractId,
          before,
          after,
        },
      }
    })
  }

  private async checkServices(data: Record<string, unknown>, tx: Kysely<DB>) {
    const services = (data.services as string[] | undefined) ?? []
    if (!services.length) return
    const found = await tx.selectFrom('services').select('id').where('id', 'in', services).execute()
    const missing = services.filter((s) => !found.some((f) => f.id === s))
    if (missing.length) {
      throw new UserError('The contract names unknown services.', [
        { path: '/data/services', message: `unknown: ${missing.join(', ')}` },
      ])
    }
  }
}

function toItem(r: {
  id: string
  service_id: string
  name: string
  description: string
  requires_approval: boolean
  fulfilment_group: string | null
}): CatalogueItem {
  return {
    id: r.id,
    serviceId: r.service_id,
    name: r.name,
    description: r.description,
    requiresApproval: r.requires_approval,
    fulfilmentGroup: r.fulfilment_group,
  }
}

function toContract(r: {
  id: string
  supplier_id: string
  title: string
  status: string
  starts_on: unknown
  ends_on: unknown
  version: number
  created_by: string
  created_at: Date | string
  updated_at: Date | string
  data: unknown
  document_id?: string | null
  document_version?: number | null
}): Contract {
  return {
    id: r.id,
    supplierId: r.supplier_id,
    title: r.title,
    status: r.status,
    startsOn: dateOnly(r.starts_on),
    endsOn: dateOnly(r.ends_on),
    version: r.version,
    createdBy: r.created_by,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    data: (r.data ?? {}) as Record<string, unknown>,
    document:
      r.document_id && r.document_version !== null && r.document_version !== undefined
        ? { id: r.document_id, version: Number(r.document_version) }
        : null,
  }
}
