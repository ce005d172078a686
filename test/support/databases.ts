/**
 * The databases a database-backed suite runs on: PGlite in memory always, and the PostgreSQL
 * server named by TEST_DATABASE_URL when it is set (CI sets it). Each server-backed suite gets a
 * freshly created database of its own, dropped afterwards, so parallel test files never collide.
 */
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import pg from 'pg'
import { openDatabase, type Database } from '../../server/src/db/database'

/**
 * The databases the global setup migrated once for the whole run (see global-setup.ts): fresh
 * test databases are copies of them, so each suite does not run every migration again. Unset
 * (a single file run without the setup): fresh databases are migrated from empty.
 */
export const TEMPLATE_ENV = {
  pglite: 'TEST_PGLITE_TEMPLATE',
  postgres: 'TEST_POSTGRES_TEMPLATE',
} as const

let pgliteTemplateBlob: Blob | null | undefined
/** The migrated PGlite dump of this run, read once per test process, or undefined. */
export function testPgliteTemplate(): Blob | undefined {
  if (pgliteTemplateBlob === undefined) {
    const file = process.env[TEMPLATE_ENV.pglite]
    pgliteTemplateBlob = file ? new Blob([readFileSync(file)]) : null
  }
  return pgliteTemplateBlob ?? undefined
}

export interface TestDatabaseTarget {
  /** `pglite` or `postgres`: used as the `describe.each` label. */
  readonly kind: 'pglite' | 'postgres'
  /** Opens a fresh, migrated database; `drop()` closes and removes it. */
  open(): Promise<TestDatabase>
}

export interface TestDatabase {
  readonly database: Database
  /** `postgres://…` of the fresh database, or '' for PGlite. */
  readonly url: string
  drop(): Promise<void>
}

/** The server URL the suite may use, or undefined. Tests read it here, never from process.env. */
export function testServerUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || undefined
}

function withDatabaseName(url: string, name: string): string {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

const pglite: TestDatabaseTarget = {
  kind: 'pglite',
  async open() {
    const pgliteTemplate = testPgliteTemplate()
    const database = await openDatabase({
      databaseUrl: '',
      pgliteDir: 'memory://',
      ...(pgliteTemplate ? { pgliteTemplate } : {}),
    })
    return { database, url: '', drop: () => database.close() }
  },
}

function server(adminUrl: string): TestDatabaseTarget {
  return {
    kind: 'postgres',
    async open() {
      const name = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
      const admin = new pg.Client({ connectionString: adminUrl })
      admin.on('error', () => undefined) // a broken connection fails the query, not the process
      await admin.connect()
      const template = process.env[TEMPLATE_ENV.postgres]
      try {
        await admin.query(`create database ${name}${template ? ` template ${template}` : ''}`)
      } catch (err) {
        // the template in use by another session at that instant: an empty one, migrated below
        if (!template) throw err
        await admin.query(`create database ${name}`)
      }
      await admin.end()
      const url = withDatabaseName(adminUrl, name)
      const database = await openDatabase({ databaseUrl: url, pgliteDir: '' })
      return {
        database,
        url,
        async drop() {
          await database.close()
          const c = new pg.Client({ connectionString: adminUrl })
          c.on('error', () => undefined)
          await c.connect()
          await c.query(`drop database if exists ${name} with (force)`)
          await c.end()
        },
      }
    },
  }
}

/** Every database target available to this run: `describe.each(testDatabaseTargets())`. */
export function testDatabaseTargets(): TestDatabaseTarget[] {
  const url = testServerUrl()
  return url ? [pglite, server(url)] : [pglite]
}
