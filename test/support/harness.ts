/**
 * Starts the real product for integration tests: the server on PGlite (in memory unless a
 * folder is given) with the embedded engine on an ephemeral port, demo users seeded, and HTTP
 * clients that log in as a role and carry the session cookie and CSRF token.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../server/src/config'
import { createLogger } from '../../server/src/log'
import { startServer, type RunningServer, type StartOptions } from '../../server/src/server'
import { testPgliteTemplate, type TestDatabaseTarget } from './databases'

export interface Harness {
  server: RunningServer
  url: string
  passwords: Record<string, string>
  /** Logs in as `username`; the client sends its cookie and CSRF token on every call. */
  login(username: string): Promise<ApiClient>
  stop(): Promise<void>
}

export interface ApiResponse<T = unknown> {
  status: number
  body: T
  headers: Headers
}

export interface ApiClient {
  username: string
  cookie: string
  csrf: string
  get<T = unknown>(path: string): Promise<ApiResponse<T>>
  post<T = unknown>(path: string, body?: unknown): Promise<ApiResponse<T>>
  put<T = unknown>(path: string, body?: unknown): Promise<ApiResponse<T>>
  patch<T = unknown>(path: string, body?: unknown): Promise<ApiResponse<T>>
  delete<T = unknown>(path: string): Promise<ApiResponse<T>>
}

export interface HarnessOptions {
  /**
   * The database to run on: a fresh one of this target (on the PostgreSQL server a new
   * database, dropped on stop). Default PGlite.
   */
  database?: TestDatabaseTarget
  /**
   * PGlite folder; default in memory. Reuse one to restart on the same data; DATA_DIR (the
   * evidence signing key and anchor) is then `<pgliteDir>.data`, which the caller removes.
   */
  pgliteDir?: string
  /** Passwords of a previous start on the same folder (no re-seeding happens). */
  passwords?: Record<string, string>
  deployProcesses?: boolean
  env?: Record<string, string>
  /** The engine's, workers' and escalation's time source (a `TestClock` to move time by hand). */
  clock?: StartOptions['clock']
  workerSettings?: StartOptions['workerSettings']
  workerPollIntervalMs?: number
}

async function call<T>(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<ApiResponse<T>> {
  const res = await fetch(url, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  let parsed: unknown = text
  try {
    parsed = text ? JSON.parse(text) : null
  } catch {
    // non-JSON bodies (HTML reports) are returned as text
  }
  return { status: res.status, body: parsed as T, headers: res.headers }
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const testDb = options.database?.kind === 'postgres' ? await options.database.open() : undefined
  // DATA_DIR holds the evidence signing key and anchor: one per database, so suites never share
  // an anchor; a restart on the same PGlite folder finds the same key and anchor again.
  const ownDataDir = options.pgliteDir ? undefined : mkdtempSync(join(tmpdir(), 'sms-data-'))
  const config = loadConfig({
    PORT: '0',
    ENGINE_PORT: '0',
    ENGINE_REST_PORT: '0',
    DATA_DIR: ownDataDir ?? `${options.pgliteDir!}.data`,
    DEPLOY_PROCESSES: options.deployProcesses === false ? 'false' : 'true',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    ...(testDb ? { DATABASE_URL: testDb.url } : {}),
    ...options.env,
  })
  let server: RunningServer
  try {
    server = await startServer({
      config,
      log: createLogger(config.LOG_LEVEL),
      pgliteDir: options.pgliteDir ?? 'memory://',
      // a throw-away database starts as a copy of the run's migrated one
      ...(!options.pgliteDir && testPgliteTemplate()
        ? { pgliteTemplate: testPgliteTemplate()! }
        : {}),
      clock: options.clock,
      workerSettings: options.workerSettings,
      workerPollIntervalMs: options.workerPollIntervalMs,
    })
  } catch (err) {
    await testDb?.drop()
    if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true })
    throw err
  }
  const passwords: Record<string, string> = { ...options.passwords }
  for (const u of server.seededUsers) passwords[u.username] = u.password
  const url = server.url
  return {
    server,
    url,
    passwords,
    login: (username) => loginAt(url, username, passwords[username] ?? ''),
    async stop() {
      await server.stop()
      await testDb?.drop()
      if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true })
    },
  }
}

/** Logs in at the server of `url`; the client sends its cookie and CSRF token on every call. */
export async function loginAt(url: string, username: string, password: string): Promise<ApiClient> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  if (res.status !== 200) throw new Error(`login as ${username} failed: ${res.status}`)
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
  const { csrfToken } = (await res.json()) as { csrfToken: string }
  const headers = { cookie, 'x-csrf-token': csrfToken }
  return {
    username,
    cookie,
    csrf: csrfToken,
    get: (p) => call(`${url}/api${p}`, 'GET', headers),
    post: (p, b) => call(`${url}/api${p}`, 'POST', headers, b ?? {}),
    put: (p, b) => call(`${url}/api${p}`, 'PUT', headers, b ?? {}),
    patch: (p, b) => call(`${url}/api${p}`, 'PATCH', headers, b ?? {}),
    delete: (p) => call(`${url}/api${p}`, 'DELETE', headers),
  }
}

/** Polls `probe` until it returns a truthy value or `timeoutMs` passes. */
export async function eventually<T>(
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const end = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const v = await probe()
      if (v) return v
    } catch (err) {
      last = err
    }
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}
