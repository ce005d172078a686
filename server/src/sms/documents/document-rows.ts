/**
 * The stored shape of SMS documents and their versions, and the reads every document service
 * shares (ISO/IEC 20000-1 4.3.2): rows to API objects, a document (locked for a change), its
 * newest version, the content hash, the evidence entry of a transition.
 */
import { createHash } from 'node:crypto'
import type { Kysely, Selectable } from 'kysely'
import type { DB, SmsDocumentsTable, SmsDocumentVersionsTable } from '../../db/schema'
import { iso, isoOrNull } from '../../db/timestamps'
import type { EvidenceInput } from '../../evidence/audit-sink'
import { NotFoundError, UserError } from '../../errors'
import type {
  DocumentData,
  DocumentFile,
  DocumentKind,
  DocumentVersion,
  SmsDocument,
  VersionStatus,
} from './document-model'
import { dataKindOf } from './document-schemas'
import { calendarErrors } from '../../cases/service-calendar'

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
  reviewNoticeDays?: number
  /** What a controlled document controls (controlled-model.ts). */
  subject?: string
}
export type UpdateDocumentInput = Partial<
  Pick<
    CreateDocumentInput,
    'title' | 'owner' | 'clauses' | 'externalSource' | 'reviewIntervalDays' | 'reviewNoticeDays'
  >
>

/** A day in ms. */
export const DAY = 86_400_000
export type DocRow = Selectable<SmsDocumentsTable>
export type VersionRow = Selectable<SmsDocumentVersionsTable>

/** The SHA-256 of a version's content, data and file. */
export const sha256 = (v: VersionInput) =>
  createHash('sha256')
    .update(JSON.stringify([v.content ?? '', v.data ?? null, v.file?.base64 ?? null]))
    .digest('hex')

export function toVersion(r: VersionRow): DocumentVersion {
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
    effectiveFrom: isoOrNull(r.effective_from),
  }
}

export function toDocument(r: DocRow, latest: Pick<VersionRow, 'version' | 'status'>): SmsDocument {
  return {
    id: r.id,
    kind: r.kind as DocumentKind,
    title: r.title,
    owner: r.owner,
    clauses: r.clauses,
    externalSource: r.external_source,
    reviewIntervalDays: r.review_interval_days,
    nextReviewAt: isoOrNull(r.next_review_at),
    distribution: {
      users: [],
      ...(r.distribution as Partial<SmsDocument['distribution']>),
    } as SmsDocument['distribution'],
    effectiveVersion: r.effective_version,
    subject: r.subject,
    reviewNoticeDays: r.review_notice_days,
    latest: { version: latest.version, status: latest.status as VersionStatus },
    createdBy: r.created_by,
    createdAt: iso(r.created_at),
  }
}

/** Structured content belongs to its kind: objectives only on an objectives document. */
export function checkContent(kind: DocumentKind, v: VersionInput) {
  if (v.data) {
    const dataKind = dataKindOf(v.data)
    if (dataKind !== kind) {
      throw new UserError(
        `Structured ${dataKind} content belongs on a ${dataKind} document, not a ${kind}.`,
      )
    }
    // 6.1: an SLA's service calendar must be one the clock can run in
    const calendar = calendarErrors((v.data as { calendar?: unknown }).calendar, '/data/calendar')
    if (dataKind === 'sla' && calendar.length) {
      throw new UserError('The service calendar of the SLA is invalid.', calendar)
    }
  }
}

/** A document's row; `lock` takes it for update (one transition at a time). */
export async function documentRow(db: Kysely<DB>, id: string, lock = false): Promise<DocRow> {
  let q = db.selectFrom('sms_documents').selectAll().where('id', '=', id)
  if (lock) q = q.forUpdate()
  const r = await q.executeTakeFirst()
  if (!r) throw new NotFoundError(`No SMS document ${id}.`)
  return r
}

/** The newest version of a document. */
export async function latestVersion(db: Kysely<DB>, id: string): Promise<VersionRow> {
  return db
    .selectFrom('sms_document_versions')
    .selectAll()
    .where('document_id', '=', id)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow()
}

/** The evidence entry of a version's transition. */
export function transitionEvidence(
  actor: string,
  action: string,
  id: string,
  version: number,
  hash?: string,
  note?: string,
): EvidenceInput {
  return {
    actor,
    action,
    entityType: 'sms-document',
    entityId: id,
    after: { version, ...(hash ? { sha256: hash } : {}), ...(note ? { note } : {}) },
  }
}
