/**
 * One entry of the evidence trail and its hash: SHA-256 (hex) over the canonical JSON of the
 * entry including the previous entry's hash. Unchanged since the first version, so trails
 * written before checkpoints existed still verify.
 */
import type { EvidenceEntry } from '@shared/api/evidence'
import { createHash } from 'node:crypto'
import { canonicalJson } from './canonical-json'

/** The hash that precedes the first entry. */
export const GENESIS_HASH = '0'.repeat(64)

/** What a caller records: who did what to which record, with the record before and after. */
export interface EvidenceInput {
  /** Username, or `system:<component>` for workers and start-up tasks. */
  actor: string
  /** Verb phrase in kebab-case, e.g. `case.created`, `ci.updated`, `baseline.taken`. */
  action: string
  /** Kind of record, e.g. `incident`, `ci`, `service`. */
  entityType: string
  entityId: string
  before?: unknown
  after?: unknown
  /** The process instance the action belongs to, when one does. */
  processInstanceKey?: string | null
}

/** One stored entry, as the API returns it (shared/api/evidence.ts). */
export type { EvidenceEntry } from '@shared/api/evidence'

/** The hash of an entry: SHA-256 (hex) over its canonical JSON including `prevHash`. */
export function hashEntry(entry: Omit<EvidenceEntry, 'hash'>): string {
  const body = canonicalJson({
    seq: entry.seq,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    before: entry.before ?? null,
    after: entry.after ?? null,
    processInstanceKey: entry.processInstanceKey ?? null,
    prevHash: entry.prevHash,
  })
  return createHash('sha256').update(body).digest('hex')
}

/** The value as it comes back from a jsonb column: Dates as ISO strings, undefined dropped. */
export function asStoredJson(value: unknown): unknown {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown)
}

/** A row of the `evidence` table as the drivers return it. */
export interface EvidenceRow {
  seq: string | number
  at: Date | string
  actor: string
  action: string
  entity_type: string
  entity_id: string
  before: unknown
  after: unknown
  process_instance_key: string | null
  prev_hash: string
  hash: string
}

export function toEntry(r: EvidenceRow): EvidenceEntry {
  return {
    seq: Number(r.seq),
    at: new Date(r.at).toISOString(),
    actor: r.actor,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    before: r.before,
    after: r.after,
    processInstanceKey: r.process_instance_key,
    prevHash: r.prev_hash,
    hash: r.hash,
  }
}
