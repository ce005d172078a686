/**
 * The evidence trail proves itself (ISO/IEC 20000-1 4.3.3 control of records): the database
 * refuses TRUNCATE and moving the head, and what a superuser does with the guards switched off
 * (truncate, cut the tail, rewrite a row and recompute the chain) is caught by the signed
 * checkpoints held inside and outside the database, with the seq where the trail broke.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql, type Kysely } from 'kysely'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../../../test/support/databases'
import * as integrity from '../db/migrations/0500-evidence-integrity'
import type { DB } from '../db/schema'
import { readAnchorFile } from './anchor-file'
import { AuditTrail, GENESIS_HASH, hashEntry, type AuditTrailOptions } from './audit-trail'
import { EvidenceSigner } from './checkpoint'

const dir = mkdtempSync(join(tmpdir(), 'sms-evidence-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const newSigner = () => EvidenceSigner.fromSeedHex(randomBytes(32).toString('hex'))

const guards = [
  ['evidence', 'evidence_append_only'],
  ['evidence', 'evidence_no_truncate'],
  ['evidence', 'evidence_append_at_head'],
  ['evidence', 'evidence_advance_head'],
  ['evidence_head', 'evidence_head_no_truncate'],
  ['evidence_head', 'evidence_head_guard'],
] as const

/** What a database superuser can do: switch every guard of the trail off around `change`. */
async function asSuperuser(db: Kysely<DB>, change: () => Promise<void>): Promise<void> {
  await sql`alter table evidence disable trigger all`.execute(db)
  await sql`alter table evidence_head disable trigger all`.execute(db)
  try {
    await change()
  } finally {
    for (const [table, trigger] of guards) {
      await sql.raw(`alter table ${table} enable always trigger ${trigger}`).execute(db)
    }
  }
}

/** Recomputes every entry's plain SHA-256 hash from `fromSeq` on and the head: a forger's job. */
async function recomputeChain(db: Kysely<DB>, trail: AuditTrail): Promise<void> {
  let prevHash = GENESIS_HASH
  for (const e of await trail.list({ limit: 1000 })) {
    const hash = hashEntry({ ...e, prevHash })
    await sql`update evidence set prev_hash = ${prevHash}, hash = ${hash} where seq = ${e.seq}`.execute(
      db,
    )
    prevHash = hash
  }
  await sql`update evidence_head set hash = ${prevHash}`.execute(db)
}

async function appendMany(trail: AuditTrail, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await trail.append({
      actor: 'desk',
      action: 'incident.updated',
      entityType: 'incident',
      entityId: `INC-${i}`,
      after: { i },
    })
  }
}

describe.each(testDatabaseTargets())('evidence integrity on $kind (4.3.3)', (target) => {
  const open: TestDatabase[] = []
  const trails: AuditTrail[] = []
  afterEach(async () => {
    for (const t of trails.splice(0)) await t.stop()
    for (const t of open.splice(0)) await t.drop()
  })

  async function fresh(options: AuditTrailOptions = {}) {
    const t = await target.open()
    open.push(t)
    const trail = new AuditTrail(t.database.db, { signer: newSigner(), ...options })
    trails.push(trail)
    return { db: t.database.db, trail }
  }

  it('refuses TRUNCATE, moving the head and appending off the head, also in replica mode', async () => {
    // given
    const { db, trail } = await fresh()
    await appendMany(trail, 3)
    // then
    await expect(sql`truncate evidence`.execute(db)).rejects.toThrow(/append-only: TRUNCATE/)
    await expect(sql`truncate evidence_head`.execute(db)).rejects.toThrow(/append-only/)
    await expect(
      sql`update evidence_head set seq = 2, hash = ${GENESIS_HASH}`.execute(db),
    ).rejects.toThrow(/moves only with an entry appended/)
    await expect(sql`delete from evidence_head`.execute(db)).rejects.toThrow(/cannot be deleted/)
    await expect(
      sql`insert into evidence (seq, at, actor, action, entity_type, entity_id, prev_hash, hash)
        values (9, now(), 'm', 'x.y', 'x', '1', ${GENESIS_HASH}, ${GENESIS_HASH})`.execute(db),
    ).rejects.toThrow(/appended at the head only/)
    // replica mode silences ordinary triggers, not these
    for (const statement of [
      sql`truncate evidence`,
      sql`delete from evidence where seq = 3`,
      sql`update evidence_head set seq = 2`,
    ]) {
      await expect(
        db.transaction().execute(async (tx) => {
          await sql`set local session_replication_role = replica`.execute(tx)
          await statement.execute(tx)
        }),
      ).rejects.toThrow(/append-only|moves only/)
    }
    expect(await trail.verify()).toMatchObject({ ok: true, entries: 3, headSeq: 3 })
  })

  it('reports truncation when a superuser truncates the trail and resets the head', async () => {
    // given a trail whose head the server anchored in its anchor file
    const anchorFile = join(dir, `anchor-${randomBytes(4).toString('hex')}.json`)
    const signer = newSigner()
    const { db, trail } = await fresh({ signer, anchorFile })
    await trail.start()
    await appendMany(trail, 5)
    await trail.anchorNow()
    // when the superuser empties it and resets the head, which used to verify as intact
    await asSuperuser(db, async () => {
      await sql`truncate evidence`.execute(db)
      await sql`update evidence_head set seq = 0, hash = ${GENESIS_HASH}`.execute(db)
    })
    // then the running server and a restarted one reading the anchor file say where it broke
    const running = await trail.verify()
    const restarted = new AuditTrail(db, { signer, anchorFile })
    trails.push(restarted)
    await restarted.start()
    for (const result of [running, await restarted.verify()]) {
      expect(result).toMatchObject({ ok: false, kind: 'truncated', brokenAt: 1, entries: 0 })
      expect(result.ok === false && result.reason).toMatch(/vouches for 5 entries/)
    }
  })

  it('reports the removed tail when the last entry is deleted and the head moved back', async () => {
    // given five entries, the head anchored outside the database
    const { db, trail } = await fresh()
    await appendMany(trail, 5)
    expect(await trail.verify()).toMatchObject({ ok: true, headSeq: 5 })
    expect(trail.anchored?.seq).toBe(5)
    const [fourth] = await trail.list({ afterSeq: 3, limit: 1 })
    // when the superuser deletes entry 5 and sets the head back to entry 4
    await asSuperuser(db, async () => {
      await sql`delete from evidence where seq = 5`.execute(db)
      await sql`update evidence_head set seq = 4, hash = ${fourth!.hash}`.execute(db)
    })
    // then
    const result = await trail.verify()
    expect(result).toMatchObject({ ok: false, kind: 'missing-tail', brokenAt: 5, entries: 4 })
    expect(result.ok === false && result.reason).toMatch(/entry 5 was removed from the end/)
    // and entries appended over the gap do not launder it: the anchor keeps the old entry 5
    await appendMany(trail, 2)
    await trail.anchorNow()
    expect(trail.anchored?.seq).toBe(5)
    expect(await trail.verify()).toMatchObject({ ok: false, kind: 'rewritten', brokenAt: 1 })
  })

  it('reports a head set back over entries that are still there', async () => {
    // given
    const { db, trail } = await fresh()
    await appendMany(trail, 4)
    const [second] = await trail.list({ afterSeq: 1, limit: 1 })
    // when
    await asSuperuser(db, async () => {
      await sql`update evidence_head set seq = 2, hash = ${second!.hash}`.execute(db)
    })
    // then
    expect(await trail.verify()).toMatchObject({ ok: false, kind: 'head-mismatch', brokenAt: 3 })
  })

  it('never reports a break while entries are appended during verification', async () => {
    // given
    const { trail } = await fresh({ checkpointEvery: 5, settleDelayMs: 1 })
    await trail.start()
    await appendMany(trail, 5)
    // when verifications run while 30 more entries (and checkpoints) come in
    const appending = appendMany(trail, 30)
    const results = []
    for (let i = 0; i < 5; i++) results.push(await trail.verify(7))
    await appending
    // then
    for (const result of results) expect(result).toMatchObject({ ok: true })
  })

  it('catches a row edited and the plain SHA-256 chain recomputed, by the checkpoint signatures', async () => {
    // given ten entries and a checkpoint entry (11) vouching for entry 10; no outside anchor
    const { db, trail } = await fresh()
    await appendMany(trail, 10)
    expect((await trail.checkpoint())?.entrySeq).toBe(11)
    await appendMany(trail, 2)
    // when the superuser rewrites entry 3 and recomputes every hash (this verified as intact)
    await asSuperuser(db, async () => {
      await sql`update evidence set after = '{"i": 999}'::jsonb where seq = 3`.execute(db)
      await recomputeChain(db, trail)
    })
    // then the checkpoint no longer matches the chain: entries 1–10 are suspect
    const result = await trail.verify()
    expect(result).toMatchObject({
      ok: false,
      kind: 'checkpoint-mismatch',
      brokenAt: 1,
      signedUpTo: 0,
    })
    expect(result.ok === false && result.reason).toMatch(/entries 1–10 were changed/)

    // when the forger also rewrites the checkpoint to vouch for the new hash
    await asSuperuser(db, async () => {
      const [tenth] = await trail.list({ afterSeq: 9, limit: 1 })
      await sql`update evidence set after = jsonb_set(after, '{hash}', to_jsonb(${tenth!.hash}::text))
        where seq = 11`.execute(db)
      await recomputeChain(db, trail)
    })
    // then its signature gives it away
    expect(await trail.verify()).toMatchObject({ ok: false, kind: 'bad-signature', brokenAt: 1 })
  })

  it('catches a rewrite after the last checkpoint entry by the anchor, and says from where', async () => {
    // given a checkpoint vouching for entry 10 and the head (13) anchored
    const { db, trail } = await fresh()
    await appendMany(trail, 10)
    await trail.checkpoint()
    await appendMany(trail, 2)
    expect(await trail.verify()).toMatchObject({ ok: true, signedUpTo: 10 })
    expect(trail.anchored?.seq).toBe(13)
    // when entry 12 is rewritten and the chain recomputed
    await asSuperuser(db, async () => {
      await sql`update evidence set actor = 'mallory' where seq = 12`.execute(db)
      await recomputeChain(db, trail)
    })
    // then entries 11–13 (after the last good checkpoint) are reported
    const result = await trail.verify()
    expect(result).toMatchObject({ ok: false, kind: 'rewritten', brokenAt: 11, signedUpTo: 10 })
    expect(result.ok === false && result.reason).toMatch(/entries 11–13 were changed/)
  })

  it('verifies a valid trail, its checkpoints and the anchor, and hands out a signed head', async () => {
    // given
    const signer = newSigner()
    const { trail } = await fresh({ signer })
    await appendMany(trail, 4)
    await trail.checkpoint('auditor')
    await appendMany(trail, 1)
    // when it is verified twice
    const first = await trail.verify()
    const second = await trail.verify()
    // then the first vouches for what the checkpoint entry covers and signs the head, the
    // second also checks the head signed by the first
    expect(first).toMatchObject({
      ok: true,
      entries: 6,
      headSeq: 6,
      checkpoints: 1,
      signedUpTo: 4,
      signaturesChecked: true,
      anchoredSeq: null,
    })
    expect(first.ok && first.checkpoint).toMatchObject({ seq: 6, keyId: signer.keyId })
    expect(first.ok && signer.check(first.checkpoint!)).toBe('valid')
    expect(second).toMatchObject({ ok: true, signedUpTo: 6, anchoredSeq: 6 })
    expect(await trail.listCheckpoints()).toEqual([
      expect.objectContaining({
        entrySeq: 5,
        actor: 'auditor',
        checkpoint: expect.objectContaining({ seq: 4 }),
      }),
    ])
  })

  it('proves with a checkpoint an auditor kept that the trail was rewritten later', async () => {
    // given an auditor keeps the signed head after entry 6
    const signer = newSigner()
    const { db, trail } = await fresh({ signer })
    await appendMany(trail, 6)
    const kept = (await trail.verify()) as { checkpoint: NonNullable<unknown> }
    const held = kept.checkpoint as Parameters<AuditTrail['verifyCheckpoint']>[0]
    await appendMany(trail, 3)
    expect(await trail.verifyCheckpoint(held)).toMatchObject({
      ok: true,
      signature: 'valid',
      contained: true,
    })
    // when the superuser rewrites entry 2, recomputes the chain, and the server lost its anchor
    await asSuperuser(db, async () => {
      await sql`update evidence set after = '{"i": -1}'::jsonb where seq = 2`.execute(db)
      await recomputeChain(db, trail)
    })
    const unanchored = new AuditTrail(db, { signer })
    trails.push(unanchored)
    expect(await unanchored.verify()).toMatchObject({ ok: true })
    // then the auditor's checkpoint proves it
    const answer = await unanchored.verifyCheckpoint(held)
    expect(answer).toMatchObject({
      ok: false,
      signature: 'valid',
      contained: false,
      chain: { ok: false, kind: 'rewritten', brokenAt: 1 },
    })
    // and a checkpoint not signed with the key is not taken for one
    const forged = { ...held, hash: answer.chainHash! }
    expect(await unanchored.verifyCheckpoint(forged)).toMatchObject({
      ok: false,
      signature: 'invalid',
      contained: true,
    })
  })

  it('keeps verifying trails written before checkpoints, and covers them from the next start', async () => {
    // given a database at the previous migration with entries written the way it wrote them
    const t = await target.open()
    open.push(t)
    const db = t.database.db
    await integrity.down(db as Kysely<unknown>)
    const legacy = new AuditTrail(db)
    let prevHash = GENESIS_HASH
    for (let seq = 1; seq <= 3; seq++) {
      const unsigned = {
        seq,
        at: new Date().toISOString(),
        actor: 'desk',
        action: 'incident.created',
        entityType: 'incident',
        entityId: `INC-${seq}`,
        before: null,
        after: { seq },
        processInstanceKey: null,
        prevHash,
      }
      const hash = hashEntry(unsigned)
      await sql`insert into evidence (seq, at, actor, action, entity_type, entity_id, after, prev_hash, hash)
        values (${seq}, ${unsigned.at}, 'desk', 'incident.created', 'incident', ${unsigned.entityId},
          ${JSON.stringify(unsigned.after)}::jsonb, ${prevHash}, ${hash})`.execute(db)
      await sql`update evidence_head set seq = ${seq}, hash = ${hash} where id = 1`.execute(db)
      prevHash = hash
    }
    expect(await legacy.verify()).toMatchObject({ ok: true, entries: 3, signaturesChecked: false })
    // when it is migrated and this version starts on it
    await integrity.up(db as Kysely<unknown>)
    const trail = new AuditTrail(db, { signer: newSigner() })
    trails.push(trail)
    await trail.start()
    // then a checkpoint covers the old entries and the trail verifies
    expect(await trail.listCheckpoints()).toEqual([
      expect.objectContaining({ entrySeq: 4, checkpoint: expect.objectContaining({ seq: 3 }) }),
    ])
    expect(await trail.verify()).toMatchObject({ ok: true, entries: 4, signedUpTo: 4 })
  })

  it('appends checkpoints by count and keeps the anchor file up to date in the background', async () => {
    // given
    const anchorFile = join(dir, `anchor-${randomBytes(4).toString('hex')}.json`)
    const { trail } = await fresh({ anchorFile, checkpointEvery: 3, settleDelayMs: 5 })
    await trail.start()
    // when
    await appendMany(trail, 7)
    // then every entry ends up under the anchor, and no more than 2 after the last checkpoint
    await expect
      .poll(async () => {
        const [head] = await trail.list({ order: 'desc', limit: 1 })
        const [last] = await trail.listCheckpoints({ order: 'desc', limit: 1 })
        return trail.anchored?.seq === head!.seq && head!.seq - (last?.entrySeq ?? 0) < 3
      })
      .toBe(true)
    await trail.stop()
    const head = (await trail.list({ order: 'desc', limit: 1 }))[0]!
    expect((await trail.listCheckpoints()).length).toBeGreaterThanOrEqual(1)
    expect(await readAnchorFile(anchorFile)).toMatchObject({
      kind: 'checkpoint',
      checkpoint: { seq: head.seq, hash: head.hash },
    })
    expect(await trail.verify()).toMatchObject({ ok: true, signedUpTo: head.seq })
  })
})
