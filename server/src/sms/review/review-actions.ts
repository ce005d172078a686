/**
 * ISO/IEC 20000-1 4.5.4.3: the actions a management review decides, each a tracked item with an
 * owner and a due date (`sms_review_actions`), closed by their owner or an SMS manager, or carried
 * over to the next review. Every write goes with its evidence entry in one transaction (4.3.3).
 */
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema'
import type { AuditSink } from '../../evidence/audit-sink'
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors'
import { Role, StaffGroup } from '../../auth/roles'
import type { Actor } from '../../cases/access'
import { nextReference } from '../../cases/references'
import { instantOf } from '../../forms/date-ranges'
import { isSmsManager } from '../access'

/** The states of a review action. */
export const ReviewActionStatus = {
  Open: 'open',
  Closed: 'closed',
  CarriedOver: 'carried-over',
} as const
export type ReviewActionStatus = (typeof ReviewActionStatus)[keyof typeof ReviewActionStatus]

/** A review action as the API answers it. */
export interface ReviewAction {
  id: string
  reviewId: string
  title: string
  kind: string
  owner: string
  dueAt: string
  status: string
  outcome: string | null
  closedBy: string | null
  closedAt: string | null
  carriedFrom: string | null
  overdue: boolean
}

/** An action as the review meeting's form submits it. */
export interface ActionInput {
  title: string
  kind: string
  owner: string
  due: string
}

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString())

type Row = DB['sms_review_actions'] extends infer T ? { [K in keyof T]: unknown } : never

function toAction(r: Row, now: Date): ReviewAction {
  const dueAt = iso(r.due_at as string)!
  return {
    id: String(r.id),
    reviewId: String(r.review_id),
    title: String(r.title),
    kind: String(r.kind),
    owner: String(r.owner),
    dueAt,
    status: String(r.status),
    outcome: (r.outcome as string | null) ?? null,
    closedBy: (r.closed_by as string | null) ?? null,
    closedAt: iso(r.closed_at as string | null),
    carriedFrom: (r.carried_from as string | null) ?? null,
    overdue: r.status === 'open' && new Date(dueAt).getTime() < now.getTime(),
  }
}

/** A form's date-time as an instant (without an offset: UTC, as `forms/date-ranges.ts` reads it). */
export const formDateTime = (v: string) => new Date(instantOf(v) ?? Number.NaN)

/** Whether the actor closes anyone's action: an SMS manager (or admin), or top management. */
const closesAnyAction = (a: Actor) =>
  isSmsManager(a) ||
  (a.roles.includes(Role.Staff) && a.groups.some((g) => g.id === StaffGroup.TopManagement))

export class ReviewActionsService {
  constructor(private readonly deps: { db: Kysely<DB>; audit: AuditSink; now: () => Date }) {}

  /** The actions of a review, or of every review (`reviewId` undefined), oldest first. */
  async list(reviewId?: string, db: Kysely<DB> = this.deps.db): Promise<ReviewAction[]> {
    let q = db.selectFrom('sms_review_actions').selectAll()
    if (reviewId) q = q.where('review_id', '=', reviewId)
    const rows = await q.orderBy('created_at').orderBy('id').execute()
    return rows.map((r) => toAction(r, this.deps.now()))
  }

  /**
   * Records a review's actions and takes over the actions earlier reviews carried over, in the
   * caller's transaction, with one evidence entry per action.
   */
  async record(
    tx: Kysely<DB>,
    reviewId: string,
    actions: readonly ActionInput[],
    actor: string,
    processInstanceKey?: string,
  ): Promise<ReviewAction[]> {
    const carried = await tx
      .selectFrom('sms_review_actions as a')
      .selectAll('a')
      .where('a.status', '=', ReviewActionStatus.CarriedOver)
      .where('a.review_id', '!=', reviewId)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('sms_review_actions as b')
              .select('b.id')
              .whereRef('b.carried_from', '=', 'a.id'),
          ),
        ),
      )
      .execute()
    const rows = [
      ...actions.map((a) => ({
        ...a,
        due: formDateTime(a.due),
        carriedFrom: null as string | null,
      })),
      ...carried.map((c) => ({
        title: c.title,
        kind: c.kind,
        owner: c.owner,
        due: new Date(c.due_at),
        carriedFrom: c.id,
      })),
    ]
    const out: ReviewAction[] = []
    for (const a of rows) {
      const id = await nextReference(tx, 'MRA')
      const row = await tx
        .insertInto('sms_review_actions')
        .values({
          id,
          review_id: reviewId,
          title: a.title,
          kind: a.kind,
          owner: a.owner,
          due_at: a.due,
          carried_from: a.carriedFrom,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      const action = toAction(row, this.deps.now())
      await this.deps.audit.append(
        {
          actor,
          action: 'management-review.action-recorded',
          entityType: 'management-review',
          entityId: reviewId,
          after: action,
          processInstanceKey: processInstanceKey ?? null,
        },
        tx,
      )
      out.push(action)
    }
    return out
  }

  /**
   * Closes an action or carries it over to the next review (4.5.4.3: actions tracked to
   * closure): its owner, an SMS manager or top management; an action no longer open is a 409.
   */
  async settle(
    id: string,
    input: { status: 'closed' | 'carried-over'; outcome: string },
    actor: Actor,
  ): Promise<ReviewAction> {
    return this.deps.db.transaction().execute(async (tx) => {
      const current = await tx
        .selectFrom('sms_review_actions')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst()
      if (!current) throw new NotFoundError(`No review action ${id}.`)
      if (current.owner !== actor.username && !closesAnyAction(actor)) {
        throw new ForbiddenError(
          `Only the owner of ${id} (${current.owner}), an SMS manager or top management closes it.`,
        )
      }
      if (current.status !== ReviewActionStatus.Open) {
        throw new ConflictError(`${id} is already ${current.status}.`)
      }
      const now = this.deps.now()
      const row = await tx
        .updateTable('sms_review_actions')
        .set({
          status: input.status,
          outcome: input.outcome,
          closed_by: actor.username,
          closed_at: now,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
      const before = toAction(current, now)
      const after = toAction(row, now)
      await this.deps.audit.append(
        {
          actor: actor.username,
          action: `management-review.action-${input.status}`,
          entityType: 'management-review',
          entityId: current.review_id,
          before,
          after,
        },
        tx,
      )
      return after
    })
  }
}
