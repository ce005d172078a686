/**
 * Process instances as the server knows them: started for cases (the link case ↔ instance),
 * tracked from the engine's record log (active → completed / cancelled, on which version), and
 * engine records that concern a case written into the evidence trail (ISO/IEC 20000-1 4.3.3) by
 * the record follower of `evidence/`, in the transaction of the tracking.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { ServiceUnavailableError, UserError } from '../errors'
import type { Logger } from '../log'
import { writeWithEvidence, type AuditSink } from '../evidence/audit-sink'
import { appendEngineEvidence } from '../evidence/engine-evidence'
import { RecordFollower } from '../evidence/record-follower'
import { CrashPoint, type Checkpoint } from '../outbox/outbox'
import {
  engineErrorText,
  grpcCode,
  isEngineUnavailable,
  toZeebeVariables,
  type ZeebeClient,
} from '../zeebe/zeebe-client'
import type { EngineRecord, RecordSource } from './record-source'

export interface StartedInstance {
  processInstanceKey: string
  processDefinitionKey: string
  bpmnProcessId: string
  version: number
}

/** Starts the process that handles a case (cases call this when they are created). */
export interface ProcessStarter {
  start(
    bpmnProcessId: string,
    variables: Record<string, unknown>,
    link?: { caseKind?: string; caseId?: string; actor?: string },
  ): Promise<StartedInstance>
}

const str = (v: unknown) => (v == null ? '' : String(v))

/** The engine refused to start a process; `code` is the gRPC status (5 = not deployed). */
export class ProcessStartError extends UserError {
  constructor(
    message: string,
    readonly code: number | undefined,
  ) {
    super(message)
  }
}

export class InstancesService implements ProcessStarter {
  /** Follows the record log: instance states and their evidence. */
  private readonly follower: RecordFollower | undefined

  constructor(
    private readonly deps: {
      db: Kysely<DB>
      zeebe: ZeebeClient
      audit: AuditSink
      records?: RecordSource
      log: Logger
      /** Crash-test hook (see {@link CrashPoint}). */
      checkpoint?: Checkpoint
    },
  ) {
    this.follower =
      deps.records &&
      new RecordFollower({
        db: deps.db,
        records: deps.records,
        log: deps.log,
        name: 'instances',
        valueTypes: ['PROCESS_INSTANCE', 'INCIDENT'],
        label: 'tracking process instances',
        apply: async (tx, r) => {
          await trackInstance(tx, r)
          await appendEngineEvidence(tx, deps.audit, r)
        },
      })
  }

  async start(
    bpmnProcessId: string,
    variables: Record<string, unknown>,
    link: { caseKind?: string; caseId?: string; actor?: string } = {},
  ): Promise<StartedInstance> {
    // a case's process carries the case in its variables; that is the link when none is given
    link = {
      caseKind:
        link.caseKind ?? (typeof variables.caseKind === 'string' ? variables.caseKind : undefined),
      caseId: link.caseId ?? (typeof variables.caseId === 'string' ? variables.caseId : undefined),
      actor: link.actor,
    }
    let created: { processInstanceKey: string; processDefinitionKey: string; version: number }
    try {
      created = await this.deps.zeebe.createProcessInstance({
        bpmnProcessId,
        variables: toZeebeVariables(variables),
      })
    } catch (err) {
      const reason = `Process ${bpmnProcessId} could not be started: ${engineErrorText(err)}`
      if (isEngineUnavailable(err)) throw new ServiceUnavailableError(reason, { cause: err })
      throw new ProcessStartError(reason, grpcCode(err))
    }
    this.deps.checkpoint?.(CrashPoint.ProcedureStarted)
    const started: StartedInstance = {
      processInstanceKey: str(created.processInstanceKey),
      processDefinitionKey: str(created.processDefinitionKey),
      bpmnProcessId,
      version: Number(created.version),
    }
    await this.recordStarted(started, link)
    return started
  }

  /**
   * Records that an instance was started for a case: its row with the case link and the
   * `process-instance.started` evidence, in one transaction and once (a retry after a crash
   * finds the link already there and records nothing).
   */
  async recordStarted(
    started: StartedInstance,
    link: { caseKind?: string; caseId?: string; actor?: string },
  ): Promise<void> {
    const row = {
      process_instance_key: started.processInstanceKey,
      process_definition_key: started.processDefinitionKey,
      bpmn_process_id: started.bpmnProcessId,
      version: started.version,
      case_kind: link.caseKind ?? null,
      case_id: link.caseId ?? null,
      started_by: link.actor ?? null,
      ended_at: null,
    }
    await this.deps.db.transaction().execute(async (tx) => {
      // the record-log follower may have stored the instance already, without its case
      const stored = await tx
        .insertInto('process_instances')
        .values(row)
        .onConflict((oc) =>
          oc
            .column('process_instance_key')
            .doUpdateSet({
              case_kind: row.case_kind,
              case_id: row.case_id,
              started_by: row.started_by,
            })
            .where((eb) =>
              eb.and([
                eb('process_instances.started_by', 'is', null),
                eb('process_instances.case_id', 'is', null),
              ]),
            ),
        )
        .returning('process_instance_key')
        .executeTakeFirst()
      if (!stored) return
      await this.deps.audit.append(
        {
          actor: link.actor ?? 'system',
          action: 'process-instance.started',
          entityType: link.caseKind ?? 'process-instance',
          entityId: link.caseId ?? row.process_instance_key,
          processInstanceKey: row.process_instance_key,
          after: {
            bpmnProcessId: started.bpmnProcessId,
            version: row.version,
            processDefinitionKey: row.process_definition_key,
          },
        },
        tx,
      )
    })
  }

  /** Cancels an instance in the engine; the cancellation request is evidence. */
  async cancel(processInstanceKey: string, actor: string): Promise<void> {
    try {
      await this.deps.zeebe.cancelProcessInstance(processInstanceKey)
    } catch (err) {
      throw new UserError(`The instance could not be cancelled: ${engineErrorText(err)}`)
    }
    // the change is the engine's; the evidence is the only write here
    await writeWithEvidence(this.deps.db, this.deps.audit, async () => ({
      result: undefined,
      evidence: {
        actor,
        action: 'process-instance.cancelled',
        entityType: 'process-instance',
        entityId: processInstanceKey,
        processInstanceKey,
      },
    }))
  }

  /** Whether the engine's record log can be read (embedded engine or ENGINE_HISTORY_URL). */
  get canReadHistory(): boolean {
    return this.deps.records !== undefined
  }

  /**
   * A record-log position no later than anything the engine writes from now on (the follower's
   * stored cursor), or undefined without a record log.
   */
  async logPosition(): Promise<number | undefined> {
    return this.follower?.position()
  }

  /**
   * The instance of `bpmnProcessId` whose creation (PROCESS_INSTANCE_CREATION/CREATED, which
   * carries the creation's variables, as Zeebe exports it) the record log holds after
   * `afterPosition` with variables that `match`; undefined if there is none or no record log.
   */
  async findStarted(
    bpmnProcessId: string,
    match: (variables: Record<string, unknown>) => boolean,
    afterPosition = 0,
  ): Promise<StartedInstance | undefined> {
    const { records } = this.deps
    if (!records) return undefined
    let position = afterPosition
    for (;;) {
      const page = await records.read({
        afterPosition: position,
        limit: 1000,
        valueTypes: ['PROCESS_INSTANCE_CREATION'],
      })
      for (const r of page) {
        const v = r.value
        const vars = (v.variables ?? {}) as Record<string, unknown>
        if (r.intent === 'CREATED' && str(v.bpmnProcessId) === bpmnProcessId && match(vars)) {
          return {
            processInstanceKey: str(v.processInstanceKey),
            processDefinitionKey: str(v.processDefinitionKey),
            bpmnProcessId,
            version: Number(v.version ?? 0),
          }
        }
      }
      if (page.length < 1000) return undefined
      position = page[page.length - 1]!.position
    }
  }

  /**
   * Whether the record log shows job `jobKey` of the instance completed (true), not completed
   * (false), or cannot tell (undefined: no record log).
   */
  async jobCompleted(processInstanceKey: string, jobKey: string): Promise<boolean | undefined> {
    const { records } = this.deps
    if (!records) return undefined
    let position = 0
    for (;;) {
      const page = await records.read({
        afterPosition: position,
        limit: 1000,
        processInstanceKey,
        valueTypes: ['JOB'],
      })
      if (page.some((r) => r.key === jobKey && r.intent === 'COMPLETED')) return true
      if (page.length < 1000) return false
      position = page[page.length - 1]!.position
    }
  }

  /** Catches up with the record log from the stored cursor, then follows it live. */
  async follow(): Promise<void> {
    await this.follower?.follow()
  }

  /** Waits until every record seen so far is applied (tests, shutdown). */
  async settled(): Promise<void> {
    await this.follower?.settled()
  }

  stop() {
    this.follower?.stop()
  }
}

/** Keeps `process_instances` in step with the engine: started, completed, cancelled. */
async function trackInstance(tx: Kysely<DB>, r: EngineRecord): Promise<void> {
  const v = r.value
  if (r.recordType !== 'EVENT' || r.valueType !== 'PROCESS_INSTANCE') return
  if (v.bpmnElementType !== 'PROCESS') return
  const key = str(v.processInstanceKey)
  if (r.intent === 'ELEMENT_ACTIVATED') {
    await tx
      .insertInto('process_instances')
      .values({
        process_instance_key: key,
        process_definition_key: str(v.processDefinitionKey),
        bpmn_process_id: str(v.bpmnProcessId),
        version: Number(v.version ?? 0),
        case_kind: null,
        case_id: null,
        started_by: null,
        started_at: new Date(r.timestamp),
        ended_at: null,
      })
      .onConflict((oc) => oc.column('process_instance_key').doNothing())
      .execute()
  } else if (r.intent === 'ELEMENT_COMPLETED' || r.intent === 'ELEMENT_TERMINATED') {
    await tx
      .updateTable('process_instances')
      .set({
        state: r.intent === 'ELEMENT_COMPLETED' ? 'completed' : 'cancelled',
        ended_at: new Date(r.timestamp),
      })
      .where('process_instance_key', '=', key)
      .execute()
  }
}
