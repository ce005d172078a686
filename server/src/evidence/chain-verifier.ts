/**
 * Verification of the evidence trail (ISO/IEC 20000-1 4.3.3): recomputes the hash chain, checks
 * every checkpoint entry's signature and that it vouches for its predecessor, checks that the
 * chain still contains every checkpoint held outside the database (the server's anchor, an
 * auditor's copy), and that the head row matches the last entry. Reports the first break: the
 * first seq that can no longer be trusted and what kind of break it is.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { CHECKPOINT_ACTION, isCheckpoint, type Checkpoint, type EvidenceSigner } from './checkpoint'
import { GENESIS_HASH, hashEntry, toEntry, type EvidenceEntry, type EvidenceRow } from './entry'

/** What broke, from the most local (one row) to the most global (the whole trail). */
export const BreakKind = {
  /** An entry is missing inside the chain. */
  Gap: 'gap',
  /** An entry's `prevHash` is not its predecessor's hash (rows reordered or replaced). */
  PrevHash: 'prev-hash',
  /** An entry's content does not match its own hash. */
  Altered: 'altered',
  /** A checkpoint entry without a readable checkpoint. */
  BadCheckpoint: 'bad-checkpoint',
  /** A checkpoint entry vouches for another hash or seq than its predecessor's: recomputed chain. */
  CheckpointMismatch: 'checkpoint-mismatch',
  /** A checkpoint whose signature does not verify: forged or altered. */
  BadSignature: 'bad-signature',
  /** A checkpoint signed with another key than the configured one. */
  UnknownKey: 'unknown-key',
  /** The chain holds another hash at the seq of a checkpoint held outside the database. */
  Rewritten: 'rewritten',
  /** The chain ends before a checkpoint held outside the database: its tail was removed. */
  MissingTail: 'missing-tail',
  /** The chain is empty although a checkpoint held outside the database vouches for entries. */
  Truncated: 'truncated',
  /** The head row does not match the last entry. */
  HeadMismatch: 'head-mismatch',
  /** The server's anchor file is unreadable or its signature does not verify. */
  BadAnchor: 'bad-anchor',
} as const
export type BreakKind = (typeof BreakKind)[keyof typeof BreakKind]

/** Result of a verification. `signedUpTo`: entries up to this seq are vouched for by a checkpoint. */
export type VerifyResult =
  | {
      ok: true
      entries: number
      headSeq: number
      headHash: string
      /** Checkpoint entries in the trail. */
      checkpoints: number
      signedUpTo: number
      /** Whether checkpoint signatures were checked (false only without a configured key). */
      signaturesChecked: boolean
      /** The newest checkpoint held outside the database that the chain was checked against. */
      anchoredSeq: number | null
      /** A checkpoint of the head, signed now: keep it to prove later that nothing was rewritten. */
      checkpoint?: Checkpoint
    }
  | {
      ok: false
      entries: number
      /** The first seq that can no longer be trusted. */
      brokenAt: number
      kind: BreakKind
      reason: string
      signedUpTo: number
    }

/** A checkpoint held outside the database, its signature already checked. */
export interface HeldCheckpoint {
  checkpoint: Checkpoint
  /** Where it came from, for the report: `the server's anchor`, `the supplied checkpoint`. */
  source: string
}

export interface VerifyChainOptions {
  signer?: EvidenceSigner
  held: HeldCheckpoint[]
  pageSize: number
}

const short = (hash: string) => `${hash.slice(0, 12)}…`

export async function verifyChain(
  db: Kysely<DB>,
  options: VerifyChainOptions,
): Promise<VerifyResult> {
  const { signer, pageSize } = options
  const held = [...options.held].sort((a, b) => a.checkpoint.seq - b.checkpoint.seq)
  let nextHeld = 0
  let prevHash = GENESIS_HASH
  let expectedSeq = 1
  let count = 0
  let checkpoints = 0
  let signedUpTo = 0
  const fail = (brokenAt: number, kind: BreakKind, reason: string): VerifyResult => ({
    ok: false,
    entries: count,
    brokenAt,
    kind,
    reason,
    signedUpTo,
  })
  /** Entries since the last trusted checkpoint up to `seq`: where a recomputed chain hides. */
  const span = (seq: number) =>
    signedUpTo + 1 >= seq ? `entry ${seq} was` : `entries ${signedUpTo + 1}–${seq} were`

  // Walk up to the head as it is now: entries appended meanwhile only come after it (the
  // database inserts at the head only), and checkpoints held before this call are not beyond it.
  const head = await readHead(db)
  for (;;) {
    const rows = await db
      .selectFrom('evidence')
      .selectAll()
      .where('seq', '>=', String(expectedSeq))
      .where('seq', '<=', String(head?.seq ?? 0))
      .orderBy('seq')
      .limit(pageSize)
      .execute()
    for (const row of rows) {
      const e = toEntry(row as EvidenceRow)
      count++
      if (e.seq !== expectedSeq) {
        return fail(
          expectedSeq,
          BreakKind.Gap,
          `entry ${expectedSeq} is missing (next is ${e.seq})`,
        )
      }
      if (e.prevHash !== prevHash) {
        return fail(
          e.seq,
          BreakKind.PrevHash,
          'prev_hash does not match the hash of the previous entry',
        )
      }
      const { hash: stored, ...unsigned } = e
      if (hashEntry(unsigned) !== stored) {
        return fail(
          e.seq,
          BreakKind.Altered,
          'content does not match its hash (the entry was altered)',
        )
      }
      if (e.action === CHECKPOINT_ACTION) {
        const broken = checkCheckpointEntry(e, signer, span)
        if (broken) return fail(broken.brokenAt ?? signedUpTo + 1, broken.kind, broken.reason)
        checkpoints++
        if (signer) signedUpTo = e.seq - 1
      }
      for (; nextHeld < held.length && held[nextHeld]!.checkpoint.seq === e.seq; nextHeld++) {
        const { checkpoint, source } = held[nextHeld]!
        if (checkpoint.hash !== e.hash) {
          return fail(
            signedUpTo + 1,
            BreakKind.Rewritten,
            `${source} (signed ${checkpoint.signedAt}) vouches for entry ${e.seq} with hash ${short(checkpoint.hash)}, but the chain has ${short(e.hash)}: ${span(e.seq)} changed and the chain recomputed`,
          )
        }
        signedUpTo = e.seq
      }
      prevHash = stored
      expectedSeq++
    }
    if (rows.length < pageSize) break
  }
  const lastSeq = expectedSeq - 1
  if (nextHeld < held.length) {
    const { checkpoint, source } = held[held.length - 1]!
    const removed =
      lastSeq + 1 === checkpoint.seq
        ? `entry ${checkpoint.seq} was`
        : `entries ${lastSeq + 1}–${checkpoint.seq} were`
    return count === 0
      ? fail(
          1,
          BreakKind.Truncated,
          `the trail is empty, but ${source} (signed ${checkpoint.signedAt}) vouches for ${checkpoint.seq} entries: the trail was truncated`,
        )
      : fail(
          lastSeq + 1,
          BreakKind.MissingTail,
          `the trail ends at entry ${lastSeq}, but ${source} (signed ${checkpoint.signedAt}) vouches for entry ${checkpoint.seq}: ${removed} removed from the end`,
        )
  }
  const headSeq = head?.seq ?? 0
  if (!head || headSeq !== lastSeq || head.hash !== prevHash) {
    return fail(
      Math.min(headSeq, lastSeq) + 1,
      BreakKind.HeadMismatch,
      `the chain head (seq ${headSeq}) does not match the last entry (seq ${lastSeq}): entries were removed`,
    )
  }
  // Entries past the head (the head was set back over them): the maximum is read before the
  // head, so an append committing in between cannot look like one.
  const max = await db
    .selectFrom('evidence')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst()
  const maxSeq = Number(max?.seq ?? 0)
  const headNow = await readHead(db)
  if (maxSeq > (headNow?.seq ?? 0)) {
    return fail(
      headSeq + 1,
      BreakKind.HeadMismatch,
      `the chain head (seq ${headNow?.seq ?? 0}) was set back behind the last entry (seq ${maxSeq})`,
    )
  }
  return {
    ok: true,
    entries: count,
    headSeq,
    headHash: prevHash,
    checkpoints,
    signedUpTo,
    signaturesChecked: !!signer,
    anchoredSeq: held.length ? held[held.length - 1]!.checkpoint.seq : null,
  }
}

async function readHead(db: Kysely<DB>): Promise<{ seq: number; hash: string } | undefined> {
  const head = await db
    .selectFrom('evidence_head')
    .select(['seq', 'hash'])
    .where('id', '=', 1)
    .executeTakeFirst()
  return head && { seq: Number(head.seq), hash: head.hash }
}

interface CheckpointBreak {
  /** Default: the first entry after the last trusted checkpoint. */
  brokenAt?: number
  kind: BreakKind
  reason: string
}

/**
 * A checkpoint entry must vouch for its own predecessor (seq and hash) with a valid signature:
 * whoever recomputes the chain after changing an earlier entry changes that hash, and cannot
 * sign the new one.
 */
function checkCheckpointEntry(
  e: EvidenceEntry,
  signer: EvidenceSigner | undefined,
  span: (seq: number) => string,
): CheckpointBreak | undefined {
  const c = e.after
  if (!isCheckpoint(c)) {
    return {
      brokenAt: e.seq,
      kind: BreakKind.BadCheckpoint,
      reason: `checkpoint entry ${e.seq} carries no readable checkpoint`,
    }
  }
  if (c.seq !== e.seq - 1) {
    return {
      kind: BreakKind.CheckpointMismatch,
      reason: `checkpoint entry ${e.seq} vouches for entry ${c.seq}, not for its predecessor ${e.seq - 1}: entries before it were removed or inserted and the chain renumbered`,
    }
  }
  if (c.hash !== e.prevHash) {
    return {
      kind: BreakKind.CheckpointMismatch,
      reason: `checkpoint entry ${e.seq} vouches for entry ${c.seq} with hash ${short(c.hash)}, but the chain has ${short(e.prevHash)}: ${span(c.seq)} changed and the chain recomputed`,
    }
  }
  if (!signer) return undefined
  const check = signer.check(c)
  if (check === 'other-key') {
    return {
      kind: BreakKind.UnknownKey,
      reason: `checkpoint entry ${e.seq} was signed with key ${c.keyId}, but the configured key is ${signer.keyId}: configure the key that signed it`,
    }
  }
  if (check === 'invalid') {
    return {
      kind: BreakKind.BadSignature,
      reason: `the signature of checkpoint entry ${e.seq} does not verify: the checkpoint was forged or altered, so what it vouches for cannot be trusted (${span(c.seq)} possibly changed)`,
    }
  }
  return undefined
}
