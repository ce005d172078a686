/**
 * External parties' access to information (ISO/IEC 20000-1 6.6.2): which supplier, customer or
 * other party accesses which information, systems or services, with which access, and the
 * controls agreed with it (those of the register and in words); revoked when it ends. Every
 * write is one transaction with its evidence entry (4.3.3).
 */
import type { Kysely, Selectable, Updateable } from 'kysely'
import type { DB, SecurityPartyAccessTable } from '../db/schema'
import { iso, isoOrNull } from '../db/timestamps'
import { writeWithEvidence, type AuditSink } from '../evidence/audit-sink'
import { nextReference } from '../cases/references'
import { ConflictError, NotFoundError } from '../errors'
import { UnprocessableError } from '../cases/change-control'
import type { Actor } from '../cases/access'
import { AccessStatus, type PartyAccess, type PartyType } from './security-model'

export interface PartyAccessInput {
  partyType: PartyType
  supplierId?: string | null
  partyName?: string
  information: string
  access: string
  controlIds: string[]
  agreedControls: string
  validUntil?: string | null
}
export type PartyAccessPatch = Partial<PartyAccessInput> & {
  version: number
  status?: AccessStatus
}

type Row = Selectable<SecurityPartyAccessTable>

export class PartyAccessService {
  constructor(private readonly deps: { db: Kysely<DB>; audit: AuditSink; now: () => Date }) {}

  private toAccess(r: Row): PartyAccess {
    const until = isoOrNull(r.valid_until)
    return {
      id: r.id,
      partyType: r.party_type as PartyType,
      supplierId: r.supplier_id,
      partyName: r.party_name,
      information: r.information,
      access: r.access,
      controlIds: r.control_ids,
      agreedControls: r.agreed_controls,
      agreedBy: r.agreed_by,
      agreedAt: iso(r.agreed_at),
      validUntil: until,
      status: r.status as AccessStatus,
      expired:
        r.status === AccessStatus.Active &&
        until !== null &&
        Date.parse(until) < this.deps.now().getTime(),
      version: r.version,
      updatedAt: iso(r.updated_at),
    }
  }

  async list(filter: { supplierId?: string } = {}): Promise<PartyAccess[]> {
    let q = this.deps.db.selectFrom('security_party_access').selectAll()
    if (filter.supplierId) q = q.where('supplier_id', '=', filter.supplierId)
    return (await q.orderBy('id').execute()).map((r) => this.toAccess(r))
  }

  async get(id: string): Promise<PartyAccess> {
    const r = await this.deps.db
      .selectFrom('security_party_access')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (!r) throw new NotFoundError(`No external party access ${id}.`)
    return this.toAccess(r)
  }

  /** The party's name (a supplier's from the register) and the controls named must exist. */
  private async resolve(tx: Kysely<DB>, input: Partial<PartyAccessInput>) {
    let name = input.partyName
    if (input.supplierId) {
      const s = await tx
        .selectFrom('suppliers')
        .select('name')
        .where('id', '=', input.supplierId)
        .executeTakeFirst()
      if (!s) throw new UnprocessableError(`No supplier ${input.supplierId}.`)
      name = s.name
    }
    if (input.controlIds?.length) {
      const found = await tx
        .selectFrom('security_controls')
        .select('id')
        .where('id', 'in', input.controlIds)
        .execute()
      const missing = input.controlIds.filter((id) => !found.some((f) => f.id === id))
      if (missing.length) {
        throw new UnprocessableError(`No security control ${missing.join(', ')} in the register.`)
      }
    }
    return name
  }

  async create(input: PartyAccessInput, actor: Actor): Promise<PartyAccess> {
    if (input.partyType === 'supplier' && !input.supplierId) {
      throw new UnprocessableError('Name the supplier (supplierId) of a supplier’s access.')
    }
    if (input.partyType !== 'supplier' && !input.partyName) {
      throw new UnprocessableError('Name the party (partyName).')
    }
    if (!input.controlIds.length && !input.agreedControls.trim()) {
      throw new UnprocessableError('Access is granted only with the controls agreed (6.6.2).')
    }
    const id = await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const name = await this.resolve(tx, input)
      const id = await nextReference(tx, 'SPA')
      const now = this.deps.now()
      const row = await tx
        .insertInto('security_party_access')
        .values({
          id,
          party_type: input.partyType,
          supplier_id: input.supplierId ?? null,
          party_name: name ?? '',
          information: input.information,
          access: input.access,
          control_ids: [...input.controlIds],
          agreed_controls: input.agreedControls,
          agreed_by: actor.username,
          agreed_at: now,
          valid_until: input.validUntil ? new Date(input.validUntil) : null,
          status: AccessStatus.Active,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      return {
        result: id,
        evidence: {
          actor: actor.username,
          action: 'security-party-access.agreed',
          entityType: 'security-party-access',
          entityId: id,
          after: row,
        },
      }
    })
    return this.get(id)
  }

  async update(id: string, patch: PartyAccessPatch, actor: Actor): Promise<PartyAccess> {
    await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const before = await tx
        .selectFrom('security_party_access')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst()
      if (!before) throw new NotFoundError(`No external party access ${id}.`)
      if (before.version !== patch.version) {
        throw new ConflictError(`${id} changed meanwhile (version ${before.version}); reload it.`)
      }
      const name = await this.resolve(tx, patch)
      const set: Updateable<SecurityPartyAccessTable> = {
        version: before.version + 1,
        updated_at: this.deps.now(),
      }
      if (patch.supplierId !== undefined) set.supplier_id = patch.supplierId
      if (name !== undefined) set.party_name = name
      if (patch.information !== undefined) set.information = patch.information
      if (patch.access !== undefined) set.access = patch.access
      if (patch.controlIds !== undefined) set.control_ids = [...patch.controlIds]
      if (patch.agreedControls !== undefined) set.agreed_controls = patch.agreedControls
      if (patch.validUntil !== undefined)
        set.valid_until = patch.validUntil ? new Date(patch.validUntil) : null
      if (patch.status !== undefined) set.status = patch.status
      const after = await tx
        .updateTable('security_party_access')
        .set(set)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
      return {
        result: null,
        evidence: {
          actor: actor.username,
          action:
            patch.status === AccessStatus.Revoked && before.status !== AccessStatus.Revoked
              ? 'security-party-access.revoked'
              : 'security-party-access.updated',
          entityType: 'security-party-access',
          entityId: id,
          before,
          after,
        },
      }
    })
    return this.get(id)
  }
}
