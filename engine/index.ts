/**
 * The embedded, Zeebe-compatible engine: a single-node broker that serves Zeebe's gateway
 * protocol over gRPC. The server starts it in-process when no ZEEBE_GRPC_ADDRESS is set and
 * talks to it through the official client exactly as it would to a real cluster.
 */
import { mkdirSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import type { Clock, EngineApi } from './api'
import { createEngine, type EngineLogger } from './engine'
import { startGatewayServer, type GatewayServer } from './gateway/server'
import { startRecordsHttpServer, type RecordsHttpServer } from './http/records.http'
import { bearerMatches } from './gateway/bearer-guard'
import { startRestServer, type RestServer } from './rest/server'
import { openSearchStore, type SearchStore } from './search/store'
import { createPgPool } from './state/pg-pool'
import { PGlitePool } from './state/pglite-pool'
import { poolSqlClient, type SqlClient } from './state/sql'

export type { SqlClient } from './state/sql'
export { PGlitePool } from './state/pglite-pool'
export { PGliteThread } from './state/pglite-thread'
export { createPgPool } from './state/pg-pool'
export type {
  EngineApi,
  EngineStatus,
  JobResult,
  UserTask,
  UserTaskChanges,
  UserTaskFilter,
} from './api'
export type { EngineLogger } from './engine'

export interface StartEngineOptions {
  /** Database for the record log (PGlite or a PostgreSQL server). */
  sql: SqlClient
  /** gRPC port; 0 picks a free one. Default 26500. */
  port?: number
  /** Interface to bind (gRPC and HTTP); default 127.0.0.1. */
  host?: string
  /** Time source; default the system clock. Tests pass a TestClock and call `engine.tick()`. */
  clock?: Clock
  /** Port of the HTTP/JSON record log endpoint (engine/http/); absent = not served, 0 = free. */
  httpPort?: number
  /** Port of the Orchestration Cluster REST API (v2, engine/rest/); absent = not served, 0 = free. */
  restPort?: number
  /** Long-poll time of ActivateJobs requests that say 0; default 10 s like Zeebe's gateway. */
  defaultLongPollMs?: number
  /** Reports failures that happen outside any request (default: ignored). */
  onError?: (err: unknown) => void
  /** Where the engine logs its record log going down and recovering (default the console). */
  logger?: EngineLogger
  /** Back-off of recovery attempts after a database outage (default 200 ms doubling to 5 s). */
  recoveryBackoffMs?: { initial: number; max: number }
  /**
   * Shared secret every gRPC call and HTTP request must carry as `authorization: Bearer
   * <token>`; empty = none. Required when `host` is not a loopback interface.
   */
  token?: string
}

/** Whether `host` binds only the loopback interface. */
export const isLoopback = (host: string) =>
  host === 'localhost' || host === '::1' || host.startsWith('127.')

export interface RunningEngine {
  /** `host:port` the gateway listens on. */
  readonly address: string
  readonly port: number
  /** The engine itself, for in-process callers (history readers, tests). */
  readonly engine: EngineApi
  /** The engine's clock. */
  readonly clock: Clock
  /** The gRPC gateway (its dispatcher shows pending long polls and job streams). */
  readonly gateway: GatewayServer
  /** `http://host:port` of the record log endpoint, when `httpPort` was given. */
  readonly httpUrl?: string
  /** `http://host:port` of the v2 REST API, when `restPort` was given. */
  readonly restUrl?: string
  /** The secondary storage behind the v2 searches, when `restPort` was given. */
  readonly search?: SearchStore
  /** Stops serving (pending polls end, streams close), then closes the engine. */
  stop(): Promise<void>
}

/** Creates the engine on `sql` (recovering its state from the log) and serves its gateway. */
export async function startEngine(options: StartEngineOptions): Promise<RunningEngine> {
  const host = options.host ?? '127.0.0.1'
  if (!isLoopback(host) && !options.token) {
    // the gateway has no authorisation of its own: off the loopback it needs the shared secret
    throw new Error(
      `The engine binds ${host}, beyond this machine: set a token (ENGINE_TOKEN) that every client must send.`,
    )
  }
  const engine = await createEngine({
    sql: options.sql,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.recoveryBackoffMs ? { recoveryBackoffMs: options.recoveryBackoffMs } : {}),
  })
  let gateway: GatewayServer | undefined
  let http: RecordsHttpServer | undefined
  let rest: RestServer | undefined
  let search: SearchStore | undefined
  try {
    gateway = await startGatewayServer({
      engine,
      host,
      port: options.port ?? 26500,
      defaultLongPollMs: options.defaultLongPollMs,
      onError: options.onError,
      token: options.token,
    })
    if (options.httpPort !== undefined) {
      http = await startRecordsHttpServer({
        engine,
        host,
        port: options.httpPort,
        token: options.token,
      })
    }
    if (options.restPort !== undefined) {
      // the v2 API's searches read a projection of the records (Camunda's secondary storage)
      search = await openSearchStore({ engine, sql: options.sql, onError: options.onError })
      rest = await startRestServer({
        context: { engine, search },
        host,
        port: options.restPort,
        onError: options.onError,
        // the same shared secret as the gateway and the record log endpoint, when there is one
        ...(options.token
          ? { authenticate: (req) => bearerMatches(req.headers.authorization, options.token!) }
          : {}),
      })
    }
  } catch (err) {
    await search?.projection.stop()
    await http?.stop()
    await gateway?.stop()
    await engine.close()
    throw err
  }
  const served = gateway
  let stopping: Promise<void> | undefined
  return {
    address: served.address,
    port: served.port,
    engine,
    clock: engine.clock,
    gateway: served,
    ...(http ? { httpUrl: http.url } : {}),
    ...(rest ? { restUrl: rest.url } : {}),
    ...(search ? { search } : {}),
    stop() {
      stopping ??= (async () => {
        await Promise.all([served.stop(), http?.stop(), rest?.stop()])
        await search?.projection.stop()
        await engine.close()
      })()
      return stopping
    },
  }
}

/** An open SQL connection for the engine and how to close it. */
export interface EngineDatabase {
  readonly sql: SqlClient
  readonly kind: 'pglite' | 'postgres'
  close(): Promise<void>
}

/**
 * Opens the engine's own database when it runs standalone (the server passes its own
 * connection instead): a PostgreSQL server when `databaseUrl` is set, else PGlite persisted in
 * `dataDir` (`memory://` = in memory).
 */
export async function openEngineDatabase(options: {
  databaseUrl?: string
  dataDir?: string
}): Promise<EngineDatabase> {
  if (options.databaseUrl) {
    // connection errors surface on the next query (and the engine's outage handling)
    const pool = createPgPool({ connectionString: options.databaseUrl, max: 4 })
    const sql = poolSqlClient(pool)
    await sql.query('select 1')
    return { sql, kind: 'postgres', close: () => pool.end() }
  }
  const dir = options.dataDir ?? 'memory://'
  const inMemory = dir.startsWith('memory://')
  if (!inMemory) mkdirSync(dir, { recursive: true })
  const pool = new PGlitePool(await PGlite.create(inMemory ? undefined : dir))
  return { sql: pool.sqlClient(), kind: 'pglite', close: () => pool.end() }
}
