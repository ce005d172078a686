/**
 * Engine benchmark (`npm run bench:engine`): prints figures, asserts nothing.
 *
 * 1. Throughput: a process of 10 service tasks, @camunda8/sdk workers over gRPC (in a child
 *    process, bench/engine-workers.ts; instances are started from this one), the durable
 *    record log on (PGlite in a folder): PIs completed/s, jobs/s, p50/p99 start-to-end latency,
 *    records/s.
 * 2. The raw batched insert rate of the same store (multi-row INSERTs of record-sized rows).
 * 3. `bpmn-engine` running the same model in-process, no durability: the JS peer.
 * 4. Memory per parked instance (instances waiting on a user task: heap and RSS).
 * 5. Restart time with 10,000 running instances.
 *
 * Phases: BENCH_PHASES=raw,throughput,peer,parked (default all).
 * Sizes: BENCH_INSTANCES (default 2000), BENCH_PARKED (default 100000), BENCH_RESTART (10000).
 * Run with `--expose-gc` (the npm script does) so heap figures are after a full GC.
 */
import { spawn } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Camunda8 } from '@camunda8/sdk'
import { Engine as BpmnEngine } from 'bpmn-engine'
import { BpmnModdle } from 'bpmn-moddle'
import { createEngine } from '../engine/engine'
import { openEngineDatabase, startEngine } from '../engine/index'
import { ensureLogTables, insertRecords } from '../engine/state/log'
import type { EngineRecord } from '../engine/state/records'

const TASKS = 10
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 2000)
const PARKED = Number(process.env.BENCH_PARKED ?? 100_000)
const RESTART = Number(process.env.BENCH_RESTART ?? 10_000)
const IN_FLIGHT = 200
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

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
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

/** Starts bench/engine-workers.ts in a child process; resolves once its workers poll. */
async function startWorkerProcess(address: string): Promise<{ stop(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'engine-workers.ts'), address, String(TASKS)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('workers ready')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`workers exited with ${code}`)))
  })
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

async function throughput(): Promise<number> {
  const database = await openEngineDatabase({ dataDir: join(tempDir('throughput'), 'pglite') })
  const running = await startEngine({ sql: database.sql, port: 0 })
  const c8 = new Camunda8({
    ZEEBE_GRPC_ADDRESS: `grpc://${running.address}`,
    CAMUNDA_AUTH_STRATEGY: 'NONE',
    zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE' },
    CAMUNDA_LOG_LEVEL: 'none',
  })
  const zeebe = c8.getZeebeGrpcApiClient()
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
  const startedAt = new Map<string, number>()
  const latencies: number[] = []
  let records = 0
  let resolveAll!: () => void
  const allDone = new Promise<void>((r) => (resolveAll = r))
  let completed = 0
  let free!: () => void
  let slot = new Promise<void>((r) => (free = r))
  // The completion may be seen before the create call's answer arrives: match both ways.
  const completedAt = new Map<string, number>()
  const finish = (began: number, ended: number) => {
    latencies.push(ended - began)
    completed++
    free()
    if (completed === INSTANCES) resolveAll()
  }
  const off = running.engine.onRecord((r: EngineRecord) => {
    records++
    if (
      r.valueType === 'PROCESS_INSTANCE' &&
      r.intent === 'ELEMENT_COMPLETED' &&
      r.value.bpmnElementType === 'PROCESS'
    ) {
      const began = startedAt.get(r.key)
      if (began === undefined) completedAt.set(r.key, performance.now())
      else {
        startedAt.delete(r.key)
        finish(began, performance.now())
      }
    }
  })
  const t0 = performance.now()
  let inFlight = 0
  for (let i = 0; i < INSTANCES; i++) {
    while (inFlight - completed >= IN_FLIGHT) {
      slot = new Promise<void>((r) => (free = r))
      await slot
    }
    inFlight++
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
  await allDone
  const seconds = (performance.now() - t0) / 1000
  off()
  latencies.sort((a, b) => a - b)
  report('engine: PIs completed/s (10 service tasks, SDK)', fmt(INSTANCES / seconds, 1))
  report('engine: jobs completed/s', fmt((INSTANCES * TASKS) / seconds, 0))
  report(
    `engine: start-to-end latency p50 / p99 (ms), ${IN_FLIGHT} in flight`,
    `${fmt(percentile(latencies, 50), 1)} / ${fmt(percentile(latencies, 99), 1)}`,
  )
  const recordsPerSecond = records / seconds
  report('engine: records/s (durable, group commit)', fmt(recordsPerSecond, 0))
  await workers.stop()
  await zeebe.close()
  await running.stop()
  await database.close()
  return recordsPerSecond
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
      processDefinitionKey: '2251799813685249',
      processInstanceKey: String(2251799813685251 + Math.floor(position / 40)),
      elementId: 'Task_5',
      flowScopeKey: '2251799813685251',
      bpmnElementType: 'SERVICE_TASK',
      parentProcessInstanceKey: '-1',
      parentElementInstanceKey: '-1',
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
  const recordsPerSecond = PHASES.has('throughput') ? await throughput() : NaN
  if (raw && recordsPerSecond) {
    report(
      'engine: records/s as share of raw insert rate',
      `${fmt((100 * recordsPerSecond) / raw, 1)} %`,
    )
  }
  if (PHASES.has('peer')) await bpmnEnginePeer()
  if (PHASES.has('parked')) await parkedAndRestart()
  console.log(JSON.stringify(figures))
}

main()
  .catch((err: unknown) => {
    console.error(err)
    process.exitCode = 1
  })
  .finally(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
    // the official client may keep sockets and timers alive for a while after close()
    process.exit()
  })
