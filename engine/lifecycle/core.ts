/**
 * The engine's core (Zeebe's stream processor): the state and its runtime, the durable log
 * (group commit), recovery on start and after an outage, snapshots, the due-date timer, and the
 * listeners told about durable records and available jobs. Commands run through {@link exec};
 * the API (engine.ts) is a facade over it and the processors in processing/.
 */
import {
  type Clock,
  EngineError,
  EngineErrorCode,
  type EngineStatus,
  type RecordQuery,
} from '../api'
import { isSystemClock, systemClock } from '../clock'
import { loadDrgModels } from '../dmn/deploy'
import { startFromBufferedMessage } from '../processing/message'
import { ProcessModels } from '../processing/models'
import { ResultWaiters } from '../processing/results'
import { fireDue, rebuildDueIndex } from '../processing/timer'
import { reject } from '../processing/common'
import { Runtime } from '../runtime/runtime'
import { DueIndex } from '../state/due-index'
import {
  type CommitStats,
  ensureLogTables,
  GroupCommitLog,
  loadSnapshot,
  MAX_RECORDS_PER_COMMIT,
  selectRecords,
  writeSnapshot,
} from '../state/log'
import type { EngineRecord } from '../state/records'
import type { SqlClient } from '../state/sql'
import {
  buildIndex,
  emptyState,
  type EngineStateData,
  type StateIndex,
  upgradeLoadedState,
} from '../state/state'
import { UserTaskRequests } from '../user-task/requests'
import { DueTimer } from './due-timer'
import { consoleLogger, type CreateEngineOptions, type EngineLogger, errorText } from './options'

export class EngineCore {
  readonly clock: Clock
  private readonly sql: SqlClient
  private s: EngineStateData = emptyState()
  private idx: StateIndex = buildIndex(this.s)
  private rt!: Runtime
  private readonly log: GroupCommitLog
  private due = new DueIndex()
  readonly models = new ProcessModels(() => this.s)
  private readonly recordListeners = new Set<(r: EngineRecord) => void>()
  private readonly jobListeners = new Map<string, Set<() => void>>()
  readonly results = new ResultWaiters()
  private readonly snapshotEvery: number
  private readonly snapshotMinInterval: number
  private lastSnapshotAt = performance.now()
  private recordsSinceSnapshot = 0
  private snapshotting: Promise<void> | null = null
  private readonly dueTimer: DueTimer
  private closed = false
  readonly userTaskRequests = new UserTaskRequests()
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
    this.dueTimer = new DueTimer(this.clock, () => {
      this.tick().catch(() => {
        // failures surface through the log's failure state
      })
    })
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
    this.models.clearKeys()
    this.due = new DueIndex()
    this.recordsSinceSnapshot = 0
    const snapshot = await loadSnapshot(this.sql)
    if (snapshot) this.s = upgradeLoadedState(JSON.parse(snapshot.state) as EngineStateData)
    for (const p of Object.values(this.s.processes)) await this.models.ensureModel(p)
    this.idx = buildIndex(this.s)
    this.rt = new Runtime(this.s, this.idx, (k) => this.models.modelOf(k), this.clock)
    let after = this.s.lastPosition
    for (;;) {
      const page = await selectRecords(this.sql, { afterPosition: after, limit: 5000 })
      if (page.length === 0) break
      for (const r of page) {
        if (r.valueType === 'PROCESS' && r.intent === 'CREATED') {
          await this.models.parseResource(r.value.resource)
        }
      }
      this.rt.replay(page)
      after = page[page.length - 1]!.position
    }
    await loadDrgModels(this.rt)
    rebuildDueIndex(this.s, this.due)
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
    this.dueTimer.stop()
    this.results.failAll(() => this.unavailable())
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

  // ------------------------------------------------------------------ command processing

  /**
   * Runs one command: `fn` and every follow-up step run synchronously (so commands never
   * interleave), then the produced records are made durable before the promise settles.
   */
  async exec<T>(fn: (rt: Runtime) => T): Promise<T> {
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
        startFromBufferedMessage(rt, lock)
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
    const { records: batch, dueItems, jobTypes: available } = rt.endCommand()
    for (const d of dueItems) this.due.push(d)
    const finished = this.results.collect(this.s, rt)
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

  /** With the system clock: one OS timer for the earliest due item. */
  private armTimer(): void {
    if (!isSystemClock(this.clock) || this.closed) return
    this.dueTimer.arm(this.due.peekDue())
  }

  tick(): Promise<void> {
    return this.exec((rt) => fireDue(rt, this.due))
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

  /** The current state (replaced when rebuilt; do not mutate). */
  get state(): Readonly<EngineStateData> {
    return this.s
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.snapshotting) await this.snapshotting.catch(() => undefined)
    do await this.log.drain()
    while (!this.log.idle)
    this.dueTimer.stop()
    if (this.recovery) clearTimeout(this.recovery)
    this.recovery = null
    this.results.failAll(
      (key) =>
        new EngineError(
          EngineErrorCode.Unimplemented,
          `The engine closed before process instance '${key}' completed`,
        ),
    )
    this.userTaskRequests.close()
    // a state that holds records which never became durable must not become a snapshot
    if (!this.outage) {
      await writeSnapshot(this.sql, this.s.lastPosition, JSON.stringify(this.s), this.clock.now())
    }
  }
}
