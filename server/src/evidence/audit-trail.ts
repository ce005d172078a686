/**
 * The evidence trail (ISO/IEC 20000-1 4.3.3 control of records): an append-only, hash-chained
 * log of every state-changing action. Each entry's hash is SHA-256 over a canonical JSON of the
 * entry and the previous entry's hash, so changing, removing or reordering any row breaks the
 * chain from that row on. The database refuses UPDATE, DELETE and TRUNCATE, and moves the head
 * only with an appended entry (migration 0500). Against someone who bypasses that (a superuser
 * disabling the triggers), signed checkpoints anchor the chain outside the database: checkpoint
 * entries in the trail, the server's anchor file and checkpoints auditors keep.
 * {@link AuditTrail.verify} checks all of it and names the first seq it can no longer trust.
 */
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema'
import type { Logger } from '../log'
import { EvidenceAnchor } from './anchor'
import { verifyChain, BreakKind, type HeldCheckpoint, type VerifyResult } from './chain-verifier'
import {
  CHECKPOINT_ACTION,
  isCheckpoint,
  type Checkpoint,
  type EvidenceSigner,
  type SignatureCheck,
} from './checkpoint'
import {
  asStoredJson,
  hashEntry,
  toEntry,
  type EvidenceEntry,
  type EvidenceInput,
  type EvidenceRow,
} from './entry'

export { canonicalJson } from './canonical-json'
export { GENESIS_HASH, hashEntry, type EvidenceEntry, type EvidenceInput } from './entry'
export { BreakKind, type VerifyResult } from './chain-verifier'

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

/** A checkpoint entry of the trail: the entry's seq and the checkpoint it carries. */
export interface CheckpointEntry {
  entrySeq: number
  at: string
  actor: string
  checkpoint: Checkpoint
}

/** Result of {@link AuditTrail.verifyCheckpoint}: an auditor's checkpoint against the trail. */
export interface CheckpointVerification {
  /** True when the checkpoint is genuine, the trail still contains it and the trail verifies. */
  ok: boolean
  signature: SignatureCheck
  /** Whether entry `seq` still has the checkpoint's hash (null: no such entry any more). */
  contained: boolean
  chainHash: string | null
  /** The whole trail's verification, with the checkpoint as a fixed point when it is genuine. */
  chain: VerifyResult
}

export interface AuditTrailOptions {
  /** Signs checkpoints; without one no checkpoints are written and signatures go unchecked. */
  signer?: EvidenceSigner
  /** The anchor file; without one the anchor lives in this process only. */
  anchorFile?: string
  /** Append a checkpoint after this many entries (0 = not by count). Default 100. */
  checkpointEvery?: number
  /** Append a checkpoint this often when entries came in since the last (0 = never). */
  checkpointIntervalMs?: number
  /** How long after an append the anchor is brought up to date. Default 200 ms. */
  settleDelayMs?: number
  log?: Logger
}

const SYSTEM_ACTOR = 'system:evidence'

/** Appends to, reads, checkpoints and verifies the evidence trail. */
export class AuditTrail {
  private readonly signer: EvidenceSigner | undefined
  private readonly options: AuditTrailOptions
  /** The newest checkpoint held outside the database; only with a signer. */
  private readonly anchor: EvidenceAnchor | undefined
  private lastCheckpointEntrySeq = 0
  private started = false
  private settleTimer: NodeJS.Timeout | undefined
  private intervalTimer: NodeJS.Timeout | undefined
  private settling: Promise<void> = Promise.resolve()
  private highestAppended = 0
  private settleRetries = 0

  constructor(
    private readonly db: Kysely<DB>,
    options: AuditTrailOptions = {},
  ) {
    this.signer = options.signer
    this.options = options
    this.anchor =
      options.signer && new EvidenceAnchor(db, options.signer, options.anchorFile, options.log)
  }

  /**
   * Appends one entry. Pass the transaction of the change it records, so the change and its
   * evidence commit or roll back together. Appends are serialized on the chain head's row lock.
   */
  async append(input: EvidenceInput, tx?: Kysely<DB>): Promise<EvidenceEntry> {
    const entry = tx
      ? await this.appendIn(tx, () => input)
      : await this.db.transaction().execute((trx) => this.appendIn(trx, () => input))
    if (!entry) throw new Error('unreachable: an entry without a predecessor check')
    this.afterAppend(entry.seq)
    return entry
  }

  /**
   * Appends `build(head)` at the head, holding the head's row lock; `build` returns undefined
   * to append nothing. The database checks the entry chains to the head and moves the head.
   */
  private async appendIn(
    tx: Kysely<DB>,
    build: (head: { seq: number; hash: string }) => EvidenceInput | undefined,
  ): Promise<EvidenceEntry | undefined> {
    const head = await sql<{ seq: string | number; hash: string }>`
      select seq, hash from evidence_head where id = 1 for update`.execute(tx)
    const prev = head.rows[0]
    if (!prev) throw new Error('evidence_head is missing: the evidence migration did not run')
    const input = build({ seq: Number(prev.seq), hash: prev.hash })
    if (!input) return undefined
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
   * Appends a checkpoint entry vouching for the current head, signed with the configured key.
   * When the head already is a checkpoint, returns that one instead of piling up another.
   * Undefined when the trail is empty.
   */
  async checkpoint(actor = SYSTEM_ACTOR): Promise<CheckpointEntry | undefined> {
    const signer = this.signer
    if (!signer) throw new Error('evidence checkpoints need a signing key')
    const result = await this.db.transaction().execute(async (trx) => {
      let existing: CheckpointEntry | undefined
      const entry = await this.appendIn(trx, (head) => {
        if (head.seq === 0) return undefined
        return {
          actor,
          action: CHECKPOINT_ACTION,
          entityType: 'evidence',
          entityId: String(head.seq),
          after: signer.sign(head.seq, head.hash, new Date()),
        }
      })
      if (!entry) {
        const last = await trx
          .selectFrom('evidence')
          .selectAll()
          .orderBy('seq', 'desc')
          .limit(1)
          .executeTakeFirst()
        if (last) existing = toCheckpointEntry(toEntry(last as EvidenceRow))
      }
      return entry ? toCheckpointEntry(entry) : existing
    })
    if (result) {
      this.lastCheckpointEntrySeq = Math.max(this.lastCheckpointEntrySeq, result.entrySeq)
      this.afterAppend(result.entrySeq)
    }
    return result
  }

  /** Checkpoint entries of the trail, oldest first, for auditors to keep. */
  async listCheckpoints(
    query: { afterSeq?: number; limit?: number; order?: 'asc' | 'desc' } = {},
  ): Promise<CheckpointEntry[]> {
    let q = this.db
      .selectFrom('evidence')
      .selectAll()
      .where('action', '=', CHECKPOINT_ACTION)
      .orderBy('seq', query.order === 'desc' ? 'desc' : 'asc')
      .limit(Math.min(query.limit ?? 200, 1000))
    if (query.afterSeq !== undefined) q = q.where('seq', '>', String(query.afterSeq))
    const rows = await q.execute()
    return rows.flatMap((r) => {
      const c = toCheckpointEntry(toEntry(r as EvidenceRow))
      return c ? [c] : []
    })
  }

  /**
   * Recomputes the whole chain in seq order and checks every checkpoint entry and the anchor
   * (see {@link verifyChain}). When the trail verifies and a key is configured, the result
   * carries a checkpoint of the head signed now, and the anchor moves up to it.
   */
  async verify(pageSize = 1000, extra: HeldCheckpoint[] = []): Promise<VerifyResult> {
    const problem = this.anchor?.problem
    if (problem) {
      return {
        ok: false,
        entries: 0,
        brokenAt: 1,
        kind: BreakKind.BadAnchor,
        reason: problem,
        signedUpTo: 0,
      }
    }
    const held = [...extra]
    const anchored = this.anchor?.checkpoint
    if (anchored) held.push({ checkpoint: anchored, source: "the server's anchor" })
    const result = await verifyChain(this.db, { signer: this.signer, held, pageSize })
    if (!result.ok || !this.signer || !this.anchor || result.headSeq === 0) return result
    const checkpoint = this.signer.sign(result.headSeq, result.headHash, new Date())
    await this.anchor.advance(checkpoint)
    return { ...result, checkpoint }
  }

  /** Checks a checkpoint someone kept: genuine, still contained, and the trail intact. */
  async verifyCheckpoint(checkpoint: Checkpoint): Promise<CheckpointVerification> {
    const signature: SignatureCheck = this.signer ? this.signer.check(checkpoint) : 'other-key'
    const row = await this.db
      .selectFrom('evidence')
      .select('hash')
      .where('seq', '=', String(checkpoint.seq))
      .executeTakeFirst()
    const chainHash = row?.hash ?? null
    const chain = await this.verify(
      1000,
      signature === 'valid' ? [{ checkpoint, source: 'the supplied checkpoint' }] : [],
    )
    const contained = chainHash === checkpoint.hash
    return {
      ok: signature === 'valid' && contained && chain.ok,
      signature,
      contained,
      chainHash,
      chain,
    }
  }

  /** The public half of the signing key, for auditors to check signatures offline. */
  get signingKey(): Pick<EvidenceSigner, 'keyId' | 'publicKeyHex' | 'publicKeyPem'> | undefined {
    return this.signer
  }

  /** The checkpoint held outside the database, if any (the anchor). */
  get anchored(): Checkpoint | undefined {
    return this.anchor?.checkpoint
  }

  /**
   * Signs the newest committed entry and makes it the anchor, unless the trail no longer
   * contains the current anchor (then the anchor stays as evidence of the rewrite).
   */
  async anchorNow(): Promise<Checkpoint | undefined> {
    return this.anchor?.advanceToHead()
  }

  /**
   * Starts the background work: reads the anchor file, appends a checkpoint over entries not
   * yet covered by one (also those written before checkpoints existed), then keeps appending
   * them by count and by time and keeps the anchor up to date.
   */
  async start(): Promise<void> {
    if (this.started) return
    await this.anchor?.load()
    const last = await this.db
      .selectFrom('evidence')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .where('action', '=', CHECKPOINT_ACTION)
      .executeTakeFirst()
    this.lastCheckpointEntrySeq = Number(last?.seq ?? 0)
    this.started = true
    if (this.signer) {
      try {
        await this.checkpoint()
        await this.anchorNow()
      } catch (err) {
        // a trail the database refuses to extend is reported by verification; start anyway
        this.options.log?.error('could not checkpoint the evidence trail at start', err)
      }
      const every = this.options.checkpointIntervalMs ?? 0
      if (every > 0) {
        this.intervalTimer = setInterval(() => this.runSettle(true), every)
        this.intervalTimer.unref()
      }
    }
  }

  /** Stops the background work after bringing the anchor up to date. */
  async stop(): Promise<void> {
    if (!this.started) return
    this.started = false
    clearTimeout(this.settleTimer)
    clearInterval(this.intervalTimer)
    await this.settling
    try {
      await this.anchorNow()
    } catch (err) {
      this.options.log?.warn('could not update the evidence anchor on stop', err)
    }
  }

  private afterAppend(seq: number): void {
    this.highestAppended = Math.max(this.highestAppended, seq)
    if (!this.started || !this.signer || this.settleTimer) return
    this.settleRetries = 0
    this.scheduleSettle()
  }

  private scheduleSettle(): void {
    this.settleTimer = setTimeout(() => {
      this.settleTimer = undefined
      this.runSettle(false)
    }, this.options.settleDelayMs ?? 200)
    this.settleTimer.unref()
  }

  /**
   * Appends a checkpoint when one is due, then anchors the newest committed entry. An entry
   * appended in a caller's transaction commits later: settle again a few times until it shows.
   */
  private runSettle(byTime: boolean): void {
    this.settling = this.settling.then(async () => {
      if (!this.started) return
      try {
        const head = await this.db
          .selectFrom('evidence_head')
          .select('seq')
          .where('id', '=', 1)
          .executeTakeFirst()
        const headSeq = Number(head?.seq ?? 0)
        const since = headSeq - this.lastCheckpointEntrySeq
        const every = this.options.checkpointEvery ?? 100
        if (since > 0 && (byTime || (every > 0 && since >= every))) await this.checkpoint()
        const anchored = await this.anchorNow()
        const behind = (anchored?.seq ?? 0) < this.highestAppended
        if (behind && this.started && !this.settleTimer && this.settleRetries++ < 25) {
          this.scheduleSettle()
        }
      } catch (err) {
        this.options.log?.error('evidence checkpoint or anchor failed; retrying later', err)
      }
    })
  }
}

function toCheckpointEntry(e: EvidenceEntry): CheckpointEntry | undefined {
  if (e.action !== CHECKPOINT_ACTION || !isCheckpoint(e.after)) return undefined
  return { entrySeq: e.seq, at: e.at, actor: e.actor, checkpoint: e.after }
}

function jsonParam(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value)
}
