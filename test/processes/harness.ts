/**
 * End-to-end harness for the procedures: a fresh database, the real embedded engine (gRPC on
 * port 0, a test clock), the official Zeebe client, the real case services and job workers, and
 * processes/ + forms/ deployed together. User tasks are worked the way the inbox does it: by
 * activating `io.camunda.zeebe:userTask` jobs and completing them with the form data.
 */
import { TestClock } from '../../engine/clock'
import { startEngine, type RunningEngine } from '../../engine/index'
import { CaseService, CatalogueService, CmdbService, systemActor, type CaseKind } from '../../server/src/cases'
import type { Database } from '../../server/src/db/database'
import { AuditTrail } from '../../server/src/evidence/audit-trail'
import { loadProcessResources } from '../../server/src/forms/resources'
import { createLogger } from '../../server/src/log'
import { NotificationService } from '../../server/src/notifications/notification.service'
import { EventBus } from '../../server/src/realtime/bus'
import { seedDemoUsers } from '../../server/src/seed/demo'
import { defaultWorkerSettings, startWorkers, type WorkerSettings } from '../../server/src/workers'
import { zeebeMessagePublisher, type RunningWorkers } from '../../server/src/workers/start-workers'
import { createZeebeClient, plaintextAddress, type ZeebeClient } from '../../server/src/zeebe/zeebe-client'
import type { TestDatabase, TestDatabaseTarget } from '../support/databases'
import { formsDir, processesDir } from './bpmn-model'

const USER_TASK_JOB = 'io.camunda.zeebe:userTask'

/** An activated user-task job the harness holds. */
export interface HeldTask {
  key: string
  elementId: string
  processInstanceKey: string
  variables: Record<string, unknown>
  customHeaders: Record<string, unknown>
}

export interface Harness {
  readonly database: Database
  readonly engine: RunningEngine
  readonly clock: TestClock
  readonly zeebe: ZeebeClient
  readonly cases: CaseService
  readonly cmdb: CmdbService
  readonly catalogue: CatalogueService
  readonly notifications: NotificationService
  /** Creates a case as an administrator would (its procedure starts); returns id and instance. */
  open(kind: CaseKind, body: Record<string, unknown>): Promise<{ id: string; instance: string }>
  /** The instance key of the (first, or `bpmnProcessId`) procedure of a case. */
  instanceOf(kind: CaseKind, id: string, bpmnProcessId?: string): Promise<string>
  /** Waits for the user task `elementId` of an instance and returns it. */
  task(instance: string, elementId: string): Promise<HeldTask>
  /** Waits for the user task and completes it with the form data. */
  complete(instance: string, elementId: string, data: Record<string, unknown>): Promise<HeldTask>
  /** Waits until the element has completed in the instance (e.g. an end event). */
  reached(instance: string, elementId: string): Promise<void>
  /** Whether the element has completed (no waiting). */
  hasCompleted(instance: string, elementId: string): Promise<boolean>
  /** Waits until a timer of `elementId` is armed (created, not yet triggered or cancelled). */
  armed(instance: string, elementId: string): Promise<void>
  /** Moves the clock and fires what became due. */
  advance(ms: number): Promise<void>
  /** Waits until `check` holds. */
  until<T>(what: string, check: () => Promise<T | undefined | false>): Promise<T>
  stop(): Promise<void>
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export async function startHarness(
  target: TestDatabaseTarget,
  settings: Partial<WorkerSettings> = {},
): Promise<Harness> {
  const log = createLogger('error', 'harness')
  const testDb: TestDatabase = await target.open()
  const { database } = testDb
  await seedDemoUsers(database.db)
  const clock = new TestClock(Date.now())
  const engine = await startEngine({ sql: database.sql, port: 0, clock, defaultLongPollMs: 200 })
  const { zeebe } = createZeebeClient(
    {
      ZEEBE_AUTH_STRATEGY: 'NONE',
      ZEEBE_CLIENT_ID: '',
      ZEEBE_CLIENT_SECRET: '',
      ZEEBE_OAUTH_URL: '',
      ZEEBE_TOKEN_AUDIENCE: '',
    },
    plaintextAddress(engine.address),
  )
  const resources = await loadProcessResources(processesDir, formsDir)
  await zeebe.deployResources(
    resources.map((r) =>
      r.name.endsWith('.form') ? { name: r.name, form: r.content } : { name: r.name, process: r.content },
    ),
  )
  const audit = new AuditTrail(database.db)
  const bus = new EventBus()
  const cases = new CaseService({
    db: database.db,
    audit,
    bus,
    log,
    processStarter: {
      async start(bpmnProcessId, variables) {
        const created = await zeebe.createProcessInstance({
          bpmnProcessId,
          variables: JSON.parse(JSON.stringify(variables)) as Record<string, string>,
        })
        return {
          processInstanceKey: String(created.processInstanceKey),
          processDefinitionKey: String(created.processDefinitionKey),
          version: Number(created.version),
        }
      },
    },
  })
  const cmdb = new CmdbService({ db: database.db, audit })
  const catalogue = new CatalogueService({ db: database.db, audit })
  const notifications = new NotificationService({ db: database.db, bus, log })
  const running: RunningWorkers = startWorkers({
    zeebe,
    log,
    pollIntervalMs: 50,
    deps: {
      db: database.db,
      cases,
      cmdb,
      catalogue,
      notifications,
      messages: zeebeMessagePublisher(zeebe),
      settings: { ...defaultWorkerSettings, ...settings },
      log,
      now: () => new Date(clock.now()),
    },
  })

  const held = new Map<string, HeldTask>()
  const admin = systemActor('test')

  const until = async <T>(
    what: string,
    check: () => Promise<T | undefined | false>,
    instance?: string,
  ) => {
    const deadline = Date.now() + 15_000
    for (;;) {
      const v = await check()
      if (v !== undefined && v !== false) return v
      if (Date.now() > deadline) {
        const state = instance ? ` (${await describe(instance)})` : ''
        throw new Error(`timed out waiting for ${what}${state}`)
      }
      await sleep(50)
    }
  }

  const completedElements = async (instance: string) => {
    const records = await engine.engine.readRecords({
      processInstanceKey: instance,
      valueTypes: ['PROCESS_INSTANCE'],
      limit: 100_000,
    })
    return new Set(
      records
        .filter((r) => r.intent === 'ELEMENT_COMPLETED')
        .map((r) => String(r.value.elementId)),
    )
  }

  /** What the instance is doing: the incidents raised and the elements active now, for failures. */
  const describe = async (instance: string) => {
    const records = await engine.engine.readRecords({ processInstanceKey: instance, limit: 100_000 })
    const active = new Map<string, string>()
    const incidents: string[] = []
    for (const r of records) {
      if (r.valueType === 'PROCESS_INSTANCE') {
        if (r.intent === 'ELEMENT_ACTIVATED') active.set(r.key, String(r.value.elementId))
        if (r.intent === 'ELEMENT_COMPLETED' || r.intent === 'ELEMENT_TERMINATED') active.delete(r.key)
      }
      if (r.valueType === 'TIMER') {
        incidents.push(`timer ${r.intent} ${String(r.value.targetElementId)} due ${new Date(Number(r.value.dueDate)).toISOString()}`)
      }
      if (r.valueType === 'INCIDENT' && r.intent === 'CREATED') {
        incidents.push(`${String(r.value.elementId)}: ${String(r.value.errorMessage)}`)
      }
    }
    return `now ${new Date(clock.now()).toISOString()} active [${[...active.values()].join(', ')}]; incidents [${incidents.join(' | ')}]`
  }

  const task = (instance: string, elementId: string) =>
    until(`user task ${elementId} of ${instance}`, async () => {
      const jobs = await zeebe.activateJobs({
        type: USER_TASK_JOB,
        worker: 'harness',
        timeout: 3_600_000,
        maxJobsToActivate: 50,
        requestTimeout: 50,
      })
      for (const j of jobs) {
        held.set(String(j.key), {
          key: String(j.key),
          elementId: j.elementId,
          processInstanceKey: String(j.processInstanceKey),
          variables: { ...(j.variables as Record<string, unknown>) },
          customHeaders: { ...(j.customHeaders as Record<string, unknown>) },
        })
      }
      return [...held.values()].find(
        (t) => t.processInstanceKey === instance && t.elementId === elementId,
      )
    }, instance)

  return {
    database,
    engine,
    clock,
    zeebe,
    cases,
    cmdb,
    catalogue,
    notifications,
    async open(kind, body) {
      const created = await cases.create(kind, body, admin)
      const instance = created.processInstances[0]?.processInstanceKey
      if (!instance) throw new Error(`no procedure started for ${kind}: ${created.processStartError ?? ''}`)
      return { id: created.id, instance }
    },
    async instanceOf(kind, id, bpmnProcessId) {
      return until(`a ${bpmnProcessId ?? kind} instance of ${id}`, async () => {
        let q = database.db
          .selectFrom('case_processes')
          .select('process_instance_key')
          .where('case_kind', '=', kind)
          .where('case_id', '=', id)
        if (bpmnProcessId) q = q.where('bpmn_process_id', '=', bpmnProcessId)
        const row = await q.orderBy('started_at').executeTakeFirst()
        return row?.process_instance_key
      })
    },
    task,
    async complete(instance, elementId, data) {
      const t = await task(instance, elementId)
      await zeebe.completeJob({
        jobKey: t.key,
        variables: JSON.parse(JSON.stringify(data)) as Record<string, string>,
      })
      held.delete(t.key)
      return t
    },
    async reached(instance, elementId) {
      await until(
        `${elementId} in ${instance}`,
        async () => (await completedElements(instance)).has(elementId),
        instance,
      )
    },
    async hasCompleted(instance, elementId) {
      return (await completedElements(instance)).has(elementId)
    },
    async armed(instance, elementId) {
      await until(
        `timer ${elementId} armed in ${instance}`,
        async () => {
          const records = await engine.engine.readRecords({
            processInstanceKey: instance,
            valueTypes: ['TIMER'],
            limit: 100_000,
          })
          const open = new Set<string>()
          for (const r of records) {
            if (String(r.value.targetElementId) !== elementId) continue
            if (r.intent === 'CREATED') open.add(r.key)
            else open.delete(r.key)
          }
          return open.size > 0
        },
        instance,
      )
    },
    async advance(ms) {
      clock.advance(ms)
      await engine.engine.tick()
    },
    until,
    async stop() {
      await running.close()
      await zeebe.close()
      await engine.stop()
      await testDb.drop()
    },
  }
}
