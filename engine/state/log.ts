/**
 * The durable record log and snapshots in PostgreSQL (PGlite or a server, through
 * {@link SqlClient}). Appends use group commit: records that arrive while a flush runs are
 * written together by the next flush, in one multi-row INSERT inside one transaction.
 */
import type { EngineRecord, JobRecordValue, ValueType } from './records'
import type { SqlClient } from './sql'

export const RECORDS_TABLE = 'engine_records'
export const SNAPSHOTS_TABLE = 'engine_snapshots'

/** Creates the engine's tables if they are missing (idempotent; no server migration needed). */
export async function ensureLogTables(sql: SqlClient): Promise<void> {
  await sql.query(`create table if not exists ${RECORDS_TABLE} (
    position bigint primary key,
    key text not null,
    timestamp bigint not null,
    record_type text not null,
    value_type text not null,
    intent text not null,
    process_instance_key text,
    value jsonb not null
  )`)
  await sql.query(
    `create index if not exists ${RECORDS_TABLE}_pi on ${RECORDS_TABLE} (process_instance_key, position)`,
  )
  await sql.query(`create table if not exists ${SNAPSHOTS_TABLE} (
    position bigint primary key,
    created_at bigint not null,
    state text not null
  )`)
}

type RecordTuple = [
  number,
  string,
  number,
  string,
  string,
  string,
  string | null,
  Record<string, unknown>,
]

/**
 * A stored row as a record: the value is what the engine wrote for its value type. A JOB
 * ACTIVATED of a log written before activations were JOB_BATCH records (Zeebe's `JobIntent` has
 * no ACTIVATED) is read as the one-job batch Zeebe would have written.
 */
function tupleToRecord(t: RecordTuple): EngineRecord {
  const [position, key, timestamp, recordType, valueType, intent, processInstanceKey, value] = t
  if (valueType === 'JOB' && intent === 'ACTIVATED') {
    const job = value as unknown as JobRecordValue
    return {
      position: Number(position),
      key,
      timestamp: Number(timestamp),
      recordType: 'EVENT',
      valueType: 'JOB_BATCH',
      intent: 'ACTIVATED',
      value: {
        type: job.type,
        worker: job.worker,
        timeout: job.timeout,
        maxJobsToActivate: 1,
        jobKeys: [Number(key)],
        jobs: [job],
        truncated: false,
        tenantIds: [job.tenantId],
      },
    }
  }
  return {
    position: Number(position),
    key,
    timestamp: Number(timestamp),
    recordType: recordType as EngineRecord['recordType'],
    valueType: valueType as ValueType,
    intent,
    ...(processInstanceKey ? { processInstanceKey } : {}),
    value,
  } as EngineRecord
}

const RECORD_COLUMNS = [
  'position',
  'key',
  'timestamp',
  'record_type',
  'value_type',
  'intent',
  'process_instance_key',
  'value',
] as const

const INSERT_RECORDS = `insert into ${RECORDS_TABLE} (${RECORD_COLUMNS.join(', ')})
  select ${RECORD_COLUMNS.join(', ')}
  from jsonb_to_recordset($1::jsonb) as x(position bigint, key text, timestamp bigint,
    record_type text, value_type text, intent text, process_instance_key text, value jsonb)`

/** A field in COPY's text format: backslash, tab, newline and carriage return escaped. */
function copyField(text: string): string {
  return /[\\\t\n\r]/.test(text)
    ? text.replace(/[\\\t\n\r]/g, (c) =>
        c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
      )
    : text
}

/**
 * A JSON text as a COPY field: JSON escapes every control character inside strings and has
 * none outside them, so only its backslashes need doubling.
 */
function copyJson(value: unknown): string {
  const json = JSON.stringify(value)
  return json.includes('\\') ? json.replaceAll('\\', '\\\\') : json
}

/**
 * COPY fields of PROCESS_INSTANCE values: an element instance's lifecycle records share one
 * value object (record values are never mutated), so it is serialized once, not per record.
 */
const processInstanceJson = new WeakMap<object, string>()

function copyValue(r: EngineRecord): string {
  if (r.valueType !== 'PROCESS_INSTANCE') return copyJson(r.value)
  let json = processInstanceJson.get(r.value)
  if (json === undefined) {
    json = copyJson(r.value)
    processInstanceJson.set(r.value, json)
  }
  return json
}

/** The records as COPY text-format rows (see {@link SqlClient.copyFrom}). */
export function recordsAsCopyText(records: readonly EngineRecord[]): string {
  let out = ''
  for (const r of records) {
    const pi = r.processInstanceKey
    out += `${r.position}\t${copyField(r.key)}\t${r.timestamp}\t${r.recordType}\t${r.valueType}\t${copyField(r.intent)}\t${pi === undefined || pi === null ? '\\N' : copyField(pi)}\t${copyValue(r)}\n`
  }
  return out
}

/**
 * Writes records atomically as one statement (a single statement needs no explicit
 * transaction: it commits as a whole or not at all, and BEGIN/COMMIT would cost two more round
 * trips per flush). COPY when the client offers it, else one INSERT of a JSON array.
 */
export async function insertRecords(
  sql: SqlClient,
  records: readonly EngineRecord[],
): Promise<void> {
  if (records.length === 0) return
  if (sql.copyFrom) {
    await sql.copyFrom(RECORDS_TABLE, RECORD_COLUMNS, recordsAsCopyText(records))
    return
  }
  const rows = records.map((r) => ({
    position: r.position,
    key: r.key,
    timestamp: r.timestamp,
    record_type: r.recordType,
    value_type: r.valueType,
    intent: r.intent,
    process_instance_key: r.processInstanceKey ?? null,
    value: r.value,
  }))
  await sql.query(INSERT_RECORDS, [JSON.stringify(rows)])
}

/** Reads records after `afterPosition`, oldest first, filtered as the history API asks. */
export async function selectRecords(
  sql: SqlClient,
  q: { afterPosition?: number; limit?: number; processInstanceKey?: string; valueTypes?: string[] },
): Promise<EngineRecord[]> {
  const where = ['position > $1']
  const params: unknown[] = [q.afterPosition ?? 0]
  // a JOB ACTIVATED of an older log is read as a JOB_BATCH, which belongs to no instance
  const legacyBatch = `(value_type = 'JOB' and intent = 'ACTIVATED')`
  if (q.processInstanceKey) {
    params.push(q.processInstanceKey)
    where.push(`process_instance_key = $${params.length} and not ${legacyBatch}`)
  }
  if (q.valueTypes && q.valueTypes.length > 0) {
    params.push(q.valueTypes)
    where.push(
      `(case when ${legacyBatch} then 'JOB_BATCH' else value_type end) = any($${params.length}::text[])`,
    )
  }
  params.push(Math.max(1, Math.min(q.limit ?? 10_000, 100_000)))
  // One JSON text per page: the database builds it, so reading is one parse, not one per cell.
  const { rows } = await sql.query<{ page: string | null }>(
    `select '[' || string_agg(r, ',' order by position) || ']' as page from (
       select position, json_build_array(position, key, timestamp, record_type, value_type, intent,
         process_instance_key, value)::text as r
       from ${RECORDS_TABLE} where ${where.join(' and ')} order by position limit $${params.length}
     ) as t`,
    params,
  )
  const page = rows[0]?.page
  return page ? (JSON.parse(page) as RecordTuple[]).map(tupleToRecord) : []
}

/** The latest snapshot, if any. */
export async function loadSnapshot(
  sql: SqlClient,
): Promise<{ position: number; state: string } | null> {
  const { rows } = await sql.query<{ position: string | number; state: string }>(
    `select position, state from ${SNAPSHOTS_TABLE} order by position desc limit 1`,
  )
  const row = rows[0]
  return row ? { position: Number(row.position), state: row.state } : null
}

/** Stores a snapshot and drops older ones (the log itself is kept: it is the history). */
export async function writeSnapshot(
  sql: SqlClient,
  position: number,
  state: string,
  now: number,
): Promise<void> {
  await sql.transaction(async (tx) => {
    await tx.query(
      `insert into ${SNAPSHOTS_TABLE} (position, created_at, state) values ($1, $2, $3)
       on conflict (position) do update set state = excluded.state, created_at = excluded.created_at`,
      [position, now, state],
    )
    await tx.query(`delete from ${SNAPSHOTS_TABLE} where position < $1`, [position])
  })
}

/** What a {@link GroupCommitLog} has committed since it was created. */
export interface CommitStats {
  /** Group commits (one insert each). */
  commits: number
  /** Records in them. */
  records: number
  /** Wall-clock milliseconds spent inside the inserts (PGlite runs them on this thread). */
  commitMs: number
}

/**
 * Records per group commit, at most (a command's records are never split: one larger than this
 * is committed alone). Under load the records waiting when a commit ends all belong to the same
 * turn of the job workers, and one commit of all of them held the engine's thread (PGlite runs
 * on it) while the workers had nothing to do, then the workers worked while the engine waited:
 * a cap splits them into cohorts, so the workers handle one while the next commits (the engine
 * thread's busy share rose from 66–70 % to 73–75 % in the benchmark).
 */
export const MAX_RECORDS_PER_COMMIT = 300

/**
 * Group commit: `append` queues records and resolves once they are durable. While a flush
 * runs, newly appended records wait and go out together in the next flushes, in order, at most
 * `maxRecordsPerCommit` records a commit.
 *
 * A failed commit rejects its appends and every append queued behind it, and the log refuses
 * appends from then on ({@link failed}) until {@link reset}: the records' owner applied them to
 * its state already, so it must rebuild that state from what is durable before appending again.
 */
export class GroupCommitLog {
  private readonly counters: CommitStats = { commits: 0, records: 0, commitMs: 0 }
  private pending: EngineRecord[] = []
  /** One per append, in order, with how many records it appended. */
  private waiters: { resolve: () => void; reject: (e: unknown) => void; records: number }[] = []
  private flushing: Promise<void> | null = null
  private failure: unknown = null

  constructor(
    private readonly sql: SqlClient,
    private readonly onDurable: (records: EngineRecord[]) => void,
    private readonly maxRecordsPerCommit = MAX_RECORDS_PER_COMMIT,
    /** Called once per failure, after the failed commit's appends (and all queued) rejected. */
    private readonly onFailed: (err: unknown) => void = () => {},
  ) {}

  /** The write error that stopped the log, until {@link reset}; null while it works. */
  get failed(): unknown {
    return this.failure
  }

  /**
   * Accepts appends again after a failure. Only when idle (a failure leaves it idle): the
   * caller has rebuilt its state from the durable log, so nothing it appended before is owed.
   */
  reset(): void {
    if (!this.idle) throw new Error('the log can only be reset when idle')
    this.failure = null
  }

  append(records: EngineRecord[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure)
    if (records.length === 0 && !this.flushing && this.pending.length === 0)
      return Promise.resolve()
    for (const r of records) this.pending.push(r)
    const done = new Promise<void>((resolve, reject) =>
      this.waiters.push({ resolve, reject, records: records.length }),
    )
    if (!this.flushing) this.flushing = this.flushLoop()
    return done
  }

  /** Commits so far, their records and the time spent in them (a copy). */
  get stats(): CommitStats {
    return { ...this.counters }
  }

  /** True when nothing is waiting to be written and no flush runs. */
  get idle(): boolean {
    return this.flushing === null && this.pending.length === 0
  }

  /** Resolves when everything appended so far is durable. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing
  }

  /** The appends of the next commit: the oldest ones, up to the cap, at least one. */
  private takeBatch(): { batch: EngineRecord[]; waiters: GroupCommitLog['waiters'] } {
    if (this.pending.length <= this.maxRecordsPerCommit) {
      const taken = { batch: this.pending, waiters: this.waiters }
      this.pending = []
      this.waiters = []
      return taken
    }
    let count = 1
    let cut = this.waiters[0]!.records
    while (
      count < this.waiters.length &&
      cut + this.waiters[count]!.records <= this.maxRecordsPerCommit
    )
      cut += this.waiters[count++]!.records
    const taken = { batch: this.pending.slice(0, cut), waiters: this.waiters.slice(0, count) }
    this.pending = this.pending.slice(cut)
    this.waiters = this.waiters.slice(count)
    return taken
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.waiters.length > 0) {
        // Let the I/O phase run first: commands whose requests arrived meanwhile join this
        // batch, so one commit carries many commands (PGlite runs on this thread; without the
        // yield a commit held ~8 records, with it ~150, and throughput rose ~1.7×).
        await new Promise<void>((resolve) => setImmediate(resolve))
        const { batch, waiters } = this.takeBatch()
        const began = performance.now()
        try {
          await insertRecords(this.sql, batch)
        } catch (err) {
          this.failure = err
          for (const w of [...waiters, ...this.waiters]) w.reject(err)
          // the records behind it are refused with their appends: nothing is left waiting, so
          // the log is idle (close() waits for that)
          this.pending = []
          this.waiters = []
          try {
            this.onFailed(err)
          } catch {
            // the owner's failure handling must not break the flush loop's cleanup
          }
          return
        }
        if (batch.length > 0) {
          this.counters.commits++
          this.counters.records += batch.length
          this.counters.commitMs += performance.now() - began
          try {
            this.onDurable(batch)
          } catch {
            // a listener's failure must not undo durability
          }
        }
        for (const w of waiters) w.resolve()
      }
    } finally {
      this.flushing = null
    }
  }
}
