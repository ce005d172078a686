import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { testDatabaseTargets, type TestDatabase } from '../../../test/support/databases'
import { AuditTrail, canonicalJson, GENESIS_HASH, hashEntry } from './audit-trail'

describe('canonical JSON', () => {
  it('sorts keys at every level so equal values hash equally', () => {
    // given two objects with the same content in different key order
    const a = { b: 1, a: { d: [1, { y: 2, x: 1 }], c: 'x' } }
    const b = { a: { c: 'x', d: [1, { x: 1, y: 2 }] }, b: 1 }
    // then
    expect(canonicalJson(a)).toBe(canonicalJson(b))
    expect(canonicalJson(a)).toBe('{"a":{"c":"x","d":[1,{"x":1,"y":2}]},"b":1}')
  })
})

describe.each(testDatabaseTargets())('evidence trail on $kind (4.3.3)', (target) => {
  let t: TestDatabase
  let trail: AuditTrail
  beforeAll(async () => {
    t = await target.open()
    trail = new AuditTrail(t.database.db)
  })
  afterAll(async () => {
    await t?.drop()
  })

  it('chains each entry to the previous one by hash #4.3.3-1 #4.3.3-3 #4.3.1-1', async () => {
    // when
    const first = await trail.append({
      actor: 'desk',
      action: 'incident.created',
      entityType: 'incident',
      entityId: 'INC-000001',
      after: { title: 'Mail down', data: { impact: 1, nested: { b: 2, a: 1 } } },
    })
    const second = await trail.append({
      actor: 'desk',
      action: 'incident.updated',
      entityType: 'incident',
      entityId: 'INC-000001',
      before: { title: 'Mail down' },
      after: { title: 'Mail down for all' },
      processInstanceKey: '2251799813685249',
    })
    // then
    expect(first.prevHash).toBe(GENESIS_HASH)
    expect(second.prevHash).toBe(first.hash)
    expect(second.seq).toBe(first.seq + 1)
    const { hash, ...unsigned } = second
    expect(hashEntry(unsigned)).toBe(hash)
    expect(await trail.verify()).toMatchObject({ ok: true, entries: 2, headHash: second.hash })
  })

  it('serializes concurrent appends so the chain never forks', async () => {
    // when 20 writers append at once
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        trail.append({
          actor: `writer-${i}`,
          action: 'probe.written',
          entityType: 'probe',
          entityId: String(i),
          after: { i },
        }),
      ),
    )
    // then every seq is used once and the chain verifies
    const all = await trail.list({ limit: 1000 })
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: all.length }, (_, i) => i + 1))
    expect(await trail.verify()).toMatchObject({ ok: true, entries: 22 })
  })

  it('rolls the entry back with the transaction it belongs to', async () => {
    // given
    const before = await trail.verify()
    // when a transaction appends and then fails
    await expect(
      t.database.db.transaction().execute(async (tx) => {
        await trail.append(
          { actor: 'x', action: 'x.done', entityType: 'x', entityId: '1', after: {} },
          tx,
        )
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    // then nothing was appended
    expect(await trail.verify()).toEqual(before)
  })

  it('filters entries by entity, actor and process instance', async () => {
    // when
    const byEntity = await trail.list({ entityType: 'incident', entityId: 'INC-000001' })
    const byActor = await trail.list({ actor: 'writer-3' })
    const byInstance = await trail.list({ processInstanceKey: '2251799813685249' })
    const newest = await trail.list({ order: 'desc', limit: 2 })
    const older = await trail.list({ order: 'desc', beforeSeq: newest[1]!.seq, limit: 1 })
    // then
    expect(byEntity.map((e) => e.action)).toEqual(['incident.created', 'incident.updated'])
    expect(byActor).toHaveLength(1)
    expect(byInstance.map((e) => e.action)).toEqual(['incident.updated'])
    expect(newest.map((e) => e.seq)).toEqual([22, 21])
    expect(older.map((e) => e.seq)).toEqual([20])
  })

  it('rejects UPDATE and DELETE through the application connection', async () => {
    // when / then: the trigger refuses to change history
    await expect(
      sql`update evidence set actor = 'mallory' where seq = 1`.execute(t.database.db),
    ).rejects.toThrow(/append-only/)
    await expect(sql`delete from evidence where seq = 1`.execute(t.database.db)).rejects.toThrow(
      /append-only/,
    )
    expect(await trail.verify()).toMatchObject({ ok: true })
  })

  it('reports the first altered entry when a row is tampered with directly in the database', async () => {
    // given the database owner disables the trigger and rewrites entry 5
    await sql`alter table evidence disable trigger evidence_append_only`.execute(t.database.db)
    await sql`update evidence set after = '{"i": 999}'::jsonb where seq = 5`.execute(t.database.db)
    await sql`alter table evidence enable trigger evidence_append_only`.execute(t.database.db)
    // when
    const result = await trail.verify()
    // then
    expect(result).toMatchObject({ ok: false, brokenAt: 5 })
    expect(result.ok === false && result.reason).toMatch(/altered/)
  })

  it('reports a removed entry', async () => {
    // given a fresh chain with entry 2 deleted by the owner
    const other = await target.open()
    try {
      const chain = new AuditTrail(other.database.db)
      for (let i = 0; i < 3; i++) {
        await chain.append({ actor: 'a', action: 'x.y', entityType: 'x', entityId: `${i}` })
      }
      await sql`alter table evidence disable trigger evidence_append_only`.execute(
        other.database.db,
      )
      await sql`delete from evidence where seq = 2`.execute(other.database.db)
      // when
      const result = await chain.verify()
      // then
      expect(result).toMatchObject({ ok: false, brokenAt: 2 })
    } finally {
      await other.drop()
    }
  })
})
