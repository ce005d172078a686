import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PGlitePool } from './pglite-pool'
import { PGliteThread } from './pglite-thread'
import type { SqlClient } from './sql'

describe('PGlite on a worker thread', () => {
  let thread: PGliteThread
  let pool: PGlitePool
  let sql: SqlClient

  beforeAll(async () => {
    thread = await PGliteThread.start({ extensions: ['pg_trgm'] })
    pool = new PGlitePool(thread)
    sql = pool.sqlClient()
    await sql.query(`create table item (
      id int primary key,
      name text unique,
      at timestamptz,
      body bytea,
      doc jsonb,
      big bigint
    )`)
  })
  afterAll(async () => {
    await pool.end()
  })

  it('passes parameters and rows of every kind the product stores', async () => {
    const at = new Date('2026-12-07T10:11:12.345Z')
    const body = new Uint8Array([0, 1, 2, 255])
    const doc = { a: [1, 'two', null], nested: { ok: true }, text: 'tab\there ✓' }
    await sql.query('insert into item values ($1, $2, $3, $4, $5, $6)', [
      1,
      'first',
      at,
      body,
      doc,
      '9007199254740993',
    ])
    const { rows } = await sql.query<{
      name: string
      at: Date
      body: Uint8Array
      doc: unknown
      big: unknown
    }>('select name, at, body, doc, big::text as big from item where id = $1', [1])
    expect(rows).toEqual([{ name: 'first', at, body, doc, big: '9007199254740993' }])
    expect(rows[0]!.at).toBeInstanceOf(Date)
    // extensions load in the worker: trigram similarity as the inbox's search uses it
    await sql.query('create extension if not exists pg_trgm')
    const sim = await sql.query<{ s: number }>(`select similarity('incident', 'incidents') as s`)
    expect(sim.rows[0]!.s).toBeGreaterThan(0.5)
  })

  it('rejects with the SQLSTATE fields the server maps errors by', async () => {
    await sql.query(`insert into item (id, name) values (2, 'dup')`)
    const err = await sql.query(`insert into item (id, name) values (3, 'dup')`).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(Error)
    expect(err).toMatchObject({
      code: '23505',
      constraint: 'item_name_key',
      table: 'item',
      detail: 'Key (name)=(dup) already exists.',
      message: expect.stringMatching(/duplicate key value violates unique constraint/),
    })
    await expect(sql.query('select * from no_such_table')).rejects.toMatchObject({
      code: '42P01',
      message: expect.stringMatching(/no_such_table/),
    })
  })

  it('rolls a transaction back as a whole, nested ones included', async () => {
    await expect(
      sql.transaction(async (tx) => {
        await tx.query(`insert into item (id, name) values (10, 'outer')`)
        await tx.transaction(async (inner) => {
          await inner.query(`insert into item (id, name) values (11, 'inner')`)
          await inner.query('select 1/0')
        })
      }),
    ).rejects.toMatchObject({ code: '22012' })
    const { rows } = await sql.query('select id from item where id in (10, 11)')
    expect(rows).toEqual([])
  })

  it('holds other statements back until a transaction ends', async () => {
    let letCommit!: () => void
    const commitAllowed = new Promise<void>((resolve) => (letCommit = resolve))
    let inserted!: () => void
    const insertDone = new Promise<void>((resolve) => (inserted = resolve))
    const transaction = sql.transaction(async (tx) => {
      await tx.query(`insert into item (id, name) values (20, 'held')`)
      inserted()
      await commitAllowed
    })
    await insertDone
    let counted: number | undefined
    const count = sql
      .query<{ n: number }>('select count(*)::int as n from item where id = 20')
      .then((r) => (counted = r.rows[0]!.n))
    // the transaction still holds the one connection: the count waits
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(counted).toBeUndefined()
    letCommit()
    await transaction
    await count
    expect(counted).toBe(1)
  })

  it('pipelines a transaction: begin goes with its first statement, the next borrower queues behind commit', async () => {
    // the real thread, watched: when each statement is posted and when its answer arrives
    const events: string[] = []
    const watched = {
      pipelines: thread.pipelines,
      query(text: string, params?: unknown[]) {
        events.push(`post ${text}`)
        return thread.query(text, params).finally(() => events.push(`answer ${text}`))
      },
      close: () => Promise.resolve(),
    }
    const tx = new PGlitePool(watched).sqlClient()
    const committed = tx.transaction(async (t) => {
      await t.query(`insert into item (id, name) values (30, 'piped')`)
    })
    const after = tx.query<{ n: number }>('select count(*)::int as n from item where id = 30')
    await committed
    expect((await after).rows).toEqual([{ n: 1 }])
    expect(events).toEqual([
      'post BEGIN',
      `post insert into item (id, name) values (30, 'piped')`,
      'answer BEGIN',
      `answer insert into item (id, name) values (30, 'piped')`,
      'post COMMIT',
      // handed on as COMMIT was posted: the next statement waits on the database thread
      'post select count(*)::int as n from item where id = 30',
      'answer COMMIT',
      'answer select count(*)::int as n from item where id = 30',
    ])
  })

  it('rolls a pipelined transaction back when its first statement fails', async () => {
    await expect(
      sql.transaction(async (tx) => {
        await tx.query(`insert into item (id, name) values (31, 'first')`)
        await tx.query(`insert into item (id, name) values (31, 'again')`)
      }),
    ).rejects.toMatchObject({ code: '23505' })
    await expect(sql.transaction(async (tx) => tx.query('select 1/0'))).rejects.toMatchObject({
      code: '22012',
    })
    const { rows } = await sql.query('select id from item where id = 31')
    expect(rows).toEqual([])
    // the connection is out of both transactions
    expect((await sql.query<{ one: number }>('select 1 as one')).rows).toEqual([{ one: 1 }])
  })

  it('loads COPY text with tabs, newlines, backslashes and nulls escaped', async () => {
    await sql.query('create table copied (a int, b text)')
    await sql.copyFrom!('copied', ['a', 'b'], '1\ttab\\there\n2\t\\N\n3\tline\\nbreak ✓\n')
    const { rows } = await sql.query('select a, b from copied order by a')
    expect(rows).toEqual([
      { a: 1, b: 'tab\there' },
      { a: 2, b: null },
      { a: 3, b: 'line\nbreak ✓' },
    ])
  })

  it('keeps the calling thread free while a statement runs', async () => {
    let ticks = 0
    const timer = setInterval(() => ticks++, 5)
    const started = performance.now()
    try {
      await sql.query('select count(*) from generate_series(1, 1000000)')
    } finally {
      clearInterval(timer)
    }
    const took = performance.now() - started
    // in-process PGlite runs the statement synchronously: no timer fires until it is done
    expect(took).toBeGreaterThan(100)
    expect(ticks).toBeGreaterThanOrEqual(5)
  })

  it('rejects a parameter it cannot pass to the thread and goes on', async () => {
    await expect(sql.query('select $1::text', [() => 'a function'])).rejects.toThrow(/clone/i)
    expect((await sql.query('select 1 as one')).rows).toEqual([{ one: 1 }])
  })

  it('dumps its data directory, and a new database starts from the dump', async () => {
    const dump = await thread.dumpDataDir()
    const copy = await PGliteThread.start({ loadDataDir: dump })
    try {
      const { rows } = await copy.query(`select name from item where id = 1`)
      expect(rows).toEqual([{ name: 'first' }])
    } finally {
      await copy.close()
    }
  })
})

describe('PGlite on a worker thread, on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pglite-thread-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('keeps what was committed across a close and a new start', async () => {
    const first = new PGlitePool(await PGliteThread.start({ dataDir: dir }))
    await first.query('create table kept (v text)')
    await first.query(`insert into kept values ('durable')`)
    await first.end()
    const second = new PGlitePool(await PGliteThread.start({ dataDir: dir }))
    try {
      expect((await second.query('select v from kept')).rows).toEqual([{ v: 'durable' }])
    } finally {
      await second.end()
    }
  })

  it('fails every call after close as a lost connection (SQLSTATE 08006)', async () => {
    const thread = await PGliteThread.start()
    await thread.close()
    await expect(thread.query('select 1')).rejects.toMatchObject({ code: '08006' })
  })

  it('reports a database that cannot open', async () => {
    await expect(
      PGliteThread.start({ loadDataDir: new Blob(['not a data directory']) }),
    ).rejects.toThrow()
  })
})
