/**
 * Runs once before the whole suite: builds the web client when client/dist is missing or older
 * than its sources, so tests that open pages get what `npm start` would serve; and migrates one
 * database per lane (a PGlite dump, and a template database on the PostgreSQL server when
 * TEST_DATABASE_URL is set) that every fresh test database then starts as a copy of, instead of
 * each suite running every migration again (see databases.ts). Removed again at the end.
 */
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { openDatabase } from '../../server/src/db/database'
import { TEMPLATE_ENV, testServerUrl } from './databases'

const root = join(import.meta.dirname, '..', '..')

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

export default async function setup(): Promise<() => Promise<void>> {
  buildClient()
  const dir = mkdtempSync(join(tmpdir(), 'sms-test-templates-'))
  const file = join(dir, 'pglite.tar')
  const pglite = await openDatabase({ databaseUrl: '', pgliteDir: 'memory://' })
  try {
    const dump = await pglite.dumpPglite!()
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()))
  } finally {
    await pglite.close()
  }
  process.env[TEMPLATE_ENV.pglite] = file
  const serverUrl = testServerUrl()
  const template = serverUrl ? await postgresTemplate(serverUrl) : undefined
  if (template) process.env[TEMPLATE_ENV.postgres] = template
  return async () => {
    rmSync(dir, { recursive: true, force: true })
    if (serverUrl && template) await onServer(serverUrl, `drop database if exists ${template}`)
  }
}

/** A migrated database on the server, marked as a template (no one connects to it again). */
async function postgresTemplate(serverUrl: string): Promise<string> {
  const name = `t_template_${randomBytes(4).toString('hex')}`
  await onServer(serverUrl, `create database ${name}`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const database = await openDatabase({ databaseUrl: url.toString(), pgliteDir: '' })
  await database.close()
  return name
}

async function onServer(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl })
  client.on('error', () => undefined)
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

/** Builds the web client when client/dist is missing or older than its sources. */
export function buildClient(): void {
  const index = join(root, 'client', 'dist', 'index.html')
  const sources = Math.max(
    newestMtime(join(root, 'client', 'src')),
    // the API types the client shares with the server
    newestMtime(join(root, 'shared')),
    statSync(join(root, 'client', 'index.html')).mtimeMs,
    statSync(join(root, 'client', 'vite.config.ts')).mtimeMs,
  )
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return
  process.stdout.write('building the web client for the tests…\n')
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      'client/vite.config.ts',
      '--logLevel',
      'warn',
    ],
    {
      cwd: root,
      stdio: 'inherit',
    },
  )
}
