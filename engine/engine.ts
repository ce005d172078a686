/**
 * The embedded engine: an event-sourced, Zeebe-compatible BPMN engine. Commands are processed
 * one at a time; each produces event records that are applied to the in-memory state and
 * appended to the durable log (group commit); a command resolves only once its records are
 * durable. Startup loads the latest snapshot and replays the log after it.
 */
import { createHash } from 'node:crypto'
import {
  type ActivateJobsCommand,
  type ActivatedJob,
  type Clock,
  type CreatedInstance,
  type CreateInstanceCommand,
  type DecisionEvaluationResult,
  type DeployedForm,
  type DeployedProcess,
  type DeploymentResult,
  type DeployResource,
  type EngineApi,
  EngineError,
  EngineErrorCode,
  type EngineInfo,
  type EvaluateDecisionCommand,
  type EngineStatus,
  type InstanceResult,
  type JobResult,
  type MigrateInstanceCommand,
  type ModifyInstanceCommand,
  type PublishMessageCommand,
  type RecordQuery,
  type UserTask,
  type UserTaskChanges,
  type UserTaskFilter,
  type Variables,
} from './api'
import { isSystemClock, systemClock } from './clock'
import { evaluateDecisionCommand } from './dmn/behavior'
import {
  deploymentBindingProblems,
  dmnDeploymentProblems,
  isDmnResource,
  loadDrgModels,
  parseDmnResource,
  planDmn,
  writeDmn,
  type DmnDeployResource,
} from './dmn/deploy'
import { BpmnElementType, type ProcessModel, type TimerDefinition } from './model/model'
import { parseBpmn, type ValidationError } from './model/parse'
import { parseTimerText, type TimerSchedule } from './model/timer'
import { evaluateExpression } from './feel/feel'
import { IncidentErrorType, Runtime } from './runtime/runtime'
import { DueIndex } from './state/due-index'
import {
  type CommitStats,
  ensureLogTables,
  GroupCommitLog,
  loadSnapshot,
  MAX_RECORDS_PER_COMMIT,
  selectRecords,
  writeSnapshot,
} from './state/log'
import type { EngineRecord } from './state/records'
import type { SqlClient } from './state/sql'
import {
  buildIndex,
  upgradeLoadedState,
  emptyState,
  type EngineStateData,
  type ProcessDefinitionState,
  type StateIndex,
} from './state/state'
import { ZEEBE_COMPAT_VERSION } from './version'
import {
  assignUserTask,
  claimUserTask,
  completeTaskListenerJob,
  completeUserTask,
  updateUserTask,
} from './user-task/commands'
import { continueTransition, listenerJobVariables } from './user-task/lifecycle'
import { completeExecutionListenerJob, throwErrorRejection } from './runtime/execution-listeners'
import { getUserTask, listUserTasks } from './user-task/query'
import { UserTaskRequests } from './user-task/requests'
import { nextVersion } from './commands/appliers'
import { deleteResource } from './commands/delete-resource'
import { migrateProcessInstance } from './commands/migrate'
import { modifyProcessInstance } from './commands/modify'

export { TestClock, systemClock } from './clock'

/** Options of {@link createEngine}. */
export interface CreateEngineOptions {
  /** Database for the record log and snapshots (PGlite or PostgreSQL). */
  sql: SqlClient
  /** Time source; default the system clock (the engine then fires due work by itself). */
  clock?: Clock
  /**
   * Write a snapshot after this many records (default 100,000), at most once per
   * `snapshotMinIntervalMs` (default 60 s of wall time), and on close. A snapshot serializes the
   * whole state, so its cost grows with the number of running instances.
   */
  snapshotEveryRecords?: number
  snapshotMinIntervalMs?: number
  /**
   * Where the engine writes one line per change of its log's state (down, recovered); default
   * the console. Lines name the database error, never the connection string.
   */
  logger?: EngineLogger
  /**
   * Back-off between attempts to recover after a failed commit: the first wait and the
   * longest (default 200 ms doubling up to 5 s).
   */
  recoveryBackoffMs?: { initial: number; max: number }
}

/** The lines the engine writes about itself. */
export interface EngineLogger {
  warn(message: string): void
  info(message: string): void
}

const consoleLogger: EngineLogger = {
  warn: (m) => console.warn(m),
  info: (m) => console.info(m),
}

/** The message of a database error, without anything but its text. */
const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err))

const DEFAULT_TENANT = '<default>'
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v))
const str = (v: unknown): string => (typeof v === 'string' ? v : String(v ?? ''))

function tenantOf(id: string | undefined): string {
  return !id || id === '' ? DEFAULT_TENANT : id
}

function reject(code: EngineErrorCode, message: string): never {
  throw new EngineError(code, message)
}

function parseKey(key: string, what: string): number {
  if (!/^\d+$/.test(String(key)))
    reject(EngineErrorCode.InvalidArgument, `Expected ${what} to be a key, but was '${key}'`)
  return Number(key)
}

function isPlainObject(v: unknown): v is Variables {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function checkVariables(v: unknown): Variables {
  if (v === undefined || v === null) return {}
  if (!isPlainObject(v)) {
    reject(
      EngineErrorCode.InvalidArgument,
      `Expected document to be a root level object, but was '${Array.isArray(v) ? 'ARRAY' : typeof v}'`,
    )
  }
  return v
}

/** A with-result waiter whose instance finished in a command, settled once that is durable. */
interface FinishedResult {
  settle: () => void
  fail: (err: unknown) => void
}

interface ResultWaiter {
  resolve: (r: InstanceResult) => void
  reject: (e: unknown) => void
  fetchVariables?: string[]
  created: CreatedInstance
  timer?: NodeJS.Timeout
}

/** Creates (and recovers) an engine on `options.sql`. */
export async function createEngine(options: CreateEngineOptions): Promise<Engine> {
  const engine = new Engine(options)
  await engine.start()
  return engine
}

/** The engine, implementing the API the gateway and in-process callers use. */
export class Engine implements EngineApi {
  readonly info: EngineInfo = { version: ZEEBE_COMPAT_VERSION, partitionsCount: 1 }
  readonly clock: Clock
  private readonly sql: SqlClient
  private s: EngineStateData = emptyState()
  private idx: StateIndex = buildIndex(this.s)
  private rt!: Runtime
  private readonly log: GroupCommitLog
  private due = new DueIndex()
  private readonly modelsByKey = new Map<number, ProcessModel>()
  private readonly parsed = new Map<string, ProcessModel[]>()
  private readonly recordListeners = new Set<(r: EngineRecord) => void>()
  private readonly jobListeners = new Map<string, Set<() => void>>()
  private readonly waiters = new Map<number, ResultWaiter>()
  private readonly snapshotEvery: number
  private readonly snapshotMinInterval: number
  private lastSnapshotAt = performance.now()
  private recordsSinceSnapshot = 0
  private snapshotting: Promise<void> | null = null
  private timer: NodeJS.Timeout | null = null
  private armedFor = Infinity
  private closed = false
  private readonly userTaskRequests = new UserTaskRequests()
  private readonly logger: EngineLogger
  private readonly backoff: { initial: number; max: number }
  /** Set while the log is down: commands are refused until the state is rebuilt. */
  private outage: { since: number; error: unknown; attempts: number } | null = null
  /** The last position handed to `onRecord` listeners. */
  private delivered = 0
  private recovery: NodeJS.Timeout | null = null

  constructor(options: CreateEngineOptions) {
    this.sql = options.sql
    this.clock = options.clock ?? systemClock
    this.snapshotEvery = options.snapshotEveryRecords ?? 100_000
    this.snapshotMinInterval = options.snapshotMinIntervalMs ?? 60_000
    this.logger = options.logger ?? consoleLogger
    this.backoff = options.recoveryBackoffMs ?? { initial: 200, max: 5_000 }
    this.log = new GroupCommitLog(
      this.sql,
      (records) => this.onDurable(records),
      MAX_RECORDS_PER_COMMIT,
      (err) => this.onLogFailed(err),
    )
    this.recordListeners.add((r) => this.userTaskRequests.onRecord(r))
  }

  /** Creates the tables if needed, loads the latest snapshot and replays the log after it. */
  async start(): Promise<void> {
    await ensureLogTables(this.sql)
    await this.load()
    this.delivered = this.s.lastPosition
    this.armTimer()
  }

  /**
   * Builds the in-memory state from what is durable: the latest snapshot, then the log after
   * it. Used on start and to recover after a failed commit (the state then held records that
   * never became durable, so it is thrown away and rebuilt the same way).
   */
  private async load(): Promise<void> {
    this.s = emptyState()
    this.modelsByKey.clear()
    this.due = new DueIndex()
    this.recordsSinceSnapshot = 0
    const snapshot = await loadSnapshot(this.sql)
    if (snapshot) this.s = upgradeLoadedState(JSON.parse(snapshot.state) as EngineStateData)
    for (const p of Object.values(this.s.processes)) await this.ensureModel(p)
    this.idx = buildIndex(this.s)
    this.rt = new Runtime(this.s, this.idx, (k) => this.modelOf(k), this.clock)
    let after = this.s.lastPosition
    for (;;) {
      const page = await selectRecords(this.sql, { afterPosition: after, limit: 5000 })
      if (page.length === 0) break
      for (const r of page) {
        if (r.valueType === 'PROCESS' && r.intent === 'CREATED') {
          await this.parseResource(str(r.value.resource))
        }
      }
      this.rt.replay(page)
      after = page[page.length - 1]!.position
    }
    await loadDrgModels(this.rt)
    this.rebuildDueIndex()
  }

  // ------------------------------------------------------------------ outages

  /** The log's state: see {@link EngineStatus}. */
  get status(): EngineStatus {
    if (this.closed) return { log: 'closed' }
    if (!this.outage) return { log: 'up' }
    return {
      log: 'down',
      since: this.outage.since,
      error: errorText(this.outage.error),
      attempts: this.outage.attempts,
    }
  }

  private unavailable(): EngineError {
    return new EngineError(
      EngineErrorCode.Unavailable,
      // "partition", as Zeebe's gateway words it: the Camunda SDK then reports the error at once
      // instead of retrying forever as it does for network errors
      `Expected to execute the command on partition 1, but it is unavailable: its record log's database does not answer (${errorText(this.outage?.error)}). Please try again; the engine recovers by itself`,
    )
  }

  /**
   * A commit failed: the in-memory state holds records that are not durable (the failed
   * batch's and those queued behind it, all rejected). Refuse every command, fail the callers
   * waiting for results, and rebuild from the database once it answers again.
   */
  private onLogFailed(err: unknown): void {
    if (this.outage || this.closed) return
    this.outage = { since: Date.now(), error: err, attempts: 0 }
    this.logger.warn(
      `engine: writing the record log failed (${errorText(err)}); refusing commands until the database answers again`,
    )
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.armedFor = Infinity
    for (const [, w] of this.waiters) {
      if (w.timer) clearTimeout(w.timer)
      w.reject(this.unavailable())
    }
    this.waiters.clear()
    this.scheduleRecovery(this.backoff.initial)
  }

  private scheduleRecovery(delay: number): void {
    this.recovery = setTimeout(() => {
      this.recovery = null
      void this.recover(delay)
    }, delay)
    this.recovery.unref()
  }

  /** One recovery attempt; schedules the next with a longer wait when it fails. */
  private async recover(delay: number): Promise<void> {
    const outage = this.outage
    if (!outage || this.closed) return
    outage.attempts++
    let missed: EngineRecord[] = []
    try {
      await this.log.drain()
      await this.load()
      // A commit whose answer was lost may have committed all the same: its records are in
      // the rebuilt state, but listeners never saw them. They get them now, before anything new.
      for (let after = this.delivered; after < this.s.lastPosition;) {
        const page = await selectRecords(this.sql, { afterPosition: after, limit: 5000 })
        if (page.length === 0) break
        missed = missed.concat(page)
        after = page[page.length - 1]!.position
      }
    } catch (err) {
      outage.error = err
      if (!this.closed) this.scheduleRecovery(Math.min(delay * 2, this.backoff.max))
      return
    }
    if (this.closed) return
    this.log.reset()
    this.outage = null
    this.onDurable(missed)
    this.logger.info(
      `engine: record log recovered after ${((Date.now() - outage.since) / 1000).toFixed(1)} s (${outage.attempts} attempt${outage.attempts === 1 ? '' : 's'}); state rebuilt up to position ${this.s.lastPosition}`,
    )
    this.armTimer()
    // long polls and job streams waited through the outage: let them look again
    for (const type of [...this.jobListeners.keys()]) this.notifyJobs(type)
  }

  // ------------------------------------------------------------------ models

  private async parseResource(xml: string): Promise<ProcessModel[]> {
    const cached = this.parsed.get(xml)
    if (cached) return cached
    const { processes } = await parseBpmn(xml)
    this.parsed.set(xml, processes)
    return processes
  }

  private async ensureModel(p: ProcessDefinitionState): Promise<void> {
    const models = await this.parseResource(p.resource)
    const m = models.find((x) => x.bpmnProcessId === p.bpmnProcessId)
    if (m) this.modelsByKey.set(p.key, m)
  }

  private modelOf(defKey: number): ProcessModel {
    let m = this.modelsByKey.get(defKey)
    if (m) return m
    const def = this.s.processes[defKey]
    if (!def) throw new Error(`unknown process definition ${defKey}`)
    m = this.parsed.get(def.resource)?.find((x) => x.bpmnProcessId === def.bpmnProcessId)
    if (!m) throw new Error(`process definition ${defKey} is not parsed`)
    this.modelsByKey.set(defKey, m)
    return m
  }

  // ------------------------------------------------------------------ command processing

  /**
   * Runs one command: `fn` and every follow-up step run synchronously (so commands never
   * interleave), then the produced records are made durable before the promise settles.
   */
  private async exec<T>(fn: (rt: Runtime) => T): Promise<T> {
    if (this.closed) reject(EngineErrorCode.Unimplemented, 'The engine is closed')
    if (this.outage) throw this.unavailable()
    const rt = this.rt
    let result: T | undefined
    let error: unknown
    try {
      result = fn(rt)
      rt.drainWork()
      for (
        let lock = rt.releasedLocks.shift();
        lock !== undefined;
        lock = rt.releasedLocks.shift()
      ) {
        this.startFromBufferedMessage(rt, lock)
        rt.drainWork()
      }
    } catch (err) {
      error = err
      try {
        rt.drainWork()
      } catch {
        // the first error is the one to report
      }
    }
    const batch = rt.endCommand()
    for (const d of rt.dueItems) this.due.push(d)
    rt.dueItems = []
    const available = [...rt.jobTypesAvailable]
    rt.jobTypesAvailable.clear()
    const finished = this.collectResults()
    this.armTimer()
    if (batch.length > 0) {
      try {
        await this.log.append(batch)
      } catch {
        // not durable: the engine is down now and rebuilds its state without these records
        const down = this.unavailable()
        for (const f of finished) f.fail(down)
        throw down
      }
    }
    for (const type of available) this.notifyJobs(type)
    for (const f of finished) f.settle()
    this.maybeSnapshot()
    if (error !== undefined) {
      if (error instanceof EngineError) throw error
      throw new EngineError(
        EngineErrorCode.Internal,
        error instanceof Error ? error.message : String(error),
      )
    }
    return result as T
  }

  private onDurable(records: EngineRecord[]): void {
    if (records.length === 0) return
    this.delivered = records[records.length - 1]!.position
    this.recordsSinceSnapshot += records.length
    for (const listener of this.recordListeners) {
      for (const r of records) {
        try {
          listener(r)
        } catch {
          // a listener's failure is its own
        }
      }
    }
  }

  private notifyJobs(type: string): void {
    const listeners = this.jobListeners.get(type)
    if (!listeners) return
    for (const l of [...listeners]) {
      try {
        l()
      } catch {
        // a listener's failure is its own
      }
    }
  }

  /** Settles with-result waiters whose instance finished in this command (after durability). */
  private collectResults(): FinishedResult[] {
    const out: FinishedResult[] = []
    for (const [key, w] of this.waiters) {
      if (this.s.elementInstances[key]) continue
      const vars = this.rt.stash.get(key)
      this.rt.stash.delete(key)
      this.rt.resultWanted.delete(key)
      this.waiters.delete(key)
      if (w.timer) clearTimeout(w.timer)
      if (vars) {
        const picked =
          w.fetchVariables && w.fetchVariables.length > 0
            ? Object.fromEntries(w.fetchVariables.filter((n) => n in vars).map((n) => [n, vars[n]]))
            : vars
        out.push({
          settle: () => w.resolve({ ...w.created, variables: picked }),
          fail: w.reject,
        })
      } else {
        out.push({
          settle: () =>
            w.reject(
              new EngineError(
                EngineErrorCode.FailedPrecondition,
                `Expected to receive the result of process instance '${key}', but it was terminated`,
              ),
            ),
          fail: w.reject,
        })
      }
    }
    return out
  }

  private maybeSnapshot(): void {
    if (this.recordsSinceSnapshot < this.snapshotEvery || this.snapshotting || this.closed) return
    if (performance.now() - this.lastSnapshotAt < this.snapshotMinInterval) return
    const count = this.recordsSinceSnapshot
    this.snapshotting = this.snapshot()
      .catch(() => {
        // the database did not take it (an outage); the next chance writes one
        this.recordsSinceSnapshot += count
      })
      .finally(() => {
        this.snapshotting = null
      })
  }

  /** Writes a snapshot of the state; only when every applied record is durable. */
  private async snapshot(): Promise<void> {
    // The state written must contain only durable records: check idleness synchronously right
    // before serializing (a command may run while we wait).
    do await this.log.drain()
    while (!this.log.idle)
    // after a failed commit the state holds records that are not durable, until rebuilt
    if (this.outage) throw this.unavailable()
    const position = this.s.lastPosition
    const state = JSON.stringify(this.s)
    this.recordsSinceSnapshot = 0
    this.lastSnapshotAt = performance.now()
    await writeSnapshot(this.sql, position, state, this.clock.now())
  }

  // ------------------------------------------------------------------ due work

  private rebuildDueIndex(): void {
    for (const t of Object.values(this.s.timers)) {
      this.due.push({ due: num(t.value.dueDate), kind: 'timer', key: t.key })
    }
    for (const j of Object.values(this.s.jobs)) {
      if (j.state === 'ACTIVATED')
        this.due.push({ due: num(j.value.deadline), kind: 'job-timeout', key: j.key })
      if (j.state === 'FAILED' && num(j.value.retries) > 0 && num(j.value.recurringTime) > 0) {
        this.due.push({ due: num(j.value.recurringTime), kind: 'job-backoff', key: j.key })
      }
    }
    for (const m of Object.values(this.s.messages)) {
      this.due.push({ due: num(m.value.deadline), kind: 'message', key: m.key })
    }
  }

  /** With the system clock: one OS timer for the earliest due item. */
  private armTimer(): void {
    if (!isSystemClock(this.clock) || this.closed) return
    const next = this.due.peekDue()
    if (next === undefined) {
      if (this.timer) clearTimeout(this.timer)
      this.timer = null
      this.armedFor = Infinity
      return
    }
    if (this.timer && this.armedFor <= next) return
    if (this.timer) clearTimeout(this.timer)
    this.armedFor = next
    const delay = Math.min(Math.max(0, next - this.clock.now()), 2_147_483_647)
    this.timer = setTimeout(() => {
      this.timer = null
      this.armedFor = Infinity
      this.tick().catch(() => {
        // failures surface through the log's failure state
      })
    }, delay)
    this.timer.unref()
  }

  tick(): Promise<void> {
    return this.exec((rt) => {
      const now = this.clock.now()
      for (
        let next = this.due.peekDue();
        next !== undefined && next <= now;
        next = this.due.peekDue()
      ) {
        const item = this.due.pop()
        if (item) this.fire(rt, item.kind, item.key, item.due)
        rt.drainWork()
      }
    })
  }

  private fire(rt: Runtime, kind: string, key: number, due: number): void {
    if (kind === 'timer') {
      const t = this.s.timers[key]
      if (!t || num(t.value.dueDate) !== due) return
      this.fireTimer(rt, key, t.value)
    } else if (kind === 'job-timeout') {
      const j = this.s.jobs[key]
      if (!j || j.state !== 'ACTIVATED' || num(j.value.deadline) !== due) return
      rt.emit(
        'JOB',
        'TIMED_OUT',
        key,
        { ...j.value, variables: {} },
        num(j.value.processInstanceKey),
      )
    } else if (kind === 'job-backoff') {
      const j = this.s.jobs[key]
      if (!j || j.state !== 'FAILED' || num(j.value.recurringTime) !== due) return
      rt.emit(
        'JOB',
        'RECURRED_AFTER_BACKOFF',
        key,
        { ...j.value, variables: {} },
        num(j.value.processInstanceKey),
      )
    } else if (kind === 'message') {
      const m = this.s.messages[key]
      if (!m || num(m.value.deadline) !== due) return
      rt.emit('MESSAGE', 'EXPIRED', key, m.value)
    }
  }

  private fireTimer(rt: Runtime, key: number, value: Record<string, unknown>): void {
    rt.emit('TIMER', 'TRIGGERED', key, value, num(value.processInstanceKey))
    const target = str(value.targetElementId)
    const repetitions = num(value.repetitions)
    const defKey = num(value.processDefinitionKey)
    const model = this.modelOf(defKey)
    const node = model.elements.get(target)
    const again = (owner: number) => {
      // Zeebe reschedules while repetitions are -1 (unbounded, cron) or more than 1.
      if ((repetitions >= 0 && repetitions <= 1) || node?.event?.kind !== 'timer') return
      const ownerInstance = this.s.elementInstances[owner]
      const timer = node.event.timer
      // The cycle's next due date: FEEL cycles are re-evaluated in the owner's scope.
      const schedule = ownerInstance
        ? rt.timerSchedule(ownerInstance, timer, rt.visibleVariables(owner))
        : this.startTimerSchedule(timer)
      if (!schedule) return
      rt.emit(
        'TIMER',
        'CREATED',
        rt.newKey(),
        {
          ...value,
          elementInstanceKey: owner,
          dueDate: schedule.dueDate,
          repetitions: repetitions < 0 ? -1 : repetitions - 1,
        },
        num(value.processInstanceKey),
      )
    }
    const ownerKey = num(value.elementInstanceKey)
    if (ownerKey <= 0) {
      const def = this.s.processes[defKey]
      if (!def) return
      rt.createInstance(def, {}, { startEventId: target, trigger: { variables: {} } })
      again(-1)
      return
    }
    const owner = this.s.elementInstances[ownerKey]
    if (!owner) return
    rt.triggerEvent(owner, target, { variables: {} })
    const stillThere = this.s.elementInstances[ownerKey]
    if (stillThere && stillThere.state === 'ACTIVATED' && node && !node.interrupting)
      again(ownerKey)
  }

  // ------------------------------------------------------------------ deployment

  async deployResources(resources: DeployResource[], tenantId?: string): Promise<DeploymentResult> {
    const tenant = tenantOf(tenantId)
    if (resources.length === 0) {
      reject(
        EngineErrorCode.InvalidArgument,
        'Expected to deploy at least one resource, but none given',
      )
    }
    const problems: string[] = []
    const bpmn: { name: string; xml: string; checksum: string; models: ProcessModel[] }[] = []
    const forms: { name: string; formId: string; text: string; checksum: string }[] = []
    const dmn: DmnDeployResource[] = []
    for (const r of resources) {
      const text = r.content.toString('utf8')
      const checksum = createHash('md5').update(r.content).digest('hex')
      if (isDmnResource(r.name)) {
        const parsedDmn = await parseDmnResource(r.name, text, checksum)
        if (parsedDmn.ok) dmn.push(parsedDmn.resource)
        else problems.push(parsedDmn.problem)
        continue
      }
      if (r.name.endsWith('.form')) {
        let formId: unknown
        try {
          formId = (JSON.parse(text) as { id?: unknown }).id
        } catch (err) {
          problems.push(`'${r.name}': ${err instanceof Error ? err.message : String(err)}`)
          continue
        }
        if (typeof formId !== 'string' || !formId) {
          problems.push(`'${r.name}': Expected the form to have an 'id', but none was found`)
          continue
        }
        forms.push({ name: r.name, formId, text, checksum })
        continue
      }
      if (!r.name.endsWith('.bpmn') && !r.name.endsWith('.xml')) {
        problems.push(
          `'${r.name}': Expected the resource to be a BPMN (.bpmn, .xml), DMN (.dmn) or form (.form) file`,
        )
        continue
      }
      let parsed: { processes: ProcessModel[]; errors: ValidationError[] }
      try {
        parsed = await parseBpmn(text)
      } catch (err) {
        problems.push(`'${r.name}': ${err instanceof Error ? err.message : String(err)}`)
        continue
      }
      if (parsed.errors.length > 0) {
        const lines = parsed.errors.map(
          (e) => `- Element: ${e.elementId}\n    - ERROR: ${e.message}`,
        )
        problems.push(`'${r.name}': ${lines.join('\n')}`)
        continue
      }
      this.parsed.set(text, parsed.processes)
      bpmn.push({ name: r.name, xml: text, checksum, models: parsed.processes })
    }
    const seen = new Map<string, string>()
    for (const b of bpmn) {
      for (const m of b.models) {
        const other = seen.get(m.bpmnProcessId)
        if (other !== undefined) {
          problems.push(
            `Expected the process ids to be unique within a deployment but found a duplicated process id '${m.bpmnProcessId}' in the resources '${other}' and '${b.name}'.`,
          )
        }
        seen.set(m.bpmnProcessId, b.name)
      }
    }
    problems.push(...dmnDeploymentProblems(dmn, this.s, tenant))
    problems.push(...deploymentBindingProblems(bpmn, dmn))
    if (problems.length > 0) {
      reject(
        EngineErrorCode.InvalidArgument,
        `Expected to deploy new resources, but encountered the following errors:\n${problems.join('\n')}`,
      )
    }
    return this.exec((rt) => {
      const deploymentKey = rt.newKey()
      const dmnDeployment = planDmn(rt, dmn, tenant, deploymentKey)
      const processes: DeployedProcess[] = []
      const deployedForms: DeployedForm[] = []
      const created: ProcessDefinitionState[] = []
      const latestProcess = (id: string) =>
        [...(this.idx.versions.get(id) ?? [])]
          .reverse()
          .map((k) => this.s.processes[k])
          .find((p) => p?.tenantId === tenant)
      const latestForm = (id: string) => {
        const versions = this.idx.formVersions.get(id) ?? []
        return versions.length > 0 ? this.s.forms[versions[versions.length - 1]!] : undefined
      }
      // Zeebe versions the resources of a deployment together: an unchanged resource is a
      // duplicate (no new version) only when every resource of the deployment (processes,
      // forms, decisions) is unchanged.
      const duplicatesOnly =
        bpmn.every((b) =>
          b.models.every((m) => {
            const latest = latestProcess(m.bpmnProcessId)
            return latest?.checksum === b.checksum && latest.resourceName === b.name
          }),
        ) &&
        forms.every((f) => latestForm(f.formId)?.checksum === f.checksum) &&
        !dmnDeployment.hasNew
      for (const b of bpmn) {
        for (const m of b.models) {
          const latest = latestProcess(m.bpmnProcessId)
          if (duplicatesOnly && latest) {
            processes.push({
              bpmnProcessId: latest.bpmnProcessId,
              version: latest.version,
              processDefinitionKey: String(latest.key),
              resourceName: latest.resourceName,
              tenantId: tenant,
              ...(latest.versionTag ? { versionTag: latest.versionTag } : {}),
            })
            continue
          }
          const key = rt.newKey()
          const version = nextVersion(this.s, 'process', m.bpmnProcessId, tenant, latest?.version)
          rt.emit('PROCESS', 'CREATED', key, {
            bpmnProcessId: m.bpmnProcessId,
            version,
            processDefinitionKey: key,
            resourceName: b.name,
            checksum: b.checksum,
            resource: b.xml,
            tenantId: tenant,
            deploymentKey,
            versionTag: m.versionTag ?? '',
            duplicate: false,
          })
          this.modelsByKey.set(key, m)
          const def = this.s.processes[key]
          if (def) created.push(def)
          processes.push({
            bpmnProcessId: m.bpmnProcessId,
            version,
            processDefinitionKey: String(key),
            resourceName: b.name,
            tenantId: tenant,
            ...(m.versionTag ? { versionTag: m.versionTag } : {}),
          })
        }
      }
      for (const f of forms) {
        const latest = latestForm(f.formId)
        if (duplicatesOnly && latest) {
          deployedForms.push({
            formId: f.formId,
            version: latest.version,
            formKey: String(latest.key),
            resourceName: latest.resourceName,
            tenantId: tenant,
          })
          continue
        }
        const key = rt.newKey()
        const version = nextVersion(this.s, 'form', f.formId, tenant, latest?.version)
        rt.emit('FORM', 'CREATED', key, {
          formId: f.formId,
          version,
          formKey: key,
          resourceName: f.name,
          checksum: f.checksum,
          resource: f.text,
          tenantId: tenant,
          deploymentKey,
        })
        deployedForms.push({
          formId: f.formId,
          version,
          formKey: String(key),
          resourceName: f.name,
          tenantId: tenant,
        })
      }
      const dmnResult = writeDmn(
        rt,
        dmnDeployment,
        dmn,
        deploymentKey,
        created.length > 0 ||
          deployedForms.some((f) => this.s.forms[f.formKey]?.deploymentKey === deploymentKey),
      )
      rt.emit('DEPLOYMENT', 'CREATED', deploymentKey, {
        resources: resources.map((r) => ({ resourceName: r.name })),
        processesMetadata: processes.map((p) => ({
          ...p,
          processDefinitionKey: Number(p.processDefinitionKey),
        })),
        formMetadata: deployedForms.map((f) => ({ ...f, formKey: Number(f.formKey) })),
        ...dmnResult.metadata,
        tenantId: tenant,
      })
      for (const def of created) this.scheduleStartTimers(rt, def)
      return {
        key: String(deploymentKey),
        processes,
        forms: deployedForms,
        decisions: dmnResult.decisions,
        decisionRequirements: dmnResult.decisionRequirements,
        tenantId: tenant,
      }
    })
  }

  /**
   * The schedule of a timer start event: a FEEL expression is evaluated without variables (as
   * Zeebe does on deployment). Null when it fails (the start event then never fires).
   */
  private startTimerSchedule(timer: TimerDefinition): TimerSchedule | null {
    const now = this.clock.now()
    let text = timer.expression
    if (text.trim().startsWith('=')) {
      const r = evaluateExpression(text, {}, now)
      if (!r.ok || r.value === null) return null
      text = String(r.value)
    }
    const schedule = parseTimerText(timer.kind, text, now)
    return typeof schedule === 'string' ? null : schedule
  }

  /** A new version replaces the previous version's timer start events with its own. */
  private scheduleStartTimers(rt: Runtime, def: ProcessDefinitionState): void {
    for (const t of Object.values(this.s.timers)) {
      const old = this.s.processes[num(t.value.processDefinitionKey)]
      if (
        num(t.value.elementInstanceKey) <= 0 &&
        old &&
        old.bpmnProcessId === def.bpmnProcessId &&
        old.key !== def.key
      ) {
        rt.emit('TIMER', 'CANCELED', t.key, t.value)
      }
    }
    const model = this.modelOf(def.key)
    const root = model.elements.get(model.bpmnProcessId)
    for (const id of root?.startEventIds ?? []) {
      const st = model.elements.get(id)
      if (st?.event?.kind !== 'timer') continue
      const schedule = this.startTimerSchedule(st.event.timer)
      if (!schedule) continue
      rt.emit('TIMER', 'CREATED', rt.newKey(), {
        elementInstanceKey: -1,
        processInstanceKey: -1,
        processDefinitionKey: def.key,
        dueDate: schedule.dueDate,
        targetElementId: id,
        repetitions: schedule.repetitions,
        tenantId: def.tenantId,
      })
    }
  }

  // ------------------------------------------------------------------ instances

  private findDefinition(cmd: CreateInstanceCommand): ProcessDefinitionState {
    if (cmd.processDefinitionKey && cmd.processDefinitionKey !== '0') {
      const def = this.s.processes[parseKey(cmd.processDefinitionKey, 'process definition key')]
      if (!def) {
        reject(
          EngineErrorCode.NotFound,
          `Expected to find process definition with key '${cmd.processDefinitionKey}', but none found`,
        )
      }
      return def
    }
    const id = cmd.bpmnProcessId ?? ''
    const tenant = tenantOf(cmd.tenantId)
    const versions = (this.idx.versions.get(id) ?? [])
      .map((k) => this.s.processes[k])
      .filter((p): p is ProcessDefinitionState => p !== undefined && p.tenantId === tenant)
    if (cmd.version === undefined || cmd.version < 0) {
      const latest = versions[versions.length - 1]
      if (!latest)
        reject(
          EngineErrorCode.NotFound,
          `Expected to find process definition with process ID '${id}', but none found`,
        )
      return latest
    }
    const def = versions.find((p) => p.version === cmd.version)
    if (!def) {
      reject(
        EngineErrorCode.NotFound,
        `Expected to find process definition with process ID '${id}' and version '${cmd.version}', but none found`,
      )
    }
    return def
  }

  private startInstance(rt: Runtime, cmd: CreateInstanceCommand): CreatedInstance {
    const def = this.findDefinition(cmd)
    const variables = checkVariables(cmd.variables)
    const model = this.modelOf(def.key)
    const root = model.elements.get(model.bpmnProcessId)
    const elementIds = (cmd.startInstructions ?? []).map((s) => s.elementId)
    for (const id of elementIds) {
      const node = model.elements.get(id)
      if (!node || node.scopeId !== model.bpmnProcessId) {
        reject(
          EngineErrorCode.InvalidArgument,
          `Expected to create instance of process with start instructions but the element with id '${id}' targets unsupported element`,
        )
      }
    }
    if (elementIds.length === 0 && !root?.noneStartEventId) {
      reject(
        EngineErrorCode.FailedPrecondition,
        `Expected to create instance of process with none start event, but there is no such event`,
      )
    }
    const pi = rt.createInstance(def, variables, elementIds.length > 0 ? { elementIds } : undefined)
    return {
      processDefinitionKey: String(def.key),
      bpmnProcessId: def.bpmnProcessId,
      version: def.version,
      processInstanceKey: String(pi.key),
      tenantId: def.tenantId,
    }
  }

  createProcessInstance(cmd: CreateInstanceCommand): Promise<CreatedInstance> {
    return this.exec((rt) => this.startInstance(rt, cmd))
  }

  createProcessInstanceWithResult(
    cmd: CreateInstanceCommand & { fetchVariables?: string[]; requestTimeoutMs?: number },
  ): Promise<InstanceResult> {
    let resolveResult!: (r: InstanceResult) => void
    let rejectResult!: (e: unknown) => void
    const result = new Promise<InstanceResult>((res, rej) => {
      resolveResult = res
      rejectResult = rej
    })
    const created = this.exec((rt) => {
      const c = this.startInstance(rt, cmd)
      const key = Number(c.processInstanceKey)
      rt.resultWanted.add(key)
      const waiter: ResultWaiter = {
        resolve: resolveResult,
        reject: rejectResult,
        created: c,
        ...(cmd.fetchVariables ? { fetchVariables: cmd.fetchVariables } : {}),
      }
      this.waiters.set(key, waiter)
      if (cmd.requestTimeoutMs && cmd.requestTimeoutMs > 0) {
        waiter.timer = setTimeout(() => {
          if (this.waiters.get(key) !== waiter) return
          this.waiters.delete(key)
          rt.resultWanted.delete(key)
          rejectResult(
            new EngineError(
              EngineErrorCode.Internal,
              `Expected to receive the result of process instance '${key}' within ${cmd.requestTimeoutMs} ms, but it did not complete in time`,
            ),
          )
        }, cmd.requestTimeoutMs)
        waiter.timer.unref()
      }
      return c
    })
    // the result may be refused before anyone awaits it (the creation itself failing, or an
    // outage); the rejection is what the caller gets through the chain below
    result.catch(() => undefined)
    return created.then(() => result)
  }

  cancelProcessInstance(processInstanceKey: string): Promise<void> {
    return this.exec((rt) => {
      const key = parseKey(processInstanceKey, 'process instance key')
      const pi = this.s.elementInstances[key]
      if (!pi || pi.type !== BpmnElementType.Process) {
        reject(
          EngineErrorCode.NotFound,
          `Expected to cancel a process instance with key '${processInstanceKey}', but no such process was found`,
        )
      }
      if (pi.parentEiKey !== undefined) {
        reject(
          EngineErrorCode.FailedPrecondition,
          `Expected to cancel a process instance with key '${processInstanceKey}', but it is created by a parent process instance. Cancel the root process instance '${pi.parentPiKey}' instead.`,
        )
      }
      rt.terminate(pi, false)
    })
  }

  modifyProcessInstance(cmd: ModifyInstanceCommand): Promise<void> {
    return this.exec((rt) => modifyProcessInstance(rt, cmd))
  }

  migrateProcessInstance(cmd: MigrateInstanceCommand): Promise<void> {
    return this.exec((rt) => migrateProcessInstance(rt, cmd))
  }

  deleteResource(resourceKey: string): Promise<void> {
    return this.exec((rt) => deleteResource(rt, resourceKey))
  }

  // ------------------------------------------------------------------ jobs

  activateJobs(cmd: ActivateJobsCommand): Promise<ActivatedJob[]> {
    return this.exec((rt) => {
      const out: ActivatedJob[] = []
      const keys = this.idx.activatable.get(cmd.type)
      if (!keys || cmd.maxJobsToActivate <= 0) return out
      const tenants = (cmd.tenantIds ?? []).map(tenantOf)
      const now = this.clock.now()
      // Deleting the visited entry while iterating a Set is safe; no copy of a long queue.
      for (const key of keys) {
        if (out.length >= cmd.maxJobsToActivate) break
        const job = this.s.jobs[key]
        if (!job || job.state !== 'ACTIVATABLE') continue
        if (tenants.length > 0 && !tenants.includes(str(job.value.tenantId))) continue
        const deadline = now + Math.max(0, cmd.timeoutMs)
        rt.emit(
          'JOB',
          'ACTIVATED',
          key,
          { ...job.value, worker: cmd.worker, deadline, timeout: cmd.timeoutMs, variables: {} },
          num(job.value.processInstanceKey),
        )
        const all =
          listenerJobVariables(rt, job.value) ??
          rt.visibleVariables(num(job.value.elementInstanceKey))
        const variables =
          cmd.fetchVariable && cmd.fetchVariable.length > 0
            ? Object.fromEntries(cmd.fetchVariable.filter((n) => n in all).map((n) => [n, all[n]]))
            : all
        const v = job.value
        out.push({
          key: String(key),
          type: str(v.type),
          processInstanceKey: str(v.processInstanceKey),
          bpmnProcessId: str(v.bpmnProcessId),
          processDefinitionVersion: num(v.processDefinitionVersion),
          processDefinitionKey: str(v.processDefinitionKey),
          elementId: str(v.elementId),
          elementInstanceKey: str(v.elementInstanceKey),
          customHeaders: { ...(v.customHeaders as Record<string, string>) },
          worker: cmd.worker,
          retries: num(v.retries),
          deadline,
          variables,
          tenantId: str(v.tenantId),
        })
      }
      return out
    })
  }

  onJobsAvailable(type: string, listener: () => void): () => void {
    let set = this.jobListeners.get(type)
    if (!set) this.jobListeners.set(type, (set = new Set()))
    set.add(listener)
    return () => {
      set.delete(listener)
      if (set.size === 0) this.jobListeners.delete(type)
    }
  }

  private jobFor(jobKey: string, action: string, states: string[]) {
    const key = parseKey(jobKey, 'job key')
    const job = this.s.jobs[key]
    if (!job) {
      reject(
        EngineErrorCode.NotFound,
        `Expected to ${action} job with key '${jobKey}', but no such job was found`,
      )
    }
    if (!states.includes(job.state)) {
      reject(
        EngineErrorCode.FailedPrecondition,
        `Expected to ${action} job with key '${jobKey}', but it is in state '${job.state}'`,
      )
    }
    return job
  }

  completeJob(jobKey: string, variables?: Variables, result?: JobResult): Promise<void> {
    return this.exec((rt) => {
      const vars = checkVariables(variables)
      const job = this.jobFor(jobKey, 'complete', ['ACTIVATABLE', 'ACTIVATED'])
      if (job.value.jobKind === 'TASK_LISTENER') {
        completeTaskListenerJob(rt, job, vars, result)
        return
      }
      if (job.value.jobKind === 'EXECUTION_LISTENER') {
        completeExecutionListenerJob(rt, job, vars)
        return
      }
      rt.emit(
        'JOB',
        'COMPLETED',
        job.key,
        { ...job.value, variables: vars },
        num(job.value.processInstanceKey),
      )
      const ei = this.s.elementInstances[num(job.value.elementInstanceKey)]
      if (!ei) return
      rt.applyResultVariables(ei, rt.nodeOf(ei), vars)
      rt.complete(ei)
    })
  }

  failJob(
    jobKey: string,
    retries: number,
    errorMessage?: string,
    retryBackOffMs?: number,
    variables?: Variables,
  ): Promise<void> {
    return this.exec((rt) => {
      const vars = checkVariables(variables)
      const job = this.jobFor(jobKey, 'fail', ['ACTIVATABLE', 'ACTIVATED'])
      const backoff = retries > 0 ? Math.max(0, retryBackOffMs ?? 0) : 0
      rt.emit(
        'JOB',
        'FAILED',
        job.key,
        {
          ...job.value,
          retries,
          errorMessage: errorMessage ?? '',
          retryBackoff: backoff,
          recurringTime: backoff > 0 ? this.clock.now() + backoff : -1,
          worker: '',
          deadline: -1,
          variables: {},
        },
        num(job.value.processInstanceKey),
      )
      const ei = this.s.elementInstances[num(job.value.elementInstanceKey)]
      if (!ei) return
      if (Object.keys(vars).length > 0) rt.setLocalVariables(ei.key, vars)
      if (retries <= 0) {
        rt.raiseIncident(
          ei,
          IncidentErrorType.JobNoRetries,
          errorMessage && errorMessage.length > 0 ? errorMessage : 'No more retries left.',
          job.key,
        )
      }
    })
  }

  throwError(
    jobKey: string,
    errorCode: string,
    errorMessage?: string,
    variables?: Variables,
  ): Promise<void> {
    return this.exec((rt) => {
      const vars = checkVariables(variables)
      const job = this.jobFor(jobKey, 'throw an error for', ['ACTIVATABLE', 'ACTIVATED'])
      const notSupported = throwErrorRejection(job)
      if (notSupported) reject(EngineErrorCode.FailedPrecondition, notSupported)
      rt.emit(
        'JOB',
        'ERROR_THROWN',
        job.key,
        { ...job.value, errorCode, errorMessage: errorMessage ?? '', variables: vars },
        num(job.value.processInstanceKey),
      )
      const ei = this.s.elementInstances[num(job.value.elementInstanceKey)]
      if (!ei) return
      if (!rt.throwError(ei, errorCode, vars)) {
        rt.raiseIncident(
          ei,
          IncidentErrorType.UnhandledErrorEvent,
          `Expected to throw an error event with the code '${errorCode}' with message '${errorMessage ?? ''}', but it was not caught. No error events are available in the scope.`,
          job.key,
        )
      }
    })
  }

  updateJobRetries(jobKey: string, retries: number): Promise<void> {
    return this.exec((rt) => {
      const job = this.jobFor(jobKey, 'update retries of', [
        'ACTIVATABLE',
        'ACTIVATED',
        'FAILED',
        'ERROR_THROWN',
      ])
      if (retries < 1) {
        reject(
          EngineErrorCode.InvalidArgument,
          `Expected to update retries for job with key '${jobKey}' with a positive amount of retries, but the amount given was '${retries}'`,
        )
      }
      rt.emit(
        'JOB',
        'RETRIES_UPDATED',
        job.key,
        { ...job.value, retries, variables: {} },
        num(job.value.processInstanceKey),
      )
    })
  }

  updateJobTimeout(jobKey: string, timeoutMs: number): Promise<void> {
    return this.exec((rt) => {
      const key = parseKey(jobKey, 'job key')
      const job = this.s.jobs[key]
      if (!job) {
        reject(
          EngineErrorCode.NotFound,
          `Expected to update job timeout with key '${jobKey}', but no such job was found`,
        )
      }
      if (job.state !== 'ACTIVATED') {
        reject(
          EngineErrorCode.FailedPrecondition,
          `Expected to update the timeout of job with key '${jobKey}', but it is not active`,
        )
      }
      rt.emit(
        'JOB',
        'TIMEOUT_UPDATED',
        key,
        { ...job.value, deadline: this.clock.now() + timeoutMs, timeout: timeoutMs, variables: {} },
        num(job.value.processInstanceKey),
      )
    })
  }

  // ------------------------------------------------------------------ messages and signals

  publishMessage(cmd: PublishMessageCommand): Promise<{ key: string; tenantId: string }> {
    return this.exec((rt) => {
      const tenant = tenantOf(cmd.tenantId)
      const variables = checkVariables(cmd.variables)
      const correlationKey = cmd.correlationKey ?? ''
      const now = this.clock.now()
      if (cmd.messageId) {
        for (const mk of this.idx.messagesByName.get(cmd.name) ?? []) {
          const m = this.s.messages[mk]
          if (
            m &&
            str(m.value.messageId) === cmd.messageId &&
            str(m.value.correlationKey) === correlationKey &&
            str(m.value.tenantId) === tenant
          ) {
            reject(
              EngineErrorCode.AlreadyExists,
              `Expected to publish a new message with id '${cmd.messageId}', but a message with that id was already published`,
            )
          }
        }
      }
      const key = rt.newKey()
      const ttl = Math.max(0, cmd.timeToLiveMs)
      const value = {
        name: cmd.name,
        correlationKey,
        timeToLive: ttl,
        messageId: cmd.messageId ?? '',
        variables,
        tenantId: tenant,
        deadline: now + ttl,
      }
      rt.emit('MESSAGE', 'PUBLISHED', key, value)
      const correlated = new Set<string>()
      const subs = [...(this.idx.subscriptionsByMessage.get(cmd.name) ?? [])].sort((a, b) => a - b)
      for (const sk of subs) {
        const sub = this.s.messageSubscriptions[sk]
        if (
          !sub ||
          str(sub.value.correlationKey) !== correlationKey ||
          str(sub.value.tenantId) !== tenant
        )
          continue
        const pid = str(sub.value.bpmnProcessId)
        if (correlated.has(pid)) continue
        correlated.add(pid)
        this.correlate(rt, sk, key, value)
      }
      for (const def of rt.latestDefinitions()) {
        if (def.tenantId !== tenant || correlated.has(def.bpmnProcessId)) continue
        if (this.startByMessage(rt, def, key, value)) correlated.add(def.bpmnProcessId)
      }
      if (ttl <= 0) rt.emit('MESSAGE', 'EXPIRED', key, value)
      return { key: String(key), tenantId: tenant }
    })
  }

  /**
   * Starts an instance of `def` at its message start event for this message, unless an instance
   * started with the same correlation key is still active (Zeebe's one-per-key rule).
   */
  private startByMessage(
    rt: Runtime,
    def: ProcessDefinitionState,
    messageKey: number,
    message: Record<string, unknown>,
  ): boolean {
    const name = str(message.name)
    const correlationKey = str(message.correlationKey)
    const model = this.modelOf(def.key)
    const root = model.elements.get(model.bpmnProcessId)
    const start = (root?.startEventIds ?? [])
      .map((id) => model.elements.get(id))
      .find((n) => n?.event?.kind === 'message' && n.event.messageName === name)
    if (!start) return false
    if (
      correlationKey !== '' &&
      this.s.messageStartLocks[`${def.bpmnProcessId}\u0000${correlationKey}`]
    ) {
      return false
    }
    const variables = (message.variables ?? {}) as Variables
    const pi = rt.createInstance(def, {}, { startEventId: start.id, trigger: { variables } })
    rt.emit('MESSAGE_START_EVENT_SUBSCRIPTION', 'CORRELATED', rt.newKey(), {
      processDefinitionKey: def.key,
      bpmnProcessId: def.bpmnProcessId,
      startEventId: start.id,
      messageName: name,
      messageKey,
      correlationKey,
      processInstanceKey: pi.key,
      variables,
      tenantId: def.tenantId,
    })
    return true
  }

  /** After a message-started instance ended: a buffered message with its key may start the next. */
  private startFromBufferedMessage(rt: Runtime, lock: string): void {
    const [bpmnProcessId = '', correlationKey = ''] = lock.split('\u0000')
    const def = rt.latestDefinitions().find((d) => d.bpmnProcessId === bpmnProcessId)
    if (!def) return
    const now = this.clock.now()
    const candidates = Object.values(this.s.messages)
      .filter(
        (m) =>
          str(m.value.correlationKey) === correlationKey &&
          num(m.value.deadline) > now &&
          str(m.value.tenantId) === def.tenantId &&
          !m.correlated.includes(bpmnProcessId),
      )
      .sort((a, b) => a.key - b.key)
    for (const m of candidates) {
      if (this.startByMessage(rt, def, m.key, m.value)) return
    }
  }

  /** Correlates a message; non-interrupting events keep their subscription open. */
  private correlate(
    rt: Runtime,
    subscriptionKey: number,
    messageKey: number,
    message: Record<string, unknown>,
  ): void {
    const sub = this.s.messageSubscriptions[subscriptionKey]
    if (!sub) return
    const ownerKey = num(sub.value.elementInstanceKey)
    const keepOpen = sub.value.interrupting === false
    rt.correlateSubscription(subscriptionKey, messageKey, message)
    const owner = this.s.elementInstances[ownerKey]
    if (keepOpen && owner && owner.state === 'ACTIVATED') {
      rt.emit(
        'MESSAGE_SUBSCRIPTION',
        'CREATED',
        rt.newKey(),
        { ...sub.value, messageKey: -1, variables: {} },
        owner.piKey,
      )
    }
  }

  broadcastSignal(
    signalName: string,
    variables?: Variables,
    tenantId?: string,
  ): Promise<{ key: string; tenantId: string }> {
    return this.exec((rt) => {
      const tenant = tenantOf(tenantId)
      const key = rt.broadcastSignal(signalName, checkVariables(variables), tenant)
      return { key: String(key), tenantId: tenant }
    })
  }

  // ------------------------------------------------------------------ incidents and variables

  resolveIncident(incidentKey: string): Promise<void> {
    return this.exec((rt) => {
      const key = parseKey(incidentKey, 'incident key')
      const incident = this.s.incidents[key]
      if (!incident) {
        reject(
          EngineErrorCode.NotFound,
          `Expected to resolve incident with key '${incidentKey}', but no such incident was found`,
        )
      }
      const jobKey = num(incident.value.jobKey)
      if (jobKey > 0) {
        const job = this.s.jobs[jobKey]
        // Zeebe (since 8.3.x, camunda/camunda#16484): rejected with INVALID_STATE, which its
        // gateway answers as FAILED_PRECONDITION, until the job's retries are raised.
        if (job && num(job.value.retries) <= 0) {
          reject(
            EngineErrorCode.FailedPrecondition,
            `Expected to resolve incident with key '${incidentKey}', but job with key '${jobKey}' has no retries left. Please update the job retries and retry resolving the incident`,
          )
        }
      }
      rt.emit('INCIDENT', 'RESOLVED', key, incident.value, num(incident.value.processInstanceKey))
      if (jobKey > 0) return
      const ei = this.s.elementInstances[num(incident.value.elementInstanceKey)]
      if (!ei) return
      if (ei.state === 'ACTIVATING') rt.continueActivation(ei.key)
      else if (ei.state === 'COMPLETING') rt.continueCompletion(ei.key)
      else if (ei.state === 'ACTIVATED' && ei.type === BpmnElementType.MultiInstanceBody)
        rt.childLeft(ei)
      else if (ei.state === 'ACTIVATED' && ei.userTaskKey !== undefined) continueTransition(rt, ei)
    })
  }

  evaluateDecision(cmd: EvaluateDecisionCommand): Promise<DecisionEvaluationResult> {
    return this.exec((rt) =>
      evaluateDecisionCommand(rt, {
        ...(cmd.decisionId ? { decisionId: cmd.decisionId } : {}),
        ...(cmd.decisionKey ? { decisionKey: cmd.decisionKey } : {}),
        variables: checkVariables(cmd.variables),
        tenantId: tenantOf(cmd.tenantId),
      }),
    )
  }

  setVariables(
    elementInstanceKey: string,
    variables: Variables,
    local: boolean,
  ): Promise<{ key: string }> {
    return this.exec((rt) => {
      const key = parseKey(elementInstanceKey, 'element instance key')
      const vars = checkVariables(variables)
      const ei = this.s.elementInstances[key]
      if (!ei) {
        reject(
          EngineErrorCode.NotFound,
          `Expected to update variables for element with key '${elementInstanceKey}', but no such element was found`,
        )
      }
      const docKey = rt.newKey()
      rt.emit(
        'VARIABLE_DOCUMENT',
        'UPDATED',
        docKey,
        {
          scopeKey: key,
          updateSemantics: local ? 'LOCAL' : 'PROPAGATE',
          variables: vars,
          tenantId: rt.definition(ei.defKey).tenantId,
        },
        ei.piKey,
      )
      if (local) rt.setLocalVariables(key, vars)
      else rt.mergeDocument(key, vars)
      return { key: String(docKey) }
    })
  }

  // ------------------------------------------------------------------ user tasks

  /** Runs a user task command and waits for its transition to finish (see EngineApi). */
  private async userTaskCommand(key: string, fn: (rt: Runtime) => void): Promise<UserTask> {
    let waiting: Promise<UserTask> | undefined
    try {
      await this.exec((rt) => {
        fn(rt)
        waiting = this.userTaskRequests.wait(String(key))
      })
    } catch (err) {
      // Only the waiter this command registered (a rejected command registered none).
      if (waiting) this.userTaskRequests.drop(String(key))
      throw err
    }
    if (!waiting) throw new EngineError(EngineErrorCode.Internal, 'user task command lost')
    return waiting
  }

  assignUserTask(
    userTaskKey: string,
    cmd: { assignee: string; action?: string; allowOverride?: boolean },
  ): Promise<UserTask> {
    return this.userTaskCommand(userTaskKey, (rt) => assignUserTask(rt, userTaskKey, cmd))
  }

  claimUserTask(
    userTaskKey: string,
    cmd: { assignee: string; action?: string },
  ): Promise<UserTask> {
    return this.userTaskCommand(userTaskKey, (rt) => claimUserTask(rt, userTaskKey, cmd))
  }

  unassignUserTask(userTaskKey: string, cmd: { action?: string } = {}): Promise<UserTask> {
    return this.userTaskCommand(userTaskKey, (rt) =>
      assignUserTask(rt, userTaskKey, { assignee: '', action: cmd.action || 'unassign' }),
    )
  }

  updateUserTask(
    userTaskKey: string,
    cmd: { changeset?: Omit<UserTaskChanges, 'assignee'>; action?: string },
  ): Promise<UserTask> {
    return this.userTaskCommand(userTaskKey, (rt) =>
      updateUserTask(rt, userTaskKey, {
        ...(cmd.changeset ? { changeset: { ...cmd.changeset } } : {}),
        ...(cmd.action ? { action: cmd.action } : {}),
      }),
    )
  }

  completeUserTask(
    userTaskKey: string,
    cmd: { variables?: Variables; action?: string } = {},
  ): Promise<UserTask> {
    return this.userTaskCommand(userTaskKey, (rt) => completeUserTask(rt, userTaskKey, cmd))
  }

  getUserTask(userTaskKey: string): UserTask | undefined {
    return getUserTask(this.s, String(userTaskKey))
  }

  listUserTasks(filter?: UserTaskFilter): UserTask[] {
    return listUserTasks(this.s, filter)
  }

  // ------------------------------------------------------------------ history

  async readRecords(query: RecordQuery): Promise<EngineRecord[]> {
    return selectRecords(this.sql, query)
  }

  onRecord(listener: (record: EngineRecord) => void): () => void {
    this.recordListeners.add(listener)
    return () => this.recordListeners.delete(listener)
  }

  get commitStats(): CommitStats {
    return this.log.stats
  }

  /** Test and diagnostics view of the state (do not mutate). */
  get state(): Readonly<EngineStateData> {
    return this.s
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.snapshotting) await this.snapshotting.catch(() => undefined)
    do await this.log.drain()
    while (!this.log.idle)
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    if (this.recovery) clearTimeout(this.recovery)
    this.recovery = null
    for (const [key, w] of this.waiters) {
      if (w.timer) clearTimeout(w.timer)
      w.reject(
        new EngineError(
          EngineErrorCode.Unimplemented,
          `The engine closed before process instance '${key}' completed`,
        ),
      )
    }
    this.waiters.clear()
    this.userTaskRequests.close()
    // a state that holds records which never became durable must not become a snapshot
    if (!this.outage) {
      await writeSnapshot(this.sql, this.s.lastPosition, JSON.stringify(this.s), this.clock.now())
    }
  }
}
