/**
 * One service for every record kind of {@link kindSpecs}: the face the routes, workers, the
 * inbox and the seed use. It composes one module per concern:
 * - `case-queries.ts` — list/search, one record with what hangs on it, workers' look-ups;
 * - `case-writes.ts` — create, update (optimistic concurrency), the procedures' field and status
 *   changes, a task's decision on its case;
 * - `case-links.ts` — links between records and to process instances;
 * - `case-procedures.ts` — supplier review starts, adoption of stranded cases;
 * - `case-attachments.ts` — attachments (work notes and replies: `activity.service.ts`);
 * - `change-record-edits.ts` — edits of records under change control that changes apply (9.2).
 * Every state change writes its evidence entry (4.3.3) in the same transaction through the
 * evidence sink (`../evidence/audit-sink.ts`) and publishes a `case.*` event after commit.
 * Every method takes the acting user and enforces the rules of `access.ts`; workers pass
 * {@link systemActor}.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import type { AuditSink } from '../evidence/audit-sink'
import type { Logger } from '../log'
import { Outbox, type Checkpoint } from '../outbox/outbox'
import type { EventBus } from '../realtime/bus'
import type { Actor } from './access'
import { CaseAttachments } from './case-attachments'
import { CaseLinks } from './case-links'
import { CaseProcedures } from './case-procedures'
import { CaseQueries } from './case-queries'
import type {
  AttachmentInfo,
  CaseDetail,
  CaseLink,
  CaseProcessInstance,
  CaseRecord,
  ListQuery,
  ListResult,
  OperationalCase,
  Row,
} from './case-record'
import { lockedRow, readableRow } from './case-rows'
import { toRecord } from './case-record'
import { CaseWrites } from './case-writes'
import { ChangeRecordEdits } from './change-record-edits'
import { kindSpecs, type CaseKind, type KindSpec } from './kinds'
import { ProcedureStarts, type LinkedInstance, type ProcessStarter } from './procedure-starts'
import type { RecordPatch } from './record-updates'
import { slaClockPauses, slaClockPeople, type SlaClockPause } from './sla-clock'
import type { ChangeOrigin } from './status-history'

export type { ProcessStarter } from './procedure-starts'
export type {
  AttachmentInfo,
  CaseComment,
  CaseDetail,
  CaseLink,
  CaseProcessInstance,
  CaseRecord,
  ListQuery,
  ListResult,
  OperationalCase,
} from './case-record'
export { scopeOf } from './case-record'
export { ciHistory } from './case-rows'

export interface CaseServiceDeps {
  db: Kysely<DB>
  /** Where every change's evidence goes, in the change's transaction (4.3.3). */
  audit: AuditSink
  bus?: EventBus
  /** Starts the procedures of process-driven kinds; without it no procedure is started. */
  processStarter?: ProcessStarter
  log?: Logger
  /** Largest attachment in bytes (default 1 MiB). */
  maxAttachmentBytes?: number
  /** Crash-test hook (see {@link CrashPoint}). */
  checkpoint?: Checkpoint
  /** Current time for the controlled documents in force (tests pass the engine's clock). */
  now?: () => Date
}

/** The generic record service. */
export class CaseService {
  /** Procedure starts through the outbox (absent without a process starter). */
  readonly starts?: ProcedureStarts
  /** Edits of records under change control that changes apply (9.2, `change-control.ts`). */
  readonly changeControl: ChangeRecordEdits
  private readonly queries: CaseQueries
  private readonly writes: CaseWrites
  private readonly links: CaseLinks
  private readonly procedures: CaseProcedures
  private readonly attachments: CaseAttachments
  private readonly db: Kysely<DB>

  constructor(deps: CaseServiceDeps) {
    const { db, audit } = deps
    this.db = db
    const outbox = new Outbox(db)
    this.links = new CaseLinks({ db, audit })
    if (deps.processStarter) {
      this.starts = new ProcedureStarts({
        db,
        outbox,
        starter: deps.processStarter,
        log: deps.log,
        link: (tx, p, instance) => this.links.linkIn(tx, p, instance),
      })
    }
    this.queries = new CaseQueries({ db, outbox, startsProcedures: this.starts !== undefined })
    this.writes = new CaseWrites({
      db,
      audit,
      bus: deps.bus,
      log: deps.log,
      checkpoint: deps.checkpoint,
      queries: this.queries,
      starts: this.starts,
      now: deps.now,
    })
    this.procedures = new CaseProcedures({ db, starts: this.starts, now: deps.now })
    this.attachments = new CaseAttachments({ db, audit }, deps.maxAttachmentBytes ?? 1024 * 1024)
    this.changeControl = new ChangeRecordEdits({ db, audit, cases: this, now: deps.now })
  }

  /** The largest attachment accepted, in bytes. */
  get attachmentLimit(): number {
    return this.attachments.maxBytes
  }

  // ---------------------------------------------------------------- reading (case-queries.ts)

  /** Records of `kind` visible to `actor`, filtered, sorted and paginated, with the total. */
  list(kind: CaseKind, query: ListQuery, actor: Actor): Promise<ListResult<CaseRecord>> {
    return this.queries.list(kind, query, actor)
  }

  /** One record with its links, process instances, comments, attachments and activity. */
  get(kind: CaseKind, id: string, actor: Actor): Promise<CaseDetail> {
    return this.queries.get(kind, id, actor)
  }

  /** The stays of a case in a waiting status, its SLA clock paused (8.1, 6.1; `sla-clock.ts`). */
  async slaClockPauses(kind: CaseKind, id: string, actor: Actor): Promise<SlaClockPause[]> {
    await this.queries.get(kind, id, actor)
    return slaClockPauses(this.db, kind, id)
  }

  /** The stays with the display names of who paused and resumed them (username → name). */
  async slaClock(
    kind: CaseKind,
    id: string,
    actor: Actor,
  ): Promise<{ items: SlaClockPause[]; people: Record<string, string> }> {
    const items = await this.slaClockPauses(kind, id, actor)
    return { items, people: await slaClockPeople(this.db, items) }
  }

  /** The record without what hangs on it; undefined when it does not exist. For workers. */
  find(kind: CaseKind, id: string): Promise<CaseRecord | undefined> {
    return this.queries.find(kind, id)
  }

  /** The operational case (incident, problem, …) or undefined. For workers. */
  findCase(kind: CaseKind, id: string): Promise<OperationalCase | undefined> {
    return this.queries.findCase(kind, id)
  }

  /** The case a process instance handles, if the server linked one. */
  findByProcessInstance(processInstanceKey: string) {
    return this.queries.findByProcessInstance(processInstanceKey)
  }

  /** Links in both directions of a record. */
  linksOf(kind: CaseKind, id: string, db?: Kysely<DB>): Promise<CaseLink[]> {
    return this.queries.linksOf(kind, id, db)
  }

  /** The row when the actor may read it; 403 for a kind they may not read, 404 otherwise. */
  readableRow(
    spec: KindSpec,
    id: string,
    actor: Actor,
    db: Kysely<DB>,
    lock = false,
  ): Promise<Row> {
    return readableRow(spec, id, actor, db, lock)
  }

  // ---------------------------------------------------------------- writing (case-writes.ts)

  /** Creates a record and starts its procedure (see {@link CaseWrites.create}). */
  create(kind: CaseKind, body: unknown, actor: Actor): Promise<CaseDetail> {
    return this.writes.create(kind, body, actor)
  }

  /** People's change; a stale `version` gets 409 (see {@link CaseWrites.update}). */
  update(kind: CaseKind, id: string, body: unknown, actor: Actor): Promise<CaseDetail> {
    return this.writes.update(kind, id, body, actor)
  }

  /** A worker's or the system's change of fields (see {@link CaseWrites.updateFields}). */
  updateFields(
    kind: CaseKind,
    id: string,
    fields: Record<string, unknown>,
    actor: Actor,
    processInstanceKey?: string,
  ): Promise<CaseRecord> {
    return this.writes.updateFields(kind, id, fields, actor, processInstanceKey)
  }

  /** How procedures drive case status (see {@link CaseWrites.setStatus}). */
  setStatus(
    kind: CaseKind,
    id: string,
    status: string,
    actor: Actor,
    options: ChangeOrigin = {},
  ): Promise<CaseRecord> {
    return this.writes.setStatus(kind, id, status, actor, options)
  }

  /** A task's decision on its case, in the task's transaction (see {@link CaseWrites}). */
  applyTaskDecision(
    kind: CaseKind,
    id: string,
    change: RecordPatch,
    actor: Actor,
    tx: Kysely<DB>,
    origin: ChangeOrigin & { taskId: string },
  ): Promise<(() => void) | undefined> {
    return this.writes.applyTaskDecision(kind, id, change, actor, tx, origin)
  }

  /** An edit a change carries, in the caller's transaction (9.2, `change-record-edits.ts`). */
  applyInTransaction(
    kind: CaseKind,
    id: string,
    fields: Record<string, unknown>,
    actor: Actor,
    tx: Kysely<DB>,
    origin: ChangeOrigin = {},
  ): Promise<{ record: CaseRecord; publish: () => void }> {
    return this.writes.applyInTransaction(kind, id, fields, actor, tx, origin)
  }

  /** Runs `work` in one transaction: what it changes commits with its evidence, or nothing. */
  transaction<T>(work: (tx: Kysely<DB>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work)
  }

  /** The record, its row locked in `tx` until it ends (404 when there is none). */
  async lockedRecord(kind: CaseKind, id: string, tx: Kysely<DB>): Promise<CaseRecord> {
    const spec = kindSpecs[kind]
    return toRecord(spec, await lockedRow(spec, id, tx))
  }

  // ---------------------------------------------------------------- links (case-links.ts)

  /** Links `from` to `to` (e.g. incident → problem `caused-by`). Needs write access to `from`. */
  link(
    from: { kind: CaseKind; id: string },
    to: { kind: CaseKind; id: string },
    linkType: string,
    actor: Actor,
  ): Promise<CaseLink> {
    return this.links.link(from, to, linkType, actor)
  }

  /** Records that a process instance handles the record (idempotent per instance key). */
  linkProcessInstance(
    kind: CaseKind,
    id: string,
    instance: LinkedInstance,
    actor: Actor,
  ): Promise<void> {
    return this.links.linkProcessInstance(kind, id, instance, actor)
  }

  // ---------------------------------------------------------------- procedures (case-procedures.ts)

  /** Starts a supplier review (7.2) for one supplier and links the instance. */
  startSupplierReview(
    supplierId: string,
    actor: Actor,
    reason?: string,
  ): Promise<CaseProcessInstance> {
    return this.procedures.startSupplierReview(supplierId, actor, reason)
  }

  /** Gives cases stored before the outbox, whose start was lost, their start. */
  adoptStrandedCases(limit?: number): Promise<number> {
    return this.procedures.adoptStrandedCases(limit)
  }

  // ---------------------------------------------------------------- attachments (case-attachments.ts)

  /** Stores an attachment (bytea) after checking the size limit. */
  attach(
    kind: CaseKind,
    id: string,
    file: { name: string; contentType: string; content: Uint8Array },
    actor: Actor,
  ): Promise<AttachmentInfo> {
    return this.attachments.attach(kind, id, file, actor)
  }

  /** The content of one attachment of a record the actor may read. */
  download(
    kind: CaseKind,
    id: string,
    attachmentId: number,
    actor: Actor,
  ): Promise<{ name: string; contentType: string; content: Buffer }> {
    return this.attachments.download(kind, id, attachmentId, actor)
  }
}
