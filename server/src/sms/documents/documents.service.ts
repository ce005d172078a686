/**
 * The SMS documents register under document control (ISO/IEC 20000-1 4.3.1, 4.3.2): every
 * transition of a version is one transaction with its evidence entry (writeWithEvidence);
 * approval is by someone other than the author (4.3.2 a); every version is kept and fixed once
 * submitted (4.3.2 d); the version an effective one replaces is superseded (4.3.2 h); effective
 * versions are distributed with acknowledgement (4.3.2 b) and reviewed at planned intervals with
 * a reminder to the owner (4.3.2 c); external documents are registered with their source (4.3.2 g).
 */
import { sql, type Kysely, type Updateable } from 'kysely'
import type { DB, SmsDocumentsTable } from '../../db/schema'
import { iso, isoOrNull } from '../../db/timestamps'
import { writeWithEvidence, type AuditSink } from '../../evidence/audit-sink'
import { nextReference } from '../../cases/references'
import { ConflictError, ForbiddenError, NotFoundError, UserError } from '../../errors'
import type { NotificationService } from '../../notifications/notification.service'
import {
  defaultClauses,
  planSections,
  VersionStatus,
  type Acknowledgement,
  type DocumentFile,
  type DocumentKind,
  type SmsDocument,
} from './document-model'
import { DocumentCirculation } from './document-circulation'
import {
  checkContent,
  documentRow,
  latestVersion,
  sha256,
  toDocument,
  toVersion,
  transitionEvidence,
  DAY,
  type CreateDocumentInput,
  type DocRow,
  type VersionRow,
  type UpdateDocumentInput,
  type VersionInput,
} from './document-rows'

export type { CreateDocumentInput, UpdateDocumentInput, VersionInput } from './document-rows'

export class DocumentsService {
  private readonly circulation: DocumentCirculation

  constructor(
    private readonly deps: {
      db: Kysely<DB>
      audit: AuditSink
      notifications: NotificationService
      now: () => Date
    },
  ) {
    this.circulation = new DocumentCirculation(deps)
  }

  /** The register, optionally only the documents answering a clause (4.3.1) or of one kind. */
  async list(filter: { clause?: string; kind?: string } = {}): Promise<SmsDocument[]> {
    let q = this.deps.db.selectFrom('sms_documents').selectAll().orderBy('id')
    // a clause finds the documents of its sub-clauses too: 4.5 finds 4.5.1 and 4.5.2 j
    if (filter.clause) {
      const c = filter.clause
      q = q.where(
        sql<boolean>`exists (select 1 from unnest(clauses) x where x = ${c} or x like ${`${c}.%`} or x like ${`${c} %`})`,
      )
    }
    if (filter.kind) q = q.where('kind', '=', filter.kind)
    const docs = await q.execute()
    const out: SmsDocument[] = []
    for (const d of docs) out.push(toDocument(d, await latestVersion(this.deps.db, d.id)))
    return out
  }

  /** One document with every version and who acknowledged the effective one. */
  async get(id: string) {
    const doc = await documentRow(this.deps.db, id)
    const versions = await this.deps.db
      .selectFrom('sms_document_versions')
      .selectAll()
      .where('document_id', '=', id)
      .orderBy('version', 'desc')
      .execute()
    const acks = await this.deps.db
      .selectFrom('sms_document_acks')
      .selectAll()
      .where('document_id', '=', id)
      .orderBy('version', 'desc')
      .orderBy('username')
      .execute()
    return {
      ...toDocument(doc, versions[0]!),
      versions: versions.map(toVersion),
      acknowledgements: acks.map((a): Acknowledgement => ({
        username: a.username,
        version: a.version,
        notifiedAt: iso(a.notified_at),
        acknowledgedAt: isoOrNull(a.acknowledged_at),
      })),
    }
  }

  /** An uploaded file of a version. */
  async file(id: string, version: number): Promise<DocumentFile> {
    const v = await this.deps.db
      .selectFrom('sms_document_versions')
      .select(['file_name', 'file_media_type', 'file_base64'])
      .where('document_id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst()
    if (!v?.file_name || !v.file_base64) throw new NotFoundError(`${id} v${version} has no file.`)
    return {
      name: v.file_name,
      mediaType: v.file_media_type ?? 'application/octet-stream',
      base64: v.file_base64,
    }
  }

  async create(input: CreateDocumentInput, actor: string) {
    checkContent(input.kind, input)
    if (input.kind === 'external' && !input.externalSource) {
      throw new UserError('An external document names its source (4.3.2 g).')
    }
    const id = await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const id = await nextReference(tx, 'DOC')
      const clauses = [...new Set([...defaultClauses[input.kind], ...(input.clauses ?? [])])]
      await tx
        .insertInto('sms_documents')
        .values({
          id,
          kind: input.kind,
          title: input.title,
          owner: input.owner ?? actor,
          clauses,
          external_source: input.externalSource ?? null,
          review_interval_days: input.reviewIntervalDays ?? 365,
          next_review_at: null,
          review_reminded_at: null,
          distribution: JSON.stringify({ groups: [], roles: [] }),
          effective_version: null,
          created_by: actor,
          created_at: this.deps.now(),
        })
        .execute()
      await this.insertVersion(tx, id, 1, input, actor)
      return {
        result: id,
        evidence: {
          actor,
          action: 'sms-document.created',
          entityType: 'sms-document',
          entityId: id,
          after: {
            kind: input.kind,
            title: input.title,
            clauses,
            version: 1,
            sha256: sha256(input),
          },
        },
      }
    })
    return this.get(id)
  }

  private async insertVersion(
    tx: Kysely<DB>,
    id: string,
    version: number,
    v: VersionInput,
    actor: string,
  ) {
    await tx
      .insertInto('sms_document_versions')
      .values({
        document_id: id,
        version,
        status: VersionStatus.Draft,
        content: v.content ?? '',
        data: v.data ? JSON.stringify(v.data) : null,
        file_name: v.file?.name ?? null,
        file_media_type: v.file?.mediaType ?? null,
        file_base64: v.file?.base64 ?? null,
        sha256: sha256(v),
        change_summary: v.changeSummary ?? '',
        author: actor,
        created_at: this.deps.now(),
      })
      .execute()
  }

  /** Register data (title, owner, clauses, review interval): not content, so no new version. */
  async update(id: string, input: UpdateDocumentInput, actor: string) {
    await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const before = await documentRow(tx, id, true)
      const set: Updateable<SmsDocumentsTable> = {}
      if (input.title !== undefined) set.title = input.title
      if (input.owner !== undefined) set.owner = input.owner
      if (input.clauses !== undefined) set.clauses = input.clauses
      if (input.externalSource !== undefined) set.external_source = input.externalSource
      if (input.reviewIntervalDays !== undefined)
        set.review_interval_days = input.reviewIntervalDays
      if (!Object.keys(set).length) return { result: null, evidence: null }
      await tx.updateTable('sms_documents').set(set).where('id', '=', id).execute()
      return {
        result: null,
        evidence: {
          actor,
          action: 'sms-document.updated',
          entityType: 'sms-document',
          entityId: id,
          before,
          after: set,
        },
      }
    })
    return this.get(id)
  }

  /** Edits the draft (its author only) or starts a new draft after the last version was issued. */
  async writeDraft(id: string, input: VersionInput, actor: string) {
    await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const doc = await documentRow(tx, id, true)
      checkContent(doc.kind as DocumentKind, input)
      const latest = await latestVersion(tx, id)
      if (latest.status === VersionStatus.Draft) {
        if (latest.author !== actor) {
          throw new ForbiddenError(`Draft v${latest.version} is ${latest.author}'s to edit.`)
        }
        await tx
          .updateTable('sms_document_versions')
          .set({
            content: input.content ?? '',
            data: input.data ? JSON.stringify(input.data) : null,
            file_name: input.file?.name ?? null,
            file_media_type: input.file?.mediaType ?? null,
            file_base64: input.file?.base64 ?? null,
            sha256: sha256(input),
            change_summary: input.changeSummary ?? '',
          })
          .where('document_id', '=', id)
          .where('version', '=', latest.version)
          .execute()
        return {
          result: null,
          evidence: transitionEvidence(
            actor,
            'sms-document.draft-updated',
            id,
            latest.version,
            sha256(input),
          ),
        }
      }
      if (latest.status === VersionStatus.InReview || latest.status === VersionStatus.Approved) {
        throw new ConflictError(
          `v${latest.version} is ${latest.status}: it is not changed any more.`,
        )
      }
      const version = latest.version + 1
      await this.insertVersion(tx, id, version, input, actor)
      return {
        result: null,
        evidence: transitionEvidence(
          actor,
          'sms-document.version-drafted',
          id,
          version,
          sha256(input),
        ),
      }
    })
    return this.get(id)
  }

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
    return this.get(id)
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
  approve(id: string, actor: string, note?: string) {
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
        return { approved_by: actor, approved_at: this.deps.now(), approval_note: note ?? null }
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

  /** Approved → effective; the version it replaces is superseded (4.3.2 h); its review is planned. */
  makeEffective(id: string, actor: string) {
    return this.move(
      id,
      actor,
      VersionStatus.Approved,
      VersionStatus.Effective,
      'sms-document.effective',
      async (tx, doc, v) => {
        const now = this.deps.now()
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
        return { effective_at: now }
      },
    )
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

  /** 4.3.2 b: distribute the effective version; returns the document and who it went to. */
  async distribute(id: string, to: { groups?: string[]; roles?: string[] }, actor: string) {
    const recipients = await this.circulation.distribute(id, to, actor)
    return { ...(await this.get(id)), recipients }
  }

  /** 4.3.2 b: the reader acknowledges the effective version sent to them. */
  async acknowledge(id: string, actor: string) {
    await this.circulation.acknowledge(id, actor)
    return this.get(id)
  }

  /** 4.3.2 c: the planned review done, the document unchanged; the next review planned. */
  async recordReview(id: string, actor: string, note?: string) {
    await this.circulation.recordReview(id, actor, note)
    return this.get(id)
  }

  /** 4.3.2 c: remind owners of due reviews; returns the documents reminded. */
  remindDueReviews(): Promise<string[]> {
    return this.circulation.remindDueReviews()
  }
}
