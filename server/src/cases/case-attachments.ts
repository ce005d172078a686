/**
 * Attachments of records (bytea, with a size limit): stored with their evidence entry in one
 * transaction (4.3.3), downloaded by whoever may read the record.
 */
import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { ForbiddenError, NotFoundError, UserError } from '../errors'
import { writeWithEvidence, type AuditSink } from '../evidence/audit-sink'
import { canComment, type Actor } from './access'
import { scopeOf, toAttachment, type AttachmentInfo } from './case-record'
import { readableRow } from './case-rows'
import { kindSpecs, type CaseKind } from './kinds'

export class CaseAttachments {
  constructor(
    private readonly deps: { db: Kysely<DB>; audit: AuditSink },
    /** The largest attachment accepted, in bytes. */
    readonly maxBytes: number,
  ) {}

  /** Stores an attachment (bytea) after checking the size limit. */
  async attach(
    kind: CaseKind,
    id: string,
    file: { name: string; contentType: string; content: Uint8Array },
    actor: Actor,
  ): Promise<AttachmentInfo> {
    const spec = kindSpecs[kind]
    if (file.content.byteLength > this.maxBytes) {
      throw new UserError(`The attachment is larger than ${this.maxBytes} bytes.`, [
        { path: '/contentBase64', message: `must be at most ${this.maxBytes} bytes` },
      ])
    }
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const row = await readableRow(spec, id, actor, tx, true)
      if (!canComment(actor, kind, scopeOf(spec, row))) {
        throw new ForbiddenError(`You may not attach files to ${id}.`)
      }
      const inserted = await tx
        .insertInto('case_attachments')
        .values({
          case_kind: kind,
          case_id: id,
          name: file.name,
          content_type: file.contentType,
          size: file.content.byteLength,
          sha256: createHash('sha256').update(file.content).digest('hex'),
          content: file.content,
          uploaded_by: actor.username,
        })
        .returning(['id', 'name', 'content_type', 'size', 'sha256', 'uploaded_by', 'created_at'])
        .executeTakeFirstOrThrow()
      const info = toAttachment(inserted)
      return {
        result: info,
        evidence: {
          actor: actor.username,
          action: 'attachment.added',
          entityType: kind,
          entityId: id,
          after: info,
        },
      }
    })
  }

  /** The content of one attachment of a record the actor may read. */
  async download(
    kind: CaseKind,
    id: string,
    attachmentId: number,
    actor: Actor,
  ): Promise<{ name: string; contentType: string; content: Buffer }> {
    await readableRow(kindSpecs[kind], id, actor, this.deps.db)
    const row = await this.deps.db
      .selectFrom('case_attachments')
      .select(['name', 'content_type', 'content'])
      .where('id', '=', attachmentId)
      .where('case_kind', '=', kind)
      .where('case_id', '=', id)
      .executeTakeFirst()
    if (!row) throw new NotFoundError(`No attachment ${attachmentId} on ${id}.`)
    return { name: row.name, contentType: row.content_type, content: Buffer.from(row.content) }
  }
}
