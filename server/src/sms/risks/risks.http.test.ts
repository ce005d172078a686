/**
 * The risk register's links (ISO/IEC 20000-1 4.5.3 d): a risk links the changes, CIs, services
 * and improvements it concerns; a link to a record that does not exist is refused with 422
 * naming the field, and nothing is stored. Through the HTTP API on the real server.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { testDatabaseTargets } from '../../../../test/support/databases'
import { startHarness, type ApiClient, type Harness } from '../../../../test/support/harness'
import type { Risk } from './risk-model'

interface Problem {
  detail: string
  errors?: { path: string; message: string }[]
}

describe.each(testDatabaseTargets())('risk links on $kind', (target) => {
  let h: Harness
  let manager: ApiClient

  beforeAll(async () => {
    h = await startHarness({ deployProcesses: false, database: target })
    manager = await h.login('smsmgr')
  }, 120_000)
  afterAll(async () => {
    await h?.stop()
  })

  const base = {
    title: 'Mail relay single point of failure',
    category: 'service',
    likelihood: 3,
    impact: 4,
    owner: 'smsmgr',
    treatmentOption: 'reduce',
    treatment: 'Second relay',
  }

  test('#4.5.3-d: links to unknown changes, CIs, services or improvements are refused with 422 naming the field; known ones are stored', async () => {
    // given records that exist
    const db = h.server.database.db
    const service = await db.selectFrom('services').select('id').executeTakeFirstOrThrow()
    const ci = await db.selectFrom('cis').select('id').executeTakeFirstOrThrow()
    const improvement = await manager.post<{ id: string }>('/improvements', {
      title: 'Second mail relay',
    })
    expect(improvement.status, JSON.stringify(improvement.body)).toBe(201)
    const before = (await manager.get<{ items: Risk[] }>('/sms/risks')).body.items.length

    // when a risk links a change that does not exist
    const badChange = await manager.post<Problem>('/sms/risks', {
      ...base,
      links: { changes: ['CHG-999999'], services: [service.id] },
    })
    // then 422 names the field and the id, and nothing is stored
    expect(badChange.status, JSON.stringify(badChange.body)).toBe(422)
    expect(badChange.body.detail).toContain('links.changes')
    expect(badChange.body.detail).toContain('CHG-999999')
    expect(badChange.body.errors).toEqual([
      { path: '/links/changes/0', message: 'no change CHG-999999' },
    ])
    expect((await manager.get<{ items: Risk[] }>('/sms/risks')).body.items).toHaveLength(before)

    // each field is checked against its own kind: a service id is no CI, an improvement id no change
    const mixed = await manager.post<Problem>('/sms/risks', {
      ...base,
      links: {
        cis: [service.id],
        services: ['SVC-999999'],
        changes: [improvement.body.id],
        improvements: [improvement.body.id, 'IMP-999999'],
      },
    })
    expect(mixed.status).toBe(422)
    expect(mixed.body.errors?.map((e) => e.path).sort()).toEqual([
      '/links/changes/0',
      '/links/cis/0',
      '/links/improvements/1',
      '/links/services/0',
    ])

    // known records are linked
    const created = await manager.post<Risk>('/sms/risks', {
      ...base,
      links: { cis: [ci.id], services: [service.id], improvements: [improvement.body.id] },
    })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    expect(created.body.links).toEqual({
      changes: [],
      cis: [ci.id],
      services: [service.id],
      improvements: [improvement.body.id],
    })

    // and a change of the links is checked the same way, leaving the risk as it was
    const patched = await manager.patch<Problem>(`/sms/risks/${created.body.id}`, {
      version: created.body.version,
      links: { cis: ['CI-999999'] },
    })
    expect(patched.status).toBe(422)
    expect(patched.body.detail).toContain('links.cis')
    expect(patched.body.errors).toEqual([{ path: '/links/cis/0', message: 'no CI CI-999999' }])
    const after = await manager.get<Risk>(`/sms/risks/${created.body.id}`)
    expect(after.body).toMatchObject({ version: created.body.version, links: { cis: [ci.id] } })
  })
})
