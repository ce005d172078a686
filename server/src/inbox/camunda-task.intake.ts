/**
 * The inbox's intake of Camunda user tasks (`zeebe:userTask`), through the public v2 API only,
 * so it works the same on the embedded engine and on a Camunda 8.8 cluster (whose searches read
 * its secondary storage, a little behind the broker). See README.md for the design.
 *
 * - Every `pollEveryMs` (1 s) an incremental pass asks `POST /v2/user-tasks/search` for tasks in
 *   state CREATED created since the newest creation date seen (less `slackMs`, for a cluster's
 *   exporter lag and for clocks), sorted by creationDate and paged with 8.8's `after` cursor; the
 *   unknown ones are stored with their variables (`/variables/search`). A second search finds
 *   tasks COMPLETED or CANCELED since the newest completion date seen: their live tasks close.
 * - Every `fullPassEveryMs` (5 min), and at start, a full pass pages through all CREATED tasks:
 *   it stores what the incremental passes missed (a task that became visible later than the
 *   slack, a failure) and checks each live task the listing lacks with `GET /v2/user-tasks/{key}`
 *   — COMPLETED, CANCELED or FAILED close it (the keep-alive does the same for job tasks).
 *
 * - {@link RunningCamundaIntake.nudge}: the server calls it when it did something after which the
 *   engine usually creates a user task at once (a task completed, a procedure started, a job
 *   completed): the passes then run for `fastForMs` (2 s), the first `fastPollMs` (25 ms) apart
 *   and backing off (25, 25, 50, 50, 100 … ms: a task usually shows in the first few), so the
 *   next task is in the inbox a moment after the engine and its search have it, not up to a
 *   second later. The same on a cluster: nothing but v2 searches.
 * - Assignments made by other v2 clients (Tasklist, scripts): a live task whose assignee in a
 *   search differs from the inbox's is read again with `GET /v2/user-tasks/{key}` `settleMs`
 *   later (a search lags the broker: the difference may only be the inbox's own claim not yet
 *   visible); when the engine still says otherwise and the inbox did not change the task
 *   meanwhile, the inbox takes the engine's assignee, with a `system:engine` evidence entry.
 *
 * Storing is idempotent on the user task key, so passes may overlap in what they read.
 */
import type { Logger } from '../log'
import { CrashPoint, type Checkpoint } from '../outbox/outbox'
import { restStatus, type CamundaUserTask, type UserTaskApi } from '../camunda/camunda-rest'
import type { TasksService } from './tasks.service'
import { TaskState } from './task-model'

export interface CamundaIntakeOptions {
  api: UserTaskApi
  tasks: TasksService
  log: Logger
  /** The engine's clock, ms since the epoch (the server's, which the embedded engine shares). */
  now: () => number
  /** Between incremental passes, ms. Default 1 s. */
  pollEveryMs?: number
  /** Between full passes, ms. Default 5 minutes. */
  fullPassEveryMs?: number
  /** How far before the newest dates seen an incremental pass looks again, ms. Default 30 s. */
  slackMs?: number
  /**
   * The first pause between incremental passes after a {@link RunningCamundaIntake.nudge}, ms;
   * it doubles every second pass (25, 25, 50, 50, 100 …) up to `pollEveryMs`. Default 25.
   */
  fastPollMs?: number
  /** How long passes run fast after a nudge, ms. Default 2 s. */
  fastForMs?: number
  /**
   * How long after a search showed another assignee the task is read again before the inbox
   * takes that assignee, ms: at least the search's lag behind the engine. Default 2 s.
   */
  settleMs?: number
  /** Crash-test hook (see {@link CrashPoint}). */
  checkpoint?: Checkpoint
  /**
   * Called when a pass succeeds first, or again after failing passes (the v2 API answers now):
   * the server runs the reconciler then, so completions that waited for the API go out at once.
   */
  onReachable?: () => void
}

export interface RunningCamundaIntake {
  /** Runs one incremental pass now (after the one running, if any). */
  pass(): Promise<void>
  /** Runs one full pass now (after the one running, if any). */
  fullPass(): Promise<void>
  /**
   * The engine is probably creating a user task now: poll from every `fastPollMs` (backing off)
   * for `fastForMs`. Cheap to call often (a burst of calls is one fast period).
   */
  nudge(): void
  stop(): Promise<void>
}

const PAGE = 100
/** Why a task the engine no longer waits for closes, by the user task's final state. */
const CLOSED_BECAUSE: Record<string, string> = {
  CANCELED: 'The process no longer waits for this task.',
  FAILED: 'The process no longer waits for this task.',
  COMPLETED: 'The task was completed outside the inbox.',
}

export function startCamundaTaskIntake(options: CamundaIntakeOptions): RunningCamundaIntake {
  const { api, tasks, log, now } = options
  const slackMs = options.slackMs ?? 30_000
  const fullEvery = options.fullPassEveryMs ?? 300_000
  const pollMs = options.pollEveryMs ?? 1000
  const fastPollMs = options.fastPollMs ?? 25
  const fastForMs = options.fastForMs ?? 2000
  const settleMs = options.settleMs ?? 2000
  /** Until when (wall clock, ms) passes run fast after a nudge. */
  let fastUntil = 0
  /** Passes since the last nudge: the pause doubles every second one. */
  let fastPasses = 0
  /** Tasks whose engine assignee differed from the inbox's: read again at `at` (wall clock). */
  const differing = new Map<string, { at: number; version: number }>()
  /** Newest creation / completion date seen (ms), or null before the first full pass. */
  let createdSince: number | null = null
  let endedSince: number | null = null
  let lastFull = -Infinity

  /** Every task of a search, page by page, as 8.8 pages it (cursor `after`). */
  async function* pages(filter: Record<string, unknown>, field: string) {
    let after: string | undefined
    for (;;) {
      const page = await api.searchUserTasks({
        filter,
        sort: [{ field, order: 'ASC' }],
        page: { limit: PAGE, ...(after ? { after } : {}) },
      })
      if (page.items.length > 0) yield page.items
      after = page.page.endCursor ?? undefined
      if (page.items.length < PAGE || !after) return
    }
  }

  /** Stores the unknown tasks of a page; returns the creation date (ms) of the oldest failure. */
  async function store(items: CamundaUserTask[]): Promise<number | null> {
    const known = await tasks.camunda.known(items.map((t) => t.userTaskKey))
    let failedAt: number | null = null
    for (const t of items) {
      const stored = known.get(t.userTaskKey)
      if (stored) {
        noteAssignee(t, stored)
        continue
      }
      try {
        const variables = await api.userTaskVariables(t.userTaskKey)
        options.checkpoint?.(CrashPoint.UserTaskRead)
        await tasks.intakeUserTask(t, variables)
      } catch (err) {
        log.error(`storing user task ${t.userTaskKey} failed; retrying`, err)
        const at = dateMs(t.creationDate) ?? 0
        failedAt = failedAt === null ? at : Math.min(failedAt, at)
      }
    }
    return failedAt
  }

  /** Remembers a live task whose assignee in the engine's search is not the inbox's. */
  function noteAssignee(
    t: CamundaUserTask,
    stored: { state: string; assignee: string | null; version: number },
  ) {
    const live = stored.state === TaskState.Open || stored.state === TaskState.Claimed
    if (!live || (t.assignee || null) === stored.assignee || differing.has(t.userTaskKey)) return
    differing.set(t.userTaskKey, { at: Date.now() + settleMs, version: stored.version })
  }

  /** Takes the engine's assignee of each differing task it confirms after the settle time. */
  async function settle() {
    for (const [key, { at, version }] of [...differing]) {
      if (at > Date.now()) continue
      differing.delete(key)
      try {
        const t = await api.getUserTask(key)
        if (t.state !== 'CREATED') continue
        await tasks.camunda.takeAssignee(key, t.assignee || null, version)
      } catch (err) {
        // a task the search no longer has is closed by the passes; anything else: seen again
        if (restStatus(err) !== 404)
          log.warn(`reading user task ${key} failed; retrying later`, err)
      }
    }
  }

  /**
   * The engine's time as passes saw it, by wall time: a task shows in searches up to `slackMs` of
   * wall time after the engine created it, so a pass looks back at least to the engine time of
   * `slackMs` ago — also when the engine's clock jumped meanwhile (a test clock, a corrected
   * system clock), which a look-back in engine time alone would step over.
   */
  const seen: { wall: number; engine: number }[] = []
  const engineTimeSlackAgo = () => {
    const wall = Date.now()
    seen.push({ wall, engine: now() })
    while (seen.length > 1 && seen[1]!.wall <= wall - slackMs) seen.shift()
    return seen[0]!.engine
  }
  const since = (ms: number | null) =>
    ms === null
      ? {}
      : { $gte: new Date(Math.min(ms, engineTimeSlackAgo()) - slackMs).toISOString() }

  async function incremental() {
    let newest = createdSince
    let failedAt: number | null = null
    const created = createdSince === null ? {} : { creationDate: since(createdSince) }
    for await (const items of pages({ state: 'CREATED', ...created }, 'creationDate')) {
      const failed = await store(items)
      if (failed !== null) failedAt = Math.min(failedAt ?? failed, failed)
      for (const t of items) newest = Math.max(newest ?? 0, dateMs(t.creationDate) ?? 0)
    }
    // a failed task is looked at again: the watermark stays before it
    createdSince = failedAt ?? newest
    if (endedSince === null) return
    let newestEnd = endedSince
    const ended = { state: { $in: ['COMPLETED', 'CANCELED'] }, completionDate: since(endedSince) }
    for await (const items of pages(ended, 'completionDate')) {
      const known = await tasks.camunda.known(items.map((t) => t.userTaskKey))
      for (const t of items) {
        newestEnd = Math.max(newestEnd, dateMs(t.completionDate) ?? 0)
        const stored = known.get(t.userTaskKey)
        if (stored && (stored.state === 'open' || stored.state === 'claimed')) {
          await tasks.camunda.close(
            t.userTaskKey,
            CLOSED_BECAUSE[t.state] ?? CLOSED_BECAUSE.CANCELED!,
          )
        }
      }
    }
    endedSince = newestEnd
    await settle()
  }

  async function full() {
    const startedAt = now()
    // tasks.created_at is the database's wall time; the watermarks are the engine's time
    const storedBefore = new Date()
    const listed = new Set<string>()
    let newest: number | null = null
    let failedAt: number | null = null
    for await (const items of pages({ state: 'CREATED' }, 'creationDate')) {
      const failed = await store(items)
      if (failed !== null) failedAt = Math.min(failedAt ?? failed, failed)
      for (const t of items) {
        listed.add(t.userTaskKey)
        newest = Math.max(newest ?? 0, dateMs(t.creationDate) ?? 0)
      }
    }
    // live tasks stored before this pass that the engine no longer lists as CREATED
    let after: string | null = null
    for (;;) {
      const keys = await tasks.camunda.live(storedBefore, after, 500)
      for (const key of keys) {
        if (!listed.has(key)) await closeIfEnded(key)
      }
      if (keys.length < 500) break
      after = keys[keys.length - 1]!
    }
    // a task that failed to be stored is looked at again by the next incremental pass
    createdSince = failedAt ?? Math.max(createdSince ?? 0, newest ?? startedAt)
    endedSince = Math.max(endedSince ?? 0, startedAt)
    lastFull = startedAt
    await settle()
  }

  /** Closes the task of `key` when the engine says the user task ended. */
  async function closeIfEnded(key: string) {
    try {
      const t = await api.getUserTask(key)
      const reason = CLOSED_BECAUSE[t.state]
      if (reason) await tasks.camunda.close(key, reason)
    } catch (err) {
      // a task search does not know (deleted with its resource, or not exported yet): kept open
      if (restStatus(err) !== 404) log.warn(`reading user task ${key} failed; retrying later`, err)
    }
  }

  let running: Promise<void> | undefined
  let reachable = false
  const run = (what: () => Promise<void>) => {
    const previous = running ?? Promise.resolve()
    const next = previous.then(what)
    running = next
      .then(() => {
        if (!reachable) options.onReachable?.()
        reachable = true
      })
      .catch((err: unknown) => {
        reachable = false
        log.warn('the Camunda user-task intake could not reach the engine; retrying', err)
      })
      .finally(() => {
        if (running === settled) running = undefined
      })
    const settled = running
    return next
  }
  let timer: NodeJS.Timeout | undefined
  let stopped = false
  /** One pass (full when due), then the next one after the fast or the normal pause. */
  const tick = async () => {
    if (!running) {
      // a failed pass is logged by run(); the next one tries again
      await run(now() - lastFull >= fullEvery ? full : incremental).catch(() => undefined)
    }
    schedule(Date.now() < fastUntil ? fastPause() : pollMs)
  }
  /** 25, 25, 50, 50, 100 … ms after a nudge: a task usually shows within the first few passes. */
  const fastPause = () => Math.min(pollMs, fastPollMs * 2 ** Math.floor(fastPasses++ / 2))
  const schedule = (ms: number) => {
    clearTimeout(timer)
    if (stopped) return
    timer = setTimeout(() => void tick(), ms)
    timer.unref()
  }
  void tick()

  return {
    pass: () => run(incremental),
    fullPass: () => run(full),
    nudge() {
      const fast = Date.now() < fastUntil
      const backedOff = fastPasses > 1
      fastUntil = Date.now() + fastForMs
      fastPasses = 0
      // idle: one pass now; fast but backed off: the next one within fastPollMs
      if (!fast) schedule(0)
      else if (backedOff) schedule(fastPollMs)
    },
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
    },
  }
}

function dateMs(iso: string | undefined): number | null {
  if (!iso) return null
  const ms = Date.parse(iso)
  return Number.isNaN(ms) ? null : ms
}
