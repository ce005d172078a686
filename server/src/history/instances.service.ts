/**
 * Process instances as the server knows them: started for cases (the link case ↔ instance),
 * tracked from the engine's v2 searches (active → completed / cancelled, on which version), and
 * engine steps that concern a case written into the evidence trail (ISO/IEC 20000-1 4.3.3) by
 * the {@link InstanceTracker}, in the transaction of the tracking. After a crash, what the
 * engine did with a lost call is looked up in v2 too, waiting at most `lagMs` for secondary
 * storage to show it.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { ServiceUnavailableError, UserError } from '../errors'
import type { Logger } from '../log'
import { writeWithEvidence, type AuditSink } from '../evidence/audit-sink'
import {
  pollUntil,
  type CamundaRest,
  type Job,
  type ProcessInstance,
} from '../camunda/camunda-rest'
import { InstanceTracker } from './instance-tracker'
import { CrashPoint, type Checkpoint } from '../outbox/outbox'
import {
  engineErrorText,
  grpcCode,
  isEngineUnavailable,
  toZeebeVariables,
  type ZeebeClient,
} from '../zeebe/zeebe-client'

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

/** Job states after which a job is gone from the engine (8.8's JobStateEnum). */
const JOB_ENDED = new Set(['COMPLETED', 'CANCELED', 'ERROR_THROWN', 'MIGRATED'])

export class InstancesService implements ProcessStarter {
  /** Follows v2: instance states and their evidence. */
  private readonly tracker: InstanceTracker

  constructor(
    private readonly deps: {
      db: Kysely<DB>
      zeebe: ZeebeClient
      audit: AuditSink
      camunda: CamundaRest
      /** How long secondary storage may lag the engine (ms): the bound of every wait for it. */
      lagMs: number
      /** Time between tracking passes (ms, default 1,000). */
      trackEveryMs?: number
      log: Logger
      /** Crash-test hook (see {@link CrashPoint}). */
      checkpoint?: Checkpoint
      /** Called after the engine started an instance (its first user task may exist now). */
      onStarted?: () => void
    },
  ) {
    this.tracker = new InstanceTracker({
      db: deps.db,
      camunda: deps.camunda,
      audit: deps.audit,
      log: deps.log,
      lagMs: deps.lagMs,
      ...(deps.trackEveryMs !== undefined ? { everyMs: deps.trackEveryMs } : {}),
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
    this.deps.onStarted?.()
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
      // the instance tracker may have stored the instance already, without its case
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

  /**
   * The instance of `bpmnProcessId` created with a variable of each given name and value (one
   * of `matches`), as v2's process instance search finds it; undefined if there is none. A
   * creation that reached the engine before a crash may not be in secondary storage yet: the
   * search is repeated until `begunAt` (epoch ms, when the lost call was sent) plus the lag
   * bound has passed.
   */
  async findStarted(
    bpmnProcessId: string,
    matches: Record<string, string>[],
    begunAt = 0,
  ): Promise<StartedInstance | undefined> {
    const find = async () => {
      for (const vars of matches) {
        const [found] = await this.deps.camunda.searchAll<ProcessInstance>('process-instances', {
          filter: {
            processDefinitionId: bpmnProcessId,
            variables: Object.entries(vars).map(([name, value]) => ({
              name,
              value: JSON.stringify(value),
            })),
          },
          sort: [{ field: 'processInstanceKey', order: 'ASC' }],
        })
        if (found) {
          return {
            processInstanceKey: found.processInstanceKey,
            processDefinitionKey: found.processDefinitionKey,
            bpmnProcessId,
            version: found.processDefinitionVersion,
          }
        }
      }
      return undefined
    }
    return pollUntil(find, { since: begunAt, waitMs: this.deps.lagMs })
  }

  /**
   * Whether v2 shows job `jobKey` completed (true) or ended otherwise (false); undefined when
   * secondary storage still shows it open after the lag bound (cannot tell). Asked after the
   * engine answered NOT_FOUND, so the job has ended: until v2 shows how, it is asked again.
   */
  async jobCompleted(processInstanceKey: string, jobKey: string): Promise<boolean | undefined> {
    const ended = await pollUntil(
      async () => {
        const [job] = await this.deps.camunda.searchAll<Job>('jobs', {
          filter: { processInstanceKey, jobKey },
        })
        return job && JOB_ENDED.has(job.state) ? job : undefined
      },
      { waitMs: this.deps.lagMs },
    )
    return ended ? ended.state === 'COMPLETED' : undefined
  }

  /** Tracks instances from v2: a pass now, then one every second. */
  async follow(): Promise<void> {
    await this.tracker.follow()
  }

  /** Runs a tracking pass after the one under way (tests, shutdown). */
  async settled(): Promise<void> {
    await this.tracker.settled()
  }

  stop() {
    this.tracker.stop()
  }
}
