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
      const name = newDatabaseName()
      const template = process.env[TEMPLATE_ENV.postgres]
      try {
        await onServer(
          adminUrl,
          `create database ${name}${template ? ` template ${template}` : ''}`,
        )
      } catch (err) {
        // the template in use by another session at that instant: an empty one, migrated below
        if (!template) throw err
        await onServer(adminUrl, `create database ${name}`)
      }
      return serverDatabase(adminUrl, name)
    },
  }
}

const newDatabaseName = () => `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`

async function onServer(adminUrl: string, statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl })
  admin.on('error', () => undefined) // a broken connection fails the query, not the process
  await admin.connect()
  try {
    await admin.query(statement)
  } finally {
    await admin.end()
  }
}

async function serverDatabase(adminUrl: string, name: string): Promise<TestDatabase> {
  const url = withDatabaseName(adminUrl, name)
  const database = await openDatabase({ databaseUrl: url, pgliteDir: '' })
  return {
    database,
    url,
    async drop() {
      await database.close()
      await onServer(adminUrl, `drop database if exists ${name} with (force)`)
    },
  }
}

/**
 * A fresh database on the test server that starts as a copy of `source`, e.g. one a child
 * server seeded once for many scenarios (as a copied PGlite folder does). Closes `source`'s
 * connections first: PostgreSQL copies only a database no one is connected to.
 */
export async function copyOfServerDatabase(source: TestDatabase): Promise<TestDatabase> {
  const adminUrl = testServerUrl()
  if (!adminUrl || !source.url) throw new Error('copies are of databases on the test server')
  await source.database.close()
  const from = new URL(source.url).pathname.slice(1)
  const name = newDatabaseName()
  for (let attempt = 1; ; attempt++) {
    try {
      await onServer(adminUrl, `create database ${name} template ${from}`)
      break
    } catch (err) {
      // a session of a stopped child may linger for a moment after it closed its connection
      if (attempt === 20) throw err
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  }
  return serverDatabase(adminUrl, name)
}

/** Every database target available to this run: `describe.each(testDatabaseTargets())`. */
export function testDatabaseTargets(): TestDatabaseTarget[] {
  const url = testServerUrl()
  return url ? [pglite, server(url)] : [pglite]
}
