/**
 * The procedures of records, from the case service's side: the variables a procedure starts
 * with, starting a supplier review (7.2), and adopting cases whose start a version before the
 * outbox lost. The start itself goes through the outbox (`procedure-starts.ts`).
 */
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { ConflictError, ForbiddenError, UnexpectedError, UserError } from '../errors'
import { OutboxKind } from '../outbox/outbox'
import { canWrite, type Actor } from './access'
import {
  scopeOf,
  toRecord,
  type CaseProcessInstance,
  type CaseRecord,
  type Row,
} from './case-record'
import { readableRow } from './case-rows'
import {
  SUPPLIER_REVIEW_PROCESS,
  kindSpecs,
  processOfKind,
  type CaseKind,
  type KindSpec,
} from './kinds'
import type { ProcedureStarts } from './procedure-starts'
import { slaTargetsOf } from './sla-targets'
import { changePolicyAt } from '../sms/documents/controlled-documents'
import { DEFAULT_TRANSITION_STEP_DAYS } from '../sms/documents/controlled-model'

/** The variables a record's procedure starts with. */
export async function procedureVariables(
  spec: KindSpec,
  record: CaseRecord,
  extra: Record<string, unknown>,
  db: Kysely<DB>,
  now: Date = new Date(),
): Promise<Record<string, unknown>> {
  const { kind: _k, id: _i, data, ...typed } = record
  const variables: Record<string, unknown> = {
    ...data,
    ...typed,
    ...extra,
    caseId: record.id,
    caseKind: spec.kind,
  }
  // 8.1: requests go through approval when their catalogue item says so.
  if (spec.kind === 'service-request') variables.approvalRequired = data.requiresApproval === true
  // 5.2, 8.1: the time of each step of a service design and transition, by the change
  // policy in force when it starts (its timers read `stepTime`)
  if (spec.kind === 'service-transition') {
    const { policy } = await changePolicyAt(db, now)
    const days = policy.serviceTransition?.stepDays ?? DEFAULT_TRANSITION_STEP_DAYS
    variables.stepTime = `P${days}D`
  }
  // 8.1: the SLA targets for the case's priority, for the escalation timers.
  if (typeof record.serviceId === 'string' && typeof record.priority === 'number') {
    const sla = await slaTargetsOf(db, record.serviceId, record.priority, now)
    if (sla) variables.sla = sla
  }
  return variables
}

/** Starts of procedures that do not come with a new record. */
export class CaseProcedures {
  constructor(
    private readonly deps: { db: Kysely<DB>; starts?: ProcedureStarts; now?: () => Date },
  ) {}

  /** Starts a supplier review (7.2) for one supplier and links the instance. */
  async startSupplierReview(
    supplierId: string,
    actor: Actor,
    reason = 'manual start',
  ): Promise<CaseProcessInstance> {
    const { db, starts } = this.deps
    const spec = kindSpecs.supplier
    const row = await readableRow(spec, supplierId, actor, db)
    if (!canWrite(actor, 'supplier', scopeOf(spec, row))) {
      throw new ForbiddenError(`You may not start a review of ${supplierId}.`)
    }
    if (!starts) throw new ConflictError('No process engine is connected.')
    const record = toRecord(spec, row)
    // a start still waiting for the engine is delivered, not doubled
    const startId =
      (await starts.pendingFor('supplier', supplierId, SUPPLIER_REVIEW_PROCESS)) ??
      (await db.transaction().execute(async (tx) =>
        starts.enqueue(tx, {
          bpmnProcessId: SUPPLIER_REVIEW_PROCESS,
          caseKind: 'supplier',
          caseId: supplierId,
          actor: actor.username,
          variables: await procedureVariables(
            spec,
            record,
            { reviewReason: reason },
            tx,
            this.deps.now?.(),
          ),
        }),
      ))
    const outcome = await starts.deliver(startId)
    if (outcome.state === 'failed') throw new UserError(outcome.error)
    if (outcome.state === 'pending') {
      throw new UnexpectedError(
        `The engine could not be reached; the review of ${supplierId} starts when it is back: ${outcome.error}`,
      )
    }
    return {
      ...outcome.instance,
      startedBy: actor.username,
      startedAt: new Date().toISOString(),
    }
  }

  /**
   * Cases of procedure-driven kinds still in their first status with neither an instance nor an
   * outbox row: stored by a version before the outbox, whose process died before the start.
   * Each gets its start; since that version may have created the instance before dying, the
   * start first looks for an instance created with the case's variables.
   */
  async adoptStrandedCases(limit = 100): Promise<number> {
    const { db, starts } = this.deps
    if (!starts) return 0
    const kinds = Object.keys(processOfKind)
    const rows = await sql<Row>`select c.* from cases c
      where c.kind in (${sql.join(kinds)}) and c.status = 'new'
        and not exists (select 1 from case_processes p
          where p.case_kind = c.kind and p.case_id = c.id)
        and not exists (select 1 from outbox o
          where o.kind = ${OutboxKind.StartProcedure} and o.subject = c.kind || ':' || c.id)
      order by c.created_at limit ${limit}`.execute(db)
    for (const row of rows.rows) {
      const kind = String(row.kind) as CaseKind
      const spec = kindSpecs[kind]
      const record = toRecord(spec, row)
      await db.transaction().execute(async (tx) =>
        starts.enqueue(
          tx,
          {
            bpmnProcessId: processOfKind[kind]!,
            caseKind: kind,
            caseId: record.id,
            actor: record.createdBy,
            variables: await procedureVariables(spec, record, {}, tx, this.deps.now?.()),
            matchCase: true,
          },
          1,
        ),
      )
    }
    return rows.rows.length
  }
}
