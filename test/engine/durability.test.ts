/**
 * Durability: the standalone engine (engine/main.ts) runs in a child process over a PGlite
 * folder (or a fresh PostgreSQL database when TEST_DATABASE_URL is set) while a driver creates
 * instances and completes jobs under load; the child is killed with SIGKILL at random moments.
 * After each restart every acknowledged command's effect must be in the log (no acknowledged
 * instance or job completion lost), and at the end every instance runs to completion.
 *
 * ISO/IEC 20000-1 4.3.3: the engine's records are evidence; they must be protected against loss
 * and retrievable after a failure.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, test } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../support/databases'
import { activate, call, gatewayClient, type GatewayClient, type Reply } from './grpc-client'
import { fixture } from './support'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const KILLS = 4
/** Activated jobs of a killed engine time out quickly so the drain need not wait long. */
const JOB_TIMEOUT_MS = 1_500

interface Child {
  process: ChildProcess
  port: number
  httpUrl: string
}

/** Starts engine/main.ts; resolves once it prints its addresses. */
function startChild(args: string[]): Promise<Child> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'engine', 'main.ts'), ...args],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    let port = 0
    const timer = setTimeout(() => reject(new Error(`engine did not start: ${out}${err}`)), 30_000)
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()))
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const grpcMatch = /gateway listening on [^:\s]+:(\d+)/.exec(out)
      const httpMatch = /HTTP endpoint on (http:\/\/\S+)/.exec(out)
      if (grpcMatch) port = Number(grpcMatch[1])
      if (port && httpMatch) {
        clearTimeout(timer)
        resolve({ process: child, port, httpUrl: httpMatch[1]! })
      }
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`engine exited with ${code}: ${out}${err}`))
    })
  })
}

function kill(child: Child): Promise<void> {
  return new Promise((resolve) => {
    if (child.process.exitCode !== null) return resolve()
    child.process.once('exit', () => resolve())
    child.process.kill('SIGKILL')
  })
}

interface LogRecord {
  position: number
  key: string
  valueType: string
  intent: string
}

/** Reads the whole log of the child through its HTTP endpoint. */
async function readLog(httpUrl: string): Promise<LogRecord[]> {
  const all: LogRecord[] = []
  let after = 0
  for (;;) {
    const res = await fetch(
      `${httpUrl}/records?afterPosition=${after}&limit=10000&valueType=PROCESS_INSTANCE,JOB`,
    )
    const page = (await res.json()) as { records: LogRecord[]; lastPosition: number }
    all.push(...page.records)
    if (page.records.length < 10_000) return all
    after = page.lastPosition
  }
}

describe.each(testDatabaseTargets())('the engine survives SIGKILL under load ($kind)', (target) => {
  const dir = mkdtempSync(join(tmpdir(), 'engine-durability-'))
  let db: TestDatabase | undefined
  let child: Child | undefined

  afterAll(async () => {
    if (child) await kill(child)
    await db?.drop()
    rmSync(dir, { recursive: true, force: true })
  })

  test(`no acknowledged command is lost across ${KILLS} kills and every instance completes`, async () => {
    let store: string[]
    if (target.kind === 'postgres') {
      db = await target.open()
      store = ['--database-url', db.url]
    } else store = ['--data-dir', join(dir, 'pglite')]
    const ackedInstances = new Set<string>()
    const ackedCompletions = new Set<string>()
    let port = 0
    let httpPort = 0
    let kills = 0

    /** Creates instances and completes jobs until `stop` is set; records acknowledgements. */
    async function load(
      client: GatewayClient,
      stop: { now: boolean },
      create: boolean,
    ): Promise<void> {
      const creator = async (n: number) => {
        for (let i = 0; !stop.now; i++) {
          try {
            const created = await call(client, 'CreateProcessInstance', {
              bpmnProcessId: 'gw-order',
              version: -1,
              variables: JSON.stringify({ amount: (n + i) % 2 ? 150 : 1 }),
            })
            ackedInstances.add(String(created.processInstanceKey))
          } catch {
            return // the engine is gone
          }
        }
      }
      const worker = async (type: string) => {
        while (!stop.now) {
          let jobs: Reply[]
          try {
            jobs = (
              await activate(client, {
                type,
                worker: 'driver',
                timeout: JOB_TIMEOUT_MS,
                maxJobsToActivate: 20,
                requestTimeout: 200,
              }).done
            ).jobs
          } catch {
            return
          }
          await Promise.all(
            jobs.map(async (job) => {
              try {
                await call(client, 'CompleteJob', { jobKey: job.key, variables: '{"done":true}' })
                ackedCompletions.add(String(job.key))
              } catch {
                // engine killed meanwhile, or the job timed out and was completed by another poll
              }
            }),
          )
        }
      }
      const creators = create ? [creator(0), creator(1), creator(2)] : []
      await Promise.all([...creators, worker('gw-check-order'), worker('gw-approve-order')])
    }

    async function verify(httpUrl: string): Promise<LogRecord[]> {
      const log = await readLog(httpUrl)
      const created = new Set(
        log
          .filter((r) => r.valueType === 'PROCESS_INSTANCE' && r.intent === 'ELEMENT_ACTIVATED')
          .map((r) => r.key),
      )
      const completedJobs = new Set(
        log.filter((r) => r.valueType === 'JOB' && r.intent === 'COMPLETED').map((r) => r.key),
      )
      const lostInstances = [...ackedInstances].filter((k) => !created.has(k))
      const lostCompletions = [...ackedCompletions].filter((k) => !completedJobs.has(k))
      expect(lostInstances).toEqual([])
      expect(lostCompletions).toEqual([])
      return log
    }

    const phases: string[] = []
    for (let round = 0; round <= KILLS; round++) {
      const roundStart = Date.now()
      child = await startChild(['--port', String(port), '--http-port', String(httpPort), ...store])
      port = child.port
      phases.push(`start ${Date.now() - roundStart} ms`)
      httpPort = Number(new URL(child.httpUrl).port)
      await verify(child.httpUrl)
      const client = gatewayClient(`127.0.0.1:${port}`, true)
      if (round === 0) {
        await call(client, 'DeployResource', {
          resources: [{ name: 'gw-order.bpmn', content: readFileSync(fixture('gw-order.bpmn')) }],
        })
      }
      if (round === KILLS) {
        // drain: workers finish every instance, including the ones whose jobs were activated
        // by a killed engine (they time out and are activated again)
        const stop = { now: false }
        const running = load(client, stop, false)
        const until = Date.now() + 60_000
        let log: LogRecord[] = []
        for (;;) {
          await new Promise((r) => setTimeout(r, 500))
          log = await readLog(child.httpUrl)
          const completed = new Set(
            log
              .filter((r) => r.valueType === 'PROCESS_INSTANCE' && r.intent === 'ELEMENT_COMPLETED')
              .map((r) => r.key),
          )
          if ([...ackedInstances].every((k) => completed.has(k)) || Date.now() > until) {
            stop.now = true
            await running
            const missing = [...ackedInstances].filter((k) => !completed.has(k))
            expect(missing).toEqual([])
            break
          }
        }
        await verify(child.httpUrl)
        client.close()
        break
      }
      const stop = { now: false }
      const running = load(client, stop, true)
      await new Promise((r) => setTimeout(r, 800 + Math.random() * 1_700))
      await kill(child)
      kills++
      stop.now = true
      await running
      client.close()
    }
    console.log(`durability (${target.kind}) engine start times: ${phases.join(', ')}`)
    console.log(
      `durability (${target.kind}): ${kills} SIGKILLs, ${ackedInstances.size} acknowledged instances all completed, ${ackedCompletions.size} acknowledged job completions kept`,
    )
    expect(kills).toBe(KILLS)
    expect(ackedInstances.size).toBeGreaterThan(0)
  }, 180_000) // ~25 s on an idle 2-core machine; engine restarts take several seconds under load
})
