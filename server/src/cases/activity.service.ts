/**
 * The activity stream of a case, write side: work notes (staff only) and replies to the
 * customer, added on the case or from one of its tasks (ISO/IEC 20000-1 8.1, 7.1). Each entry
 * is stored with its evidence entry (4.3.3) in one transaction, and announced after commit with
 * a `case.activity` event that reaches customers only for replies.
 *
 * Rules (4.1.3, on top of `access.ts`):
 * - a work note needs someone who may comment and is no customer (staff, admins; auditors only
 *   on audit findings, the records they keep);
 * - a reply: staff and admins who may comment, and the customer who raised the case;
 * - customers, process owners and auditors get 403 for what they may not write (customers 404
 *   for a case not theirs, as for every route);
 * - a closed, cancelled or rejected case still takes work notes and staff replies (a conversation
 *   that ends the case may need a last word); its customer's reply is 409 — a finished case is
 *   not reopened by a message: they raise a new case, and only a procedure step reopens it.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { ConflictError, ForbiddenError } from '../errors'
import { writeWithEvidence, type AuditSink } from '../evidence/audit-sink'
import type { EventBus } from '../realtime/bus'
import { canComment, isCustomer, type Actor } from './access'
import {
  ActivityType,
  activityOf,
  commentEntry,
  visibilityOf,
  withActorNames,
  type ActivityEntry,
  type WrittenType,
} from './activity'
import type { CaseService } from './case.service'
import { scopeOf } from './case-record'
import { finalStatuses, kindSpecs, type CaseKind } from './kinds'

export interface ActivityServiceDeps {
  db: Kysely<DB>
  audit: AuditSink
  /** Reads records with the access rules of `access.ts` (404/403). */
  cases: Pick<CaseService, 'readableRow'>
  bus?: EventBus
}

/** What a person writes. */
export interface NewEntry {
  type: WrittenType
  body: string
}

/** Where an entry was written from. */
export interface EntryOrigin {
  taskId?: string
}

export class ActivityService {
  constructor(private readonly deps: ActivityServiceDeps) {}

  /** The stream of a record as `actor` may see it, oldest first (404 if they may not read it). */
  async list(kind: CaseKind, id: string, actor: Actor): Promise<ActivityEntry[]> {
    await this.deps.cases.readableRow(kindSpecs[kind], id, actor, this.deps.db)
    return activityOf(this.deps.db, kind, id, actor)
  }

  /** Adds a work note or a reply, with its evidence entry in the same transaction. */
  async add(
    kind: CaseKind,
    id: string,
    entry: NewEntry,
    actor: Actor,
    origin: EntryOrigin = {},
  ): Promise<ActivityEntry> {
    const spec = kindSpecs[kind]
    const { added, row } = await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const row = await this.deps.cases.readableRow(spec, id, actor, tx, true)
      const scope = scopeOf(spec, row)
      if (!canComment(actor, kind, scope)) {
        throw new ForbiddenError(`You may not write in the activity of ${id}; you may read it.`)
      }
      const customer = isCustomer(actor)
      if (entry.type === ActivityType.WorkNote && customer) {
        throw new ForbiddenError('Work notes are for staff. Write a reply instead.')
      }
      const status = String(row.status)
      if (customer && spec.table === 'cases' && finalStatuses.includes(status)) {
        throw new ConflictError(
          `${id} is ${status}; it takes no more replies. If the matter is not settled, raise a new ${spec.label} and mention ${id}.`,
        )
      }
      const inserted = await tx
        .insertInto('case_comments')
        .values({
          case_kind: kind,
          case_id: id,
          author: actor.username,
          body: entry.body,
          visibility: visibilityOf(entry.type),
          task_id: origin.taskId ?? null,
        })
        .returning(['id', 'author', 'body', 'created_at', 'visibility', 'task_id'])
        .executeTakeFirstOrThrow()
      const added = commentEntry(inserted)
      return {
        result: { added, row },
        evidence: {
          actor: actor.username,
          action: `${entry.type}.added`,
          entityType: kind,
          entityId: id,
          after: added,
        },
      }
    })
    this.deps.bus?.publish({
      type: 'case.activity',
      case: {
        kind,
        caseId: id,
        status: String(row.status),
        requester: (row.requester as string | null | undefined) ?? null,
        group: ((row.assigned_group ?? row.owner_group) as string | null | undefined) ?? null,
        actor: actor.username,
      },
      entry: { id: added.id, type: added.type, visibility: added.visibility },
    })
    const [named] = await withActorNames(this.deps.db, [added])
    return named ?? added
  }
}
