/**
 * The databases the search tests run on, as the engine's other tests: the engine's own PGlite
 * always, and a fresh database on the PostgreSQL server of TEST_DATABASE_URL when set. Test code
 * only.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { testServerUrl } from '../../test/support/databases'
import { openEngineDatabase, startEngine, type RunningEngine } from '../index'

export interface SearchLane {
  readonly kind: 'pglite' | 'postgres'
  /** Starts an engine with its v2 REST API (and so its secondary storage) on a fresh database. */
  start(): Promise<{ running: RunningEngine; base: string; close(): Promise<void> }>
}

async function startOn(databaseUrl?: string) {
  const db = await openEngineDatabase(databaseUrl ? { databaseUrl } : { dataDir: 'memory://' })
  const running = await startEngine({ sql: db.sql, port: 0, restPort: 0 })
  return {
    running,
    base: `${running.restUrl!}/v2`,
    async close() {
      await running.stop()
      await db.close()
    },
  }
}

/** `describe.each(searchLanes())`. */
export function searchLanes(): SearchLane[] {
  const lanes: SearchLane[] = [{ kind: 'pglite', start: () => startOn() }]
  const adminUrl = testServerUrl()
  if (adminUrl) {
    lanes.push({
      kind: 'postgres',
      async start() {
        const name = `s_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
        const admin = new pg.Client({ connectionString: adminUrl })
        await admin.connect()
        await admin.query(`create database ${name}`)
        await admin.end()
        const url = new URL(adminUrl)
        url.pathname = `/${name}`
        const lane = await startOn(url.toString())
        return {
          ...lane,
          async close() {
            await lane.close()
            const c = new pg.Client({ connectionString: adminUrl })
            await c.connect()
            await c.query(`drop database if exists ${name} with (force)`)
            await c.end()
          },
        }
      },
    })
  }
  return lanes
}

/** POSTs `body` as JSON and returns status and parsed answer. */
export async function post(
  url: string,
  body?: unknown,
): Promise<{
  status: number
  body: Record<string, unknown> & { items?: Record<string, unknown>[] }
}> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  return { status: res.status, body: text ? (JSON.parse(text) as never) : ({} as never) }
}

/** GETs `url` and returns status and parsed answer (JSON) or text. */
export async function get(
  url: string,
): Promise<{ status: number; body: never; text: string; type: string }> {
  const res = await fetch(url)
  const text = await res.text()
  const type = res.headers.get('content-type') ?? ''
  return {
    status: res.status,
    text,
    type,
    body: (type.includes('json') && text ? JSON.parse(text) : undefined) as never,
  }
}
