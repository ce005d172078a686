import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pg from 'pg'
import { testServerUrl } from '../../test/support/databases'
import { createPgPool } from './pg-pool'

const url = testServerUrl()

/** Terminates a backend from another connection, as an outage or an admin would. */
async function terminate(pid: number): Promise<void> {
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query('select pg_terminate_backend($1)', [pid])
  await admin.end()
}

describe.skipIf(!url)('pg pools survive broken connections (PostgreSQL server)', () => {
  let pool: pg.Pool
  const errors: Error[] = []

  beforeAll(() => {
    pool = createPgPool({ connectionString: url, max: 2, onConnectionError: (e) => errors.push(e) })
  })
  afterAll(async () => {
    await pool.end()
  })

  it('a checked-out client whose backend is terminated reports the error instead of crashing the process', async () => {
    const client = await pool.connect()
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid')
    // the client is held, between statements (as in a transaction): pg-pool no longer listens
    await terminate(rows[0]!.pid)
    await expect.poll(() => errors.length, { timeout: 5_000 }).toBeGreaterThan(0)
    expect(errors[0]!.message).toMatch(/terminat/i)
    await expect(client.query('select 1')).rejects.toThrow()
    client.release(true)
    // the pool goes on with a new connection
    expect((await pool.query<{ one: number }>('select 1 as one')).rows).toEqual([{ one: 1 }])
  })

  it('an idle client whose backend is terminated is dropped, and the pool goes on', async () => {
    const client = await pool.connect()
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid')
    client.release()
    const before = errors.length
    await terminate(rows[0]!.pid)
    await expect.poll(() => errors.length, { timeout: 5_000 }).toBeGreaterThan(before)
    expect((await pool.query<{ one: number }>('select 1 as one')).rows).toEqual([{ one: 1 }])
  })
})
