/**
 * What the product reads from controlled documents (ISO/IEC 20000-1 4.3.2 with 6.1, 7.2, 9.2,
 * 9.3): the version in force of the document controlling a subject at a moment — the highest
 * approved or effective version whose effective date has come — so a version approved today
 * with an effective date next week changes nothing until then, whatever the sweep's timing. Also
 * the checks of a controlled document's subject, who is concerned by it, and the priority
 * matrix's versions read from its DMN deployments (not copied).
 */
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema'
import { iso } from '../../db/timestamps'
import { UserError } from '../../errors'
import {
  defaultChangePolicy,
  subjectPattern,
  type ChangeClass,
  type ChangeClassRule,
  type ChangePolicyData,
  type ReleasePolicyData,
} from './controlled-model'
import type { DocumentKind, VersionStatus } from './document-model'
import type { VersionInput } from './document-rows'

/** The version of a controlled document in force, as the product uses it. */
export interface InForce<T> {
  documentId: string
  version: number
  effectiveFrom: string
  data: T
}

/** The version in force of the document controlling `subject` at `now`, or undefined. */
export async function inForce<T>(
  db: Kysely<DB>,
  subject: string,
  now: Date,
): Promise<InForce<T> | undefined> {
  const row = await db
    .selectFrom('sms_document_versions as v')
    .innerJoin('sms_documents as d', 'd.id', 'v.document_id')
    .select(['v.document_id', 'v.version', 'v.effective_from', 'v.data'])
    .where('d.subject', '=', subject)
    .where('v.status', 'in', ['approved', 'effective'])
    .where('v.effective_from', '<=', now)
    .orderBy('v.version', 'desc')
    .executeTakeFirst()
  if (!row?.data || !row.effective_from) return undefined
  return {
    documentId: row.document_id,
    version: row.version,
    effectiveFrom: iso(row.effective_from),
    data: row.data as T,
  }
}

/** The change policy in force (9.2): its document's version, or the built-in defaults. */
export async function changePolicyAt(
  db: Kysely<DB>,
  now: Date,
): Promise<{ policy: ChangePolicyData; source: { documentId: string; version: number } | null }> {
  const doc = await inForce<ChangePolicyData>(db, 'change-policy', now)
  return doc
    ? { policy: doc.data, source: { documentId: doc.documentId, version: doc.version } }
    : { policy: defaultChangePolicy, source: null }
}

/** What the change policy in force says of one change class. */
export async function changeClassRule(
  db: Kysely<DB>,
  changeClass: ChangeClass,
  now: Date,
): Promise<ChangeClassRule & { policy: string }> {
  const { policy, source } = await changePolicyAt(db, now)
  return {
    ...policy.changeClasses[changeClass],
    policy: source ? `${source.documentId} v${source.version}` : 'the built-in change policy',
  }
}

/** The release policy in force (9.3), or undefined when none has taken effect. */
export const releasePolicyAt = (db: Kysely<DB>, now: Date) =>
  inForce<ReleasePolicyData>(db, 'release-policy', now)

/** The kinds whose documents control a subject the product uses. */
export const controlledKinds: readonly string[] = Object.keys(subjectPattern)

/**
 * A controlled document names its subject, which exists, and its structured content is about
 * that subject (an SLA document holds that SLA's targets). 400 otherwise, nothing stored.
 */
export async function checkSubject(
  db: Kysely<DB>,
  kind: DocumentKind,
  subject: string | undefined,
  v: VersionInput,
): Promise<void> {
  const pattern = subjectPattern[kind]
  if (!pattern) {
    if (subject) throw new UserError(`A ${kind} document controls no subject.`)
    return
  }
  if (!subject || !pattern.test(subject)) {
    throw new UserError(`A ${kind} document names its subject (${pattern.source}).`)
  }
  const ref = subject.slice(subject.indexOf(':') + 1)
  if (kind === 'sla' || kind === 'contract') {
    const table = kind === 'sla' ? 'slas' : 'contracts'
    const found = await db.selectFrom(table).select('id').where('id', '=', ref).executeTakeFirst()
    if (!found) throw new UserError(`There is no ${kind === 'sla' ? 'SLA' : 'contract'} ${ref}.`)
  }
  checkDataSubject(kind, subject, v)
}

/** The structured content of a version is about its document's subject. */
export function checkDataSubject(kind: string, subject: string | null, v: VersionInput): void {
  const data = v.data as Record<string, unknown> | undefined
  if (!data || !subject) return
  const ref = subject.slice(subject.indexOf(':') + 1)
  if (kind === 'sla' && data.slaId !== ref) {
    throw new UserError(`The targets are of ${String(data.slaId)}, the document controls ${ref}.`)
  }
  if (kind === 'contract' && data.contractId !== ref) {
    throw new UserError(
      `The content is of ${String(data.contractId)}, the document controls ${ref}.`,
    )
  }
}

/**
 * The groups a controlled document concerns, told when a version takes effect: those working
 * with the SLA's service, the change and release managers and the CAB for the policies.
 */
export async function concernedGroups(
  db: Kysely<DB>,
  kind: string,
  subject: string | null,
): Promise<string[]> {
  const wanted: string[] = []
  if (kind === 'sla' && subject) {
    const sla = await db
      .selectFrom('slas as s')
      .leftJoin('services as sv', 'sv.id', 's.service_id')
      .select('sv.owner_group')
      .where('s.id', '=', subject.slice(4))
      .executeTakeFirst()
    if (sla?.owner_group) wanted.push(sla.owner_group)
    wanted.push('service-desk')
  }
  if (kind === 'service-catalogue') wanted.push('service-desk')
  if (kind === 'change-policy') wanted.push('change-managers', 'cab')
  if (kind === 'release-policy') wanted.push('release-managers', 'change-managers')
  if (!wanted.length) return []
  const known = await db.selectFrom('groups').select('id').where('id', 'in', wanted).execute()
  return [...new Set(wanted)].filter((g) => known.some((k) => k.id === g))
}

/** A DMN version of a decision document: version, approver, effective date (its deployment). */
export interface DecisionDocumentVersion {
  version: number
  status: VersionStatus
  checksum: string
  deployedBy: string
  approvedBy: string | null
  effectiveAt: string
  draftId: string | null
}

/** The versions of a decision document: its DRG's deployments, newest first. */
export async function decisionVersions(
  db: Kysely<DB>,
  subject: string,
): Promise<DecisionDocumentVersion[]> {
  const rows = await db
    .selectFrom('decision_requirements_versions')
    .select([
      'version',
      'state',
      'checksum',
      'deployed_by',
      'approved_by',
      'deployed_at',
      'draft_id',
    ])
    .where('decision_requirements_id', '=', subject.slice('decision:'.length))
    .orderBy('version', 'desc')
    .execute()
  return rows.map((r) => ({
    version: r.version,
    status: r.state === 'deployed' ? 'effective' : 'superseded',
    checksum: r.checksum,
    deployedBy: r.deployed_by,
    approvedBy: r.approved_by,
    effectiveAt: iso(r.deployed_at),
    draftId: r.draft_id,
  }))
}
