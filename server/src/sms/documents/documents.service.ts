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
  VersionStatus,
  type Acknowledgement,
  type DocumentFile,
  type DocumentKind,
  type DocumentVersion,
  type SmsDocument,
} from './document-model'
import { DocumentCirculation } from './document-circulation'
import { DocumentTransitions, refuseDecision } from './document-transitions'
import {
  checkDataSubject,
  checkSubject,
  concernedGroups,
  decisionVersions,
} from './controlled-documents'
import { diffData, diffLines } from './version-compare'
import {
  checkContent,
  documentRow,
  latestVersion,
  sha256,
  toDocument,
  toVersion,
  transitionEvidence,
  type CreateDocumentInput,
  type DocRow,
  type UpdateDocumentInput,
  type VersionInput,
} from './document-rows'

export type { CreateDocumentInput, UpdateDocumentInput, VersionInput } from './document-rows'

export class DocumentsService {
  private readonly circulation: DocumentCirculation
  private readonly transitions: DocumentTransitions

  constructor(
    private readonly deps: {
      db: Kysely<DB>
      audit: AuditSink
      notifications: NotificationService
      now: () => Date
    },
  ) {
    this.circulation = new DocumentCirculation(deps)
    this.transitions = new DocumentTransitions(deps, this.circulation)
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
    for (const d of docs) out.push(toDocument(d, await this.latestOf(d)))
    return out
  }

  /** The newest version; a decision document's is its newest DMN deployment. */
  private async latestOf(d: DocRow): Promise<{ version: number; status: string }> {
    if (d.kind !== 'decision') return latestVersion(this.deps.db, d.id)
    const [v] = await decisionVersions(this.deps.db, d.subject ?? '')
    return v ? { version: v.version, status: v.status } : { version: 0, status: 'draft' }
  }

  /** A decision document's versions as document versions (read from its DMN, not copied). */
  private async decisionDocumentVersions(d: DocRow): Promise<DocumentVersion[]> {
    return (await decisionVersions(this.deps.db, d.subject ?? '')).map((v) => ({
      version: v.version,
      status: v.status,
      content: '',
      data: null,
      file: null,
      sha256: v.checksum,
      changeSummary: v.draftId ? `DMN draft ${v.draftId}` : 'deployed with the procedures',
      author: v.deployedBy,
      createdAt: v.effectiveAt,
      submittedAt: null,
      approvedBy: v.approvedBy,
      approvedAt: null,
      approvalNote: null,
      effectiveAt: v.effectiveAt,
      withdrawnAt: null,
      effectiveFrom: v.effectiveAt,
    }))
  }

  /** One document with every version and who acknowledged the effective one. */
  async get(id: string) {
    const doc = await documentRow(this.deps.db, id)
    const versions = (
      await this.deps.db
        .selectFrom('sms_document_versions')
        .selectAll()
        .where('document_id', '=', id)
        .orderBy('version', 'desc')
        .execute()
    ).map(toVersion)
    if (doc.kind === 'decision') versions.push(...(await this.decisionDocumentVersions(doc)))
    const latest = versions[0] ?? { version: 0, status: VersionStatus.Draft }
    const acks = await this.deps.db
      .selectFrom('sms_document_acks')
      .selectAll()
      .where('document_id', '=', id)
      .orderBy('version', 'desc')
      .orderBy('username')
      .execute()
    return {
      ...toDocument(doc, latest),
      versions,
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
      await checkSubject(tx, input.kind, input.subject, input)
      if (input.subject) {
        const taken = await tx
          .selectFrom('sms_documents')
          .select('id')
          .where('subject', '=', input.subject)
          .executeTakeFirst()
        if (taken) throw new ConflictError(`${taken.id} already controls ${input.subject}.`)
      }
      const groups = await concernedGroups(tx, input.kind, input.subject ?? null)
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
          distribution: JSON.stringify({ groups, roles: [], users: [] }),
          effective_version: null,
          created_by: actor,
          created_at: this.deps.now(),
          subject: input.subject ?? null,
          ...(input.reviewNoticeDays !== undefined
            ? { review_notice_days: input.reviewNoticeDays }
            : {}),
        })
        .execute()
      // a decision's versions are its DMN deployments (changed through DMN drafts)
      if (input.kind !== 'decision') await this.insertVersion(tx, id, 1, input, actor)
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
            subject: input.subject ?? null,
            version: input.kind === 'decision' ? null : 1,
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
      if (input.reviewNoticeDays !== undefined) set.review_notice_days = input.reviewNoticeDays
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
      refuseDecision(doc)
      checkContent(doc.kind as DocumentKind, input)
      checkDataSubject(doc.kind, doc.subject, input)
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

  /** Draft → review; from here the version's content is fixed (4.3.2 d). */
  async submit(id: string, actor: string) {
    await this.transitions.submit(id, actor)
    return this.get(id)
  }

  /** 4.3.2 a: approved by someone other than its author; in force from `effectiveFrom`. */
  async approve(id: string, actor: string, note?: string, effectiveFrom?: string) {
    await this.transitions.approve(id, actor, note, effectiveFrom)
    return this.get(id)
  }

  /** The reviewer sends it back: the version stays as submitted, marked rejected. */
  async reject(id: string, actor: string, note?: string) {
    await this.transitions.reject(id, actor, note)
    return this.get(id)
  }

  /** Approved → effective from its effective date; the previous version superseded (4.3.2 h). */
  async makeEffective(id: string, actor: string, options: { notify?: boolean } = {}) {
    await this.transitions.makeEffective(id, actor, options)
    return this.get(id)
  }

  /** An effective version withdrawn without a successor (4.3.2 h). */
  async withdraw(id: string, actor: string, note?: string) {
    await this.transitions.withdraw(id, actor, note)
    return this.get(id)
  }

  /** Approved versions whose effective date has come become effective; the documents changed. */
  applyDueVersions(): Promise<string[]> {
    return this.transitions.applyDueVersions()
  }

  /** 4.3.2 e: what changed between two versions, line by line and value by value. */
  async compare(id: string, from: number, to: number) {
    const doc = await this.get(id)
    const a = doc.versions.find((v) => v.version === from)
    const b = doc.versions.find((v) => v.version === to)
    if (!a || !b) throw new NotFoundError(`${id} has no version ${!a ? from : to}.`)
    return {
      id,
      from: { version: a.version, status: a.status, sha256: a.sha256 },
      to: { version: b.version, status: b.status, sha256: b.sha256 },
      content: diffLines(a.content, b.content),
      data: diffData(a.data, b.data),
    }
  }

  /** 4.3.2 b: distribute the effective version; returns the document and who it went to. */
  async distribute(
    id: string,
    to: { groups?: string[]; roles?: string[]; users?: string[] },
    actor: string,
  ) {
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
