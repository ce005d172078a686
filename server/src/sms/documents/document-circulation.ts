/**
 * Circulation of effective SMS documents (ISO/IEC 20000-1 4.3.2 b, c): distribution to the
 * groups, roles and named people concerned with a notification each (in the transaction of the distribution),
 * acknowledgement by the readers, the planned review recorded, and the owners reminded once per
 * due date. Each write is one transaction with its evidence entry.
 */
import { sql, type Kysely } from 'kysely'
import type { DB } from '../../db/schema'
import { iso } from '../../db/timestamps'
import { writeWithEvidence, type AuditSink } from '../../evidence/audit-sink'
import { ConflictError, UserError } from '../../errors'
import type { NotificationService } from '../../notifications/notification.service'
import { Template } from '../../notifications/templates'
import { DAY, documentRow, transitionEvidence } from './document-rows'

export class DocumentCirculation {
  constructor(
    private readonly deps: {
      db: Kysely<DB>
      audit: AuditSink
      notifications: NotificationService
      now: () => Date
    },
  ) {}

  /**
   * 4.3.2 b: the effective version goes to the people of the groups and roles concerned and to
   * the people named; each is notified (in the same transaction) and asked to acknowledge it, and
   * acknowledges for themselves. A group or person that does not exist (or a person no longer
   * active) is refused, naming them, and nothing is sent.
   */
  async distribute(
    id: string,
    to: { groups?: string[]; roles?: string[]; users?: string[] },
    actor: string,
  ) {
    const recipients = await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const doc = await documentRow(tx, id, true)
      if (doc.effective_version === null)
        throw new ConflictError(`${id} has no effective version to distribute.`)
      const groups = to.groups ?? []
      const roles = to.roles ?? []
      const named = to.users ?? []
      if (groups.length) {
        const known = await tx.selectFrom('groups').select('id').where('id', 'in', groups).execute()
        const unknown = groups.filter((g) => !known.some((k) => k.id === g))
        if (unknown.length) throw new UserError(`Unknown groups: ${unknown.join(', ')}.`)
      }
      if (named.length) {
        const known = await tx
          .selectFrom('users')
          .select('username')
          .where('username', 'in', named)
          .where('active', '=', true)
          .execute()
        const unknown = named.filter((u) => !known.some((k) => k.username === u))
        if (unknown.length) {
          throw new UserError(
            `Unknown or inactive users: ${unknown.join(', ')}.`,
            unknown.map((u) => ({
              path: `/users/${named.indexOf(u)}`,
              message: `no active user ${u}`,
            })),
          )
        }
      }
      const users = await tx
        .selectFrom('users')
        .select('username')
        .where('active', '=', true)
        .where((eb) =>
          eb.or([
            ...(groups.length
              ? [
                  eb(
                    'id',
                    'in',
                    eb.selectFrom('user_groups').select('user_id').where('group_id', 'in', groups),
                  ),
                ]
              : []),
            ...(roles.length ? [sql<boolean>`roles && ${sql.val(roles)}::text[]`] : []),
            ...(named.length ? [eb('username', 'in', named)] : []),
            sql<boolean>`false`,
          ]),
        )
        .orderBy('username')
        .execute()
      const now = this.deps.now()
      const version = doc.effective_version
      for (const { username } of users) {
        await tx
          .insertInto('sms_document_acks')
          .values({ document_id: id, version, username, notified_at: now, acknowledged_at: null })
          .onConflict((oc) => oc.columns(['document_id', 'version', 'username']).doNothing())
          .execute()
        await this.deps.notifications.enqueue(
          {
            dedupeKey: `sms-document-issued:${id}:${version}:${username}`,
            recipient: username,
            template: Template.SmsDocumentIssued,
            context: {
              caseKind: 'sms-document',
              caseId: id,
              title: doc.title,
              detail: `version ${version}`,
            },
          },
          tx,
        )
      }
      const before = doc.distribution as { groups: string[]; roles: string[]; users?: string[] }
      const distribution = {
        groups: [...new Set([...before.groups, ...groups])],
        roles: [...new Set([...before.roles, ...roles])],
        users: [...new Set([...(before.users ?? []), ...named])],
      }
      await tx
        .updateTable('sms_documents')
        .set({ distribution: JSON.stringify(distribution) })
        .where('id', '=', id)
        .execute()
      const names = users.map((u) => u.username)
      return {
        result: names,
        evidence: {
          actor,
          action: 'sms-document.distributed',
          entityType: 'sms-document',
          entityId: id,
          after: { version, groups, roles, users: named, recipients: names },
        },
      }
    })
    return recipients
  }

  /** The reader confirms they have read the effective version they were sent. */
  async acknowledge(id: string, actor: string) {
    await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const doc = await documentRow(tx, id)
      if (doc.effective_version === null) throw new ConflictError(`${id} has no effective version.`)
      const updated = await tx
        .updateTable('sms_document_acks')
        .set({ acknowledged_at: this.deps.now() })
        .where('document_id', '=', id)
        .where('version', '=', doc.effective_version)
        .where('username', '=', actor)
        .where('acknowledged_at', 'is', null)
        .returning('username')
        .executeTakeFirst()
      if (!updated)
        throw new ConflictError(
          `${actor} has no open acknowledgement of ${id} v${doc.effective_version}.`,
        )
      return {
        result: null,
        evidence: transitionEvidence(actor, 'sms-document.acknowledged', id, doc.effective_version),
      }
    })
  }

  /** 4.3.2 c: the owner reviewed the effective version and it stays as it is; next review planned. */
  async recordReview(id: string, actor: string, note?: string) {
    await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const doc = await documentRow(tx, id, true)
      if (doc.effective_version === null)
        throw new ConflictError(`${id} has no effective version to review.`)
      const next = new Date(this.deps.now().getTime() + doc.review_interval_days * DAY)
      await tx
        .updateTable('sms_documents')
        .set({ next_review_at: next, review_reminded_at: null })
        .where('id', '=', id)
        .execute()
      return {
        result: null,
        evidence: {
          actor,
          action: 'sms-document.reviewed',
          entityType: 'sms-document',
          entityId: id,
          after: {
            version: doc.effective_version,
            nextReviewAt: next.toISOString(),
            ...(note ? { note } : {}),
          },
        },
      }
    })
  }

  /** 4.3.2 c: owners of documents whose review comes within its notice are reminded, once per date. */
  async remindDueReviews(): Promise<string[]> {
    const now = this.deps.now()
    const due = await this.deps.db
      .selectFrom('sms_documents')
      .select('id')
      .where('effective_version', 'is not', null)
      // 4.3.2 c: reminded `review_notice_days` before the review date lapses
      .where(sql<boolean>`next_review_at - make_interval(days => review_notice_days) <= ${now}`)
      .where('review_reminded_at', 'is', null)
      .orderBy('id')
      .execute()
    const reminded: string[] = []
    for (const { id } of due) {
      const done = await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
        const doc = await documentRow(tx, id, true)
        if (doc.review_reminded_at !== null || doc.next_review_at === null)
          return { result: false, evidence: null }
        await tx
          .updateTable('sms_documents')
          .set({ review_reminded_at: now })
          .where('id', '=', id)
          .execute()
        await this.deps.notifications.enqueue(
          {
            dedupeKey: `sms-document-review-due:${id}:${iso(doc.next_review_at)}`,
            recipient: doc.owner,
            template: Template.SmsDocumentReviewDue,
            context: {
              caseKind: 'sms-document',
              caseId: id,
              title: doc.title,
              detail: `due ${iso(doc.next_review_at).slice(0, 10)}`,
            },
          },
          tx,
        )
        return {
          result: true,
          evidence: {
            actor: 'system:sms-review-reminder',
            action: 'sms-document.review-reminded',
            entityType: 'sms-document',
            entityId: id,
            after: { owner: doc.owner, nextReviewAt: iso(doc.next_review_at) },
          },
        }
      })
      if (done) reminded.push(id)
    }
    return reminded
  }
}
