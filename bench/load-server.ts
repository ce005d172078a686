/**
 * The product under load, as a person starts it: `server/src/main.ts` in a child process on the
 * embedded defaults (or on DATABASE_URL), restartable on the same data after a SIGKILL, with its
 * memory and CPU per thread sampled from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const CLOCK_TICKS = 100

/** A free loopback port, so a restarted server answers at the same address. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

interface ThreadTimes {
  name: string
  ticks: number
}

/** CPU ticks (user + system) of each thread of `pid`, by thread id. */
function threadTimes(pid: number): Map<string, ThreadTimes> {
  const out = new Map<string, ThreadTimes>()
  let tids: string[] = []
  try {
    tids = readdirSync(`/proc/${pid}/task`)
  } catch {
    return out
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
      // fields after the command name, which sits in parentheses and may hold spaces
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim()
      // the main thread runs HTTP, socket.io and whatever else is not moved off it
      const name = tid === String(pid) ? 'main thread' : comm
      out.set(tid, { name, ticks: Number(rest[11]) + Number(rest[12]) })
    } catch {
      // the thread ended meanwhile
    }
  }
  return out
}

function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) * 1024 : 0
  } catch {
    return 0
  }
}

export interface ServerUnderLoad {
  url: string
  /** The demo admin's password, printed on the first start. */
  adminPassword: string
  /** SIGKILLs the server and starts it again on the same data and port. */
  killAndRestart(): Promise<{ downMs: number }>
  /** Peak RSS and CPU per thread name (percent of one core) since the last `resetUsage`. */
  usage(): {
    rssPeakBytes: number
    cpu: { thread: string; percent: number }[]
    totalPercent: number
  }
  resetUsage(): void
  stop(): Promise<void>
}

export async function startServerUnderLoad(env: Record<string, string>): Promise<ServerUnderLoad> {
  const port = await freePort()
  const fullEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    IBM_TELEMETRY_DISABLED: 'true',
    PORT: String(port),
    ENGINE_PORT: '0',
    ENGINE_REST_PORT: '0',
    LOG_LEVEL: 'warn',
    ...env,
  }
  let child: ChildProcess | undefined
  let output = ''
  const launch = () =>
    new Promise<string>((resolve, reject) => {
      const c = spawn(
        process.execPath,
        ['--import', 'tsx', join(root, 'server', 'src', 'main.ts')],
        {
          cwd: root,
          env: fullEnv,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
      child = c
      let out = ''
      const timer = setTimeout(() => reject(new Error(`not ready within 300 s:\n${out}`)), 300_000)
      const onData = (chunk: Buffer) => {
        out += chunk.toString()
        output += chunk.toString()
        // keep the server's own warnings (event-loop lag among them) visible to whoever runs this
        if (/ warn | error /i.test(chunk.toString()))
          process.stderr.write(`[server] ${chunk.toString()}`)
        const ready = /ready: (http:\/\/\S+)/.exec(out)
        if (ready) {
          clearTimeout(timer)
          resolve(ready[1]!)
        }
      }
      c.stdout!.on('data', onData)
      c.stderr!.on('data', onData)
      c.once('exit', (code, signal) => {
        clearTimeout(timer)
        reject(new Error(`server exited (${code ?? signal}) before it was ready:\n${out}`))
      })
    })
  const url = await launch()
  const adminPassword = /admin\s+(\S{16})/.exec(output)?.[1]
  if (!adminPassword)
    throw new Error(`no demo admin password in the first start's output:\n${output}`)

  let rssPeak = 0
  let base = new Map<string, ThreadTimes>()
  let baseAt = Date.now()
  let lastSeen = new Map<string, ThreadTimes>()
  /** Ticks of server processes already killed, by thread name. */
  let carried = new Map<string, number>()
  const sample = () => {
    if (!child?.pid) return
    rssPeak = Math.max(rssPeak, rssBytes(child.pid))
    lastSeen = threadTimes(child.pid)
  }
  const sampler = setInterval(sample, 1000)
  sampler.unref()

  const usage = () => {
    sample()
    const seconds = (Date.now() - baseAt) / 1000
    const byName = new Map<string, number>(carried)
    for (const [tid, t] of lastSeen) {
      const ticks = t.ticks - (base.get(tid)?.ticks ?? 0)
      byName.set(t.name, (byName.get(t.name) ?? 0) + ticks)
    }
    const cpu = [...byName]
      .map(([thread, ticks]) => ({ thread, percent: (ticks / CLOCK_TICKS / seconds) * 100 }))
      .filter((c) => c.percent >= 0.5)
      .sort((a, b) => b.percent - a.percent)
    return {
      rssPeakBytes: rssPeak,
      cpu,
      totalPercent: cpu.reduce((sum, c) => sum + c.percent, 0),
    }
  }

  const exited = (c: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (c.exitCode !== null || c.signalCode !== null) resolve()
      else c.once('exit', () => resolve())
    })

  return {
    url,
    adminPassword,
    async killAndRestart() {
      const old = child!
      // what the killed process used counts: fold its threads' ticks in before it goes
      sample()
      for (const [tid, t] of lastSeen) {
        const ticks = t.ticks - (base.get(tid)?.ticks ?? 0)
        carried.set(t.name, (carried.get(t.name) ?? 0) + ticks)
      }
      base = new Map()
      lastSeen = new Map()
      const started = Date.now()
      old.kill('SIGKILL')
      await exited(old)
      await launch()
      return { downMs: Date.now() - started }
    },
    usage,
    resetUsage() {
      sample()
      base = lastSeen
      baseAt = Date.now()
      carried = new Map()
      rssPeak = child?.pid ? rssBytes(child.pid) : 0
    },
    async stop() {
      clearInterval(sampler)
      const c = child
      if (!c || c.exitCode !== null) return
      c.kill('SIGTERM')
      await Promise.race([exited(c), new Promise((r) => setTimeout(r, 15_000))])
      if (c.exitCode === null) c.kill('SIGKILL')
    },
  }
}
