/**
 * The outbox: the durable intent of an action that spans the database and the engine.
 *
 * Such an action cannot be one transaction (the engine is not in it), so it is split: the
 * database change and an outbox row commit together; the engine call follows; the outcome is
 * recorded and the row closed in one more transaction. A SIGKILL between any two steps leaves a
 * `pending` row that the reconciler picks up after the restart and finishes (see
 * `reconciler.ts`). Each handler must therefore be idempotent against a call whose outcome it
 * never saw: `attempts` counts the calls begun, so a handler knows when that may have happened.
 *
 * One server process per database drives the outbox (as it drives the inbox's job lock and the
 * notification outbox); within it, {@link singleFlight} keeps a request and the reconciler from
 * handling the same row at once.
 */
import { randomUUID } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema'

export const OutboxKind = {
  /** CreateProcessInstance for a case (or a supplier review), then link the instance. */
  StartProcedure: 'start-procedure',
  /** CompleteJob for a task in `completing`, then mark it `completed` with its evidence. */
  CompleteTask: 'complete-task',
} as const
export type OutboxKind = (typeof OutboxKind)[keyof typeof OutboxKind]

export const OutboxState = {
  Pending: 'pending',
  Done: 'done',
  /** The engine refused the call for good; `last_error` says why. */
  Failed: 'failed',
} as const
export type OutboxState = (typeof OutboxState)[keyof typeof OutboxState]

/** One outbox row. */
export interface OutboxEntry<P = unknown> {
  id: string
  kind: OutboxKind
  subject: string
  payload: P
  state: OutboxState
  /** Engine calls begun so far; above zero, an earlier call's outcome may be unknown. */
  attempts: number
  /**
   * When the latest call was sent (epoch ms; column `after_position`, which held a record-log
   * position before the server read the engine through v2: such an old value reads as 1970,
   * i.e. long enough ago for secondary storage to show the call's outcome).
   */
  begunAt: number | null
  lastError: string | null
  result: unknown
  createdAt: Date
}

/**
 * The named points between the steps of the multi-step actions. Production passes no hook; the
 * crash tests pass one that SIGKILLs the process at a chosen point.
 */
export const CrashPoint = {
  /** The case and its outbox row committed; CreateProcessInstance not sent. */
  CaseCommitted: 'case:committed',
  /** CreateProcessInstance answered; the instance key not stored. */
  ProcedureStarted: 'procedure:started',
  /** The task is `completing` with its outbox row; CompleteJob not sent. */
  TaskCompleting: 'task:completing',
  /** CompleteJob answered; the task not yet `completed`. */
  JobCompleted: 'task:job-completed',
  /** The engine activated a user-task job; the inbox has not stored it. */
  UserTaskActivated: 'intake:activated',
  /** The inbox stored the task; its job lock not yet extended. */
  UserTaskStored: 'intake:stored',
  /** The Camunda user-task intake read a new user task through v2; the inbox has not stored it. */
  UserTaskRead: 'intake:user-task-read',
} as const
export type CrashPoint = (typeof CrashPoint)[keyof typeof CrashPoint]

/** Called at each {@link CrashPoint}; a no-op in production. */
export type Checkpoint = (point: CrashPoint) => void

const toEntry = <P>(r: {
  id: string
  kind: string
  subject: string
  payload: unknown
  state: string
  attempts: number
  after_position: string | number | null
  last_error: string | null
  result: unknown
  created_at: Date
}): OutboxEntry<P> => ({
  id: r.id,
  kind: r.kind as OutboxKind,
  subject: r.subject,
  payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as P,
  state: r.state as OutboxState,
  attempts: Number(r.attempts),
  begunAt: r.after_position === null ? null : Number(r.after_position),
  lastError: r.last_error,
  result: typeof r.result === 'string' ? (JSON.parse(r.result) as unknown) : r.result,
  createdAt: new Date(r.created_at),
})

/** Table access of the outbox. */
export class Outbox {
  constructor(private readonly db: Kysely<DB>) {}

  /** Adds a pending row inside `tx` (the transaction of the change that needs the engine). */
  async add(
    tx: Kysely<DB>,
    entry: { kind: OutboxKind; subject: string; payload: unknown; attempts?: number },
  ): Promise<string> {
    const id = randomUUID()
    await tx
      .insertInto('outbox')
      .values({
        id,
        kind: entry.kind,
        subject: entry.subject,
        payload: JSON.stringify(entry.payload),
        attempts: entry.attempts ?? 0,
        after_position: null,
        last_error: null,
        result: null,
        done_at: null,
      })
      .execute()
    return id
  }

  async get<P>(id: string, db: Kysely<DB> = this.db): Promise<OutboxEntry<P> | undefined> {
    const r = await db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst()
    return r ? toEntry<P>(r) : undefined
  }

  /** The newest row of `kind` about `subject`. */
  async latest<P>(kind: OutboxKind, subject: string): Promise<OutboxEntry<P> | undefined> {
    const r = await this.db
      .selectFrom('outbox')
      .selectAll()
      .where('kind', '=', kind)
      .where('subject', '=', subject)
      .orderBy('created_at', 'desc')
      .executeTakeFirst()
    return r ? toEntry<P>(r) : undefined
  }

  /**
   * Records that an engine call begins, before it is sent: committed first, so after a crash
   * the row says the call may have reached the engine.
   */
  async begin(id: string, begunAt?: number): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({
        attempts: sql<number>`attempts + 1`,
        ...(begunAt !== undefined ? { after_position: begunAt } : {}),
      })
      .where('id', '=', id)
      .execute()
  }

  /** Closes a pending row inside the transaction that records the outcome; false if closed. */
  async close(
    tx: Kysely<DB>,
    id: string,
    outcome: { state: 'done' | 'failed'; result?: unknown; error?: string },
  ): Promise<boolean> {
    const r = await tx
      .updateTable('outbox')
      .set({
        state: outcome.state,
        result: outcome.result === undefined ? null : JSON.stringify(outcome.result),
        last_error: outcome.error ?? null,
        done_at: new Date(),
      })
      .where('id', '=', id)
      .where('state', '=', OutboxState.Pending)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) > 0
  }

  /** Leaves the row pending and tries again after `delayMs` (the engine was unreachable). */
  async retryLater(id: string, error: string, delayMs: number): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ last_error: error, next_attempt_at: new Date(Date.now() + delayMs) })
      .where('id', '=', id)
      .where('state', '=', OutboxState.Pending)
      .execute()
  }

  /** Ids of pending rows of `kind` that are due, oldest first. */
  async due(kind: OutboxKind, limit = 200): Promise<string[]> {
    const rows = await this.db
      .selectFrom('outbox')
      .select('id')
      .where('state', '=', OutboxState.Pending)
      .where('kind', '=', kind)
      .where('next_attempt_at', '<=', new Date())
      .orderBy('created_at')
      .limit(limit)
      .execute()
    return rows.map((r) => r.id)
  }
}

/** Backoff of a retried engine call: 1 s doubling per attempt, at most 5 minutes. */
export function retryDelayMs(attempts: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempts - 1), 300_000)
}

/**
 * gRPC codes by which the engine refuses a call for good (retrying sends the same request to
 * the same answer): INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED, FAILED_PRECONDITION,
 * UNAUTHENTICATED. Anything else (UNAVAILABLE, DEADLINE_EXCEEDED, no answer) may pass later.
 */
export const isPermanentEngineError = (code: number | undefined) =>
  code === 3 || code === 5 || code === 7 || code === 9 || code === 16

/** Runs `work` once per key at a time; a second caller for the same key gets the same promise. */
export function singleFlight<K, T>() {
  const running = new Map<K, Promise<T>>()
  return (key: K, work: () => Promise<T>): Promise<T> => {
    const current = running.get(key)
    if (current) return current
    const p = work().finally(() => running.delete(key))
    running.set(key, p)
    return p
  }
}
