/**
 * Hands activatable jobs to waiting workers: long-polling ActivateJobs requests and open
 * StreamActivatedJobs streams, per job type. One engine `onJobsAvailable` listener per type
 * while anyone waits for it; none once the last poll or stream of the type is gone, so
 * cancelled calls leak nothing.
 *
 * As in Zeebe's gateway, open streams are served first (jobs are pushed as soon as they become
 * activatable), round-robin so no stream starves; long polls are answered in arrival order. A
 * job activated for a call that went away meanwhile is yielded back: failed with its retries
 * unchanged and no back-off, so it is activatable again at once.
 *
 * While the engine is unavailable (a database outage), polls wait (and end empty at their
 * long-poll timeout) and streams stay open; both are served again once the engine recovered.
 */
import {
  type ActivateJobsCommand,
  type ActivatedJob,
  type EngineApi,
  EngineError,
  EngineErrorCode,
} from '../api'

/** A pending ActivateJobs request. */
export interface JobPoll {
  readonly command: ActivateJobsCommand
  /** Answer immediately, even with no jobs (requestTimeout -1). */
  readonly noWait: boolean
  /** Sends the jobs; false when the call is gone (the jobs are then yielded back). */
  deliver(jobs: ActivatedJob[]): boolean
  /** Ends the call without (more) jobs. */
  finish(): void
}

/** An open StreamActivatedJobs call. */
export interface JobStream {
  /** Activation parameters; `maxJobsToActivate` is set by the dispatcher. */
  readonly command: Omit<ActivateJobsCommand, 'maxJobsToActivate'>
  /** Pushes one job; false when the stream is gone (the job is then yielded back). */
  push(job: ActivatedJob): boolean
  /** Ends the stream (gateway shutdown). */
  end(): void
}

interface PollEntry {
  poll: JobPoll
  done: boolean
  timer?: NodeJS.Timeout
}

interface StreamEntry {
  stream: JobStream
  alive: boolean
}

interface TypeQueue {
  readonly type: string
  polls: PollEntry[]
  streams: StreamEntry[]
  /** Index of the stream served first in the next round (round-robin). */
  nextStream: number
  unsubscribe?: () => void
  running: boolean
  rerun: boolean
}

export interface JobDispatcherOptions {
  /** Jobs activated per stream per round; bigger batches share a log commit. Default 16. */
  streamBatch?: number
  /** Called when something fails in the background (an activation, a yield). */
  onError?: (err: unknown) => void
}

const YIELD_MESSAGE =
  'Job was activated but could not be sent to the worker; made activatable again'

export class JobDispatcher {
  private readonly queues = new Map<string, TypeQueue>()
  private readonly streamBatch: number
  private closed = false

  constructor(
    private readonly engine: EngineApi,
    private readonly options: JobDispatcherOptions = {},
  ) {
    this.streamBatch = options.streamBatch ?? 16
  }

  /** Number of pending polls and open streams (all types); for tests and metrics. */
  get waiting(): { polls: number; streams: number; listeners: number } {
    let polls = 0
    let streams = 0
    let listeners = 0
    for (const q of this.queues.values()) {
      polls += q.polls.length
      streams += q.streams.length
      if (q.unsubscribe) listeners++
    }
    return { polls, streams, listeners }
  }

  /**
   * Registers an ActivateJobs request. It is answered with jobs as soon as some are
   * activatable, or finished empty after `longPollMs` (or at once when `poll.noWait`).
   * Returns the cancel function (client cancellation).
   */
  poll(poll: JobPoll, longPollMs: number): () => void {
    if (this.closed) {
      poll.finish()
      return () => {}
    }
    const q = this.queue(poll.command.type)
    const entry: PollEntry = { poll, done: false }
    if (!poll.noWait && longPollMs > 0) {
      entry.timer = setTimeout(() => this.settle(q, entry, true), longPollMs)
    }
    q.polls.push(entry)
    this.kick(q)
    return () => this.settle(q, entry, false)
  }

  /** Registers a job stream; returns the close function (client cancellation). */
  openStream(stream: JobStream): () => void {
    if (this.closed) {
      stream.end()
      return () => {}
    }
    const q = this.queue(stream.command.type)
    const entry: StreamEntry = { stream, alive: true }
    q.streams.push(entry)
    this.kick(q)
    return () => {
      if (!entry.alive) return
      entry.alive = false
      q.streams = q.streams.filter((s) => s !== entry)
      this.collect(q)
    }
  }

  /** Ends every poll and stream and drops the engine listeners. */
  close(): void {
    this.closed = true
    for (const q of this.queues.values()) {
      for (const p of [...q.polls]) this.settle(q, p, true)
      for (const s of q.streams) {
        s.alive = false
        s.stream.end()
      }
      q.streams = []
      q.unsubscribe?.()
      q.unsubscribe = undefined
    }
    this.queues.clear()
  }

  private queue(type: string): TypeQueue {
    let q = this.queues.get(type)
    if (!q) {
      q = { type, polls: [], streams: [], nextStream: 0, running: false, rerun: false }
      this.queues.set(type, q)
    }
    if (!q.unsubscribe) {
      const queue = q
      q.unsubscribe = this.engine.onJobsAvailable(type, () => this.kick(queue))
    }
    return q
  }

  /** Removes a finished poll; `finish` ends the call (timeout, shutdown, no-wait answer). */
  private settle(q: TypeQueue, entry: PollEntry, finish: boolean): void {
    if (entry.done) return
    entry.done = true
    if (entry.timer) clearTimeout(entry.timer)
    q.polls = q.polls.filter((p) => p !== entry)
    if (finish) entry.poll.finish()
    this.collect(q)
  }

  /** Drops the type's engine listener once nobody waits for it. */
  private collect(q: TypeQueue): void {
    if (q.polls.length || q.streams.length || q.running) return
    q.unsubscribe?.()
    q.unsubscribe = undefined
    if (this.queues.get(q.type) === q) this.queues.delete(q.type)
  }

  private kick(q: TypeQueue): void {
    if (this.closed) return
    if (q.running) {
      q.rerun = true
      return
    }
    q.running = true
    void this.pump(q)
  }

  private async pump(q: TypeQueue): Promise<void> {
    try {
      do {
        q.rerun = false
        await this.serveStreams(q)
        await this.servePolls(q)
      } while (q.rerun && !this.closed)
    } catch (err) {
      this.options.onError?.(err)
    } finally {
      q.running = false
      this.collect(q)
    }
  }

  private async activate(command: ActivateJobsCommand): Promise<ActivatedJob[]> {
    try {
      return await this.engine.activateJobs(command)
    } catch (err) {
      // While the engine is unavailable (its log's database is down) polls keep waiting and
      // streams stay open: the engine says when it recovered (every type's listeners fire) and
      // logs the outage itself, so it is not reported once per poll.
      if (!(err instanceof EngineError && err.code === EngineErrorCode.Unavailable))
        this.options.onError?.(err)
      return []
    }
  }

  /** Makes jobs that could not be handed out activatable again. */
  private yieldBack(jobs: ActivatedJob[]): void {
    for (const job of jobs) {
      this.engine
        .failJob(job.key, job.retries, YIELD_MESSAGE, 0)
        .catch((err: unknown) => this.options.onError?.(err))
    }
  }

  private async serveStreams(q: TypeQueue): Promise<void> {
    let more = true
    while (more && q.streams.length && !this.closed) {
      const n = q.streams.length
      const start = q.nextStream % n
      const order = [...q.streams.slice(start), ...q.streams.slice(0, start)]
      q.nextStream = start + 1
      // With several streams each gets one job per round, so jobs alternate between them as
      // Zeebe's push does; a single stream takes batches, which share log commits.
      const batch = n > 1 ? 1 : this.streamBatch
      // Serve the first stream alone: if it does not get a full batch, the type is drained and
      // the other streams need not ask (no thundering herd on every new job).
      const first = order[0]!
      const firstJobs = await this.activate({ ...first.stream.command, maxJobsToActivate: batch })
      this.pushAll(q, first, firstJobs)
      more = firstJobs.length === batch
      if (!more) break
      const rest = order.slice(1)
      const results = await Promise.all(
        rest.map((s) =>
          s.alive
            ? this.activate({ ...s.stream.command, maxJobsToActivate: batch })
            : Promise.resolve([]),
        ),
      )
      rest.forEach((s, i) => this.pushAll(q, s, results[i]!))
      more = results.every((r) => r.length === batch)
    }
  }

  private pushAll(q: TypeQueue, entry: StreamEntry, jobs: ActivatedJob[]): void {
    const unsent: ActivatedJob[] = []
    for (const job of jobs) {
      if (entry.alive && entry.stream.push(job)) continue
      if (entry.alive) {
        entry.alive = false
        q.streams = q.streams.filter((s) => s !== entry)
      }
      unsent.push(job)
    }
    if (unsent.length) this.yieldBack(unsent)
  }

  private async servePolls(q: TypeQueue): Promise<void> {
    while (q.polls.length && !this.closed) {
      const [first, ...rest] = q.polls
      const firstJobs = await this.answer(q, first!)
      const drained = firstJobs < first!.poll.command.maxJobsToActivate
      if (drained) {
        // Nothing (more) to activate: answer the no-wait polls, keep the others waiting.
        for (const p of rest) if (p.poll.noWait) this.settle(q, p, true)
        return
      }
      // Possibly more jobs: ask for the others together, so their activations share commits.
      const counts = await Promise.all(rest.map((p) => this.answer(q, p)))
      if (counts.some((c, i) => c < rest[i]!.poll.command.maxJobsToActivate)) return
    }
  }

  /** Activates for one poll and answers it when it got jobs; returns the number of jobs. */
  private async answer(q: TypeQueue, entry: PollEntry): Promise<number> {
    if (entry.done) return 0
    const jobs = await this.activate(entry.poll.command)
    if (entry.done) {
      // cancelled while the activation ran
      this.yieldBack(jobs)
      return jobs.length
    }
    if (jobs.length === 0) {
      if (entry.poll.noWait) this.settle(q, entry, true)
      return 0
    }
    const sent = entry.poll.deliver(jobs)
    if (!sent) this.yieldBack(jobs)
    this.settle(q, entry, sent)
    return jobs.length
  }
}
