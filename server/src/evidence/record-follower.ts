/**
 * Follows the engine's record log (4.3.3): catches up from a stored cursor, then applies new
 * records live, in order. Each batch is applied and the cursor moved in one transaction, so a
 * record's effects (instance tracking, its evidence) are written exactly once: a crash or a
 * database outage in the middle leaves the cursor before the batch, and it is applied again.
 */
import { sql, type Kysely, type Transaction } from 'kysely'
import type { DB } from '../db/schema'
import type { Logger } from '../log'
import type { EngineRecord, RecordSource } from '../history/record-source'

export interface RecordFollowerOptions {
  db: Kysely<DB>
  records: RecordSource
  log: Logger
  /** The cursor's name in `record_cursors`. */
  name: string
  /** Value types read while catching up (live records of every type are passed to `apply`). */
  valueTypes: string[]
  /** What the follower does, e.g. `tracking process instances` (for its log lines). */
  label: string
  /** Applies one record inside the batch's transaction. */
  apply(tx: Transaction<DB>, record: EngineRecord): Promise<void>
}

const PAGE = 1000

export class RecordFollower {
  private unsubscribe?: () => void
  private chain: Promise<void> = Promise.resolve()
  /** Set while applying live records fails (the database is down); they are retried. */
  private paused = false
  private stopped = false

  constructor(private readonly options: RecordFollowerOptions) {}

  /** The stored cursor: every record up to it has been applied. */
  async position(): Promise<number> {
    const cursor = await this.options.db
      .selectFrom('record_cursors')
      .select('position')
      .where('name', '=', this.options.name)
      .executeTakeFirst()
    return Number(cursor?.position ?? 0)
  }

  /** Catches up with the record log from the stored cursor, then follows it live. */
  async follow(): Promise<void> {
    const { records, valueTypes } = this.options
    let position = await this.position()
    const buffered: EngineRecord[] = []
    let live = false
    this.unsubscribe = records.subscribe((r) => {
      if (!live) buffered.push(r)
      else this.enqueue([r])
    })
    for (;;) {
      const page = await records.read({ afterPosition: position, limit: PAGE, valueTypes })
      if (page.length === 0) break
      await this.apply(page)
      position = page[page.length - 1]!.position
    }
    live = true
    this.enqueue(buffered.filter((r) => r.position > position))
  }

  private enqueue(batch: EngineRecord[]) {
    if (batch.length === 0) return
    this.chain = this.chain
      .then(() => this.applyUntilDone(batch))
      .catch((err: unknown) => this.options.log.error(`${this.options.label} failed`, err))
  }

  /**
   * Applies a live batch, record by record, retrying from the record that failed (with
   * back-off) while the database does not answer: records are applied in order and none is
   * skipped, so the cursor never passes a record whose effects were not written. One line when
   * following pauses and one when it resumes.
   */
  private async applyUntilDone(batch: EngineRecord[]) {
    const { log, label } = this.options
    let next = 0
    for (let delay = 200; ; delay = Math.min(delay * 2, 5_000)) {
      try {
        for (; next < batch.length; next++) await this.apply([batch[next]!])
        if (this.paused) {
          this.paused = false
          log.info(`${label} resumed`)
        }
        return
      } catch (err) {
        if (this.stopped) throw err
        if (!this.paused) {
          this.paused = true
          log.warn(
            `${label} paused at record ${batch[next]!.position} (${err instanceof Error ? err.message : String(err)}); retrying`,
          )
        }
        await new Promise((r) => setTimeout(r, delay))
      }
    }
  }

  /** Waits until every record seen so far is applied (tests, shutdown). */
  async settled(): Promise<void> {
    await this.chain
  }

  stop() {
    this.stopped = true
    this.unsubscribe?.()
  }

  private async apply(batch: EngineRecord[]) {
    const last = batch.reduce((max, r) => Math.max(max, r.position), 0)
    await this.options.db.transaction().execute(async (tx) => {
      for (const r of batch) await this.options.apply(tx, r)
      if (last > 0) {
        await tx
          .insertInto('record_cursors')
          .values({ name: this.options.name, position: last })
          .onConflict((oc) =>
            oc
              .column('name')
              .doUpdateSet({ position: sql`greatest(record_cursors.position, ${last})` }),
          )
          .execute()
      }
    })
  }
}
