/**
 * The one rule of evidence for every state-changing service (ISO/IEC 20000-1 4.3.3 control of
 * records): the change and its evidence entry are written in the same database transaction, so
 * neither is ever stored without the other. The types make it hard to do otherwise: an
 * {@link AuditSink} only appends inside a transaction, and {@link writeWithEvidence} is the
 * write helper services use for a change and its evidence.
 */
import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../db/schema'
import type { EvidenceInput } from './entry'

export type { EvidenceInput } from './entry'

/**
 * Where a state change is written as evidence: always in `tx`, the transaction of the change.
 * The evidence trail ({@link AuditTrail}) is one.
 */
export interface AuditSink {
  append(entry: EvidenceInput, tx: Kysely<DB>): Promise<unknown>
}

/**
 * The sink with the transaction still optional, for the modules that have not moved to
 * {@link AuditSink} yet (the inbox's tasks.service.ts). New code does not use it.
 */
export interface UnmigratedAuditSink {
  append(entry: EvidenceInput, tx?: Kysely<DB>): Promise<unknown>
}

/** What a change returns: its result and the evidence it is recorded with (none: no change). */
export interface EvidencedChange<T> {
  result: T
  evidence: EvidenceInput | readonly EvidenceInput[] | null
}

/**
 * Runs `change` in one transaction and appends the evidence it returns in that same
 * transaction: the change and its evidence commit or roll back together (4.3.3).
 */
export async function writeWithEvidence<T>(
  db: Kysely<DB>,
  audit: AuditSink,
  change: (tx: Transaction<DB>) => Promise<EvidencedChange<T>>,
): Promise<T> {
  return db.transaction().execute(async (tx) => {
    const { result, evidence } = await change(tx)
    const entries: readonly EvidenceInput[] =
      evidence === null ? [] : Array.isArray(evidence) ? evidence : [evidence as EvidenceInput]
    for (const entry of entries) await audit.append(entry, tx)
    return result
  })
}
