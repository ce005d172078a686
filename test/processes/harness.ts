/**
 * End-to-end harness for the procedures: the real server (HTTP API, inbox, job workers, case
 * services) on a fresh database, its embedded engine driven by a test clock, and processes/ +
 * forms/ deployed as on a first start. Cases are opened and tasks worked **over HTTP as the
 * roles would**: the case is created by the role that records it, and each user task is found
 * in the inbox API, claimed and completed by its assignee or a member of its candidate groups,
 * with the form's data (which the server validates). Engine records are read only to wait for
 * and assert on the path an instance took. With PATH_COVERAGE_DIR set, `stop()` writes the paths
 * every instance took (see path-recorder.ts and `npm run coverage:paths`).
 */
import { TestClock } from '../../engine/clock'
import type { RunningEngine } from '../../engine/index'
import type { CaseService, CatalogueService, CmdbService, CaseKind } from '../../server/src/cases'
import { kindSpecs } from '../../server/src/cases/kinds'
import type { Database } from '../../server/src/db/database'
import type { EvidenceEntry } from '../../server/src/evidence/audit-trail'
import type { TaskView } from '../../server/src/inbox/task-model'
import type { NotificationService } from '../../server/src/notifications/notification.service'
import type { RunningServer } from '../../server/src/server'
import type { WorkerSettings } from '../../server/src/workers'
import type { TestDatabaseTarget } from '../support/databases'
import { startHarness as startServerHarness, type ApiClient } from '../support/harness'
import { pathCoverageDir, recordPathsTaken } from './path-recorder'
import { fieldsOf } from '../../engine/state/records'

/** A user task as the inbox shows it, with its variables (from `GET /api/tasks/:id`). */
export interface InboxTask extends TaskView {
  variables: Record<string, unknown>
}

export interface Harness {
  readonly server: RunningServer
  readonly database: Database
  readonly engine: RunningEngine
  readonly clock: TestClock
  /** For assertions on what was stored (the tests act only through HTTP). */
  readonly cases: CaseService
  readonly cmdb: CmdbService
  readonly catalogue: CatalogueService
  readonly notifications: NotificationService
  /** An HTTP client logged in as `username` (one session per user, reused). */
  as(username: string): Promise<ApiClient>
  /**
   * Records a case over HTTP as the role that records it (`as`, default per kind: the service
   * desk for incidents and requests, the process's manager group otherwise); its procedure
   * starts. Returns its id and the instance key of its procedure.
   */
  open(
    kind: CaseKind,
    body: Record<string, unknown>,
    as?: string,
  ): Promise<{ id: string; instance: string }>
  /** Records master data (a CI, a service, an SLA) over HTTP as `as` (default the admin). */
  record(kind: CaseKind, body: Record<string, unknown>, as?: string): Promise<{ id: string }>
  /** The instance key of the (first, or `bpmnProcessId`) procedure of a case. */
  instanceOf(kind: CaseKind, id: string, bpmnProcessId?: string): Promise<string>
  /** Waits for the open inbox task of `elementId` in an instance and returns it. */
  task(instance: string, elementId: string): Promise<InboxTask>
  /**
   * Waits for the inbox task, then claims and completes it over HTTP with the form data as
   * `as`, or as its assignee, or as a demo user in one of its candidate groups.
   */
  complete(
    instance: string,
    elementId: string,
    data: Record<string, unknown>,
    as?: string,
  ): Promise<InboxTask>
  /** Waits until the element has completed in the instance (e.g. an end event). */
  reached(instance: string, elementId: string): Promise<void>
  /** Whether the element has completed (no waiting). */
  hasCompleted(instance: string, elementId: string): Promise<boolean>
  /** Waits until a timer of `elementId` is armed (created, not yet triggered or cancelled). */
  armed(instance: string, elementId: string): Promise<void>
  /** Moves the clock and fires what became due. */
  advance(ms: number): Promise<void>
  /**
   * The evidence trail (4.3.3) as the auditor reads it over HTTP (`GET /api/evidence`), oldest
   * first, of a process instance or of one record.
   */
  trail(query: { processInstanceKey?: string; entityId?: string }): Promise<EvidenceEntry[]>
  /** Waits until `check` holds. */
  until<T>(what: string, check: () => Promise<T | undefined | false>): Promise<T>
  stop(): Promise<void>
}

/**
 * The CAB's decision with the decision criteria of 9.2 recorded (the `change-cab-decision`
 * form).
 */
export const cabDecision = (approved: boolean, decisionRationale: string) => ({
  riskAssessment: 'r',
  impactOnServices: 'i',
  businessBenefit: 'b',
  technicalFeasibility: 't',
  financialImpact: 'f',
  approved,
  decisionRationale,
})

/**
 * A planned window of the change-schedule form (`YYYY-MM-DDTHH:mm`, UTC) `days` ahead of the
 * harness's clock, `hours` long: later than any lead time of the demo change policy (9.2).
 */
export function plannedWindow(
  h: Pick<Harness, 'clock'>,
  days = 30,
  hours = 1,
): { plannedStart: string; plannedEnd: string } {
  const start = Math.ceil((h.clock.now() + days * 86_400_000) / 3_600_000) * 3_600_000
  const form = (ms: number) => new Date(ms).toISOString().slice(0, 16)
  return { plannedStart: form(start), plannedEnd: form(start + hours * 3_600_000) }
}

/**
 * A change the CAB approved and scheduled (its procedure waits at build and test): what a
 * release needs behind it (ISO/IEC 20000-1 9.3). Returns the change's case and instance.
 */
export async function approvedChange(
  h: Harness,
  title = 'Approved change',
): Promise<{ id: string; instance: string }> {
  const { id, instance } = await h.open('change', {
    title,
    data: { scope: 'x', changeType: 'normal' },
  })
  await h.complete(instance, 'Task_ClassifyChange', {
    changeType: 'normal',
    changeNature: 'ci-change',
  })
  await h.complete(instance, 'Task_AssessChange', {
    riskLevel: 'low',
    securityRisk: 'low',
    estimatedCost: 1,
    remediationPlan: 'r',
  })
  await h.complete(instance, 'Task_CabDecision', cabDecision(true, 'ok'))
  await h.complete(instance, 'Task_ScheduleChange', plannedWindow(h))
  await h.task(instance, 'Task_BuildAndTestChange')
  return { id, instance }
}

/**
 * The service design and transition a change with major impact opened (ISO/IEC 20000-1 5.1),
 * planned, designed and accepted at its gate by the CAB (5.2, 5.3): the change goes on to
 * assessment. Returns the transition's id and instance (it waits for the change's outcome).
 */
export async function acceptedDesign(
  h: Harness,
  changeId: string,
): Promise<{ id: string; instance: string }> {
  const id = await h.until('the service design and transition of the change', async () => {
    const v = (await h.cases.findCase('change', changeId))?.data.serviceTransitionId
    return typeof v === 'string' ? v : undefined
  })
  const instance = await h.instanceOf('service-transition', id)
  const text = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, k]))
  await h.complete(
    instance,
    'Task_PlanServiceTransition',
    text([
      'requirements',
      'responsibilities',
      'communication',
      'resources',
      'budget',
      'timescales',
      'risks',
      'testApproach',
      'acceptanceCriteria',
      'expectedOutcomes',
      'smsImpact',
      // 5.2: required for a service removed or transferred; hidden (and dropped) otherwise
      'removalPlan',
    ]),
    'change',
  )
  await h.complete(
    instance,
    'Task_DesignService',
    text(['designDocument', 'slaChanges', 'catalogueChanges']),
    'change',
  )
  await h.complete(
    instance,
    'Task_ReviewDesign',
    { designAccepted: true, reviewedBy: 'CAB', reviewNotes: 'ok' },
    'cab',
  )
  await h.reached(instance, 'Task_AcceptServiceDesign')
  return { id, instance }
}

/** Who records a case of each kind in these tests (ISO/IEC 20000-1 roles, demo users). */
const recorderOf: Partial<Record<CaseKind, string>> = {
  incident: 'desk',
  'service-request': 'desk',
  problem: 'problem',
  'known-error': 'problem',
  change: 'change',
  release: 'release',
  supplier: 'supplier',
  improvement: 'improve',
  'internal-audit': 'smsmgr',
  'management-review': 'smsmgr',
  'audit-finding': 'iaudit',
  complaint: 'customer',
  'service-review': 'relman',
  'service-transition': 'change',
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export async function startHarness(
  target: TestDatabaseTarget,
  settings: Partial<WorkerSettings> = {},
): Promise<Harness> {
  const clock = new TestClock(Date.now())
  // a fresh database of the target: PGlite in memory, or a new database on the server
  const app = await startServerHarness({
    database: target,
    clock,
    workerSettings: settings,
    workerPollIntervalMs: 50,
  })
  const { server } = app
  const engine = server.engine
  if (!engine) throw new Error('the process harness needs the embedded engine')
  const groupsOf = new Map(server.seededUsers.map((u) => [u.username, u.groups]))
  const sessions = new Map<string, Promise<ApiClient>>()
  const as = (username: string) => {
    let client = sessions.get(username)
    if (!client) {
      client = app.login(username)
      sessions.set(username, client)
    }
    return client
  }

  const until = async <T>(
    what: string,
    check: () => Promise<T | undefined | false>,
    instance?: string,
  ) => {
    const deadline = Date.now() + 15_000
    let nextRetryCheck = Date.now() + 2_000
    for (;;) {
      const v = await check()
      if (v !== undefined && v !== false) return v
      if (Date.now() > deadline) {
        const state = instance ? ` (${await describe(instance)})` : ''
        throw new Error(`timed out waiting for ${what}${state}`)
      }
      if (instance && Date.now() > nextRetryCheck) {
        nextRetryCheck = Date.now() + 2_000
        await letRetriesCome(instance)
      }
      await sleep(50)
    }
  }

  /**
   * The test clock stands still unless a test moves it, so a job a worker failed with a retry
   * back-off (a transient error: the wall clock would bring its retry seconds later) would wait
   * forever: the clock moves to its retry, and the failure is told, so it is seen.
   */
  const letRetriesCome = async (instance: string) => {
    const records = await engine.engine.readRecords({
      processInstanceKey: instance,
      valueTypes: ['JOB'],
      limit: 100_000,
    })
    const last = new Map<string, (typeof records)[number]>()
    for (const r of records) last.set(r.key, r)
    for (const r of last.values()) {
      if (r.valueType !== 'JOB' || r.intent !== 'FAILED') continue
      const { retries, retryBackoff, elementId, errorMessage } = r.value
      const due = r.timestamp + retryBackoff
      if (retries <= 0 || retryBackoff <= 0 || due <= clock.now()) continue
      console.warn(
        `process harness: moving the clock ${due - clock.now()} ms to the retry of ${elementId} in ${instance}, which failed: ${errorMessage}`,
      )
      clock.advance(due - clock.now())
      await engine.engine.tick()
    }
  }

  const completedElements = async (instance: string) => {
    const records = await engine.engine.readRecords({
      processInstanceKey: instance,
      valueTypes: ['PROCESS_INSTANCE'],
      limit: 100_000,
    })
    return new Set(
      records.filter((r) => r.intent === 'ELEMENT_COMPLETED').map((r) => String(fieldsOf(r).elementId)),
    )
  }

  /** What the instance is doing: the incidents raised and the elements active now, for failures. */
  const describe = async (instance: string) => {
    const records = await engine.engine.readRecords({ processInstanceKey: instance, limit: 100_000 })
    const active = new Map<string, string>()
    const notes: string[] = []
    for (const r of records) {
      if (r.valueType === 'PROCESS_INSTANCE') {
        if (r.intent === 'ELEMENT_ACTIVATED') active.set(r.key, String(r.value.elementId))
        if (r.intent === 'ELEMENT_COMPLETED' || r.intent === 'ELEMENT_TERMINATED') active.delete(r.key)
      }
      if (r.valueType === 'TIMER') {
        notes.push(
          `timer ${r.intent} ${String(r.value.targetElementId)} due ${new Date(Number(r.value.dueDate)).toISOString()}`,
        )
      }
      if (r.valueType === 'INCIDENT' && r.intent === 'CREATED') {
        notes.push(`${String(r.value.elementId)}: ${String(r.value.errorMessage)}`)
      }
    }
    return `now ${new Date(clock.now()).toISOString()} active [${[...active.values()].join(', ')}]; incidents and timers [${notes.join(' | ')}]`
  }

  const task = async (instance: string, elementId: string): Promise<InboxTask> => {
    const admin = await as('admin')
    const found = await until(
      `inbox task ${elementId} of ${instance}`,
      async () => {
        const res = await admin.get<{ items: TaskView[] }>(
          `/tasks?view=all&processInstanceKey=${instance}&pageSize=200`,
        )
        if (res.status !== 200) throw new Error(`GET /tasks: ${res.status} ${JSON.stringify(res.body)}`)
        return res.body.items.find(
          (t) => t.elementId === elementId && (t.state === 'open' || t.state === 'claimed'),
        )
      },
      instance,
    ).catch(async (err: unknown) => {
      // what the inbox holds of the instance, whatever the state, for the failure message
      const stored = await server.database.db
        .selectFrom('tasks')
        .select(['element_id', 'state', 'user_task_key'])
        .where('process_instance_key', '=', instance)
        .execute()
      const rows = stored.map((t) => `${t.element_id} ${t.state} ${t.user_task_key ?? ''}`)
      throw new Error(`${(err as Error).message}; inbox [${rows.join(', ')}]`)
    })
    const detail = await admin.get<{ task: TaskView; variables: Record<string, unknown> }>(
      `/tasks/${found.id}`,
    )
    if (detail.status !== 200) throw new Error(`GET /tasks/${found.id}: ${detail.status}`)
    return { ...detail.body.task, variables: detail.body.variables }
  }

  /** Who may work a task: its assignee, else the demo users in a candidate group, in order. */
  const workersOf = (t: TaskView) => {
    if (t.assignee) return [t.assignee]
    const members = [...groupsOf]
      .filter(([, groups]) => t.candidateGroups.some((g) => groups.includes(g)))
      .map(([username]) => username)
    const all = [...members, ...t.candidateUsers]
    if (!all.length) {
      throw new Error(`no demo user may work ${t.elementId} (groups ${t.candidateGroups.join(', ')})`)
    }
    return all
  }

  return {
    server,
    database: server.database,
    engine,
    clock,
    cases: server.services.cases,
    cmdb: server.services.cmdb,
    catalogue: server.services.catalogue,
    notifications: server.services.notifications,
    as,
    async open(kind, body, recorder) {
      const client = await as(recorder ?? recorderOf[kind] ?? 'admin')
      const res = await client.post<{
        id: string
        processInstances?: { processInstanceKey: string }[]
        processStartError?: string
      }>(`/${kindSpecs[kind].path}`, body)
      if (res.status !== 201) {
        throw new Error(`POST /${kindSpecs[kind].path}: ${res.status} ${JSON.stringify(res.body)}`)
      }
      // engine keys and start errors are for staff only: a customer's answer has none
      const seen = res.body.processInstances
        ? res.body
        : (
            await (
              await as('admin')
            ).get<{
              processInstances: { processInstanceKey: string }[]
              processStartError?: string
            }>(`/${kindSpecs[kind].path}/${res.body.id}`)
          ).body
      const instance = seen.processInstances?.[0]?.processInstanceKey
      if (!instance) {
        throw new Error(`no procedure started for ${kind}: ${seen.processStartError ?? ''}`)
      }
      return { id: res.body.id, instance }
    },
    async record(kind, body, recorder = 'admin') {
      const res = await (await as(recorder)).post<{ id: string }>(`/${kindSpecs[kind].path}`, body)
      if (res.status !== 201) {
        throw new Error(`POST /${kindSpecs[kind].path}: ${res.status} ${JSON.stringify(res.body)}`)
      }
      return res.body
    },
    async instanceOf(kind, id, bpmnProcessId) {
      return until(`a ${bpmnProcessId ?? kind} instance of ${id}`, async () => {
        let q = server.database.db
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
    async complete(instance, elementId, data, worker) {
      const t = await task(instance, elementId)
      const candidates = worker ? [worker] : workersOf(t)
      let client = await as(candidates[0]!)
      if (t.assignee !== client.username) {
        for (const [i, username] of candidates.entries()) {
          client = await as(username)
          const claimed = await client.post(`/tasks/${t.id}/claim`)
          if (claimed.status === 200) break
          // segregation of duties (sod: in the diagram): someone else in the group does it
          if (claimed.status === 403 && !worker && i < candidates.length - 1) continue
          throw new Error(
            `${client.username} claiming ${elementId}: ${claimed.status} ${JSON.stringify(claimed.body)}`,
          )
        }
      }
      const done = await client.post(`/tasks/${t.id}/complete`, { data })
      if (done.status !== 200) {
        throw new Error(
          `${client.username} completing ${elementId}: ${done.status} ${JSON.stringify(done.body)}`,
        )
      }
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
            if (String(fieldsOf(r).targetElementId) !== elementId) continue
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
    async trail(query) {
      const params = new URLSearchParams({ ...query, limit: '1000' })
      const res = await (await as('auditor')).get<EvidenceEntry[]>(`/evidence?${params}`)
      if (res.status !== 200) throw new Error(`GET /evidence: ${res.status} ${JSON.stringify(res.body)}`)
      return res.body
    },
    until,
    async stop() {
      // opt-in: the paths every instance of this run took, for `npm run coverage:paths`
      const coverageDir = pathCoverageDir()
      if (coverageDir) await recordPathsTaken(engine, coverageDir, target.kind)
      await app.stop()
    },
  }
}
