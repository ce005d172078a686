/**
 * How the two doors to a controlled record meet (ISO/IEC 20000-1 4.3.2, 6.1, 9.2):
 *
 * - **Document door** (the register): a draft of the SLA or contract document, approved by
 *   someone other than its author, takes effect on its effective date; `syncRecordOnEffect` then
 *   writes its content onto the record in the same transaction (an SLA's targets and calendar; a
 *   contract's service targets and the version they come from), so the record shows what is in
 *   force.
 * - **Change door** (an RFC's record edit, `change-record-edits.ts`): when the change's
 *   implementation applies an edit of an SLA's targets or service calendar and the SLA has a
 *   controlled document,
 *   `issueFromChange` writes the new version of that document in the same transaction —
 *   approved by the change (`approvedBy: change:CHG-…`, the CAB's approval), effective now — so
 *   the register keeps every version whichever door was used. A draft still open in the register
 *   is overtaken (rejected with a note naming the change): its author drafts again from the new
 *   version. A change editing a supplier contract's service targets does the same for the
 *   contract's document (`issueContractFromChange`, 7.2).
 */
import { sql, type Kysely } from 'kysely'
import type { DB } from '../../db/schema'
import type { AuditSink } from '../../evidence/audit-sink'
import type { ServiceCalendar } from '../../cases/service-calendar'
import type { ContractDocumentData, SlaDocumentData } from './controlled-model'
import { VersionStatus } from './document-model'
import { DAY, sha256, type DocRow, type VersionRow } from './document-rows'

/**
 * The record a controlled document governs takes the content of the version that takes effect,
 * in the transaction that makes it effective: an SLA its targets (and service calendar), a
 * supplier contract its targets and the version they come from.
 */
export async function syncRecordOnEffect(
  tx: Kysely<DB>,
  audit: AuditSink,
  doc: DocRow,
  v: VersionRow,
  actor: string,
): Promise<void> {
  if (!doc.subject || !v.data) return
  if (doc.kind === 'contract') {
    const { targets } = v.data as unknown as ContractDocumentData
    await writeContractInForce(tx, audit, {
      contractId: doc.subject.slice('contract:'.length),
      documentId: doc.id,
      version: v.version,
      targets,
      actor,
    })
    return
  }
  if (doc.kind !== 'sla') return
  const slaId = doc.subject.slice('sla:'.length)
  const { targets, calendar } = v.data as unknown as SlaDocumentData
  // 6.1: the service calendar the targets count in travels with them when the version names one
  const content = calendar ? { targets, calendar } : { targets }
  await sql`update slas set data = data || ${JSON.stringify(content)}::jsonb,
    version = version + 1, updated_at = now() where id = ${slaId}`.execute(tx)
  await audit.append(
    {
      actor,
      action: 'sla.targets-in-force',
      entityType: 'sla',
      entityId: slaId,
      after: { ...content, document: doc.id, version: v.version },
    },
    tx,
  )
}

/**
 * A change's implementation edits an SLA's targets or its service calendar (6.1: the calendar is
 * part of what the SLA agrees, the hours its targets count in): the SLA document (if any) gets a
 * new version, approved by the change and effective now, in the change's transaction. What the
 * edit leaves out is kept from the version in force; a calendar set to null is removed (the
 * targets run around the clock). Returns the version, or undefined when the SLA has no
 * controlled document or the edit changes neither targets nor calendar.
 */
export async function issueFromChange(
  tx: Kysely<DB>,
  audit: AuditSink,
  input: {
    slaId: string
    targets?: unknown
    calendar?: unknown
    changeId: string
    actor: string
    now: Date
  },
): Promise<number | undefined> {
  const targets =
    input.targets && typeof input.targets === 'object'
      ? (input.targets as SlaDocumentData['targets'])
      : undefined
  if (!targets && input.calendar === undefined) return undefined
  const issued = await issueVersionFromChange(tx, audit, {
    subject: `sla:${input.slaId}`,
    next: (base) => {
      const { calendar: kept, ...rest } = (base ?? {
        slaId: input.slaId,
        targets: {},
      }) as unknown as SlaDocumentData
      const calendar =
        input.calendar === undefined ? kept : ((input.calendar ?? undefined) as ServiceCalendar)
      return {
        ...rest,
        slaId: input.slaId,
        targets: targets ?? rest.targets,
        ...(calendar ? { calendar } : {}),
      }
    },
    summary: [
      targets ? 'Targets' : '',
      input.calendar !== undefined ? (targets ? 'service calendar' : 'Service calendar') : '',
    ]
      .filter(Boolean)
      .join(' and ')
      .concat(` changed by ${input.changeId}`),
    changeId: input.changeId,
    actor: input.actor,
    now: input.now,
  })
  return issued?.version
}

/**
 * 7.2, 4.3.2: the contract record shows what its document's version in force agrees: its service
 * targets become the version's (measure = the target's name, with the agreed number and
 * direction) and it names that version (`document_id`, `document_version`, migration 1140).
 * Evidence `contract.targets-in-force` with the record before and after.
 */
async function writeContractInForce(
  tx: Kysely<DB>,
  audit: AuditSink,
  input: {
    contractId: string
    documentId: string
    version: number
    targets: ContractDocumentData['targets']
    actor: string
  },
): Promise<void> {
  const before = await sql<Record<string, unknown>>`
    select * from contracts where id = ${input.contractId} for update`.execute(tx)
  if (!before.rows[0]) return
  const serviceTargets = (Array.isArray(input.targets) ? input.targets : []).map((t) => ({
    measure: t.name,
    target: t.target,
    direction: t.direction,
  }))
  const after = await sql<Record<string, unknown>>`
    update contracts set
      data = jsonb_set(data, '{serviceTargets}', ${JSON.stringify(serviceTargets)}::jsonb),
      document_id = ${input.documentId}, document_version = ${input.version},
      version = version + 1, updated_at = now()
    where id = ${input.contractId} returning *`.execute(tx)
  await audit.append(
    {
      actor: input.actor,
      action: 'contract.targets-in-force',
      entityType: 'contract',
      entityId: input.contractId,
      before: before.rows[0],
      after: { ...after.rows[0], document: input.documentId, documentVersion: input.version },
    },
    tx,
  )
}

/** A contract's service targets as its record holds them (`data.serviceTargets[]`). */
interface RecordTarget {
  measure?: unknown
  target?: unknown
  direction?: unknown
}

/**
 * A contract record's service targets as the contract document states them: the measure's name,
 * the agreed number, the unit (what the measure's name says in brackets) and the direction.
 * Targets that are no number with a direction cannot be stated there and are left out.
 */
export function documentTargets(serviceTargets: unknown): ContractDocumentData['targets'] {
  if (!Array.isArray(serviceTargets)) return []
  return (serviceTargets as RecordTarget[]).flatMap((t) => {
    const value = typeof t.target === 'number' ? t.target : Number(t.target)
    if (typeof t.measure !== 'string' || !t.measure || !Number.isFinite(value)) return []
    if (t.direction !== 'at-least' && t.direction !== 'at-most') return []
    const unit = /\(([^)]{1,40})\)\s*$/.exec(t.measure)?.[1] ?? ''
    return [{ name: t.measure, target: value, unit, direction: t.direction }]
  })
}

/**
 * 7.2, 9.2: a change's implementation edits a supplier contract's service targets: the contract
 * document (if any) gets a new version with those targets, approved by the change and effective
 * now, in the change's transaction, as for an SLA. Returns the version, or undefined when the
 * contract has no controlled document or the edit changes no service targets.
 */
export async function issueContractFromChange(
  tx: Kysely<DB>,
  audit: AuditSink,
  input: {
    contractId: string
    supplierId: string
    serviceTargets: unknown
    changeId: string
    actor: string
    now: Date
  },
): Promise<number | undefined> {
  if (!Array.isArray(input.serviceTargets)) return undefined
  const issued = await issueVersionFromChange(tx, audit, {
    subject: `contract:${input.contractId}`,
    next: (base) => ({
      ...((base ?? { obligations: [] }) as unknown as ContractDocumentData),
      contractId: input.contractId,
      supplierId: input.supplierId,
      targets: documentTargets(input.serviceTargets),
    }),
    summary: `Service targets changed by ${input.changeId}`,
    changeId: input.changeId,
    actor: input.actor,
    now: input.now,
  })
  if (!issued) return undefined
  // the record names the version its targets are now agreed in (the change wrote the targets)
  await tx
    .updateTable('contracts')
    .set({ document_id: issued.documentId, document_version: issued.version })
    .where('id', '=', input.contractId)
    .execute()
  return issued.version
}

/**
 * The next version of the controlled document of `subject`, written by a change: `next` makes its
 * content from the version in effect; open drafts are overtaken, the version in effect superseded.
 */
async function issueVersionFromChange(
  tx: Kysely<DB>,
  audit: AuditSink,
  input: {
    subject: string
    next: (base: Record<string, unknown> | null) => SlaDocumentData | ContractDocumentData
    summary: string
    changeId: string
    actor: string
    now: Date
  },
): Promise<{ documentId: string; version: number } | undefined> {
  const doc = await tx
    .selectFrom('sms_documents')
    .selectAll()
    .where('subject', '=', input.subject)
    .forUpdate()
    .executeTakeFirst()
  if (!doc) return undefined
  const versions = await tx
    .selectFrom('sms_document_versions')
    .selectAll()
    .where('document_id', '=', doc.id)
    .orderBy('version', 'desc')
    .execute()
  const base = versions.find((x) => x.version === doc.effective_version)
  const data = input.next((base?.data as Record<string, unknown> | null | undefined) ?? null)
  const openStatuses: string[] = [
    VersionStatus.Draft,
    VersionStatus.InReview,
    VersionStatus.Approved,
  ]
  const open = versions.filter((x) => openStatuses.includes(x.status))
  for (const o of open) {
    await tx
      .updateTable('sms_document_versions')
      .set({
        status: VersionStatus.Rejected,
        approval_note: `overtaken by change ${input.changeId}`,
      })
      .where('document_id', '=', doc.id)
      .where('version', '=', o.version)
      .execute()
  }
  if (doc.effective_version !== null) {
    await tx
      .updateTable('sms_document_versions')
      .set({ status: VersionStatus.Superseded, withdrawn_at: input.now })
      .where('document_id', '=', doc.id)
      .where('version', '=', doc.effective_version)
      .execute()
  }
  const version = (versions[0]?.version ?? 0) + 1
  const content = {
    content: base?.content ?? '',
    data,
    changeSummary: input.summary,
  }
  const hash = sha256(content)
  await tx
    .insertInto('sms_document_versions')
    .values({
      document_id: doc.id,
      version,
      status: VersionStatus.Effective,
      content: content.content,
      data: JSON.stringify(data),
      file_name: null,
      file_media_type: null,
      file_base64: null,
      sha256: hash,
      change_summary: content.changeSummary,
      author: input.actor,
      created_at: input.now,
      submitted_at: input.now,
      approved_by: `change:${input.changeId}`,
      approved_at: input.now,
      approval_note: `approved through change ${input.changeId} (9.2)`,
      effective_at: input.now,
      effective_from: input.now,
    })
    .execute()
  await tx
    .updateTable('sms_documents')
    .set({
      effective_version: version,
      next_review_at: new Date(input.now.getTime() + doc.review_interval_days * DAY),
      review_reminded_at: null,
    })
    .where('id', '=', doc.id)
    .execute()
  await audit.append(
    {
      actor: input.actor,
      action: 'sms-document.effective-by-change',
      entityType: 'sms-document',
      entityId: doc.id,
      after: {
        version,
        sha256: hash,
        changeId: input.changeId,
        overtaken: open.map((o) => o.version),
      },
    },
    tx,
  )
  return { documentId: doc.id, version }
}
