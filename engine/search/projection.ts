/**
 * The secondary storage: a projection of the engine's records into SQL tables, as Camunda's
 * exporter feeds its secondary storage. Records arrive through `engine.onRecord` once durable
 * and are written in batches, off the engine's hot path (the listener only queues them). The
 * position of the last record written is stored with the rows in the same transaction, so after
 * a crash or restart the projection catches up from the log (`readRecords`) exactly where it
 * stopped: every record is applied once. Searches are eventually consistent, as in Camunda:
 * a record shows up in them a few milliseconds after its command returned.
 */
import type { EngineApi } from '../api'
import type { EngineRecord } from '../state/records'
import type { SqlClient } from '../state/sql'
import { SearchWriter } from './apply'
import { ensureSearchTables, Tables } from './tables'

export interface SearchProjectionOptions {
  engine: Pick<EngineApi, 'onRecord' | 'readRecords'>
  sql: SqlClient
  /** Wait before writing a batch, so records of several commits go together and an element, job or task that starts and ends within it is written once (default 25 ms, so a new user task is searchable promptly; Camunda's exporter flushes every second). */
  batchDelayMs?: number
  /** Most records written in one batch (default 5,000). */
  maxBatch?: number
  /** Reports write failures (default: ignored; the projection retries from its watermark). */
  onError?: (err: unknown) => void
}

/** Queued records beyond this are dropped and read back from the log instead. */
const MAX_QUEUED = 50_000

export class SearchProjection {
  private readonly writer: SearchWriter
  private readonly queue: EngineRecord[] = []
  /** Position of the last record written to the tables. */
  private watermark = 0
  /** Highest position the engine reported durable. */
  private lastSeen = 0
  /** The queue lost records (overflow or failure): read from the log up to lastSeen. */
  private gap = true
  private timer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private stopped = false
  private unsubscribe: (() => void) | null = null
  private waiters: { position: number; resolve: () => void }[] = []
  private failures = 0

  private constructor(private readonly options: SearchProjectionOptions) {
    this.writer = new SearchWriter(options.sql)
  }

  /** Creates the tables if needed, subscribes to the engine and catches up from the log. */
  static async start(options: SearchProjectionOptions): Promise<SearchProjection> {
    const p = new SearchProjection(options)
    await ensureSearchTables(options.sql)
    const { rows } = await options.sql.query<{ position: string | number }>(
      `select position::text as position from ${Tables.position.name} where id = 1`,
    )
    p.watermark = rows[0] ? Number(rows[0].position) : 0
    p.unsubscribe = options.engine.onRecord((r) => p.onRecord(r))
    await p.catchUp()
    return p
  }

  /** Position of the last record visible to searches. */
  get position(): number {
    return this.watermark
  }

  private onRecord(r: EngineRecord): void {
    if (r.position > this.lastSeen) this.lastSeen = r.position
    if (this.queue.length >= MAX_QUEUED) {
      this.queue.length = 0
      this.gap = true
    } else this.queue.push(r)
    this.schedule(this.options.batchDelayMs ?? 25)
  }

  private schedule(delay: number): void {
    if (this.timer || this.running || this.stopped) return
    this.timer = setTimeout(() => {
      this.timer = null
      this.running = this.drain().finally(() => {
        this.running = null
        if (this.queue.length > 0 || this.gap) this.schedule(this.retryDelay())
      })
    }, delay)
  }

  private retryDelay(): number {
    return this.failures === 0 ? 0 : Math.min(5000, 100 * 2 ** this.failures)
  }

  /** Reads the log after the watermark until it is exhausted (start and after gaps). */
  private async catchUp(): Promise<void> {
    this.running = this.drain()
    try {
      await this.running
    } finally {
      this.running = null
    }
    if (this.queue.length > 0 || this.gap) this.schedule(this.retryDelay())
  }

  private async drain(): Promise<void> {
    const max = this.options.maxBatch ?? 5000
    try {
      while (!this.stopped) {
        // records at or below the watermark were written already (catch-up read them)
        let drop = 0
        while (drop < this.queue.length && this.queue[drop]!.position <= this.watermark) drop++
        if (drop > 0) this.queue.splice(0, drop)
        let batch: EngineRecord[]
        if (!this.gap && this.queue.length > 0 && this.queue[0]!.position === this.watermark + 1) {
          batch = this.queue.splice(0, max)
        } else if (this.gap || this.queue.length > 0) {
          batch = await this.options.engine.readRecords({
            afterPosition: this.watermark,
            limit: max,
          })
          if (batch.length === 0) {
            this.gap = false
            if (this.queue.length === 0) break
            continue
          }
        } else break
        await this.writer.apply(batch, batch[batch.length - 1]!.position)
        this.watermark = batch[batch.length - 1]!.position
        if (this.watermark > this.lastSeen) this.lastSeen = this.watermark
        this.failures = 0
        this.wake()
      }
    } catch (err) {
      // nothing of a failed batch is stored (one transaction): read it again from the log
      this.failures++
      this.queue.length = 0
      this.gap = true
      this.options.onError?.(err)
    }
  }

  private wake(): void {
    const ready = this.waiters.filter((w) => w.position <= this.watermark)
    this.waiters = this.waiters.filter((w) => w.position > this.watermark)
    for (const w of ready) w.resolve()
  }

  /**
   * Resolves once every record the engine reported durable before this call is searchable
   * (tests and callers that must read their own writes).
   */
  async sync(): Promise<void> {
    const target = this.lastSeen
    if (target <= this.watermark) return
    await new Promise<void>((resolve) => this.waiters.push({ position: target, resolve }))
  }

  /** Stops taking records and waits for a batch in flight. */
  async stop(): Promise<void> {
    this.stopped = true
    this.unsubscribe?.()
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.running
    for (const w of this.waiters) w.resolve()
    this.waiters = []
  }
}
