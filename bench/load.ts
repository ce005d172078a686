/**
 * Load as people make it (issues 20 and 21): simulated customers, staff, auditors and managers
 * over HTTP and socket.io against the product started as `npm start` starts it, on this
 * machine's loopback only. Prints throughput, p50/p95/p99 per route, reads and writes,
 * "completion → next task visible in the inbox", errors, RSS, CPU per thread and the HTTP
 * thread's event-loop lag. With kills, the server is SIGKILLed during the run and started again
 * on the same data; afterwards every operation it acknowledged must be there and nothing stuck.
 * Figures, not a test.
 *
 *   npm run bench:load                                  # 300 people, 10 minutes, PGlite
 *   npm run bench:load -- --users 100 --seconds 120
 *   npm run bench:load -- --kills 5                     # 5 SIGKILLs spread over the run
 *   DATABASE_URL=postgres://… npm run bench:load        # on a PostgreSQL server (a fresh database)
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { startServerUnderLoad } from './load-server'
import {
  adminOf,
  runPerson,
  type Acknowledged,
  type Recorder,
  type Role,
  type Sample,
} from './load-users'
import { percentile } from './stats'

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '300' },
    seconds: { type: 'string', default: '600' },
    kills: { type: 'string', default: '0' },
  },
})
const USERS = Number(args.users)
const SECONDS = Number(args.seconds)
const KILLS = Number(args.kills)

/** The mix measured in the load issue (200 customers, 60 staff, 3 auditors, 2 managers), scaled. */
function mix(total: number): Record<Role, number> {
  const auditors = Math.max(1, Math.round((total * 3) / 265))
  const managers = Math.max(1, Math.round((total * 2) / 265))
  const staff = Math.max(1, Math.round((total * 60) / 265))
  return {
    customer: Math.max(1, total - staff - auditors - managers),
    staff,
    auditor: auditors,
    manager: managers,
  }
}

async function freshDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `bench_load_${Date.now()}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const u = new URL(url)
  u.pathname = `/${name}`
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: url })
      await c.connect()
      await c.query(`drop database if exists ${name} with (force)`)
      await c.end()
    },
  }
}

const fmt = (n: number) => (Number.isNaN(n) ? '–' : n >= 100 ? n.toFixed(0) : n.toFixed(1))
const line = (label: string, values: number[]) =>
  `${label.padEnd(48)} ${String(values.length).padStart(7)} ${fmt(percentile(values, 50)).padStart(8)} ${fmt(percentile(values, 95)).padStart(8)} ${fmt(percentile(values, 99)).padStart(8)}`

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sms-bench-load-'))
  const db = process.env.DATABASE_URL ? await freshDatabase(process.env.DATABASE_URL) : undefined
  const server = await startServerUnderLoad({
    DATA_DIR: dataDir,
    DEPLOY_PROCESSES: 'true',
    ...(db ? { DATABASE_URL: db.url } : {}),
    // PGLITE_WORKER=true runs the embedded database on a worker thread of its own, for comparison
    ...(process.env.PGLITE_WORKER ? { PGLITE_WORKER: process.env.PGLITE_WORKER } : {}),
  })
  const samples: Sample[] = []
  const unavailable = new Map<string, number>()
  const conflicts = new Map<string, number>()
  const nextVisible: number[] = []
  let nextMissing = 0
  let running = true
  const ack: Acknowledged = { cases: [], completions: [], notes: [] }
  const rec: Recorder = {
    request: (s) => void samples.push(s),
    unavailable: (r) => void unavailable.set(r, (unavailable.get(r) ?? 0) + 1),
    conflict: (r) => void conflicts.set(r, (conflicts.get(r) ?? 0) + 1),
    nextTaskVisible: (ms) => void nextVisible.push(ms),
    nextTaskMissing: () => void nextMissing++,
    ack,
    running: () => running,
  }
  try {
    // the people: created by the demo admin like any administrator would
    const admin = await adminOf(server.url, server.adminPassword, rec)
    const counts = mix(USERS)
    const people: { username: string; password: string; role: Role }[] = []
    const groupsOf: Record<Role, { id: string }[]> = {
      customer: [],
      staff: [{ id: 'service-desk' }],
      auditor: [],
      manager: [{ id: 'top-management' }],
    }
    const rolesOf: Record<Role, string[]> = {
      customer: ['customer'],
      staff: ['staff'],
      auditor: ['auditor'],
      manager: ['staff'],
    }
    for (const role of Object.keys(counts) as Role[]) {
      for (let i = 1; i <= counts[role]; i++) {
        const username = `load-${role}-${i}`
        const password = `${randomBytes(12).toString('base64url')}-Lq7`
        const made = await admin.call('POST', '/users', {
          username,
          displayName: `Load ${role} ${i}`,
          roles: rolesOf[role],
          groups: groupsOf[role],
          password,
        })
        if (made.status !== 201)
          throw new Error(`creating ${username}: ${made.status} ${JSON.stringify(made.body)}`)
        people.push({ username, password, role })
      }
    }
    samples.length = 0
    console.log(
      `bench:load on ${db ? 'PostgreSQL' : `the embedded default (PGlite${process.env.PGLITE_WORKER === 'true' ? ' on a worker thread' : ' on the HTTP thread'})`}: ${people.length} people ` +
        `(${Object.entries(counts)
          .map(([r, n]) => `${n} ${r}`)
          .join(', ')}), ${SECONDS} s, ${KILLS} SIGKILLs`,
    )
    server.resetUsage()
    const started = Date.now()
    const sessions = people.map((p) =>
      runPerson(server.url, p.username, p.password, p.role, rec).catch((err: unknown) => {
        console.error(`${p.username} stopped: ${String(err)}`)
      }),
    )
    // the HTTP thread's event-loop lag of every 10-second window of the run, not only the last
    const lagWindows: { p99Ms: number; maxMs: number }[] = []
    const lagTimer = setInterval(() => {
      admin
        .call<{ eventLoop?: { p99Ms: number; maxMs: number } }>('GET', '/health')
        .then((r) => r.body.eventLoop && lagWindows.push(r.body.eventLoop))
        .catch(() => undefined)
    }, 10_000)
    const downtimes: number[] = []
    for (let k = 1; k <= KILLS; k++) {
      const at = started + (SECONDS * 1000 * k) / (KILLS + 1)
      await new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())))
      const { downMs } = await server.killAndRestart()
      downtimes.push(downMs)
      console.log(
        `  SIGKILL ${k} at ${Math.round((Date.now() - started) / 1000)} s: back after ${downMs} ms`,
      )
    }
    await new Promise((r) => setTimeout(r, Math.max(0, started + SECONDS * 1000 - Date.now())))
    running = false
    clearInterval(lagTimer)
    await Promise.all(sessions)
    const elapsed = (Date.now() - started) / 1000
    const usage = server.usage()
    const health = (
      await admin.call<{
        eventLoop?: { p50Ms: number; p99Ms: number; worstMs: number; slowWindows: number }
        reconciler?: unknown
      }>('GET', '/health')
    ).body

    // what the people saw
    const byRoute = new Map<string, number[]>()
    for (const s of samples) byRoute.set(s.route, [...(byRoute.get(s.route) ?? []), s.ms])
    const errors = samples.filter((s) => s.status === 0 || s.status >= 500)
    const refused = samples.filter((s) => s.status >= 400 && s.status < 500 && s.status !== 409)
    console.log(
      `\nthroughput ${(samples.length / elapsed).toFixed(1)} req/s over ${elapsed.toFixed(0)} s (load average ${loadavg()[0]!.toFixed(1)})`,
    )
    console.log(
      `${'route'.padEnd(48)} ${'count'.padStart(7)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`,
    )
    for (const [route, ms] of [...byRoute].sort((a, b) => b[1].length - a[1].length))
      console.log(line(route, ms))
    console.log(
      line(
        'all requests',
        samples.map((s) => s.ms),
      ),
    )
    console.log(
      line(
        'reads (target p95 < 150)',
        samples.filter((s) => !s.write).map((s) => s.ms),
      ),
    )
    console.log(
      line(
        'writes (target p95 < 300)',
        samples.filter((s) => s.write).map((s) => s.ms),
      ),
    )
    console.log(line('completion → next task visible (p95 < 500)', nextVisible))
    console.log(
      `errors (5xx, timeouts at 30 s, next task never visible): ${errors.length + nextMissing}` +
        (errors.length
          ? ` — ${[...new Set(errors.map((e) => `${e.route} ${e.status}`))].join(', ')}`
          : ''),
    )
    console.log(
      `refused (4xx other than 409): ${refused.length}${refused.length ? ` — ${[...new Set(refused.map((e) => `${e.route} ${e.status}`))].join(', ')}` : ''}`,
    )
    console.log(
      `conflicts (409, someone else was first): ${[...conflicts.values()].reduce((a, b) => a + b, 0)}`,
    )
    if (KILLS) {
      console.log(
        `unanswered while the server restarted: ${[...unavailable.values()].reduce((a, b) => a + b, 0)}; downtimes ${downtimes.join(', ')} ms`,
      )
    }
    console.log(
      `server RSS peak ${(usage.rssPeakBytes / 2 ** 20).toFixed(0)} MiB (target < 1536); CPU ${usage.totalPercent.toFixed(0)} % of one core:`,
    )
    for (const c of usage.cpu) console.log(`  ${c.thread.padEnd(20)} ${c.percent.toFixed(0)} %`)
    if (health?.eventLoop) {
      console.log(
        `event-loop lag of the HTTP thread: last window p99 ${health.eventLoop.p99Ms} ms, worst ${health.eventLoop.worstMs} ms, slow windows ${health.eventLoop.slowWindows}`,
      )
    }
    if (lagWindows.length) {
      const p99s = lagWindows.map((w) => w.p99Ms)
      console.log(
        `  over the run's ${lagWindows.length} windows of 10 s (target p99 < 100): p99 median ${fmt(percentile(p99s, 50))} ms, highest ${fmt(Math.max(...p99s))} ms; max ${fmt(Math.max(...lagWindows.map((w) => w.maxMs)))} ms`,
      )
    }

    // nothing acknowledged is lost, nothing is stuck
    if (KILLS || process.env.BENCH_VERIFY === 'true') {
      console.log(
        `\nchecking ${ack.cases.length} raised cases, ${ack.completions.length} completions, ${ack.notes.length} replies…`,
      )
      const missing: string[] = []
      for (const id of ack.cases) {
        const c = await admin.call<{ processInstances?: unknown[] }>('GET', `/incidents/${id}`)
        if (c.status !== 200) missing.push(`case ${id}: ${c.status}`)
        else if (!c.body.processInstances?.length) missing.push(`case ${id}: no procedure started`)
      }
      const settle = Date.now() + 60_000
      for (const id of ack.completions) {
        for (;;) {
          const t = await admin.call<{ task: { state: string } }>('GET', `/tasks/${id}`)
          if (t.status === 200 && t.body.task.state === 'completed') break
          if (Date.now() > settle) {
            missing.push(`task ${id}: ${t.status === 200 ? t.body.task.state : t.status}`)
            break
          }
          await new Promise((r) => setTimeout(r, 500))
        }
      }
      for (const n of ack.notes) {
        const a = await admin.call<{ items?: { body?: string }[] } | { body?: string }[]>(
          'GET',
          `/incidents/${n.caseId}/activity`,
        )
        const items = Array.isArray(a.body) ? a.body : (a.body?.items ?? [])
        if (!items.some((e) => e.body === n.body)) missing.push(`reply on ${n.caseId}`)
      }
      console.log(
        missing.length
          ? `LOST or STUCK: ${missing.length}\n  ${missing.slice(0, 20).join('\n  ')}`
          : 'every acknowledged operation is there; nothing stuck',
      )
      console.log(`reconciler: ${JSON.stringify(health?.reconciler ?? {})}`)
    }
  } finally {
    running = false
    await server.stop()
    await db?.drop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
