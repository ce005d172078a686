import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../../../test/support/databases'
import { AuditTrail } from './audit-trail'
import { writeWithEvidence } from './audit-sink'

describe.each(testDatabaseTargets())('a change and its evidence on $kind (4.3.3)', (target) => {
  let t: TestDatabase
  let trail: AuditTrail
  beforeAll(async () => {
    t = await target.open()
    trail = new AuditTrail(t.database.db)
  })
  afterAll(async () => {
    await t?.drop()
  })

  const groupsNamed = (id: string) =>
    t.database.db.selectFrom('groups').select('id').where('id', '=', id).execute()
  const evidenceOf = (id: string) =>
    t.database.db.selectFrom('evidence').select('action').where('entity_id', '=', id).execute()

  it('commits the change together with every evidence entry it returns', async () => {
    // when
    const result = await writeWithEvidence(t.database.db, trail, async (tx) => {
      await tx.insertInto('groups').values({ id: 'g-commit', name: 'Commit' }).execute()
      return {
        result: 'stored',
        evidence: [
          { actor: 'admin', action: 'group.created', entityType: 'group', entityId: 'g-commit' },
          { actor: 'admin', action: 'group.named', entityType: 'group', entityId: 'g-commit' },
        ],
      }
    })
    // then
    expect(result).toBe('stored')
    expect(await groupsNamed('g-commit')).toHaveLength(1)
    expect((await evidenceOf('g-commit')).map((e) => e.action)).toEqual([
      'group.created',
      'group.named',
    ])
  })

  it('stores neither the change nor its evidence when the change fails after its writes', async () => {
    // when the change throws after it wrote
    const failing = writeWithEvidence(t.database.db, trail, async (tx) => {
      await tx.insertInto('groups').values({ id: 'g-fail', name: 'Fail' }).execute()
      await trail.append(
        { actor: 'admin', action: 'group.created', entityType: 'group', entityId: 'g-fail' },
        tx,
      )
      throw new Error('refused after the write')
    })
    // then nothing of it is stored
    await expect(failing).rejects.toThrow('refused after the write')
    expect(await groupsNamed('g-fail')).toEqual([])
    expect(await evidenceOf('g-fail')).toEqual([])
    expect((await trail.verify()).ok).toBe(true)
  })
})
