/**
 * Helpers of the client tests: an engine on port 0 over a test database, fixture paths, and
 * waiting for records of the engine's log.
 */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startEngine, type RunningEngine } from '../../engine/index'
import type { EngineApi } from '../../engine/api'
import { type EngineRecord, fieldsOf } from '../../engine/state/records'
import type { TestDatabase, TestDatabaseTarget } from '../support/databases'

const here = dirname(fileURLToPath(import.meta.url))

/** Absolute path of a BPMN fixture in test/engine/fixtures/. */
export const fixture = (name: string) => join(here, 'fixtures', name)

/** The zbctl binary shipped in the npm package `zbctl`. */
export const zbctlPath = join(here, '..', '..', 'node_modules', 'zbctl', 'bin', 'zbctl-cli.linux')

/** An engine serving gRPC on a free port over a fresh test database. */
export interface TestEngine {
  running: RunningEngine
  readonly engine: EngineApi
  readonly port: number
  readonly database: TestDatabase
  /** Stops the engine and starts a new one on the same database and port (a restart). */
  restart(): Promise<void>
  stop(): Promise<void>
}

export async function startTestEngine(target: TestDatabaseTarget): Promise<TestEngine> {
  const database = await target.open()
  let running = await startEngine({ sql: database.database.sql, port: 0 })
  const port = running.port
  const t: TestEngine = {
    get running() {
      return running
    },
    set running(r) {
      running = r
    },
    get engine() {
      return running.engine
    },
    port,
    database,
    async restart() {
      await running.stop()
      running = await startEngine({ sql: database.database.sql, port })
    },
    async stop() {
      await running.stop()
      await database.drop()
    },
  }
  return t
}

/** Polls `check` every 25 ms until it returns a value other than undefined/false. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > until) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

/** Every record of one process instance, oldest first. */
export async function instanceRecords(
  engine: EngineApi,
  processInstanceKey: string,
): Promise<EngineRecord[]> {
  return engine.readRecords({ processInstanceKey, limit: 10_000 })
}

/** The first record of an instance matching `valueType`/`intent` (and `elementId`), if any. */
export function findRecord(
  records: EngineRecord[],
  valueType: string,
  intent: string,
  elementId?: string,
): EngineRecord | undefined {
  return records.find(
    (r) =>
      r.valueType === valueType &&
      r.intent === intent &&
      (elementId === undefined || fieldsOf(r).elementId === elementId),
  )
}

/** Waits until a record of the instance matches; returns it. */
export function waitForRecord(
  engine: EngineApi,
  processInstanceKey: string,
  valueType: string,
  intent: string,
  elementId?: string,
  timeoutMs?: number,
): Promise<EngineRecord> {
  return waitFor(
    `${valueType}/${intent}${elementId ? ` of ${elementId}` : ''} in instance ${processInstanceKey}`,
    async () =>
      findRecord(await instanceRecords(engine, processInstanceKey), valueType, intent, elementId),
    timeoutMs,
  )
}

/** Waits until the process instance itself completed (its ELEMENT_COMPLETED record). */
export function waitForCompletion(
  engine: EngineApi,
  processInstanceKey: string,
  timeoutMs?: number,
) {
  return waitFor(
    `completion of instance ${processInstanceKey}`,
    async () =>
      (await instanceRecords(engine, processInstanceKey)).find(
        (r) =>
          r.valueType === 'PROCESS_INSTANCE' &&
          r.intent === 'ELEMENT_COMPLETED' &&
          r.key === processInstanceKey,
      ),
    timeoutMs,
  )
}
