/**
 * Starting a case's procedure through the outbox, exactly once.
 *
 * The case (or the request to review a supplier) and a `start-procedure` outbox row commit in
 * one transaction; {@link ProcedureStarts.deliver} then sends CreateProcessInstance and records
 * the instance on the case, closing the row in the same transaction. A SIGKILL between those
 * steps leaves the row pending, and the reconciler delivers it after the restart.
 *
 * How a retry avoids a second instance: the outbox row's id travels with the instance as the
 * variable {@link START_ID_VARIABLE}, and before each call the row stores when the call was sent
 * (`begunAt`). A retry whose earlier call may have reached the engine (`attempts > 0`) first
 * searches v2's process instances (Camunda 8.8's Orchestration Cluster API, the same on the
 * embedded engine and on a cluster) for an instance carrying its id: found, the instance is
 * linked and nothing is sent; not found, the earlier call never created anything and the start
 * is sent again. The engine answers CreateProcessInstance only after the creation is durable, and
 * a killed server has no call in flight when it comes back; but v2 reads secondary storage, which
 * shows a creation some time later (eventual consistency). So "not found" counts only once the
 * lag bound (`CAMUNDA_SEARCH_LAG_MS`, on the embedded engine 2 s) has passed since the call was
 * sent: until then the search is repeated. A restart usually takes longer than that, so the
 * retry rarely waits.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import type { Logger } from '../log'
import {
  OutboxKind,
  OutboxState,
  isPermanentEngineError,
  retryDelayMs,
  singleFlight,
  type Outbox,
} from '../outbox/outbox'
import { grpcCode } from '../zeebe/zeebe-client'

/** The variable that carries the outbox row's id into the instance. */
export const START_ID_VARIABLE = 'procedureStartId'

/** What a started instance looks like to the case service. */
export interface StartedProcedure {
  processInstanceKey: string
  processDefinitionKey: string
  version: number
}

/**
 * Starts a procedure for a case (in the server: the instances service over the Zeebe client).
 * `link` tells the starter which case the instance handles and who started it. The optional
 * look-ups make a retried start idempotent (see the module comment).
 */
export interface ProcessStarter {
  start(
    bpmnProcessId: string,
    variables: Record<string, unknown>,
    link?: { caseKind?: string; caseId?: string; actor?: string },
  ): Promise<StartedProcedure>
  /**
   * The instance created with all variables of one of `matches` (names to values), if any,
   * waiting for secondary storage until the lag bound after `begunAt` (epoch ms).
   */
  findStarted?(
    bpmnProcessId: string,
    matches: Record<string, string>[],
    begunAt?: number,
  ): Promise<StartedProcedure | undefined>
  /** Records an instance found by {@link findStarted} as started for the case. */
  recordStarted?(
    started: StartedProcedure & { bpmnProcessId: string },
    link: { caseKind?: string; caseId?: string; actor?: string },
  ): Promise<void>
}

/** The payload of a `start-procedure` outbox row. */
export interface ProcedureStartPayload {
  bpmnProcessId: string
  caseKind: string
  caseId: string
  actor: string
  variables: Record<string, unknown>
  /**
   * Set on starts the reconciler adds for cases stored before the outbox existed: their
   * earlier instance (if any) carries no start id and is recognised by its case variables.
   */
  matchCase?: boolean
}

/** The instance linked to a case, as the outbox row's result keeps it. */
export interface LinkedInstance extends StartedProcedure {
  bpmnProcessId: string
}

/** What came of a delivery. */
export type StartOutcome =
  /** `already`: delivered before this call (by a request, or before a restart). */
  | { state: 'done'; instance: LinkedInstance; already?: boolean }
  | { state: 'failed'; error: string }
  /** The engine could not be reached; the reconciler tries again later. */
  | { state: 'pending'; error: string }

/** Links a started instance to its case inside `tx` (idempotent). */
export type InstanceLinker = (
  tx: Kysely<DB>,
  payload: ProcedureStartPayload,
  instance: LinkedInstance,
) => Promise<void>

export class ProcedureStarts {
  private readonly once = singleFlight<string, StartOutcome>()

  constructor(
    private readonly deps: {
      db: Kysely<DB>
      outbox: Outbox
      starter: ProcessStarter
      link: InstanceLinker
      log?: Logger
    },
  ) {}

  /**
   * Adds the start to the outbox inside the transaction that creates its case. `attempts` 1
   * says an earlier start may have happened (a stranded case adopted by the reconciler).
   */
  enqueue(tx: Kysely<DB>, payload: ProcedureStartPayload, attempts = 0): Promise<string> {
    return this.deps.outbox.add(tx, {
      kind: OutboxKind.StartProcedure,
      subject: `${payload.caseKind}:${payload.caseId}`,
      payload,
      attempts,
    })
  }

  /** A pending start of `bpmnProcessId` for the case, if one waits (to add no second one). */
  async pendingFor(caseKind: string, caseId: string, bpmnProcessId: string) {
    const row = await this.deps.outbox.latest<ProcedureStartPayload>(
      OutboxKind.StartProcedure,
      `${caseKind}:${caseId}`,
    )
    return row?.state === OutboxState.Pending && row.payload.bpmnProcessId === bpmnProcessId
      ? row.id
      : undefined
  }

  /** Starts the procedure of outbox row `id` unless that already happened. */
  deliver(id: string): Promise<StartOutcome> {
    return this.once(id, () => this.attempt(id))
  }

  private async attempt(id: string): Promise<StartOutcome> {
    const { outbox, starter, log } = this.deps
    const row = await outbox.get<ProcedureStartPayload>(id)
    if (!row) throw new Error(`No outbox row ${id}`)
    if (row.state === OutboxState.Done) {
      return { state: 'done', instance: row.result as LinkedInstance, already: true }
    }
    if (row.state === OutboxState.Failed) return { state: 'failed', error: row.lastError ?? '' }
    const p = row.payload
    const link = { caseKind: p.caseKind, caseId: p.caseId, actor: p.actor }
    if (row.attempts > 0) {
      // an earlier call may have created the instance before the process died
      if (starter.findStarted) {
        const found = await starter.findStarted(
          p.bpmnProcessId,
          [
            { [START_ID_VARIABLE]: id },
            ...(p.matchCase === true ? [{ caseId: p.caseId, caseKind: p.caseKind }] : []),
          ],
          row.begunAt ?? 0,
        )
        if (found) {
          const instance = { ...found, bpmnProcessId: p.bpmnProcessId }
          await starter.recordStarted?.(instance, link)
          return this.linked(id, p, instance)
        }
      } else {
        log?.warn(
          `starting ${p.bpmnProcessId} for ${p.caseId} again: an earlier attempt's outcome is unknown and cannot be looked up, so a second instance may result`,
        )
      }
    }
    await outbox.begin(id, Date.now())
    let started: StartedProcedure
    try {
      started = await starter.start(
        p.bpmnProcessId,
        { ...p.variables, [START_ID_VARIABLE]: id },
        link,
      )
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err)
      if (isPermanentEngineError(grpcCode(err))) {
        await this.deps.db
          .transaction()
          .execute((tx) => outbox.close(tx, id, { state: OutboxState.Failed, error }))
        return { state: 'failed', error }
      }
      await outbox.retryLater(id, error, retryDelayMs(row.attempts + 1))
      return { state: 'pending', error }
    }
    return this.linked(id, p, {
      processInstanceKey: String(started.processInstanceKey),
      processDefinitionKey: String(started.processDefinitionKey),
      version: Number(started.version),
      bpmnProcessId: p.bpmnProcessId,
    })
  }

  private async linked(
    id: string,
    payload: ProcedureStartPayload,
    instance: LinkedInstance,
  ): Promise<StartOutcome> {
    await this.deps.db.transaction().execute(async (tx) => {
      await this.deps.link(tx, payload, instance)
      await this.deps.outbox.close(tx, id, { state: OutboxState.Done, result: instance })
    })
    return { state: 'done', instance }
  }

  /** Delivers every due pending start; counts what came of them. */
  async deliverDue(): Promise<{ started: number; failed: number; pending: number }> {
    const counts = { started: 0, failed: 0, pending: 0 }
    for (const id of await this.deps.outbox.due(OutboxKind.StartProcedure)) {
      const outcome = await this.deliver(id)
      if (outcome.state === 'done') counts.started += outcome.already ? 0 : 1
      else if (outcome.state === 'failed') counts.failed++
      else counts.pending++
    }
    return counts
  }
}
