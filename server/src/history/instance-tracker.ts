/**
 * Keeps `process_instances` in step with the engine (started, completed, cancelled, on which
 * version) and writes the engine's steps that concern a case into its evidence trail (4.3.3),
 * from Camunda 8.8's v2 searches, so the same on the embedded engine and on a cluster.
 *
 * v2 has no change feed: each pass searches what started or ended since its time cursor, less
 * `lagMs`, because secondary storage shows a step some time after the engine took it (eventual
 * consistency); re-reading that window costs repeated reads and nothing else (tracking is
 * idempotent and each evidence entry is written once, `engine_evidence_seen`). A pass writes
 * everything and moves the cursor in one transaction: a crash or a database outage in the middle
 * leaves the cursor where it was, and the next pass reads the same window again.
 *
 * After passes failed (the database or the search was down), secondary storage catches up on a
 * backlog whose steps carry their own, earlier times: for `RECOVERY_GRACE_MS` after the first
 * good pass the cursor stays where the failures began, so those steps are still read.
 *
 * A database that the record-log follower tracked before v2 starts where that follower's
 * evidence ends, so the steps between its last entry and the upgrade are not lost; the steps it
 * recorded in the window read again are matched to its entries and not written twice.
 */
import { sql, type Kysely, type Transaction } from 'kysely'
import type { DB } from '../db/schema'
import type { Logger } from '../log'
import type {
  CamundaRest,
  ElementInstance,
  Incident,
  ProcessInstance,
} from '../camunda/camunda-rest'
import type { AuditSink } from '../evidence/audit-sink'
import {
  appendEngineEvidence,
  ENGINE_ACTOR,
  recordLogEntriesSince,
  type EngineStep,
} from '../evidence/engine-evidence'

const CURSOR = 'instances-v2'
/** How long after an outage the cursor stays put while secondary storage catches up. */
const RECOVERY_GRACE_MS = 30_000
/** The record-log follower's cursor before v2 (its steps are in the trail already). */
const RECORD_LOG_CURSOR = 'instances'

export interface InstanceTrackerOptions {
  db: Kysely<DB>
  camunda: CamundaRest
  audit: AuditSink
  log: Logger
  /** How far secondary storage may lag the engine, in ms: each pass reads that much again. */
  lagMs: number
  /** Time between passes, in ms (default 1,000). */
  everyMs?: number
}

const STATE = { COMPLETED: 'completed', TERMINATED: 'cancelled' } as const
const iso = (ms: number) => new Date(ms).toISOString()

export class InstanceTracker {
  private timer?: NodeJS.Timeout
  private running: Promise<void> = Promise.resolve()
  private failing = false
  /** When passes succeeded again after failing (the cursor waits for the backlog). */
  private recoveredAt: number | undefined
  private stopped = false

  constructor(private readonly options: InstanceTrackerOptions) {}

  /** Runs a pass now, then one every `everyMs`. */
  async follow(): Promise<void> {
    await this.settled()
    this.timer = setInterval(() => void this.settled(), this.options.everyMs ?? 1_000)
    this.timer.unref()
  }

  /** Waits for the pass under way, then runs one more (tests, shutdown). */
  async settled(): Promise<void> {
    if (this.stopped) return this.running
    this.running = this.running.then(() => this.guardedPass())
    return this.running
  }

  stop() {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
  }

  /** One pass; a failure is logged once until a pass succeeds again. */
  private async guardedPass(): Promise<void> {
    const { log } = this.options
    try {
      const wasFailing = this.failing
      await this.pass()
      if (wasFailing) {
        log.info('tracking process instances resumed')
        this.recoveredAt = Date.now()
      }
      this.failing = false
    } catch (err) {
      if (!this.failing) {
        log.warn(
          `tracking process instances paused (${err instanceof Error ? err.message : String(err)}); retrying`,
        )
      }
      this.failing = true
    }
  }

  private async pass(): Promise<void> {
    const { db, camunda, audit, lagMs } = this.options
    const passStart = Date.now()
    const since = iso(Math.max(0, (await this.cursor()) - lagMs))
    const startedOrEnded = async (field: 'startDate' | 'endDate') =>
      camunda.searchAll<ProcessInstance>('process-instances', {
        filter: { [field]: { $gte: since } },
        sort: [{ field, order: 'ASC' }],
      })
    const [started, ended, elements, incidents] = await Promise.all([
      startedOrEnded('startDate'),
      startedOrEnded('endDate'),
      camunda.searchAll<ElementInstance>('element-instances', {
        filter: { endDate: { $gte: since } },
        sort: [{ field: 'endDate', order: 'ASC' }],
      }),
      camunda.searchAll<Incident>('incidents', {
        filter: { creationTime: { $gte: since } },
        sort: [{ field: 'creationTime', order: 'ASC' }],
      }),
    ])
    const resolved = await this.resolvedIncidents()
    // the record-log follower's entries in this window (only in the passes right after an upgrade)
    const recordedBefore = await recordLogEntriesSince(db, new Date(since))

    const steps: EngineStep[] = []
    for (const e of elements) {
      if (e.state === 'ACTIVE' || !e.endDate) continue
      steps.push({
        kind: 'element',
        intent: e.state === 'COMPLETED' ? 'ELEMENT_COMPLETED' : 'ELEMENT_TERMINATED',
        key: e.elementInstanceKey,
        processInstanceKey: e.processInstanceKey,
        elementId: e.elementId,
        bpmnElementType: e.type,
        at: e.endDate,
      })
    }
    for (const p of ended) {
      if (p.state === 'ACTIVE' || !p.endDate) continue
      steps.push({
        kind: 'element',
        intent: p.state === 'COMPLETED' ? 'ELEMENT_COMPLETED' : 'ELEMENT_TERMINATED',
        key: p.processInstanceKey,
        processInstanceKey: p.processInstanceKey,
        elementId: p.processDefinitionId,
        bpmnElementType: 'PROCESS',
        at: p.endDate,
      })
    }
    for (const [i, intent] of [
      ...incidents.map((x) => [x, 'CREATED'] as const),
      ...resolved.map((x) => [x, 'RESOLVED'] as const),
    ]) {
      if (!i.processInstanceKey) continue
      steps.push({
        kind: 'incident',
        intent,
        key: i.incidentKey,
        processInstanceKey: i.processInstanceKey,
        elementId: i.elementId,
        errorType: i.errorType,
        errorMessage: i.errorMessage,
        at: i.creationTime ?? iso(passStart),
      })
    }
    // in the order they happened: keys order the steps of one moment, except that a process
    // (whose key is the smallest of its instance) completes after the elements inside it
    steps.sort(
      (a, b) => a.at.localeCompare(b.at) || isProcess(a) - isProcess(b) || cmpKey(a.key, b.key),
    )

    await db.transaction().execute(async (tx) => {
      for (const p of started) await insertInstance(tx, p)
      for (const p of ended) {
        if (p.state === 'ACTIVE' || !p.endDate) continue
        await insertInstance(tx, p)
        await tx
          .updateTable('process_instances')
          .set({ state: STATE[p.state], ended_at: new Date(p.endDate) })
          .where('process_instance_key', '=', p.processInstanceKey)
          .execute()
      }
      for (const s of steps) await appendEngineEvidence(tx, audit, s, recordedBefore)
      // right after an outage the cursor stays put: the backlog's steps are older than this pass
      const settling =
        this.failing ||
        (this.recoveredAt !== undefined && passStart - this.recoveredAt < RECOVERY_GRACE_MS)
      if (!settling) {
        this.recoveredAt = undefined
        await tx
          .insertInto('record_cursors')
          .values({ name: CURSOR, position: passStart })
          .onConflict((oc) => oc.column('name').doUpdateSet({ position: passStart }))
          .execute()
      }
    })
  }

  /**
   * Where the last pass started (epoch ms). The first pass of a database that the record-log
   * follower tracked before starts at the time of the last engine evidence it wrote (4.3.3: the
   * steps taken between that entry and the upgrade belong in the trail too; tracking is
   * idempotent, so reading some of its steps again is safe), or from the beginning when it wrote
   * none; a new database from the beginning.
   */
  private async cursor(): Promise<number> {
    const { db } = this.options
    const rows = await db
      .selectFrom('record_cursors')
      .select(['name', 'position'])
      .where('name', 'in', [CURSOR, RECORD_LOG_CURSOR])
      .execute()
    const v2 = rows.find((r) => r.name === CURSOR)
    if (v2) return Number(v2.position)
    if (rows.length === 0) return 0
    const last = await db
      .selectFrom('evidence')
      .select('at')
      .where('actor', '=', ENGINE_ACTOR)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst()
    return last ? new Date(last.at).getTime() : 0
  }

  /**
   * Incidents whose creation is in the trail and whose resolution is not, now resolved: 8.8's
   * incidents carry no resolution time, so they are looked up by instance.
   */
  private async resolvedIncidents(): Promise<Incident[]> {
    const { db, camunda } = this.options
    const open = await db
      .selectFrom('engine_evidence_seen as c')
      .select('c.key')
      .where('c.key', 'like', 'engine.incident.created:%')
      .where(
        sql<boolean>`not exists (select 1 from engine_evidence_seen r where r.key = replace(c.key, 'engine.incident.created:', 'engine.incident.resolved:'))`,
      )
      .execute()
    if (open.length === 0) return []
    const found: Incident[] = []
    for (const { key } of open) {
      const incidentKey = key.slice('engine.incident.created:'.length)
      found.push(
        ...(await camunda.searchAll<Incident>('incidents', {
          filter: { state: 'RESOLVED', incidentKey },
        })),
      )
    }
    return found
  }
}

async function insertInstance(tx: Transaction<DB>, p: ProcessInstance): Promise<void> {
  await tx
    .insertInto('process_instances')
    .values({
      process_instance_key: p.processInstanceKey,
      process_definition_key: p.processDefinitionKey,
      bpmn_process_id: p.processDefinitionId,
      version: p.processDefinitionVersion,
      case_kind: null,
      case_id: null,
      started_by: null,
      started_at: new Date(p.startDate),
      ended_at: null,
    })
    .onConflict((oc) => oc.column('process_instance_key').doNothing())
    .execute()
}

const isProcess = (s: EngineStep) =>
  s.kind === 'element' && s.bpmnElementType === 'PROCESS' ? 1 : 0

function cmpKey(a: string, b: string): number {
  const x = BigInt(a)
  const y = BigInt(b)
  return x < y ? -1 : x > y ? 1 : 0
}
