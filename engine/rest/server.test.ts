import { PGlite } from '@electric-sql/pglite'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { PGlitePool, startEngine, type RunningEngine } from '../index'

describe('v2 REST server', () => {
  let running: RunningEngine
  let pool: PGlitePool
  let base: string

  beforeAll(async () => {
    pool = new PGlitePool(await PGlite.create())
    running = await startEngine({ sql: pool.sqlClient(), port: 0, restPort: 0 })
    base = running.restUrl!
  })
  afterAll(async () => {
    await running.stop()
    await pool.end()
  })

  test('GET /v2/topology describes one healthy broker', async () => {
    const res = await fetch(`${base}/v2/topology`)
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toMatchObject({ clusterSize: 1, partitionsCount: 1, replicationFactor: 1 })
    expect(body.brokers).toEqual([
      expect.objectContaining({
        nodeId: 0,
        partitions: [expect.objectContaining({ role: 'leader', health: 'healthy' })],
      }),
    ])
  })

  test('an unknown path answers a NOT_FOUND problem, a known path with another method 405', async () => {
    const res = await fetch(`${base}/v2/nothing-here`)
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/)
    expect(await res.json()).toEqual({
      type: 'about:blank',
      title: 'NOT_FOUND',
      status: 404,
      detail: 'No endpoint /v2/nothing-here',
      instance: '/v2/nothing-here',
    })
    const wrong = await fetch(`${base}/v2/topology`, { method: 'DELETE' })
    expect(wrong.status).toBe(405)
    expect(((await wrong.json()) as { title: string }).title).toBe('METHOD_NOT_ALLOWED')
  })
})
