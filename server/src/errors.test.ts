import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { freePort } from '../../test/support/pg-cluster'
import { isDatabaseUnavailable, ServiceUnavailableError, toProblem, UserError } from './errors'

/** The error node-postgres gives for a server that is not there (a real refused connection). */
async function refusedConnection(): Promise<unknown> {
  const client = new pg.Client({ host: '127.0.0.1', port: await freePort(), user: 'x' })
  client.on('error', () => undefined)
  try {
    await client.connect()
  } catch (err) {
    return err
  }
  throw new Error('expected the connection to be refused')
}

describe('errors as problem JSON during outages', () => {
  it('a database that cannot be reached is 503, saying nothing was changed', async () => {
    const refused = await refusedConnection()
    expect(isDatabaseUnavailable(refused)).toBe(true)
    expect(toProblem(refused)).toEqual({
      status: 503,
      title: 'Service Unavailable',
      detail: 'The database is unavailable; nothing was changed. Please try again shortly.',
    })
    for (const code of ['57P01', '57P03', '08006']) {
      expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code }))).toBe(true)
    }
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true)
  })

  it('a statement the database refuses is not an outage: 500, its text not shown', () => {
    const violation = Object.assign(new Error('column "secret" does not exist'), {
      code: '42703',
    })
    expect(isDatabaseUnavailable(violation)).toBe(false)
    expect(toProblem(violation)).toMatchObject({
      status: 500,
      detail: 'An unexpected error occurred.',
    })
  })

  it('ServiceUnavailableError is 503 with its own detail; a UserError keeps its 4xx', () => {
    expect(toProblem(new ServiceUnavailableError('The process engine is unavailable.'))).toEqual({
      status: 503,
      title: 'Service Unavailable',
      detail: 'The process engine is unavailable.',
    })
    expect(toProblem(new UserError('bad'))).toMatchObject({ status: 400, detail: 'bad' })
  })

  it('a write a unique constraint refuses (two at one moment) is 409 naming the field, not the value', async () => {
    const db = new PGlite()
    try {
      await db.exec('create table suppliers (id serial primary key, name text unique)')
      await db.query('insert into suppliers (name) values ($1)', ['Acme Secret Ltd'])
      const refused = await db
        .query('insert into suppliers (name) values ($1)', ['Acme Secret Ltd'])
        .then(
          () => undefined,
          (err: unknown) => err,
        )
      expect(toProblem(refused)).toEqual({
        status: 409,
        title: 'Conflict',
        detail: 'Another record has this name already; nothing was changed.',
      })
      expect(JSON.stringify(toProblem(refused))).not.toContain('Acme')
    } finally {
      await db.close()
    }
  })
})
