/**
 * Conformance corpus of public Camunda 8 models (engine/conformance/camunda8/, see its README):
 * each model is deployed through the official `@camunda8/sdk` over gRPC and driven by its
 * manifest (jobs, messages, signals, TestClock timers, incidents); the instance's record stream
 * must show exactly the path Zeebe's semantics give. Models that need a feature the engine does
 * not have yet must be refused at deployment with an error naming it; a model on which the
 * engine is silently wrong is an `it.fails` naming the bug.
 */
import { readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { Camunda8 } from '@camunda8/sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../../test/support/databases'
import type { EngineApi } from '../api'
import { TestClock } from '../clock'
import { startEngine, type RunningEngine } from '../index'
import { type EngineRecord, fieldsOf } from '../state/records'
import type { Manifest, Run, Step } from './camunda8/manifest'
import { bdtModels } from './camunda8/models-bdt'
import { communityModels } from './camunda8/models-community'
import { multiInstanceModels, otherModels, timerStartModels } from './camunda8/models-other'
import { sdkModels } from './camunda8/models-sdk'

const ROOT = join(import.meta.dirname, 'camunda8')
const MANIFESTS: Manifest[] = [
  ...sdkModels,
  ...bdtModels,
  ...multiInstanceModels,
  ...otherModels,
  ...communityModels,
  ...timerStartModels,
]

type Zeebe = ReturnType<Camunda8['getZeebeGrpcApiClient']>

function resource(path: string) {
  const name = basename(path)
  const content = readFileSync(join(ROOT, path))
  if (name.endsWith('.form')) return { name, form: content }
  if (name.endsWith('.dmn')) return { name, decision: content }
  return { name, process: content }
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (err) {
    return err instanceof Error ? err.message : String(err)
  }
  throw new Error('expected the deployment to be refused, but it was accepted')
}

describe.each(testDatabaseTargets())('Camunda 8 model corpus on $kind', (target) => {
  const clock = new TestClock(Date.UTC(2026, 0, 1))
  let db: TestDatabase
  let running: RunningEngine
  let engine: EngineApi
  let zeebe: Zeebe
  const usedInstances = new Set<string>()

  beforeAll(async () => {
    db = await target.open()
    running = await startEngine({ sql: db.database.sql, port: 0, clock })
    engine = running.engine
    zeebe = new Camunda8({
      ZEEBE_GRPC_ADDRESS: `grpc://127.0.0.1:${running.port}`,
      CAMUNDA_AUTH_STRATEGY: 'NONE',
      zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE' },
      CAMUNDA_LOG_LEVEL: 'none',
    }).getZeebeGrpcApiClient()
  })

  afterAll(async () => {
    await zeebe?.close()
    await running?.stop()
    await db?.drop()
  })

  async function lastPosition(): Promise<number> {
    let position = 0
    for (;;) {
      const batch = await engine.readRecords({ afterPosition: position, limit: 10_000 })
      if (batch.length === 0) return position
      position = batch[batch.length - 1]!.position
    }
  }

  /** The first not yet used instance of `process` activated after `position`. */
  async function instanceStartedAfter(process: string, position: number): Promise<string> {
    const records = await engine.readRecords({
      afterPosition: position,
      valueTypes: ['PROCESS_INSTANCE'],
      limit: 10_000,
    })
    const found = records.find(
      (r) =>
        r.intent === 'ELEMENT_ACTIVATED' &&
        fieldsOf(r).bpmnElementType === 'PROCESS' &&
        fieldsOf(r).bpmnProcessId === process &&
        !usedInstances.has(r.key),
    )
    if (!found) throw new Error(`no instance of ${process} was started`)
    return found.key
  }

  async function tick(ms: number) {
    clock.advance(ms)
    await engine.tick()
  }

  async function start(run: Run, modelStart: number): Promise<string> {
    const s = run.start
    let key: string
    if ('message' in s) {
      const before = await lastPosition()
      await zeebe.publishMessage({
        name: s.message,
        correlationKey: s.correlationKey,
        variables: s.variables ?? {},
        timeToLive: 0,
      })
      key = await instanceStartedAfter(s.process, before)
    } else if ('signal' in s) {
      const before = await lastPosition()
      await zeebe.broadcastSignal({ signalName: s.signal, variables: s.variables ?? {} })
      key = await instanceStartedAfter(s.process, before)
    } else if ('timer' in s) {
      await tick(s.timer)
      key = await instanceStartedAfter(s.process, modelStart)
    } else {
      const created = await zeebe.createProcessInstance({
        bpmnProcessId: s.process,
        variables: s.variables ?? {},
      })
      key = created.processInstanceKey
    }
    usedInstances.add(key)
    return key
  }

  async function activateOne(type: string) {
    const jobs = await zeebe.activateJobs({
      type,
      worker: 'corpus',
      timeout: 60_000,
      maxJobsToActivate: 1,
      requestTimeout: 5_000,
    })
    const job = jobs[0]
    if (!job) throw new Error(`no job of type ${type} could be activated`)
    return job
  }

  async function perform(step: Step, key: string) {
    if ('job' in step) {
      const job = await activateOne(step.job)
      expect(job.processInstanceKey, `job ${step.job} belongs to the run's instance`).toBeDefined()
      if ('fail' in step) {
        await zeebe.failJob({
          jobKey: job.key,
          retries: step.fail.retries,
          errorMessage: step.fail.message,
          retryBackOff: 0,
        })
      } else if ('throwError' in step) {
        await zeebe.throwError({
          jobKey: job.key,
          errorCode: step.throwError.code,
          errorMessage: step.throwError.message ?? '',
          variables: step.throwError.variables ?? {},
        })
      } else {
        if (step.headers) expect(job.customHeaders).toMatchObject(step.headers)
        await zeebe.completeJob({ jobKey: job.key, variables: step.complete ?? {} })
      }
    } else if ('publish' in step) {
      await zeebe.publishMessage({
        name: step.publish,
        correlationKey: step.correlationKey,
        variables: step.variables ?? {},
        timeToLive: 0,
      })
    } else if ('signal' in step) {
      await zeebe.broadcastSignal({ signalName: step.signal, variables: step.variables ?? {} })
    } else if ('advance' in step) {
      await tick(step.advance)
    } else if ('resolveIncident' in step) {
      const records = await engine.readRecords({
        processInstanceKey: key,
        valueTypes: ['INCIDENT'],
      })
      const resolved = new Set(records.filter((r) => r.intent === 'RESOLVED').map((r) => r.key))
      const open = records.find(
        (r) =>
          r.intent === 'CREATED' &&
          fieldsOf(r).elementId === step.resolveIncident &&
          !resolved.has(r.key),
      )
      if (!open) throw new Error(`no open incident at ${step.resolveIncident}`)
      const jobKey = String(fieldsOf(open).jobKey)
      if (jobKey !== '-1' && step.retries !== undefined) {
        await zeebe.updateJobRetries({ jobKey, retries: step.retries })
      }
      await zeebe.resolveIncident({ incidentKey: open.key })
    } else {
      // No user-task RPC exists in gateway.proto; the REST API (/v2/user-tasks) is not served
      // yet, so the run completes the task through the engine's in-process command.
      const task = engine
        .listUserTasks({ processInstanceKey: key, elementId: step.completeUserTask })
        .at(0)
      if (!task) throw new Error(`no open user task at ${step.completeUserTask}`)
      await engine.completeUserTask(task.userTaskKey, { variables: step.variables ?? {} })
    }
  }

  /** `valueType:intent:elementId`; timers name it targetElementId, signal subscriptions catchEventId. */
  const token = (r: EngineRecord) => {
    const v = fieldsOf(r)
    const id = v.elementId ?? v.targetElementId ?? v.catchEventId ?? ''
    return `${r.valueType}:${r.intent}:${String(id)}`
  }

  async function pathOf(key: string, flows = false): Promise<string[]> {
    const records = await engine.readRecords({
      processInstanceKey: key,
      valueTypes: ['PROCESS_INSTANCE'],
    })
    return records
      .filter(
        (r) => r.intent === 'ELEMENT_COMPLETED' || (flows && r.intent === 'SEQUENCE_FLOW_TAKEN'),
      )
      .map((r) => String(fieldsOf(r).elementId))
  }

  async function check(run: Run, key: string) {
    expect(await pathOf(key, run.flows), `path of run '${run.name}'`).toEqual(run.path)
    const records = await engine.readRecords({ processInstanceKey: key, limit: 10_000 })
    if (run.records) {
      const tokens = records.map(token)
      let at = 0
      for (const wanted of run.records) {
        const next = tokens.indexOf(wanted, at)
        expect(next, `record ${wanted} (in order) in run '${run.name}'`).toBeGreaterThanOrEqual(0)
        at = next + 1
      }
    }
    const ended = records.some(
      (r) =>
        r.valueType === 'PROCESS_INSTANCE' && r.key === key && r.intent === 'ELEMENT_COMPLETED',
    )
    expect(ended, `instance of run '${run.name}' completed`).toBe(
      (run.end ?? 'completed') === 'completed',
    )
    for (const [process, path] of Object.entries(run.children ?? {})) {
      const child = (
        await engine.readRecords({ valueTypes: ['PROCESS_INSTANCE'], limit: 10_000 })
      ).find(
        (r) =>
          r.intent === 'ELEMENT_ACTIVATED' &&
          fieldsOf(r).bpmnElementType === 'PROCESS' &&
          fieldsOf(r).bpmnProcessId === process &&
          String(fieldsOf(r).parentProcessInstanceKey) === key,
      )
      expect(child, `called instance of ${process}`).toBeDefined()
      expect(await pathOf(child!.key)).toEqual(path)
    }
    if (!ended) await zeebe.cancelProcessInstance(key)
  }

  /** Deploys the model (again: an identical resource keeps its definition) and runs `runs`. */
  async function runModel(m: Manifest, runs: Run[]) {
    const modelStart = await lastPosition()
    const deploying = zeebe.deployResources(m.resources.map(resource))
    if (m.rejected) {
      expect(await rejection(deploying)).toMatch(m.rejected)
      return
    }
    await deploying
    for (const run of runs) {
      const key = await start(run, modelStart)
      for (const step of run.steps) await perform(step, key)
      await check(run, key)
    }
  }

  it('holds at least 40 models, each with an outcome', () => {
    expect(MANIFESTS.length).toBeGreaterThanOrEqual(40)
    for (const m of MANIFESTS) expect(m.runs.length > 0 || m.rejected !== undefined).toBe(true)
  })

  for (const m of MANIFESTS) {
    const title = `${m.resources[0]}: ${m.covers}`
    if (m.pending) {
      const pending = m.pending
      it(`${title} — pending: ${pending.feature} (deployment refused)`, async () => {
        const message = await rejection(zeebe.deployResources(m.resources.map(resource)))
        expect(message).toMatch(pending.refusal)
      })
    } else if (m.knownBug) {
      it.fails(`${title} — known bug: ${m.knownBug}`, () => runModel(m, m.runs))
    } else {
      it(title, () =>
        runModel(
          m,
          m.runs.filter((r) => !r.knownBug),
        ),
      )
      for (const run of m.runs.filter((r) => r.knownBug)) {
        it.fails(`${title} — ${run.name} — known bug: ${run.knownBug}`, () => runModel(m, [run]))
      }
    }
  }
})
