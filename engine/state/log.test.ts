import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets } from '../../test/support/databases'
import { openEngineDatabase } from '../index'
import {
  ensureLogTables,
  GroupCommitLog,
  insertRecords,
  recordsAsCopyText,
  selectRecords,
} from './log'
import type { EngineRecord } from './records'
import type { SqlClient } from './sql'

/** Records whose text needs every escape COPY's text format has, and some that need none. */
/** Deliberately awkward values (not shaped as the engine writes them) to test the encoding. */
function awkwardRecords(): EngineRecord[] {
  const records = [
    {
      position: 1,
      key: '2251799813685249',
      timestamp: 1_700_000_000_000,
      recordType: 'EVENT',
      valueType: 'VARIABLE',
      intent: 'CREATED',
      processInstanceKey: '2251799813685250',
      value: {
        name: 'note',
        value: JSON.stringify('tab\there\nnew line\r\\back\\slash "quoted" ü € 😀 \\N'),
        scopeKey: 2251799813685250,
      },
    },
    {
      position: 2,
      key: '2251799813685251',
      timestamp: 1_700_000_000_001,
      recordType: 'EVENT',
      valueType: 'DEPLOYMENT',
      intent: 'CREATED',
      value: { resources: [{ resourceName: 'a\tb.bpmn' }], nested: { empty: '', n: null } },
    },
    {
      position: 3,
      key: '2251799813685252',
      timestamp: 1_700_000_000_002,
      recordType: 'EVENT',
      valueType: 'MESSAGE',
      intent: 'PUBLISHED',
      processInstanceKey: '',
      value: { name: '\\', correlationKey: '\\\\t', variables: { 'k\ney': ['\u2028', 1.5, true] } },
    },
  ]
  return records as unknown as EngineRecord[]
}

interface Target {
  name: string
  open(): Promise<{ sql: SqlClient; close(): Promise<void> }>
}

/**
 * The engine's own PGlite (COPY), the server's PGlite on its worker thread (COPY), and the
 * server's database adapters (multi-row INSERT, no copyFrom) on PGlite and, with
 * TEST_DATABASE_URL, on the PostgreSQL server.
 */
const targets: Target[] = [
  {
    name: 'engine PGlite (COPY)',
    async open() {
      const db = await openEngineDatabase({ dataDir: 'memory://' })
      expect(db.sql.copyFrom).toBeTypeOf('function')
      return { sql: db.sql, close: () => db.close() }
    },
  },
  {
    // the server's embedded database as the embedded engine gets it: PGlite on its own thread
    name: 'server PGlite on its thread (COPY)',
    async open() {
      const db = await testDatabaseTargets()[0]!.open()
      expect(db.database.sql.copyFrom).toBeTypeOf('function')
      return { sql: db.database.sql, close: () => db.drop() }
    },
  },
  ...testDatabaseTargets().map((t): Target => ({
    name: `server ${t.kind} (INSERT)`,
    async open() {
      const db = await t.open()
      // the INSERT path: the server's client without its bulk load (PGlite's offers COPY)
      const { query, transaction } = db.database.sql
      return { sql: { query, transaction }, close: () => db.drop() }
    },
  })),
]

describe.each(targets)('record log on $name', (target) => {
  let db: { sql: SqlClient; close(): Promise<void> }

  beforeAll(async () => {
    db = await target.open()
    await ensureLogTables(db.sql)
  })
  afterAll(async () => {
    await db.close()
  })

  it('stores records exactly, whatever characters their values hold', async () => {
    const records = awkwardRecords()
    await insertRecords(db.sql, records)
    const back = await selectRecords(db.sql, { afterPosition: 0 })
    expect(back).toEqual(records.map((r) => (r.processInstanceKey === '' ? noPi(r) : r)))
    expect(
      await selectRecords(db.sql, { afterPosition: 0, processInstanceKey: '2251799813685250' }),
    ).toEqual([records[0]])
  })

  it('writes a batch all or nothing', async () => {
    const before = await selectRecords(db.sql, { afterPosition: 0 })
    const next = before.length + 1
    const batch: EngineRecord[] = [
      { ...awkwardRecords()[1]!, position: next },
      // a duplicate position violates the primary key: the whole batch must fail
      { ...awkwardRecords()[1]!, position: next },
    ]
    await expect(insertRecords(db.sql, batch)).rejects.toThrow()
    expect(await selectRecords(db.sql, { afterPosition: 0 })).toHaveLength(before.length)
  })

  it('group commit resolves appends once durable and hands batches over in order', async () => {
    const seen: number[] = []
    const log = new GroupCommitLog(db.sql, (batch) => seen.push(...batch.map((r) => r.position)))
    const start = (await selectRecords(db.sql, { afterPosition: 0 })).length
    const record = (position: number): EngineRecord => ({
      ...awkwardRecords()[0]!,
      position,
      key: String(2251799813686000 + position),
    })
    const appends = Array.from({ length: 20 }, (_, i) => log.append([record(start + i + 1)]))
    await Promise.all(appends)
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => start + i + 1))
    const stored = await selectRecords(db.sql, { afterPosition: start })
    expect(stored.map((r) => r.position)).toEqual(seen)
    // the twenty appends of one turn share commits, and the log counts what it committed
    const stats = log.stats
    expect(stats.records).toBe(20)
    expect(stats.commits).toBeGreaterThanOrEqual(1)
    expect(stats.commits).toBeLessThan(20)
    expect(stats.commitMs).toBeGreaterThan(0)
  })

  it('group commit holds at most the cap, never splits an append, and keeps the order', async () => {
    const batches: number[][] = []
    const log = new GroupCommitLog(db.sql, (batch) => batches.push(batch.map((r) => r.position)), 5)
    let next = (await selectRecords(db.sql, { afterPosition: 0 })).length
    const records = (n: number): EngineRecord[] =>
      Array.from({ length: n }, () => {
        next++
        return { ...awkwardRecords()[0]!, position: next, key: String(2251799813687000 + next) }
      })
    const first = next
    // appends of 2, 2, 2, 7 and 1 records in one turn, with at most 5 records a commit
    await Promise.all([2, 2, 2, 7, 1].map((n) => log.append(records(n))))
    expect(batches.map((b) => b.length)).toEqual([4, 2, 7, 1])
    expect(batches.flat()).toEqual(Array.from({ length: 14 }, (_, i) => first + i + 1))
    expect(log.stats).toMatchObject({ commits: 4, records: 14 })
    const stored = await selectRecords(db.sql, { afterPosition: first })
    expect(stored.map((r) => r.position)).toEqual(batches.flat())
  })

  it('a failed commit rejects every waiting append and leaves the log idle', async () => {
    const log = new GroupCommitLog(db.sql, () => {}, 1)
    const stored = (await selectRecords(db.sql, { afterPosition: 0 })).length
    const existing: EngineRecord = { ...awkwardRecords()[0]!, position: stored + 1 }
    await log.append([existing])
    const next = existing.position + 1
    // the first commit repeats a stored position and fails; the two behind it wait for the cap
    const appends = [existing.position, next, next + 1].map((position) =>
      log.append([{ ...existing, position }]),
    )
    for (const a of appends) await expect(a).rejects.toThrow()
    expect(log.failed).toBeTruthy()
    expect(log.idle).toBe(true)
    await expect(log.append([{ ...existing, position: next + 2 }])).rejects.toThrow()
    expect(await selectRecords(db.sql, { afterPosition: existing.position })).toEqual([])
  })
})

/** A record stored with an empty process instance key reads back without one. */
function noPi(r: EngineRecord): EngineRecord {
  const { processInstanceKey: _omitted, ...rest } = r
  return rest
}

describe('COPY text format of records', () => {
  it('escapes backslashes, tabs and line breaks and marks a missing instance key as null', () => {
    const text = recordsAsCopyText(awkwardRecords())
    const lines = text.split('\n')
    expect(lines).toHaveLength(4)
    expect(lines[3]).toBe('')
    for (const line of lines.slice(0, 3)) expect(line.split('\t')).toHaveLength(8)
    expect(lines[1]!.split('\t')[6]).toBe('\\N')
  })
})
