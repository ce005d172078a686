/**
 * What the SMS manager has to act on, on one page: requirements not evidenced in the period,
 * reviews past their date (documents 4.3.2 c, risks 4.5.3 d, suppliers 7.2), expired documents
 * (documents unreviewed for a whole interval past their review date, supplier contracts past
 * their end, qualifications past their expiry) and open nonconformities (4.5.4.2, 4.5.5.1).
 * Each item carries its door: the page of the web app where it is acted on.
 */
import type { Kysely } from 'kysely'
import { kindSpecs, isCaseKind, processOfKind } from '../cases/kinds'
import type { DB } from '../db/schema'
import type { MatrixRow } from './compliance.service'

const DAY = 86_400_000
const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null)

/** Where a requirement without evidence is acted on: the page of its first link. */
export function doorOf(row: MatrixRow): string {
  if (row.status === 'not-carried') return `/compliance/${row.id}`
  for (const l of [...row.records, ...row.elements]) {
    if (l.type === 'record' && isCaseKind(l.ref)) return `/cases/${kindSpecs[l.ref].path}`
    if (l.type === 'document') return '/sms/documents'
    if (l.type === 'report') return '/reports'
    if (l.type === 'register') {
      if (l.ref.startsWith('risk')) return '/sms/risks'
      if (l.ref.startsWith('party')) return '/sms/parties'
      if (l.ref === 'competences' || l.ref === 'training') return '/sms/competence'
      if (l.ref.startsWith('management-review') || l.ref === 'review-actions') return '/sms/reviews'
      if (l.ref === 'auditor-areas') return '/sms/programme'
      if (l.ref.startsWith('document-control')) return '/sms/documents'
      if (l.ref.startsWith('ci') || l.ref === 'baselines') return '/cases/cis'
    }
    if (l.type === 'element' && l.bpmnProcessId) {
      const kind = Object.entries(processOfKind).find(([, p]) => p === l.bpmnProcessId)?.[0]
      if (kind && isCaseKind(kind)) return `/cases/${kindSpecs[kind].path}`
      if (l.bpmnProcessId === 'supplier-review') return '/cases/suppliers'
      if (l.bpmnProcessId === 'sms-risk-review') return '/sms/risks'
    }
  }
  return `/compliance/${row.id}`
}

/** The gaps at `now` for a period's matrix. */
export async function findGaps(db: Kysely<DB>, rows: readonly MatrixRow[], now: Date) {
  const documents = await db
    .selectFrom('sms_documents')
    .select(['id', 'title', 'kind', 'owner', 'next_review_at', 'review_interval_days'])
    .where('effective_version', 'is not', null)
    .where('next_review_at', '<', now)
    .orderBy('next_review_at')
    .execute()
  const risks = await db
    .selectFrom('sms_risks')
    .select(['id', 'title', 'owner', 'next_review_at'])
    .where('status', '<>', 'closed')
    .where('next_review_at', '<', now)
    .orderBy('next_review_at')
    .execute()
  const suppliers = await db
    .selectFrom('suppliers')
    .select(['id', 'name', 'relationship_owner', 'next_review_at'])
    .where('status', '<>', 'retired')
    .where('next_review_at', '<', now)
    .orderBy('next_review_at')
    .execute()
  const today = now.toISOString().slice(0, 10)
  const contracts = await db
    .selectFrom('contracts')
    .select(['id', 'title', 'supplier_id', 'ends_on', 'status'])
    .where('ends_on', '<', today)
    .where('status', '=', 'active')
    .orderBy('ends_on')
    .execute()
  const qualifications = await db
    .selectFrom('sms_person_competences')
    .select(['id', 'username', 'title', 'expires_at'])
    .where('status', '=', 'completed')
    .where('expires_at', '<', now)
    .orderBy('expires_at')
    .execute()
  const findings = await db
    .selectFrom('cases')
    .select(['id', 'title', 'status', 'assignee', 'data', 'created_at'])
    .where('kind', '=', 'audit-finding')
    .where('status', 'not in', ['closed', 'cancelled', 'rejected'])
    .orderBy('created_at')
    .execute()
  const str = (v: unknown) => (typeof v === 'string' ? v : null)
  return {
    at: now.toISOString(),
    requirements: rows
      .filter((r) => r.status !== 'evidenced')
      .map((r) => ({
        id: r.id,
        clause: r.clause,
        summary: r.summary,
        kind: r.kind,
        status: r.status,
        door: doorOf(r),
      })),
    overdueReviews: [
      ...documents.map((d) => ({
        type: 'document',
        id: d.id,
        title: d.title,
        owner: d.owner,
        dueAt: iso(d.next_review_at),
        door: `/sms/documents/${d.id}`,
      })),
      ...risks.map((r) => ({
        type: 'risk',
        id: r.id,
        title: r.title,
        owner: r.owner,
        dueAt: iso(r.next_review_at),
        door: '/sms/risks',
      })),
      ...suppliers.map((s) => ({
        type: 'supplier',
        id: s.id,
        title: s.name,
        owner: s.relationship_owner,
        dueAt: iso(s.next_review_at),
        door: `/cases/suppliers/${s.id}`,
      })),
    ],
    expiredDocuments: [
      ...documents
        .filter(
          (d) =>
            now.getTime() - new Date(d.next_review_at!).getTime() > d.review_interval_days * DAY,
        )
        .map((d) => ({
          type: 'document',
          id: d.id,
          title: d.title,
          expiredAt: iso(
            new Date(new Date(d.next_review_at!).getTime() + d.review_interval_days * DAY),
          ),
          door: `/sms/documents/${d.id}`,
        })),
      ...contracts.map((c) => ({
        type: 'contract',
        id: c.id,
        title: c.title,
        expiredAt: c.ends_on,
        door: `/cases/suppliers/${c.supplier_id}`,
      })),
      ...qualifications.map((q) => ({
        type: 'qualification',
        id: String(q.id),
        title: `${q.title} (${q.username})`,
        expiredAt: iso(q.expires_at),
        door: '/sms/competence',
      })),
    ],
    openNonconformities: findings
      .filter((f) => (f.data as Record<string, unknown>).findingType === 'nonconformity')
      .map((f) => {
        const data = f.data as Record<string, unknown>
        const due = str(data.actionDue)
        return {
          id: f.id,
          title: f.title,
          clause: str(data.clause),
          severity: str(data.severity),
          owner: f.assignee,
          actionDue: due,
          overdue: due !== null && due < today,
          door: `/cases/audit-findings/${f.id}`,
        }
      }),
  }
}
