/**
 * Starts the whole product in one process: database (PGlite or a server), the embedded engine
 * unless a Zeebe address is configured, the official Zeebe client, and the HTTP API serving the
 * built client. `main.ts` calls it for `npm start`; integration tests call it directly.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startEngine, type RunningEngine } from '../../engine/index'
import { sessionMiddleware } from './auth/auth.middleware'
import { authRoutes } from './auth/auth.routes'
import { SessionStore } from './auth/sessions'
import type { Config } from './config'
import { openDatabase, pgliteDirOf, type Database } from './db/database'
import { createApp } from './http/app'
import { healthRoutes } from './http/health.routes'
import { createLogger, type Logger } from './log'
import { seedDemoUsers, type SeededUser } from './seed/demo'
import { createZeebeClient, plaintextAddress, type ZeebeClient } from './zeebe/zeebe-client'

/** The repository root (processes/, forms/, client/dist). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

export interface StartOptions {
  config: Config
  log?: Logger
  /** PGlite folder override, e.g. `memory://` in tests. Default `<DATA_DIR>/pglite`. */
  pgliteDir?: string
}

export interface RunningServer {
  readonly url: string
  readonly database: Database
  readonly zeebe: ZeebeClient
  /** The embedded engine, when one was started. */
  readonly engine?: RunningEngine
  /** Demo users created by this start (empty on later starts). */
  readonly seededUsers: SeededUser[]
  stop(): Promise<void>
}

export async function startServer({
  config,
  log = createLogger(config.LOG_LEVEL),
  pgliteDir,
}: StartOptions): Promise<RunningServer> {
  const database = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    pgliteDir: pgliteDir ?? pgliteDirOf(config.DATA_DIR),
  })
  const cleanup: (() => Promise<void>)[] = [() => database.close()]
  try {
    let engine: RunningEngine | undefined
    let address = config.ZEEBE_GRPC_ADDRESS
    if (!address) {
      engine = await startEngine({ sql: database.sql, port: config.ENGINE_PORT })
      cleanup.unshift(() => engine!.stop())
      address = plaintextAddress(engine.address)
      log.info(`embedded engine listening on ${engine.address}`)
    }
    const { zeebe } = createZeebeClient(config, address)
    cleanup.unshift(async () => {
      await zeebe.close()
    })

    const seededUsers = config.SEED_DEMO_DATA ? await seedDemoUsers(database.db) : []
    const sessions = new SessionStore(database.db, config.SESSION_TTL_HOURS * 3600_000)

    const app = createApp({
      log,
      clientDist: join(repoRoot, 'client', 'dist'),
      apiRouters: [
        healthRoutes({ database, zeebe, engine: { embedded: !!engine, address } }),
        sessionMiddleware(sessions),
        authRoutes({ db: database.db, sessions, cookieSecure: config.COOKIE_SECURE }),
      ],
    })
    const http: Server = createServer(app)
    await new Promise<void>((resolveListen, reject) => {
      http.once('error', reject)
      http.listen(config.PORT, config.HOST, () => resolveListen())
    })
    cleanup.unshift(
      () =>
        new Promise<void>((r) => {
          http.close(() => r())
          http.closeAllConnections()
        }),
    )
    const { port } = http.address() as AddressInfo
    const url =
      config.PUBLIC_URL || `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`
    return {
      url,
      database,
      zeebe,
      engine,
      seededUsers,
      stop: () => runAll(cleanup),
    }
  } catch (err) {
    await runAll(cleanup)
    throw err
  }
}

async function runAll(steps: (() => Promise<void>)[]) {
  for (const step of steps.splice(0)) {
    try {
      await step()
    } catch {
      // shutting down: one failing step must not keep the others from running
    }
  }
}
