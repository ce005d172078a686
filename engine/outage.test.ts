/**
 * A failed commit (the database went away) must not leave the engine's in-memory state ahead
 * of its log: the engine refuses commands with UNAVAILABLE, fails the commands whose records
 * were not durable, and rebuilds its state from the log once the database answers again.
 * Here the database is made to fail on demand (a SqlClient whose statements throw while
 * `down`, in front of the real test database), so every step is deterministic; the real
 * outage (a PostgreSQL server stopped and started) is test/engine/outage.test.ts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../test/support/databases'
import { EngineError, EngineErrorCode } from './api'
import { TestClock } from './clock'
import { createEngine, type Engine, type EngineLogger } from './engine'
import type { SqlClient } from './state/sql'
import { bpmn, chain, serviceTask } from './test-support'
import { fieldsOf } from './state/records'

const simple = bpmn(
  'simple',
  `<bpmn:startEvent id="start" />
   ${serviceTask('task', 'work')}
   <bpmn:endEvent id="end" />
   ${chain('start', 'task', 'end')}`,
)

/**
 * `sql` with switches: while `down`, every statement fails as a lost connection does; with
 * `loseAnswers`, record log writes run and commit, then fail as if the connection broke before
 * the answer arrived (the commit's outcome is unknown to the engine).
 */
function breakable(sql: SqlClient): { sql: SqlClient; down: boolean; loseAnswers: boolean } {
  const state = { down: false, loseAnswers: false, sql: undefined as unknown as SqlClient }
  const check = () => {
    if (state.down) throw new Error('Connection terminated unexpectedly')
  }
  const lost = () => {
    if (state.loseAnswers) throw new Error('Connection terminated unexpectedly')
  }
  state.sql = {
    async query<R>(text: string, params?: unknown[]) {
      check()
      const result = await sql.query<R>(text, params)
      if (/^\s*insert into engine_records/.test(text)) lost()
      return result
    },
    async transaction(fn) {
      check()
      return sql.transaction(fn)
    },
    ...(sql.copyFrom
      ? {
          copyFrom: async (table: string, columns: readonly string[], data: string) => {
            check()
            await sql.copyFrom!(table, columns, data)
            lost()
          },
        }
      : {}),
  }
  return state
}

/** The rejection of `p` (fails the test when it resolves). */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p
  } catch (err) {
    return err
  }
  throw new Error('expected a rejection')
}

describe.each(testDatabaseTargets())('engine outages on $kind', (target) => {
  let db: TestDatabase
  let engine: Engine | undefined
  const clock = new TestClock()
  const lines: string[] = []
  const logger: EngineLogger = {
    warn: (m) => lines.push(`warn ${m}`),
    info: (m) => lines.push(`info ${m}`),
  }

  beforeAll(async () => {
    db = await target.open()
  })
  afterAll(async () => {
    await db.drop()
  })
  afterEach(async () => {
    await engine?.close()
    engine = undefined
    lines.length = 0
  })

  async function open(sql: SqlClient): Promise<Engine> {
    engine = await createEngine({
      sql,
      clock,
      logger,
      recoveryBackoffMs: { initial: 20, max: 100 },
    })
    return engine
  }

  it('refuses commands with UNAVAILABLE while the database is down and resumes from the durable log', async () => {
    await db.database.sql.query('drop table if exists engine_records, engine_snapshots')
    const flaky = breakable(db.database.sql)
    const e = await open(flaky.sql)
    await e.deployResources([{ name: 'simple.bpmn', content: simple }])
    const kept = await e.createProcessInstance({ bpmnProcessId: 'simple' })
    // waits for the instance to complete: an outage fails it (its result cannot be promised)
    const withResult = e.createProcessInstanceWithResult({ bpmnProcessId: 'simple' })
    const creations = async () =>
      (await e.readRecords({ valueTypes: ['PROCESS_INSTANCE_CREATION'] })).length
    await expect.poll(creations).toBe(2) // durable (its job is in memory before that)
    expect(e.status).toEqual({ log: 'up' })

    flaky.down = true
    const lost = await rejection(e.createProcessInstance({ bpmnProcessId: 'simple' }))
    expect(lost).toBeInstanceOf(EngineError)
    expect((lost as EngineError).code).toBe(EngineErrorCode.Unavailable)
    const waited = await rejection(withResult)
    expect((waited as EngineError).code).toBe(EngineErrorCode.Unavailable)
    expect(e.status).toMatchObject({
      log: 'down',
      error: 'Connection terminated unexpectedly',
    })
    // refused up front now, for every command, not INTERNAL
    for (const attempt of [
      e.createProcessInstance({ bpmnProcessId: 'simple' }),
      e.activateJobs({ type: 'work', worker: 'w', timeoutMs: 1000, maxJobsToActivate: 5 }),
      e.tick(),
    ]) {
      const err = await rejection(attempt)
      expect((err as EngineError).code).toBe(EngineErrorCode.Unavailable)
    }
    expect(lines.filter((l) => l.startsWith('warn'))).toHaveLength(1)
    expect(lines[0]).toMatch(/writing the record log failed \(Connection terminated unexpectedly\)/)

    flaky.down = false
    await expect.poll(() => e.status.log, { timeout: 5_000 }).toBe('up')
    expect(lines.filter((l) => l.startsWith('info'))).toHaveLength(1)
    expect(lines[1]).toMatch(/record log recovered after .* state rebuilt up to position \d+/)

    // the state is the durable one: the acknowledged instances are there, the refused one not
    const durable = await e.readRecords({ valueTypes: ['PROCESS_INSTANCE_CREATION'] })
    const keys = durable.map((r) => String(fieldsOf(r).processInstanceKey))
    expect(keys).toHaveLength(2)
    expect(keys).toContain(kept.processInstanceKey)
    expect(Object.keys(e.state.jobs)).toHaveLength(2)
    expect(e.state.lastPosition).toBe((await e.readRecords({ afterPosition: 0 })).at(-1)!.position)

    // and it works on: new instances, jobs of the old ones
    const after = await e.createProcessInstance({ bpmnProcessId: 'simple' })
    expect(keys).not.toContain(after.processInstanceKey)
    const jobs = await e.activateJobs({
      type: 'work',
      worker: 'w',
      timeoutMs: 60_000,
      maxJobsToActivate: 10,
    })
    expect(jobs.map((j) => j.processInstanceKey).sort()).toEqual(
      [...keys, after.processInstanceKey].sort(),
    )
    for (const j of jobs) await e.completeJob(j.key)
    expect(Object.keys(e.state.elementInstances)).toEqual([])

    // a restart on the same log sees the same state (the close-time snapshot included)
    await e.close()
    engine = undefined
    const again = await open(db.database.sql)
    expect(again.state.lastPosition).toBe(e.state.lastPosition)
    expect(Object.keys(again.state.elementInstances)).toEqual([])
  })

  it('a commit whose answer was lost but which committed: its records are kept and reach the listeners once, in order', async () => {
    await db.database.sql.query('drop table if exists engine_records, engine_snapshots')
    const flaky = breakable(db.database.sql)
    const e = await open(flaky.sql)
    const seen: number[] = []
    e.onRecord((r) => seen.push(r.position))
    await e.deployResources([{ name: 'simple.bpmn', content: simple }])
    flaky.loseAnswers = true
    const err = await rejection(e.createProcessInstance({ bpmnProcessId: 'simple' }))
    expect((err as EngineError).code).toBe(EngineErrorCode.Unavailable)
    flaky.loseAnswers = false
    await expect.poll(() => e.status.log, { timeout: 5_000 }).toBe('up')
    // the instance is there after all (the caller was told UNAVAILABLE: its outcome unknown)
    expect(Object.keys(e.state.jobs)).toHaveLength(1)
    await e.createProcessInstance({ bpmnProcessId: 'simple' })
    await expect.poll(() => seen.length).toBe(e.state.lastPosition)
    expect(seen).toEqual(seen.map((_, i) => i + 1))
  })

  it('keeps retrying while the database stays down, and writes no snapshot of a diverged state on close', async () => {
    await db.database.sql.query('drop table if exists engine_records, engine_snapshots')
    const flaky = breakable(db.database.sql)
    const e = await open(flaky.sql)
    await e.deployResources([{ name: 'simple.bpmn', content: simple }])
    const durablePosition = e.state.lastPosition
    flaky.down = true
    await rejection(e.createProcessInstance({ bpmnProcessId: 'simple' }))
    await expect.poll(() => e.status.attempts ?? 0, { timeout: 5_000 }).toBeGreaterThan(2)
    expect(e.status.log).toBe('down')
    flaky.down = false
    await e.close()
    engine = undefined
    expect(
      (await db.database.sql.query('select count(*)::int as n from engine_snapshots')).rows,
    ).toEqual([{ n: 0 }])
    const again = await open(db.database.sql)
    expect(again.state.lastPosition).toBe(durablePosition)
  })
})
