/**
 * The SMS documents register under document control (ISO/IEC 20000-1 4.3.1, 4.3.2): every
 * transition of a version is one transaction with its evidence entry (writeWithEvidence);
 * approval is by someone other than the author (4.3.2 a); every version is kept and fixed once
 * submitted (4.3.2 d); the version an effective one replaces is superseded (4.3.2 h); effective
 * versions are distributed with acknowledgement (4.3.2 b) and reviewed at planned intervals with
 * a reminder to the owner (4.3.2 c); external documents are registered with their source (4.3.2 g).
 */
import { createHash } from 'node:crypto'
import { sql, type Kysely, type Selectable, type Updateable } from 'kysely'
import type { DB, SmsDocumentsTable, SmsDocumentVersionsTable } from '../../db/schema'
import { iso, isoOrNull } from '../../db/timestamps'
import { writeWithEvidence, type AuditSink } from '../../evidence/audit-sink'
import { nextReference } from '../../cases/references'
import { ConflictError, ForbiddenError, NotFoundError, UserError } from '../../errors'
import type { NotificationService } from '../../notifications/notification.service'
import { Template } from '../../notifications/templates'
import {
  defaultClauses,
  planSections,
  VersionStatus,
  type Acknowledgement,
  type DocumentData,
  type DocumentFile,
  type DocumentKind,
  type DocumentVersion,
  type SmsDocument,
} from './document-model'
import { dataKindOf } from './document-schemas'

/** The content of a version as written. */
export interface VersionInput {
  content?: string
  data?: DocumentData
  file?: DocumentFile
  changeSummary?: string
}
export interface CreateDocumentInput extends VersionInput {
  kind: DocumentKind
  title: string
  owner?: string
  clauses?: string[]
  externalSource?: string
  reviewIntervalDays?: number
}
export type UpdateDocumentInput = Partial<
  Pick<CreateDocumentInput, 'title' | 'owner' | 'clauses' | 'externalSource' | 'reviewIntervalDays'>
>

const DAY = 86_400_000
type DocRow = Selectable<SmsDocumentsTable>
type VersionRow = Selectable<SmsDocumentVersionsTable>

const sha256 = (v: VersionInput) =>
  createHash('sha256')
    .update(JSON.stringify([v.content ?? '', v.data ?? null, v.file?.base64 ?? null]))
    .digest('hex')

function toVersion(r: VersionRow): DocumentVersion {
  return {
    version: r.version,
    status: r.status as VersionStatus,
    content: r.content,
    data: (r.data ?? null) as DocumentData | null,
    file: r.file_name ? { name: r.file_name, mediaType: r.file_media_type ?? '' } : null,
    sha256: r.sha256,
    changeSummary: r.change_summary,
    author: r.author,
    createdAt: iso(r.created_at),
    submittedAt: isoOrNull(r.submitted_at),
    approvedBy: r.approved_by,
    approvedAt: isoOrNull(r.approved_at),
    approvalNote: r.approval_note,
    effectiveAt: isoOrNull(r.effective_at),
    withdrawnAt: isoOrNull(r.withdrawn_at),
  }
}

function toDocument(r: DocRow, latest: VersionRow): SmsDocument {
  return {
    id: r.id,
    kind: r.kind as DocumentKind,
    title: r.title,
    owner: r.owner,
    clauses: r.clauses,
    externalSource: r.external_source,
    reviewIntervalDays: r.review_interval_days,
    nextReviewAt: isoOrNull(r.next_review_at),
    distribution: r.distribution as SmsDocument['distribution'],
    effectiveVersion: r.effective_version,
    latest: { version: latest.version, status: latest.status as VersionStatus },
    createdBy: r.created_by,
    createdAt: iso(r.created_at),
  }
}

function checkContent(kind: DocumentKind, v: VersionInput) {
  if (v.data) {
    const dataKind = dataKindOf(v.data)
    if (dataKind !== kind) {
      throw new UserError(
        `Structured ${dataKind} content belongs on a ${dataKind} document, not a ${kind}.`,
      )
    }
  }
}

export class DocumentsService {
  constructor(
    private readonly deps: {
      db: Kysely<DB>
      audit: AuditSink
      notifications: NotificationService
      now: () => Date
    },
  ) {}

  private async row(db: Kysely<DB>, id: string, lock = false): Promise<DocRow> {
    let q = db.selectFrom('sms_documents').selectAll().where('id', '=', id)
    if (lock) q = q.forUpdate()
    const r = await q.executeTakeFirst()
    if (!r) throw new NotFoundError(`No SMS document ${id}.`)
    return r
  }

  private async latest(db: Kysely<DB>, id: string): Promise<VersionRow> {
    return db
      .selectFrom('sms_document_versions')
      .selectAll()
      .where('document_id', '=', id)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow()
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
    for (const d of docs) out.push(toDocument(d, await this.latest(this.deps.db, d.id)))
    return out
  }

  /** One document with every version and who acknowledged the effective one. */
  async get(id: string) {
    const doc = await this.row(this.deps.db, id)
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
      const before = await this.row(tx, id, true)
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
      const doc = await this.row(tx, id, true)
      checkContent(doc.kind as DocumentKind, input)
      const latest = await this.latest(tx, id)
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
          evidence: this.transition(
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
        evidence: this.transition(
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

  private transition(
    actor: string,
    action: string,
    id: string,
    version: number,
    hash?: string,
    note?: string,
  ) {
    return {
      actor,
      action,
      entityType: 'sms-document',
      entityId: id,
      after: { version, ...(hash ? { sha256: hash } : {}), ...(note ? { note } : {}) },
    }
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
      const doc = await this.row(tx, id, true)
      const v = await this.latest(tx, id)
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
        evidence: this.transition(actor, action, id, v.version, v.sha256, note),
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

  /**
   * 4.3.2 b: the effective version goes to the people of the groups and roles concerned; each is
   * notified (in the same transaction) and asked to acknowledge it.
   */
  async distribute(id: string, to: { groups?: string[]; roles?: string[] }, actor: string) {
    const recipients = await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const doc = await this.row(tx, id, true)
      if (doc.effective_version === null)
        throw new ConflictError(`${id} has no effective version to distribute.`)
      const groups = to.groups ?? []
      const roles = to.roles ?? []
      if (groups.length) {
        const known = await tx.selectFrom('groups').select('id').where('id', 'in', groups).execute()
        const unknown = groups.filter((g) => !known.some((k) => k.id === g))
        if (unknown.length) throw new UserError(`Unknown groups: ${unknown.join(', ')}.`)
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
      const distribution = {
        groups: [...new Set([...(doc.distribution as { groups: string[] }).groups, ...groups])],
        roles: [...new Set([...(doc.distribution as { roles: string[] }).roles, ...roles])],
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
          after: { version, groups, roles, recipients: names },
        },
      }
    })
    return { ...(await this.get(id)), recipients }
  }

  /** The reader confirms they have read the effective version they were sent. */
  async acknowledge(id: string, actor: string) {
    await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const doc = await this.row(tx, id)
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
        evidence: this.transition(actor, 'sms-document.acknowledged', id, doc.effective_version),
      }
    })
    return this.get(id)
  }

  /** 4.3.2 c: the owner reviewed the effective version and it stays as it is; next review planned. */
  async recordReview(id: string, actor: string, note?: string) {
    await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const doc = await this.row(tx, id, true)
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
    return this.get(id)
  }

  /** 4.3.2 c: owners of documents whose review is due are reminded, once per due date. */
  async remindDueReviews(): Promise<string[]> {
    const now = this.deps.now()
    const due = await this.deps.db
      .selectFrom('sms_documents')
      .select('id')
      .where('effective_version', 'is not', null)
      .where('next_review_at', '<=', now)
      .where('review_reminded_at', 'is', null)
      .orderBy('id')
      .execute()
    const reminded: string[] = []
    for (const { id } of due) {
      const done = await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
        const doc = await this.row(tx, id, true)
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
