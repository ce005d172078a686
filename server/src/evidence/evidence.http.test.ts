/**
 * The evidence API as auditors use it, on the real server (4.3.3): verification hands out a
 * signed head to keep, checkpoints are listed, taken and checked later, the public key checks
 * them offline, and a trail a superuser truncated behind the server's back is reported.
 */
import { createPublicKey, verify } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { testDatabaseTargets } from '../../../test/support/databases'
import { startHarness, type ApiClient, type Harness } from '../../../test/support/harness'
import { GENESIS_HASH } from './audit-trail'
import type { Checkpoint } from './checkpoint'

interface Verified {
  ok: boolean
  entries: number
  headSeq: number
  kind?: string
  brokenAt?: number
  reason?: string
  checkpoint?: Checkpoint
}

describe.each(testDatabaseTargets())('evidence API on $kind (4.3.3)', (target) => {
  let h: Harness
  let auditor: ApiClient
  let desk: ApiClient
  let kept: Checkpoint
  beforeAll(async () => {
    h = await startHarness({ deployProcesses: false, database: target })
    auditor = await h.login('auditor')
    desk = await h.login('desk')
    for (const title of ['Printer jam', 'VPN down']) {
      expect((await desk.post('/incidents', { title })).status).toBe(201)
    }
  })
  afterAll(async () => {
    await h?.stop()
  })

  test('is for auditors and admins only', async () => {
    for (const [method, path] of [
      ['get', '/evidence/verify'],
      ['get', '/evidence/checkpoints'],
      ['post', '/evidence/checkpoints'],
      ['get', '/evidence/signing-key'],
    ] as const) {
      expect((await desk[method](path)).status, `${method} ${path}`).toBe(403)
    }
  })

  test('verification hands out a signed head that checks offline with the public key', async () => {
    // when
    const verified = await auditor.get<Verified>('/evidence/verify')
    const key = await auditor.get<{ publicKeyPem: string; keyId: string; signedPayload: string }>(
      '/evidence/signing-key',
    )
    // then
    expect(verified.body).toMatchObject({ ok: true, checkpoint: { keyId: key.body.keyId } })
    kept = verified.body.checkpoint!
    expect(kept.seq).toBe(verified.body.headSeq)
    const payload = key.body.signedPayload
      .replace('"<hash>"', JSON.stringify(kept.hash))
      .replace('"seq":0', `"seq":${kept.seq}`)
      .replace('"<signedAt>"', JSON.stringify(kept.signedAt))
    const offline = verify(
      null,
      Buffer.from(payload),
      createPublicKey(key.body.publicKeyPem),
      Buffer.from(kept.signature, 'base64'),
    )
    expect(offline).toBe(true)
  })

  test('takes, lists and checks checkpoints', async () => {
    // given more entries after the kept checkpoint
    await desk.post('/incidents', { title: 'Mail slow' })
    // when
    const taken = await auditor.post<{ entrySeq: number; actor: string; checkpoint: Checkpoint }>(
      '/evidence/checkpoints',
    )
    const listed = await auditor.get<{ entrySeq: number }[]>('/evidence/checkpoints?order=desc')
    const answer = await auditor.post<{ ok: boolean; signature: string; contained: boolean }>(
      '/evidence/verify',
      kept,
    )
    // then
    expect(taken.status).toBe(201)
    expect(taken.body).toMatchObject({
      actor: 'auditor',
      checkpoint: { seq: taken.body.entrySeq - 1 },
    })
    expect(listed.body[0]).toMatchObject({ entrySeq: taken.body.entrySeq })
    expect(answer.body).toMatchObject({ ok: true, signature: 'valid', contained: true })
  })

  test('answers a forged checkpoint with its bad signature and a malformed one with a 400', async () => {
    // when
    const forged = await auditor.post<{ ok: boolean; signature: string }>('/evidence/verify', {
      ...kept,
      hash: 'f'.repeat(64),
    })
    const malformed = await auditor.post<{ status: number; errors: { path: string }[] }>(
      '/evidence/verify',
      { seq: 'one', hash: 'x' },
    )
    // then
    expect(forged.status).toBe(200)
    expect(forged.body).toMatchObject({ ok: false, signature: 'invalid' })
    expect(malformed.status).toBe(400)
    expect(malformed.body.errors.map((e) => e.path)).toEqual(
      expect.arrayContaining(['/seq', '/hash', '/signature']),
    )
  })

  test('reports a trail a superuser truncated, and the kept checkpoint proves it', async () => {
    // given the superuser switches the guards off, empties the trail and resets its head
    const db = h.server.database.db
    await sql`alter table evidence disable trigger all`.execute(db)
    await sql`alter table evidence_head disable trigger all`.execute(db)
    await sql`truncate evidence`.execute(db)
    await sql`update evidence_head set seq = 0, hash = ${GENESIS_HASH}`.execute(db)
    await sql`alter table evidence enable trigger all`.execute(db)
    await sql`alter table evidence_head enable trigger all`.execute(db)
    // when
    const verified = await auditor.get<Verified>('/evidence/verify')
    const answer = await auditor.post<{ ok: boolean; contained: boolean; chain: Verified }>(
      '/evidence/verify',
      kept,
    )
    // then
    expect(verified.body).toMatchObject({ ok: false, kind: 'truncated', brokenAt: 1 })
    expect(answer.body).toMatchObject({
      ok: false,
      contained: false,
      chain: { ok: false, kind: 'truncated' },
    })
  })
})
