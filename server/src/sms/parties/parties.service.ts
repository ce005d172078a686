/**
 * Processes operated by other parties (ISO/IEC 20000-1 4.2): each process, or part of one, run
 * by a supplier, an internal group or a customer, with its owner in the provider, the agreement
 * it runs under (a contract or an OLA, itself a controlled SMS document), how it is governed,
 * its targets (an OLA's targets when the party is an internal group) and the performance
 * measured against them. Every write is one transaction with its evidence entry.
 */
import type { Kysely, Selectable, Updateable } from 'kysely'
import type { DB, SmsPartyProcessesTable } from '../../db/schema'
import { iso } from '../../db/timestamps'
import { writeWithEvidence, type AuditSink } from '../../evidence/audit-sink'
import { nextReference } from '../../cases/references'
import { NotFoundError, UserError } from '../../errors'

export const PartyType = {
  Supplier: 'supplier',
  InternalGroup: 'internal-group',
  Customer: 'customer',
} as const
export type PartyType = (typeof PartyType)[keyof typeof PartyType]

export interface Target {
  name: string
  target: number
  unit: string
  direction: 'at-least' | 'at-most'
}
export interface Measurement {
  name: string
  value: number
  period: string
  note: string
  recordedBy: string
  recordedAt: string
  met: boolean | null
}
export interface PartyProcessInput {
  process: string
  part: string
  partyType: PartyType
  party: string
  owner: string
  agreementDocumentId?: string
  governance?: string
  targets?: Target[]
}
export interface PartyProcess extends Required<Omit<PartyProcessInput, 'agreementDocumentId'>> {
  id: string
  agreementDocumentId: string | null
  measurements: Measurement[]
  createdBy: string
  createdAt: string
}

const toParty = (r: Selectable<SmsPartyProcessesTable>): PartyProcess => ({
  id: r.id,
  process: r.process,
  part: r.part,
  partyType: r.party_type as PartyType,
  party: r.party,
  owner: r.owner,
  agreementDocumentId: r.agreement_document_id,
  governance: r.governance,
  targets: r.targets as Target[],
  measurements: r.measurements as Measurement[],
  createdBy: r.created_by,
  createdAt: iso(r.created_at),
})

export class PartiesService {
  constructor(private readonly deps: { db: Kysely<DB>; audit: AuditSink; now: () => Date }) {}

  async list(): Promise<PartyProcess[]> {
    return (
      await this.deps.db.selectFrom('sms_party_processes').selectAll().orderBy('id').execute()
    ).map(toParty)
  }

  async get(id: string): Promise<PartyProcess> {
    const r = await this.deps.db
      .selectFrom('sms_party_processes')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (!r) throw new NotFoundError(`No process operated by another party ${id}.`)
    return toParty(r)
  }

  /** The agreement must be a registered SMS document; an internal group must exist (4.2). */
  private async check(tx: Kysely<DB>, input: Partial<PartyProcessInput>) {
    if (input.agreementDocumentId) {
      const doc = await tx
        .selectFrom('sms_documents')
        .select('kind')
        .where('id', '=', input.agreementDocumentId)
        .executeTakeFirst()
      if (!doc)
        throw new UserError(
          `The agreement ${input.agreementDocumentId} is not in the SMS documents register.`,
        )
    }
    if (input.partyType === PartyType.InternalGroup && input.party) {
      const g = await tx
        .selectFrom('groups')
        .select('id')
        .where('id', '=', input.party)
        .executeTakeFirst()
      if (!g) throw new UserError(`No internal group ${input.party}.`)
    }
    if (input.partyType === PartyType.Supplier && input.party) {
      const s = await tx
        .selectFrom('suppliers')
        .select('id')
        .where('id', '=', input.party)
        .executeTakeFirst()
      if (!s) throw new UserError(`No supplier ${input.party}.`)
    }
  }

  async create(input: PartyProcessInput, actor: string): Promise<PartyProcess> {
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      await this.check(tx, input)
      const id = await nextReference(tx, 'OPP')
      const row = await tx
        .insertInto('sms_party_processes')
        .values({
          id,
          process: input.process,
          part: input.part,
          party_type: input.partyType,
          party: input.party,
          owner: input.owner,
          agreement_document_id: input.agreementDocumentId ?? null,
          governance: input.governance ?? '',
          targets: JSON.stringify(input.targets ?? []),
          measurements: JSON.stringify([]),
          created_by: actor,
          created_at: this.deps.now(),
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      const after = toParty(row)
      return {
        result: after,
        evidence: {
          actor,
          action: 'party-process.created',
          entityType: 'party-process',
          entityId: id,
          after,
        },
      }
    })
  }

  async update(
    id: string,
    patch: Partial<PartyProcessInput>,
    actor: string,
  ): Promise<PartyProcess> {
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const before = await this.get(id)
      await this.check(tx, {
        ...before,
        agreementDocumentId: before.agreementDocumentId ?? undefined,
        ...patch,
      })
      const set: Updateable<SmsPartyProcessesTable> = {}
      if (patch.process !== undefined) set.process = patch.process
      if (patch.part !== undefined) set.part = patch.part
      if (patch.partyType !== undefined) set.party_type = patch.partyType
      if (patch.party !== undefined) set.party = patch.party
      if (patch.owner !== undefined) set.owner = patch.owner
      if (patch.agreementDocumentId !== undefined)
        set.agreement_document_id = patch.agreementDocumentId
      if (patch.governance !== undefined) set.governance = patch.governance
      if (patch.targets !== undefined) set.targets = JSON.stringify(patch.targets)
      if (!Object.keys(set).length) return { result: before, evidence: null }
      const row = await tx
        .updateTable('sms_party_processes')
        .set(set)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
      const after = toParty(row)
      return {
        result: after,
        evidence: {
          actor,
          action: 'party-process.updated',
          entityType: 'party-process',
          entityId: id,
          before,
          after,
        },
      }
    })
  }

  /** Performance measured against one of the targets (4.2: the provider governs the process). */
  async measure(
    id: string,
    m: { name: string; value: number; period: string; note?: string },
    actor: string,
  ) {
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const row = await tx
        .selectFrom('sms_party_processes')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst()
      if (!row) throw new NotFoundError(`No process operated by another party ${id}.`)
      const target = (row.targets as Target[]).find((t) => t.name === m.name)
      if (!target) throw new UserError(`${id} has no target "${m.name}".`)
      const measurement: Measurement = {
        name: m.name,
        value: m.value,
        period: m.period,
        note: m.note ?? '',
        recordedBy: actor,
        recordedAt: this.deps.now().toISOString(),
        met: target.direction === 'at-least' ? m.value >= target.target : m.value <= target.target,
      }
      const measurements = [...(row.measurements as Measurement[]), measurement]
      const updated = await tx
        .updateTable('sms_party_processes')
        .set({ measurements: JSON.stringify(measurements) })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
      return {
        result: toParty(updated),
        evidence: {
          actor,
          action: 'party-process.measured',
          entityType: 'party-process',
          entityId: id,
          after: measurement,
        },
      }
    })
  }
}
