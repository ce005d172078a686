/**
 * The evidence trail (ISO/IEC 20000-1 4.3.3 control of records): an append-only, hash-chained
 * log of every state-changing action. Each entry's hash is SHA-256 over a canonical JSON of the
 * entry and the previous entry's hash, so changing, removing or reordering any row breaks the
 * chain from that row on; {@link AuditTrail.verify} recomputes it and names the first broken link.
 */
import { createHash } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema'

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

/** One stored entry. */
export interface EvidenceEntry {
  seq: number
  /** ISO 8601 with milliseconds. */
  at: string
  actor: string
  action: string
  entityType: string
  entityId: string
  before: unknown
  after: unknown
  processInstanceKey: string | null
  prevHash: string
  hash: string
}

/** Result of {@link AuditTrail.verify}. */
export type VerifyResult =
  | { ok: true; entries: number; headSeq: number; headHash: string }
  | { ok: false; entries: number; brokenAt: number; reason: string }

/** Filters for {@link AuditTrail.list}. */
export interface EvidenceQuery {
  entityType?: string
  entityId?: string
  actor?: string
  processInstanceKey?: string
  /** ISO timestamps, inclusive lower / exclusive upper bound. */
  from?: string
  to?: string
  /** Entries after this seq (for paging forward). */
  afterSeq?: number
  /** Entries before this seq (for paging backward with `order: 'desc'`). */
  beforeSeq?: number
  /** `asc` (default, oldest first) or `desc` (newest first). */
  order?: 'asc' | 'desc'
  limit?: number
}

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value instanceof Date) return JSON.stringify(value.toISOString())
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

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
function asStoredJson(value: unknown): unknown {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown)
}

interface EvidenceRow {
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

function toEntry(r: EvidenceRow): EvidenceEntry {
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

/** Appends to, reads and verifies the evidence trail. */
export class AuditTrail {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * Appends one entry. Pass the transaction of the change it records, so the change and its
   * evidence commit or roll back together. Appends are serialized on the chain head's row lock.
   */
  async append(input: EvidenceInput, tx?: Kysely<DB>): Promise<EvidenceEntry> {
    if (tx) return this.appendIn(tx, input)
    return this.db.transaction().execute((trx) => this.appendIn(trx, input))
  }

  private async appendIn(tx: Kysely<DB>, input: EvidenceInput): Promise<EvidenceEntry> {
    const head = await sql<{ seq: string | number; hash: string }>`
      select seq, hash from evidence_head where id = 1 for update`.execute(tx)
    const prev = head.rows[0]
    if (!prev) throw new Error('evidence_head is missing: the evidence migration did not run')
    const unsigned: Omit<EvidenceEntry, 'hash'> = {
      seq: Number(prev.seq) + 1,
      at: new Date().toISOString(),
      actor: input.actor,
      action: input.action,
      entityType: input.entityType,
      entityId: input.entityId,
      before: asStoredJson(input.before),
      after: asStoredJson(input.after),
      processInstanceKey: input.processInstanceKey ?? null,
      prevHash: prev.hash,
    }
    const entry: EvidenceEntry = { ...unsigned, hash: hashEntry(unsigned) }
    await sql`
      insert into evidence (seq, at, actor, action, entity_type, entity_id, before, after,
        process_instance_key, prev_hash, hash)
      values (${entry.seq}, ${entry.at}, ${entry.actor}, ${entry.action}, ${entry.entityType},
        ${entry.entityId}, ${jsonParam(entry.before)}::jsonb, ${jsonParam(entry.after)}::jsonb,
        ${entry.processInstanceKey}, ${entry.prevHash}, ${entry.hash})`.execute(tx)
    await sql`update evidence_head set seq = ${entry.seq}, hash = ${entry.hash} where id = 1`.execute(
      tx,
    )
    return entry
  }

  /** Entries matching `query`, oldest first unless `order` is `desc`. */
  async list(query: EvidenceQuery = {}): Promise<EvidenceEntry[]> {
    let q = this.db
      .selectFrom('evidence')
      .selectAll()
      .orderBy('seq', query.order === 'desc' ? 'desc' : 'asc')
      .limit(Math.min(query.limit ?? 200, 1000))
    if (query.entityType) q = q.where('entity_type', '=', query.entityType)
    if (query.entityId) q = q.where('entity_id', '=', query.entityId)
    if (query.actor) q = q.where('actor', '=', query.actor)
    if (query.processInstanceKey) q = q.where('process_instance_key', '=', query.processInstanceKey)
    if (query.from) q = q.where('at', '>=', new Date(query.from))
    if (query.to) q = q.where('at', '<', new Date(query.to))
    if (query.afterSeq !== undefined) q = q.where('seq', '>', String(query.afterSeq))
    if (query.beforeSeq !== undefined) q = q.where('seq', '<', String(query.beforeSeq))
    const rows = await q.execute()
    return rows.map((r) => toEntry(r as EvidenceRow))
  }

  /**
   * Recomputes the whole chain in seq order, in pages. Reports the first entry whose seq is out
   * of sequence, whose `prevHash` is not its predecessor's hash, or whose stored hash differs
   * from the recomputed one; also checks the chain head.
   */
  async verify(pageSize = 1000): Promise<VerifyResult> {
    let prevHash = GENESIS_HASH
    let expectedSeq = 1
    let count = 0
    for (;;) {
      const rows = await this.db
        .selectFrom('evidence')
        .selectAll()
        .where('seq', '>=', String(expectedSeq))
        .orderBy('seq')
        .limit(pageSize)
        .execute()
      for (const row of rows) {
        const e = toEntry(row as EvidenceRow)
        count++
        if (e.seq !== expectedSeq) {
          return {
            ok: false,
            entries: count,
            brokenAt: expectedSeq,
            reason: `entry ${expectedSeq} is missing (next is ${e.seq})`,
          }
        }
        if (e.prevHash !== prevHash) {
          return {
            ok: false,
            entries: count,
            brokenAt: e.seq,
            reason: 'prev_hash does not match the hash of the previous entry',
          }
        }
        const { hash: stored, ...unsigned } = e
        if (hashEntry(unsigned) !== stored) {
          return {
            ok: false,
            entries: count,
            brokenAt: e.seq,
            reason: 'content does not match its hash (the entry was altered)',
          }
        }
        prevHash = stored
        expectedSeq++
      }
      if (rows.length < pageSize) break
    }
    const head = await this.db
      .selectFrom('evidence_head')
      .select(['seq', 'hash'])
      .where('id', '=', 1)
      .executeTakeFirst()
    const headSeq = Number(head?.seq ?? 0)
    if (!head || headSeq !== expectedSeq - 1 || head.hash !== prevHash) {
      return {
        ok: false,
        entries: count,
        brokenAt: Math.min(headSeq, expectedSeq - 1) + 1,
        reason: `the chain head (seq ${headSeq}) does not match the last entry (seq ${expectedSeq - 1}): entries were removed`,
      }
    }
    return { ok: true, entries: count, headSeq, headHash: prevHash }
  }
}

function jsonParam(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value)
}
