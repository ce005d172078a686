/**
 * The status history of a record (ISO/IEC 20000-1 8.1 d, 8.2 e): a status people set (kinds
 * without a procedure) is in the history too, with who and when and no element; a change that
 * leaves the status as it is adds nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHarness, type ApiClient, type Harness } from '../../../test/support/harness'

interface Detail {
  id: string
  status: string
  version: number
  statusHistory: { from: string | null; to: string; actor: string; at: string; elementId: null }[]
}

describe('status history of records whose status people set', () => {
  let h: Harness
  let desk: ApiClient

  beforeAll(async () => {
    h = await startHarness()
    desk = await h.login('problem')
  })
  afterAll(async () => {
    await h?.stop()
  })

  it('records each PATCH that changes the status, and not one that leaves it', async () => {
    const created = await desk.post<Detail>('/known-errors', { title: 'Rude reply' })
    expect(created.status).toBe(201)
    expect(created.body.statusHistory).toEqual([])
    const id = created.body.id
    const moved = await desk.patch<Detail>(`/known-errors/${id}`, {
      status: 'in-progress',
      version: created.body.version,
    })
    expect(moved.status).toBe(200)
    const retitled = await desk.patch<Detail>(`/known-errors/${id}`, {
      title: 'Rude reply on the phone (workaround known)',
      version: moved.body.version,
    })
    expect(retitled.status).toBe(200)
    const detail = (await desk.get<Detail>(`/known-errors/${id}`)).body
    expect(detail.statusHistory).toEqual([
      {
        from: 'open',
        to: 'in-progress',
        actor: 'problem',
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        elementId: null,
        processInstanceKey: null,
      },
    ])
  })
})
