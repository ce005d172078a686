/**
 * A throw-away PostgreSQL cluster of a test's own, in a temp folder on a free port, that the
 * test can stop and start again (database outages). Uses the server binaries of the machine
 * (`PG_BIN`, else the newest /usr/lib/postgresql/<n>/bin); initdb refuses to run as root, so
 * as root the cluster belongs to the `postgres` OS user and every binary runs through
 * `runuser -u postgres --`.
 */
import { execFile } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** The folder with initdb and pg_ctl, or undefined when this machine has none. */
export function postgresBinDir(): string | undefined {
  const fromEnv = process.env.PG_BIN
  if (fromEnv && existsSync(join(fromEnv, 'pg_ctl'))) return fromEnv
  const base = '/usr/lib/postgresql'
  if (!existsSync(base)) return undefined
  const versions = readdirSync(base)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(base, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a))
  return versions[0] ? join(base, versions[0], 'bin') : undefined
}

/** Why {@link startPgCluster} cannot run here, or undefined when it can. */
export function pgClusterUnavailable(): string | undefined {
  if (!postgresBinDir())
    return 'no PostgreSQL server binaries (set PG_BIN or install postgresql, e.g. /usr/lib/postgresql/15/bin)'
  return undefined
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

export interface PgCluster {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication). */
  readonly url: string
  readonly port: number
  /** Stops the server (fast shutdown: open connections are terminated). */
  stop(): Promise<void>
  /** Starts it again on the same port and data. */
  start(): Promise<void>
  /** Stops the server and removes its folder. */
  destroy(): Promise<void>
}

/** The uid/gid of the `postgres` OS user, read from /etc/passwd. */
async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const { stdout } = await run('id', ['-u', 'postgres']).catch(() => {
    throw new Error('running as root, but there is no `postgres` OS user to own the cluster')
  })
  const { stdout: gid } = await run('id', ['-g', 'postgres'])
  return { uid: Number(stdout.trim()), gid: Number(gid.trim()) }
}

/** Creates and starts a cluster; `destroy()` it in afterAll. */
export async function startPgCluster(): Promise<PgCluster> {
  const bin = postgresBinDir()
  if (!bin) throw new Error(pgClusterUnavailable())
  const asRoot = process.getuid?.() === 0
  const dir = mkdtempSync(join(tmpdir(), 'pgc-'))
  const data = join(dir, 'data')
  if (asRoot) {
    const { uid, gid } = await postgresUser()
    chownSync(dir, uid, gid)
  }
  const exec = (tool: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args])
      : run(join(bin, tool), args)
  await exec('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8'])
  const port = await freePort()
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`
  const start = async () => {
    await exec('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start'])
  }
  const stop = async () => {
    await exec('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop'])
  }
  await start()
  let running = true
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      await stop()
      running = false
    },
    async start() {
      await start()
      running = true
    },
    async destroy() {
      if (running) await stop().catch(() => undefined)
      running = false
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
