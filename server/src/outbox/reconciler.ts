/**
 * The reconciler: after a crash (and on a timer, for an engine that was unreachable) it finishes
 * what a multi-step action left half done, and counts what it repaired.
 *
 * Each pass:
 * - delivers the pending outbox rows: procedure starts (cases without their procedure) and job
 *   completions (tasks in `completing`), each idempotent (see `procedure-starts.ts`,
 *   `task-completion.ts`);
 * - adopts what a version before the outbox left stranded: cases of procedure-driven kinds in
 *   their first status with neither an instance nor an outbox row, tasks in `completing` with no
 *   pending row;
 * - hands back to the engine the user-task jobs it activated for the inbox that the inbox never
 *   stored (see `inbox/intake-recovery.ts`), instead of waiting for their lock to end;
 * - on the first pass only, records the missing evidence entry of tasks `completed` without one
 *   (possible only before the outbox: now the entry commits with the state).
 */
import type { Logger } from '../log'

/** What one pass, or all passes together, repaired. */
export interface ReconcileCounts {
  /** Pending procedure starts delivered: the case got its instance. */
  proceduresStarted: number
  /** Procedure starts the engine refused for good (the case shows why). */
  proceduresFailed: number
  /** Cases stored without procedure and without outbox row, given a start. */
  casesAdopted: number
  /** Pending completions delivered: the task is `completed` with its evidence. */
  tasksCompleted: number
  /** Pending completions whose job the process no longer waited for. */
  tasksCancelled: number
  /** Pending completions the engine refused (back to the assignee). */
  completionsRejected: number
  /** Tasks left `completing` without outbox row, given one. */
  tasksAdopted: number
  /** Activated user-task jobs the inbox lacked, handed back to be activated again. */
  userTasksReleased: number
  /** Completed tasks given their missing `task.completed` evidence entry. */
  evidenceGapsFilled: number
  /** Rows still pending after the pass (the engine could not be reached). */
  stillPending: number
}

const zero = (): ReconcileCounts => ({
  proceduresStarted: 0,
  proceduresFailed: 0,
  casesAdopted: 0,
  tasksCompleted: 0,
  tasksCancelled: 0,
  completionsRejected: 0,
  tasksAdopted: 0,
  userTasksReleased: 0,
  evidenceGapsFilled: 0,
  stillPending: 0,
})

/** The repairs a pass runs; each returns what it did. */
export interface ReconcilerSteps {
  adoptStrandedCases(): Promise<number>
  deliverStarts(): Promise<{ started: number; failed: number; pending: number }>
  adoptStrandedTasks(): Promise<number>
  deliverCompletions(): Promise<{
    completed: number
    cancelled: number
    rejected: number
    pending: number
  }>
  /** Hands back user-task jobs the inbox never stored (v2 job search); optional for tests. */
  releaseUnstoredActivations?(): Promise<number>
  fillEvidenceGaps(): Promise<number>
}

/** What the reconciler has done so far. */
export interface ReconcilerStatus {
  passes: number
  lastPassAt: string | null
  /** Counts of the latest pass that repaired anything. */
  lastRepair: ReconcileCounts | null
  /** Sums over all passes since start. */
  totals: ReconcileCounts
}

export interface Reconciler {
  /** Runs one pass now (waits for a running one first). */
  runOnce(): Promise<ReconcileCounts>
  status(): ReconcilerStatus
  stop(): Promise<void>
}

export function startReconciler(options: {
  steps: ReconcilerSteps
  log: Logger
  /** Between passes, ms. Default 30 s. */
  everyMs?: number
}): Reconciler {
  const { steps, log } = options
  const totals = zero()
  let passes = 0
  let lastPassAt: string | null = null
  let lastRepair: ReconcileCounts | null = null
  let running: Promise<ReconcileCounts> | undefined
  let stopped = false

  const pass = async (): Promise<ReconcileCounts> => {
    const c = zero()
    const first = passes === 0
    c.userTasksReleased = (await steps.releaseUnstoredActivations?.()) ?? 0
    c.casesAdopted = await steps.adoptStrandedCases()
    const starts = await steps.deliverStarts()
    c.proceduresStarted = starts.started
    c.proceduresFailed = starts.failed
    c.tasksAdopted = await steps.adoptStrandedTasks()
    const completions = await steps.deliverCompletions()
    c.tasksCompleted = completions.completed
    c.tasksCancelled = completions.cancelled
    c.completionsRejected = completions.rejected
    c.stillPending = starts.pending + completions.pending
    if (first) c.evidenceGapsFilled = await steps.fillEvidenceGaps()
    passes++
    lastPassAt = new Date().toISOString()
    const repaired = Object.entries(c).filter(([k, n]) => k !== 'stillPending' && n > 0)
    for (const [k, n] of Object.entries(c)) totals[k as keyof ReconcileCounts] += n
    if (repaired.length > 0) {
      lastRepair = c
      log.info(`reconciler repaired: ${repaired.map(([k, n]) => `${k}=${n}`).join(' ')}`)
    }
    if (c.stillPending > 0) log.warn(`reconciler: ${c.stillPending} engine calls still pending`)
    return c
  }

  const runOnce = async (): Promise<ReconcileCounts> => {
    while (running) await running.catch(() => undefined)
    running = pass().finally(() => (running = undefined))
    return running
  }
  const tick = () => {
    if (stopped || running) return
    runOnce().catch((err: unknown) => log.error('reconciler pass failed', err))
  }
  tick()
  const timer = setInterval(tick, options.everyMs ?? 30_000)
  timer.unref()

  return {
    runOnce,
    status: () => ({ passes, lastPassAt, lastRepair, totals: { ...totals } }),
    async stop() {
      stopped = true
      clearInterval(timer)
      await running?.catch(() => undefined)
    },
  }
}
