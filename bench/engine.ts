/**
 * Engine benchmark (`npm run bench:engine`): prints figures, asserts nothing.
 *
 * 1. Throughput: a process of 10 service tasks, @camunda8/sdk workers over gRPC (in a child
 *    process, bench/engine-workers.ts; instances are started by this file run as a second child
 *    process, `--starter`, so the engine process runs the engine only), the durable
 *    record log on (PGlite in a folder): PIs completed/s, jobs/s, p50/p99 start-to-end latency,
 *    records/s, CPU per instance of each process, and how busy the engine process's main
 *    thread was (the gateway, the engine and PGlite all run on it).
 * 2. The raw batched insert rate of the same store: synthetic record-sized rows in 500-record
 *    batches; and, after the throughput phase, the engine's own records replayed through the
 *    same insert path into a fresh store, in the engine's group-commit batches and in batches
 *    of 500 (the fair baselines for the engine's records/s).
 * 3. `bpmn-engine` running the same model in-process, no durability: the JS peer.
 * 4. Memory per parked instance (instances waiting on a user task: heap and RSS).
 * 5. Restart time with 10,000 running instances.
 *
 * Phases: BENCH_PHASES=raw,throughput,peer,parked (default all).
 * Sizes: BENCH_INSTANCES (default 2000), BENCH_PARKED (default 100000), BENCH_RESTART (10000),
 * BENCH_IN_FLIGHT (instances running at once in the throughput phase, default 200).
 * BENCH_WORKER_NODE_ARGS: extra Node flags of the worker process (e.g. `--cpu-prof`).
 * Run with `--expose-gc` (the npm script does) so heap figures are after a full GC.
 */
import { spawn } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { percentile } from './stats'
import { quietZeebeClient } from './zeebe-client'
import { Engine as BpmnEngine } from 'bpmn-engine'
import { BpmnModdle } from 'bpmn-moddle'
import { createEngine } from '../engine/engine'
import { type EngineDatabase, openEngineDatabase, startEngine } from '../engine/index'
import { ensureLogTables, insertRecords, selectRecords } from '../engine/state/log'
import type { EngineRecord } from '../engine/state/records'

const TASKS = 10
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 2000)
const PARKED = Number(process.env.BENCH_PARKED ?? 100_000)
const RESTART = Number(process.env.BENCH_RESTART ?? 10_000)
/** Instances kept running at once by the starter (BENCH_IN_FLIGHT, default 200). */
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 200)
/** Comma-separated subset of raw,throughput,peer,parked (default all). */
const PHASES = new Set((process.env.BENCH_PHASES ?? 'raw,throughput,peer,parked').split(','))

const dirs: string[] = []
const tempDir = (name: string) => {
  const d = mkdtempSync(join(tmpdir(), `engine-bench-${name}-`))
  dirs.push(d)
  return d
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
const MiB = 1024 * 1024

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc
  if (g) {
    g()
    g()
  }
}

/** The benchmark process: start → 10 service tasks in sequence → end. */
function serviceTasksBpmn(flavour: 'zeebe' | 'bpmn-engine'): string {
  const tasks = Array.from({ length: TASKS }, (_, i) => i + 1)
  const task = (i: number) =>
    flavour === 'zeebe'
      ? `<bpmn:serviceTask id="Task_${i}"><bpmn:extensionElements><zeebe:taskDefinition type="bench-task-${i}" /></bpmn:extensionElements></bpmn:serviceTask>`
      : `<bpmn:serviceTask id="Task_${i}" implementation="\${environment.services.work}" />`
  const ids = ['StartEvent_1', ...tasks.map((i) => `Task_${i}`), 'EndEvent_1']
  const flows = ids
    .slice(1)
    .map(
      (target, i) =>
        `<bpmn:sequenceFlow id="Flow_${i}" sourceRef="${ids[i]}" targetRef="${target}" />`,
    )
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_Bench" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="bench-ten-tasks" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
    ${tasks.map(task).join('\n    ')}
    <bpmn:endEvent id="EndEvent_1" />
    ${flows.join('\n    ')}
  </bpmn:process>
</bpmn:definitions>`
}

const userTaskBpmn = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_Parked" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="bench-parked" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:userTask id="Task_Approve">
      <bpmn:extensionElements><zeebe:assignmentDefinition assignee="demo" candidateGroups="approvers" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="EndEvent_1" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Task_Approve" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Approve" targetRef="EndEvent_1" />
  </bpmn:process>
</bpmn:definitions>`

interface Figures {
  [name: string]: string
}
const figures: Figures = {}
function report(name: string, value: string): void {
  figures[name] = value
  console.log(`${name.padEnd(48)} ${value}`)
}

/**
 * CPU seconds a process (or one of its threads) has used so far (Linux /proc; NaN elsewhere). The
 * machine may be shared, so CPU per instance shows the cost of the work when wall-clock rates
 * vary with the load.
 */
function cpuSecondsOf(pid: number | undefined, thread?: number): number {
  try {
    const path = thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`
    const stat = readFileSync(path, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux)
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return NaN
  }
}

/** Starts bench/engine-workers.ts in a child process; resolves once its workers poll. */
async function startWorkerProcess(
  address: string,
): Promise<{ stop(): Promise<void>; cpuSeconds(): number }> {
  const child = spawn(
    process.execPath,
    [
      // e.g. BENCH_WORKER_NODE_ARGS=--cpu-prof to profile the workers as well
      ...(process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      '--import',
      'tsx',
      join(import.meta.dirname, 'engine-workers.ts'),
      address,
      String(TASKS),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('workers ready')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`workers exited with ${code}`)))
  })
  return {
    cpuSeconds: () => cpuSecondsOf(child.pid),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

/** Messages between the benchmark and its starter process (over the child's IPC channel). */
type ToStarter = { go: true } | { completed: string[] }
type FromStarter = { ready: true } | { latencies: number[] }

/**
 * Starts this file again as the instance starter (`--starter <host:port>`), in a process of its
 * own as Camunda's benchmark "starter" app runs: the engine process then does engine work only,
 * as in a deployment where clients are elsewhere. The benchmark tells it which instances
 * completed (it sees the records); it keeps {@link IN_FLIGHT} instances running and measures
 * each one's start-to-end latency.
 */
async function startStarterProcess(address: string): Promise<{
  go(): Promise<number[]>
  completed(key: string): void
  cpuSeconds(): number
  stop(): Promise<void>
}> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', import.meta.filename, '--starter', address],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  )
  let latencies!: (l: number[]) => void
  const done = new Promise<number[]>((r) => (latencies = r))
  await new Promise<void>((resolve, reject) => {
    child.on('message', (m: FromStarter) => {
      if ('ready' in m) resolve()
      else latencies(m.latencies)
    })
    child.once('exit', (code) => reject(new Error(`starter exited with ${code}`)))
  })
  // completions go out once per turn of the event loop, not one message each
  let keys: string[] = []
  const send = (m: ToStarter) => child.send(m)
  return {
    go: () => {
      send({ go: true })
      return done
    },
    completed: (key) => {
      if (keys.push(key) === 1) {
        setImmediate(() => {
          send({ completed: keys })
          keys = []
        })
      }
    },
    cpuSeconds: () => cpuSecondsOf(child.pid),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.disconnect()
      }),
  }
}

/** The starter process: creates INSTANCES instances, IN_FLIGHT at a time (see above). */
async function starterMain(address: string): Promise<void> {
  const zeebe = quietZeebeClient(address)
  await zeebe.topology()
  const send = (m: FromStarter) => process.send!(m)
  const startedAt = new Map<string, number>()
  // A completion may arrive before the create call's answer: match both ways.
  const completedAt = new Map<string, number>()
  const latencies: number[] = []
  let free: (() => void) | undefined
  const finish = (began: number, ended: number) => {
    latencies.push(ended - began)
    free?.()
    if (latencies.length === INSTANCES) send({ latencies })
  }
  const go = new Promise<void>((resolve) => {
    process.on('message', (m: ToStarter) => {
      if ('go' in m) return resolve()
      const now = performance.now()
      for (const key of m.completed) {
        const began = startedAt.get(key)
        if (began === undefined) completedAt.set(key, now)
        else {
          startedAt.delete(key)
          finish(began, now)
        }
      }
    })
  })
  process.once('disconnect', () => void zeebe.close().finally(() => process.exit(0)))
  send({ ready: true })
  await go
  for (let i = 0; i < INSTANCES; i++) {
    while (i - latencies.length >= IN_FLIGHT) await new Promise<void>((r) => (free = r))
    const before = performance.now()
    void zeebe
      .createProcessInstance({ bpmnProcessId: 'bench-ten-tasks', variables: { i } })
      .then((created) => {
        const key = created.processInstanceKey
        const ended = completedAt.get(key)
        if (ended === undefined) startedAt.set(key, before)
        else {
          completedAt.delete(key)
          finish(before, ended)
        }
      })
  }
}

/** What the throughput phase measured and wrote (for the store-alone replay). */
interface ThroughputRun {
  recordsPerSecond: number
  /** Records per CPU-second of the engine process. */
  recordsPerCpuSecond: number
  /** The engine's database, still open: its log holds the records written. */
  database: EngineDatabase
  /** Log positions of the measured part: (firstPosition, lastPosition]. */
  firstPosition: number
  lastPosition: number
  /** Records per group commit, in order, during the measured part. */
  batchSizes: number[]
}

async function throughput(): Promise<ThroughputRun> {
  const database = await openEngineDatabase({ dataDir: join(tempDir('throughput'), 'pglite') })
  // BENCH_REST=1: also serve the v2 REST API, so the secondary storage projects every record
  const running = await startEngine({
    sql: database.sql,
    port: 0,
    ...(process.env.BENCH_REST === '1' ? { restPort: 0 } : {}),
  })
  const zeebe = quietZeebeClient(running.address)
  await zeebe.deployResource({
    name: 'bench-ten-tasks.bpmn',
    process: Buffer.from(serviceTasksBpmn('zeebe')),
  })
  const workers = await startWorkerProcess(running.address)
  // latency of one instance at a time (no queueing), through CreateProcessInstanceWithResult
  const alone: number[] = []
  for (let i = 0; i < 20; i++) {
    const began = performance.now()
    await zeebe.createProcessInstanceWithResult({
      bpmnProcessId: 'bench-ten-tasks',
      variables: { i },
      requestTimeout: 30_000,
    })
    alone.push(performance.now() - began)
  }
  alone.sort((a, b) => a - b)
  report(
    'engine: latency of a lone instance p50 / max (ms)',
    `${fmt(percentile(alone, 50), 1)} / ${fmt(alone[alone.length - 1]!, 1)}`,
  )
  let records = 0
  // Group-commit batch sizes: the log hands each committed batch to the listeners in one
  // synchronous loop, so the records seen before the next microtask are one batch.
  const batchSizes: number[] = []
  let batchOpen = false
  let firstPosition = -1
  let lastPosition = 0
  let resolveAll!: () => void
  const allDone = new Promise<void>((r) => (resolveAll = r))
  let completed = 0
  const starter = await startStarterProcess(running.address)
  const off = running.engine.onRecord((r: EngineRecord) => {
    records++
    if (firstPosition < 0) firstPosition = r.position - 1
    lastPosition = r.position
    if (!batchOpen) {
      batchOpen = true
      batchSizes.push(0)
      queueMicrotask(() => (batchOpen = false))
    }
    batchSizes[batchSizes.length - 1]!++
    if (
      r.valueType === 'PROCESS_INSTANCE' &&
      r.intent === 'ELEMENT_COMPLETED' &&
      r.value.bpmnElementType === 'PROCESS'
    ) {
      starter.completed(r.key)
      if (++completed === INSTANCES) resolveAll()
    }
  })
  const t0 = performance.now()
  const engineCpu0 = process.cpuUsage()
  // The engine's JavaScript, gateway and PGlite all run on the main thread (its thread id is the
  // process id); the rest of the process's CPU is V8's GC helpers and libuv's pool.
  const mainThreadCpu0 = cpuSecondsOf(process.pid, process.pid)
  const commits0 = running.engine.commitStats
  const workerCpu0 = workers.cpuSeconds()
  const starterCpu0 = starter.cpuSeconds()
  const latenciesReady = starter.go()
  await allDone
  const seconds = (performance.now() - t0) / 1000
  const engineCpu = process.cpuUsage(engineCpu0)
  const mainThreadCpu = cpuSecondsOf(process.pid, process.pid) - mainThreadCpu0
  const commits1 = running.engine.commitStats
  const workerCpu = workers.cpuSeconds() - workerCpu0
  const starterCpu = starter.cpuSeconds() - starterCpu0
  off()
  const latencies = await latenciesReady
  latencies.sort((a, b) => a - b)
  report('engine: PIs completed/s (10 service tasks, SDK)', fmt(INSTANCES / seconds, 1))
  report('engine: jobs completed/s', fmt((INSTANCES * TASKS) / seconds, 0))
  report(
    `engine: start-to-end latency p50 / p99 (ms), ${IN_FLIGHT} in flight`,
    `${fmt(percentile(latencies, 50), 1)} / ${fmt(percentile(latencies, 99), 1)}`,
  )
  const recordsPerSecond = records / seconds
  report('engine: records/s (durable, group commit)', fmt(recordsPerSecond, 0))
  report(
    'engine: CPU per instance, engine / worker / starter process (ms)',
    `${fmt((engineCpu.user + engineCpu.system) / 1000 / INSTANCES, 2)} / ${fmt((1000 * workerCpu) / INSTANCES, 2)} / ${fmt((1000 * starterCpu) / INSTANCES, 2)}`,
  )
  report(
    "engine: the engine process's main thread: busy share of the run, CPU per instance (ms)",
    `${fmt((100 * mainThreadCpu) / seconds, 1)} % / ${fmt((1000 * mainThreadCpu) / INSTANCES, 2)}`,
  )
  report(
    'engine: records per group commit (mean)',
    fmt(records / Math.max(1, batchSizes.length), 0),
  )
  // PGlite commits on the main thread: the rest of its busy share is the gateway and the engine,
  // and what is left of the run it waited for requests
  const commitMs = commits1.commitMs - commits0.commitMs
  report(
    'engine: group commits: share of the run, mean duration (ms)',
    `${fmt((100 * commitMs) / (seconds * 1000), 1)} % / ${fmt(commitMs / Math.max(1, commits1.commits - commits0.commits), 1)}`,
  )
  await starter.stop()
  await workers.stop()
  await zeebe.close()
  await running.stop()
  const recordsPerCpuSecond = records / ((engineCpu.user + engineCpu.system) / 1e6)
  return {
    recordsPerSecond,
    recordsPerCpuSecond,
    database,
    firstPosition,
    lastPosition,
    batchSizes,
  }
}

/**
 * The store alone doing exactly what the engine's log did in the throughput phase: the same
 * records (read back from the engine's log), in the same group-commit batches, through the same
 * insert path, into a fresh database; then the same records in 500-record batches.
 */
async function replayEngineWrites(run: ThroughputRun): Promise<{
  sameBatches: number
  sameBatchesPerCpuSecond: number
  batchesOf500: number
}> {
  // Reads the records back page by page while replaying, so the replay's heap stays small (a
  // heap holding all of them would slow the inserts down with GC work the engine never had).
  const rate = async (batches: number[]): Promise<{ wall: number; cpu: number }> => {
    const database = await openEngineDatabase({ dataDir: join(tempDir('replay'), 'pglite') })
    await ensureLogTables(database.sql)
    let buffer: EngineRecord[] = []
    let after = run.firstPosition
    let written = 0
    let wall = 0
    let cpu = 0
    for (const size of batches) {
      while (buffer.length < size && after < run.lastPosition) {
        const page = await selectRecords(run.database.sql, { afterPosition: after, limit: 5_000 })
        if (page.length === 0) break
        buffer = buffer.concat(page.filter((r) => r.position <= run.lastPosition))
        after = page[page.length - 1]!.position
      }
      const batch = buffer.slice(0, size)
      buffer = buffer.slice(size)
      const t0 = performance.now()
      const c0 = process.cpuUsage()
      await insertRecords(database.sql, batch)
      const c = process.cpuUsage(c0)
      wall += performance.now() - t0
      cpu += (c.user + c.system) / 1000
      written += batch.length
    }
    await database.close()
    return { wall: written / (wall / 1000), cpu: written / (cpu / 1000) }
  }
  const total = run.lastPosition - run.firstPosition
  const same = await rate(run.batchSizes)
  report(
    "store: the engine's writes replayed alone (same records, same batches), records/s",
    `${fmt(same.wall, 0)} (${fmt(same.cpu, 0)} per CPU-second)`,
  )
  const of500 = await rate(
    Array.from({ length: Math.ceil(total / 500) }, (_, i) => Math.min(500, total - i * 500)),
  )
  report(
    "store: the engine's records in 500-record batches, records/s",
    `${fmt(of500.wall, 0)} (${fmt(of500.cpu, 0)} per CPU-second)`,
  )
  await run.database.close()
  return { sameBatches: same.wall, sameBatchesPerCpuSecond: same.cpu, batchesOf500: of500.wall }
}

/** The engine's own log table and insert path, fed 500-record batches with nothing else running. */
async function rawInsertRate(): Promise<number> {
  const database = await openEngineDatabase({ dataDir: join(tempDir('raw'), 'pglite') })
  await ensureLogTables(database.sql)
  const batch = 500
  const total = 50_000
  const record = (position: number): EngineRecord => ({
    position,
    key: String(2251799813685249 + position),
    timestamp: Date.now(),
    recordType: 'EVENT',
    valueType: 'PROCESS_INSTANCE',
    intent: 'ELEMENT_ACTIVATED',
    processInstanceKey: String(2251799813685251 + Math.floor(position / 40)),
    value: {
      bpmnProcessId: 'bench-ten-tasks',
      version: 1,
      processDefinitionKey: 2251799813685249,
      processInstanceKey: 2251799813685251 + Math.floor(position / 40),
      elementId: 'Task_5',
      flowScopeKey: 2251799813685251,
      bpmnElementType: 'SERVICE_TASK',
      bpmnEventType: 'UNSPECIFIED',
      parentProcessInstanceKey: -1,
      parentElementInstanceKey: -1,
      tenantId: '<default>',
    },
  })
  const t0 = performance.now()
  for (let start = 0; start < total; start += batch) {
    await insertRecords(
      database.sql,
      Array.from({ length: batch }, (_, i) => record(start + i + 1)),
    )
  }
  const rate = total / ((performance.now() - t0) / 1000)
  report('store: raw batched insert records/s (engine log table, 500/batch)', fmt(rate, 0))
  await database.close()
  return rate
}

async function bpmnEnginePeer(): Promise<void> {
  const source = serviceTasksBpmn('bpmn-engine')
  const services = {
    work: (_ctx: unknown, next: (err: Error | null, result?: unknown) => void) => next(null),
  }
  // parse once, as the engine parses a deployment once
  const moddleContext = await new BpmnModdle().fromXML(source)
  const count = Math.min(INSTANCES, 1000)
  const t0 = performance.now()
  const latencies: number[] = []
  for (let start = 0; start < count; start += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, count - start) }, async () => {
        const began = performance.now()
        const engine = new BpmnEngine({ name: 'bench', moddleContext, services })
        await new Promise<void>((resolve, reject) => {
          engine.once('end', () => resolve())
          engine.once('error', reject)
          void engine.execute()
        })
        latencies.push(performance.now() - began)
      }),
    )
  }
  const seconds = (performance.now() - t0) / 1000
  latencies.sort((a, b) => a - b)
  report('bpmn-engine: PIs completed/s (in-process, no durability)', fmt(count / seconds, 1))
  report(
    'bpmn-engine: latency p50 / p99 (ms)',
    `${fmt(percentile(latencies, 50), 1)} / ${fmt(percentile(latencies, 99), 1)}`,
  )
  // memory of instances parked on a user task, held in memory as bpmn-engine keeps them
  const parkedSource = userTaskBpmn.replace(
    /<bpmn:extensionElements>.*?<\/bpmn:extensionElements>/s,
    '',
  )
  const parked: unknown[] = []
  gc()
  const heap0 = process.memoryUsage().heapUsed
  const n = 500
  for (let i = 0; i < n; i++) {
    const engine = new BpmnEngine({ name: `parked-${i}`, source: parkedSource })
    await new Promise<void>((resolve, reject) => {
      const listener = new EventEmitter()
      listener.once('wait', () => resolve())
      engine.once('error', reject)
      void engine.execute({ listener })
    })
    parked.push(engine)
  }
  gc()
  const perInstance = (process.memoryUsage().heapUsed - heap0) / n / 1024
  report(`bpmn-engine: heap per parked user-task instance (${n})`, `${fmt(perInstance, 1)} KiB`)
  parked.length = 0
}

async function createParked(
  engine: Awaited<ReturnType<typeof createEngine>>,
  n: number,
): Promise<void> {
  let next = 0
  const lanes = Array.from({ length: 64 }, async () => {
    while (next < n) {
      next++
      await engine.createProcessInstance({
        bpmnProcessId: 'bench-parked',
        variables: { requester: 'bench' },
      })
    }
  })
  await Promise.all(lanes)
}

async function parkedAndRestart(): Promise<void> {
  const dir = join(tempDir('parked'), 'pglite')
  let database = await openEngineDatabase({ dataDir: dir })
  let engine = await createEngine({ sql: database.sql })
  await engine.deployResources([{ name: 'bench-parked.bpmn', content: Buffer.from(userTaskBpmn) }])
  // restart with RESTART running instances
  const t0 = performance.now()
  await createParked(engine, RESTART)
  report(
    `engine: created ${fmt(RESTART)} parked instances in`,
    `${fmt((performance.now() - t0) / 1000, 1)} s`,
  )
  await engine.close()
  await database.close()
  const r0 = performance.now()
  database = await openEngineDatabase({ dataDir: dir })
  engine = await createEngine({ sql: database.sql })
  report(
    `engine: restart with ${fmt(RESTART)} running instances`,
    `${fmt(performance.now() - r0, 0)} ms`,
  )
  // memory per parked instance
  gc()
  const heap0 = process.memoryUsage().heapUsed
  const rss0 = process.memoryUsage().rss
  const more = Math.max(0, PARKED - RESTART)
  const t1 = performance.now()
  await createParked(engine, more)
  gc()
  const heap1 = process.memoryUsage().heapUsed
  const rss1 = process.memoryUsage().rss
  report(
    `engine: created ${fmt(more)} more parked instances in`,
    `${fmt((performance.now() - t1) / 1000, 1)} s`,
  )
  report(
    `engine: memory per parked user-task instance (${fmt(PARKED)} parked)`,
    `heap ${fmt((heap1 - heap0) / more / 1024, 2)} KiB, RSS ${fmt((rss1 - rss0) / more / 1024, 2)} KiB (heap total ${fmt(heap1 / MiB)} MiB, RSS ${fmt(rss1 / MiB)} MiB)`,
  )
  await engine.close()
  await database.close()
}

async function main(): Promise<void> {
  console.log(`engine benchmark on ${process.platform}/${process.arch}, Node ${process.version}`)
  const raw = PHASES.has('raw') ? await rawInsertRate() : NaN
  if (PHASES.has('throughput')) {
    const run = await throughput()
    const replay = await replayEngineWrites(run)
    report(
      "engine: records/s as share of the store's rate for the same writes",
      `${fmt((100 * run.recordsPerSecond) / replay.sameBatches, 1)} %`,
    )
    report(
      "engine: records/s as share of the store's rate for its records in 500-record batches",
      `${fmt((100 * run.recordsPerSecond) / replay.batchesOf500, 1)} %`,
    )
    // The same ratio in CPU time: what it would be with a core to itself (on a shared machine
    // the wall-clock ratios move with the other load).
    report(
      "engine: records per engine-process CPU-second as share of the store's per CPU-second",
      `${fmt((100 * run.recordsPerCpuSecond) / replay.sameBatchesPerCpuSecond, 1)} %`,
    )
    if (raw) {
      report(
        'engine: records/s as share of the synthetic raw insert rate',
        `${fmt((100 * run.recordsPerSecond) / raw, 1)} %`,
      )
    }
  }
  if (PHASES.has('peer')) await bpmnEnginePeer()
  if (PHASES.has('parked')) await parkedAndRestart()
  console.log(JSON.stringify(figures))
}

const starterAddress = process.argv[2] === '--starter' ? process.argv[3] : undefined
;(starterAddress ? starterMain(starterAddress) : main())
  .catch((err: unknown) => {
    console.error(err)
    process.exitCode = 1
  })
  .finally(() => {
    // the starter stays up until the benchmark disconnects it
    if (starterAddress && !process.exitCode) return
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
    // the official client may keep sockets and timers alive for a while after close()
    process.exit()
  })
