/**
 * Opens the product's database: a PostgreSQL server when a URL is given, otherwise PGlite
 * (PostgreSQL compiled to WebAssembly) persisted in a folder or held in memory, by default on a
 * worker thread of its own so its statements do not stop the HTTP thread (issue 21). One
 * Kysely schema and one migration set serve both.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { createPgPool, PGlitePool, PGliteThread } from '../../../engine/index'
import { poolSqlClient, type SqlClient } from './sql-client'
import type { DB } from './schema'
import { migrateToLatest } from './migrate'

export type DatabaseKind = 'pglite' | 'postgres'

/** An open database: the typed query builder, a raw SQL client and how to close both. */
export interface Database {
  readonly db: Kysely<DB>
  readonly sql: SqlClient
  readonly kind: DatabaseKind
  /** Runs `select 1`; resolves to the round-trip in milliseconds. */
  ping(): Promise<number>
  close(): Promise<void>
  /** PGlite only: its data directory as a tarball (a template for test databases). */
  dumpPglite?(): Promise<Blob>
}

export interface OpenDatabaseOptions {
  /** `postgres://…`; empty = PGlite. */
  databaseUrl: string
  /** PGlite folder (`<DATA_DIR>/pglite`), or `memory://` for a throw-away database. */
  pgliteDir: string
  /** Run migrations after opening (default true). */
  migrate?: boolean
  /**
   * A PGlite data directory dump (`dumpDataDir`) an in-memory database starts from instead of
   * an empty one, e.g. one migrated once for a whole test run (its migrations are then done).
   */
  pgliteTemplate?: Blob
  /**
   * Run PGlite on a worker thread of its own (default false): its statements (WebAssembly,
   * synchronous) then no longer stop the caller's event loop, but a transaction holds PGlite's
   * one connection across round trips between the threads (engine/README.md). False = on the
   * caller's thread.
   */
  pgliteWorker?: boolean
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  let database: Database
  if (options.databaseUrl) {
    // connection errors (an outage, a terminated backend) surface on the next query; they
    // must never crash the process, also on connections checked out by a transaction
    const pool = createPgPool({ connectionString: options.databaseUrl, max: 10 })
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
    database = {
      db,
      sql: poolSqlClient(pool),
      kind: 'postgres',
      ping: () => timed(() => pool.query('select 1')),
      close: () => db.destroy(),
    }
  } else {
    const dir = options.pgliteDir
    if (!dir.startsWith('memory://')) mkdirSync(dir, { recursive: true })
    // pg_trgm: trigram indexes make the inbox's text search an index lookup
    const inMemory = dir.startsWith('memory://')
    const template = inMemory ? options.pgliteTemplate : undefined
    let pglite: PGlite | PGliteThread
    let dump: () => Promise<Blob>
    if (options.pgliteWorker === true) {
      const thread = await PGliteThread.start({
        ...(inMemory ? {} : { dataDir: dir }),
        ...(template ? { loadDataDir: template } : {}),
        extensions: ['pg_trgm'],
      })
      pglite = thread
      dump = () => thread.dumpDataDir()
    } else {
      const local = await PGlite.create(inMemory ? undefined : dir, {
        extensions: { pg_trgm },
        ...(template ? { loadDataDir: template } : {}),
      })
      pglite = local
      dump = () => local.dumpDataDir('none')
    }
    const pool = new PGlitePool(pglite)
    // Kysely's Postgres driver only needs connect()/release()/query() and end().
    const db = new Kysely<DB>({
      dialect: new PostgresDialect({ pool: pool as unknown as pg.Pool }),
    })
    database = {
      db,
      // the engine's record log appends with COPY where the client offers it
      sql: pool.sqlClient(),
      kind: 'pglite',
      ping: () => timed(() => pool.query('select 1')),
      close: () => db.destroy(),
      dumpPglite: dump,
    }
  }
  if (options.migrate !== false) await migrateToLatest(database.db)
  return database
}

/** The PGlite folder inside DATA_DIR. */
export const pgliteDirOf = (dataDir: string) => join(dataDir, 'pglite')

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await fn()
  return performance.now() - start
}
