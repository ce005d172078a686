/**
 * ISO/IEC 20000-1 6.1: the actions a service review with the customer agrees, each with an owner
 * and a due date, tracked to closure (`service_review_actions`, ids `SRA-…`). The review's
 * procedure (`processes/service-review.bpmn`) closes the review once none is open.
 */
import type { Kysely } from 'kysely'
import { nextReference } from '../cases'
import type { DB } from '../db/schema'
import { iso, isoOrNull } from '../db/timestamps'
import { writeWithEvidence, type AuditSink } from '../evidence/audit-sink'
import { ConflictError, ForbiddenError, NotFoundError } from '../errors'
import { instantOf } from '../forms/date-ranges'

/** One tracked action of a service review. */
export interface ServiceReviewAction {
  id: string
  reviewId: string
  title: string
  owner: string
  dueAt: string
  status: 'open' | 'closed'
  outcome: string | null
  closedBy: string | null
  closedAt: string | null
  overdue: boolean
}

/** An action as the review's form submits it (`due` a form date-time). */
export interface ServiceReviewActionInput {
  title: string
  owner: string
  due: string
}

export const closeActionBody = {
  type: 'object',
  additionalProperties: false,
  required: ['outcome'],
  properties: { outcome: { type: 'string', minLength: 1, maxLength: 4000 } },
} as const

export class ServiceReviewActionsService {
  constructor(private readonly deps: { db: Kysely<DB>; audit: AuditSink; now: () => Date }) {}

  async list(reviewId: string, db: Kysely<DB> = this.deps.db): Promise<ServiceReviewAction[]> {
    const rows = await db
      .selectFrom('service_review_actions')
      .selectAll()
      .where('review_id', '=', reviewId)
      .orderBy('created_at')
      .orderBy('id')
      .execute()
    return rows.map((r) => this.toAction(r))
  }

  /** Records a review's actions in the caller's transaction, one evidence entry each. */
  async record(
    tx: Kysely<DB>,
    reviewId: string,
    actions: readonly ServiceReviewActionInput[],
    actor: string,
    processInstanceKey?: string,
  ): Promise<ServiceReviewAction[]> {
    const out: ServiceReviewAction[] = []
    for (const a of actions) {
      const id = await nextReference(tx, 'SRA')
      const row = await tx
        .insertInto('service_review_actions')
        .values({
          id,
          review_id: reviewId,
          title: a.title,
          owner: a.owner,
          due_at: new Date(instantOf(a.due) ?? Number.NaN),
          created_at: this.deps.now(),
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      const action = this.toAction(row)
      await this.deps.audit.append(
        {
          actor,
          action: 'service-review.action-recorded',
          entityType: 'service-review',
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
   * Closes an action with its outcome: its owner, a relationship manager or an admin
   * (`mayCloseAny`); another person is a 403, a closed action a 409.
   */
  async close(id: string, outcome: string, actor: string, mayCloseAny: boolean) {
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const current = await tx
        .selectFrom('service_review_actions')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst()
      if (!current) throw new NotFoundError(`No service review action ${id}.`)
      if (!mayCloseAny && current.owner !== actor) {
        throw new ForbiddenError(
          `Only the owner of ${id} (${current.owner}) or a relationship manager closes it.`,
        )
      }
      if (current.status !== 'open') throw new ConflictError(`${id} is ${current.status} already.`)
      const row = await tx
        .updateTable('service_review_actions')
        .set({ status: 'closed', outcome, closed_by: actor, closed_at: this.deps.now() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
      const after = this.toAction(row)
      return {
        result: after,
        evidence: {
          actor,
          action: 'service-review.action-closed',
          entityType: 'service-review',
          entityId: current.review_id,
          before: this.toAction(current),
          after,
        },
      }
    })
  }

  private toAction(r: {
    id: string
    review_id: string
    title: string
    owner: string
    due_at: Date | string
    status: string
    outcome: string | null
    closed_by: string | null
    closed_at: Date | string | null
  }): ServiceReviewAction {
    const status = r.status === 'closed' ? 'closed' : 'open'
    return {
      id: r.id,
      reviewId: r.review_id,
      title: r.title,
      owner: r.owner,
      dueAt: iso(r.due_at),
      status,
      outcome: r.outcome,
      closedBy: r.closed_by,
      closedAt: isoOrNull(r.closed_at),
      overdue: status === 'open' && new Date(r.due_at) < this.deps.now(),
    }
  }
}
