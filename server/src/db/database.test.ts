import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { testDatabaseTargets, type TestDatabase } from '../../../test/support/databases'
import { migrations } from './migrate'

describe.each(testDatabaseTargets())('database on $kind', (target) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await target.open()
  })
  afterAll(async () => {
    await t?.drop()
  })

  it('runs every migration once and records it', async () => {
    const rows = await sql<{
      name: string
    }>`select name from kysely_migration order by name`.execute(t.database.db)
    expect(rows.rows.map((r) => r.name)).toEqual(Object.keys(migrations).sort())
  })

  it('has the groups the procedures name without any demo data (4.1.4, 4.5.4.2, 6.6.3)', async () => {
    const groups = await t.database.db
      .selectFrom('groups')
      .select('id')
      .where('id', 'in', ['sms-managers', 'internal-auditors', 'information-security'])
      .orderBy('id')
      .execute()
    expect(groups.map((g) => g.id)).toEqual([
      'information-security',
      'internal-auditors',
      'sms-managers',
    ])
  })

  it('round-trips a typed row through the query builder and answers ping', async () => {
    await t.database.db
      .insertInto('groups')
      .values({ id: 'probe-group', name: 'Probe group', description: 'database test' })
      .execute()
    const g = await t.database.db
      .selectFrom('groups')
      .selectAll()
      .where('id', '=', 'probe-group')
      .executeTakeFirstOrThrow()
    expect(g.name).toBe('Probe group')
    expect(await t.database.ping()).toBeGreaterThanOrEqual(0)
  })

  it('rolls back a failed transaction completely', async () => {
    await expect(
      t.database.sql.transaction(async (tx) => {
        await tx.query(`insert into groups (id, name, description) values ('rolled-back', 'x', '')`)
        await tx.query('select * from no_such_table')
      }),
    ).rejects.toThrow(/no_such_table/)
    const r = await t.database.sql.query<{ n: string }>(
      `select count(*)::text as n from groups where id = 'rolled-back'`,
    )
    expect(r.rows[0]?.n).toBe('0')
  })
})
