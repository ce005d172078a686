/**
 * The life of a version under document control (ISO/IEC 20000-1 4.3.2 a, d, h): submitted (its
 * content fixed), approved by someone other than its author with the date it takes effect,
 * rejected, made effective from that date (the previous version superseded, the people concerned
 * told), withdrawn. Each transition is one transaction with its evidence entry.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema'
import { iso } from '../../db/timestamps'
import { writeWithEvidence, type AuditSink } from '../../evidence/audit-sink'
import { ConflictError, ForbiddenError, UserError } from '../../errors'
import { planSections, VersionStatus } from './document-model'
import type { DocumentCirculation } from './document-circulation'
import { syncRecordOnEffect } from './controlled-issue'
import { noticeToCustomers } from './customer-notice'
import type { NotificationService } from '../../notifications/notification.service'
import {
  DAY,
  documentRow,
  latestVersion,
  transitionEvidence,
  type DocRow,
  type VersionRow,
} from './document-rows'

/** A decision document changes through its DMN drafts (diagram control), never here. */
export function refuseDecision(doc: DocRow) {
  if (doc.kind === 'decision') {
    throw new ConflictError(
      `${doc.id} is the decision ${doc.subject ?? ''}: draft it in the decision modeler (POST /api/process-drafts with kind decision); its approved deployment is its next version.`,
    )
  }
}

export class DocumentTransitions {
  constructor(
    private readonly deps: {
      db: Kysely<DB>
      audit: AuditSink
      notifications: NotificationService
      now: () => Date
    },
    private readonly circulation: DocumentCirculation,
  ) {}

  /** Moves the newest version from one status to the next, checking who may. */
  private async move(
    id: string,
    actor: string,
    from: VersionStatus,
    to: VersionStatus,
    action: string,
    extra: (tx: Kysely<DB>, doc: DocRow, v: VersionRow) => Promise<Record<string, unknown>>,
    note?: string,
  ) {
    await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const doc = await documentRow(tx, id, true)
      refuseDecision(doc)
      const v = await latestVersion(tx, id)
      if (v.status !== from) {
        throw new ConflictError(`${id} v${v.version} is ${v.status}, not ${from}.`)
      }
      const set = await extra(tx, doc, v)
      await tx
        .updateTable('sms_document_versions')
        .set({ status: to, ...set })
        .where('document_id', '=', id)
        .where('version', '=', v.version)
        .execute()
      return {
        result: null,
        evidence: transitionEvidence(actor, action, id, v.version, v.sha256, note),
      }
    })
  }

  /** Draft → review; from here the version's content is fixed (4.3.2 d). */
  submit(id: string, actor: string) {
    return this.move(
      id,
      actor,
      VersionStatus.Draft,
      VersionStatus.InReview,
      'sms-document.submitted',
      async (_tx, doc, v) => {
        if (!v.content.trim() && !v.data && !v.file_name) {
          throw new UserError('An empty version cannot be submitted: write it or upload a file.')
        }
        if (doc.kind === 'plan') {
          const sections = (v.data as { sections?: Record<string, string> } | null)?.sections ?? {}
          const missing = Object.keys(planSections).filter((k) => !sections[k]?.trim())
          if (missing.length) {
            throw new UserError(`The service management plan lacks 4.5.2 ${missing.join(', ')}.`)
          }
        }
        return { submitted_at: this.deps.now() }
      },
    )
  }

  /** 4.3.2 a: approved by someone other than its author. */
  approve(id: string, actor: string, note?: string, effectiveFrom?: string) {
    return this.move(
      id,
      actor,
      VersionStatus.InReview,
      VersionStatus.Approved,
      'sms-document.approved',
      async (_tx, _doc, v) => {
        if (v.author === actor) {
          throw new ForbiddenError(
            `${actor} wrote v${v.version}: someone else approves it (4.3.2 a).`,
          )
        }
        const now = this.deps.now()
        const from = effectiveFrom ? new Date(effectiveFrom) : now
        return {
          approved_by: actor,
          approved_at: now,
          approval_note: note ?? null,
          // the product uses the version from this date on (never before its approval)
          effective_from: from > now ? from : now,
        }
      },
      note,
    )
  }

  /** The reviewer sends it back: the version stays as submitted, marked rejected. */
  reject(id: string, actor: string, note?: string) {
    return this.move(
      id,
      actor,
      VersionStatus.InReview,
      VersionStatus.Rejected,
      'sms-document.rejected',
      async (_tx, _doc, v) => {
        if (v.author === actor)
          throw new ForbiddenError('The author does not review their own version.')
        return { approval_note: note ?? null }
      },
      note,
    )
  }

  /**
   * Approved → effective from its effective date; the version it replaces is superseded
   * (4.3.2 h); its review is planned; the people concerned are notified and asked to acknowledge.
   */
  async makeEffective(id: string, actor: string, { notify = true }: { notify?: boolean } = {}) {
    await this.move(
      id,
      actor,
      VersionStatus.Approved,
      VersionStatus.Effective,
      'sms-document.effective',
      async (tx, doc, v) => {
        const now = this.deps.now()
        if (v.effective_from && new Date(v.effective_from) > now) {
          throw new ConflictError(
            `${id} v${v.version} takes effect on ${iso(v.effective_from)}, not before.`,
          )
        }
        if (doc.effective_version !== null) {
          await tx
            .updateTable('sms_document_versions')
            .set({ status: VersionStatus.Superseded, withdrawn_at: now })
            .where('document_id', '=', id)
            .where('version', '=', doc.effective_version)
            .execute()
        }
        await tx
          .updateTable('sms_documents')
          .set({
            effective_version: v.version,
            next_review_at: new Date(now.getTime() + doc.review_interval_days * DAY),
            review_reminded_at: null,
          })
          .where('id', '=', id)
          .execute()
        await syncRecordOnEffect(tx, this.deps.audit, doc, v, actor)
        // 7.1, 6.1: the customers of the services whose terms change are told, in this transaction
        if (notify) {
          const from = v.effective_from ? new Date(v.effective_from) : now
          await noticeToCustomers(tx, this.deps, doc, v, actor, from)
        }
        return { effective_at: now }
      },
    )
    const doc = await documentRow(this.deps.db, id)
    const to = doc.distribution as { groups: string[]; roles: string[]; users?: string[] }
    if (notify && (to.groups.length || to.roles.length || to.users?.length)) {
      await this.circulation.distribute(id, to, actor)
    }
  }

  /**
   * Approved versions whose effective date has come become effective (the sweep beside the
   * review reminders); returns the documents changed. The product already uses such a version
   * from its date (controlled-documents.ts): this records it and tells the people concerned.
   */
  async applyDueVersions(): Promise<string[]> {
    const due = await this.deps.db
      .selectFrom('sms_document_versions')
      .select('document_id')
      .where('status', '=', VersionStatus.Approved)
      .where('effective_from', '<=', this.deps.now())
      .orderBy('document_id')
      .execute()
    const done: string[] = []
    for (const { document_id: id } of due) {
      try {
        await this.makeEffective(id, 'system:document-control')
        done.push(id)
      } catch (err) {
        // a person made it effective in between: nothing left to do
        if (!(err instanceof ConflictError)) throw err
      }
    }
    return done
  }

  /** An effective version withdrawn without a successor (4.3.2 h: unintended use prevented). */
  withdraw(id: string, actor: string, note?: string) {
    return this.move(
      id,
      actor,
      VersionStatus.Effective,
      VersionStatus.Withdrawn,
      'sms-document.withdrawn',
      async (tx) => {
        await tx
          .updateTable('sms_documents')
          .set({ effective_version: null, next_review_at: null })
          .where('id', '=', id)
          .execute()
        return { withdrawn_at: this.deps.now() }
      },
      note,
    )
  }
}
