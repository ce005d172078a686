/**
 * The compliance API (server/src/compliance) as the web app reads it: the requirements of
 * ISO/IEC 20000-1:2011 clauses 4–9, the live matrix of a period, one requirement's drill-down,
 * the gaps to act on and the audit pack export.
 */

export type ComplianceStatus = 'evidenced' | 'no-evidence' | 'not-carried'

export interface CountedLink {
  type: 'element' | 'record' | 'field' | 'document' | 'report' | 'register'
  ref: string
  label: string
  count: string | null
  evidence: number | null
  bpmnProcessId?: string
  elementId?: string
}

export interface MatrixRow {
  id: string
  clause: string
  summary: string
  kind: 'carried' | 'conduct'
  recordable?: string
  iso2018?: string
  elements: CountedLink[]
  records: CountedLink[]
  tests: { file: string; line: number; name: string }[]
  counts: Record<'instances' | 'records' | 'documents' | 'reviews' | 'reports' | 'total', number>
  status: ComplianceStatus
}

export interface Matrix {
  period: { from: string; to: string }
  items: MatrixRow[]
  unknownIds: { ref: string; id: string }[]
}

export interface DrillDown {
  requirement: MatrixRow
  period: { from: string; to: string }
  instances: {
    processInstanceKey: string
    bpmnProcessId: string | null
    elementId: string | null
    caseKind: string | null
    caseId: string | null
    at: string
    seq: number
  }[]
  records: { entityType: string; entityId: string; action: string; at: string; seq: number }[]
  truncated: boolean
}

export interface Gaps {
  at: string
  requirements: {
    id: string
    clause: string
    summary: string
    status: ComplianceStatus
    door: string
  }[]
  overdueReviews: {
    type: string
    id: string
    title: string
    owner: string
    dueAt: string
    door: string
  }[]
  expiredDocuments: { type: string; id: string; title: string; expiredAt: string; door: string }[]
  openNonconformities: {
    id: string
    title: string
    clause: string | null
    severity: string | null
    owner: string | null
    actionDue: string | null
    overdue: boolean
    door: string
  }[]
}

/** The top-level clauses a reader picks from. */
export const clauses = [
  '4.1',
  '4.2',
  '4.3',
  '4.4',
  '4.5',
  '5',
  '6.1',
  '6.2',
  '6.3',
  '6.4',
  '6.5',
  '6.6',
  '7.1',
  '7.2',
  '8.1',
  '8.2',
  '9.1',
  '9.2',
  '9.3',
] as const

export const statusLabel: Record<ComplianceStatus, string> = {
  evidenced: 'Evidenced in the period',
  'no-evidence': 'Carried, no evidence in the period',
  'not-carried': 'Not carried',
}

const recordPaths: Record<string, string> = {
  incident: 'incidents',
  'service-request': 'service-requests',
  problem: 'problems',
  'known-error': 'known-errors',
  change: 'changes',
  release: 'releases',
  improvement: 'improvements',
  complaint: 'complaints',
  'audit-finding': 'audit-findings',
  'internal-audit': 'internal-audits',
  'management-review': 'management-reviews',
  supplier: 'suppliers',
  ci: 'cis',
  service: 'services',
  sla: 'slas',
}

/** Where the web app shows a record an evidence entry is about. */
export function recordHref(entityType: string, entityId: string): string {
  const path = recordPaths[entityType]
  if (path) return `/cases/${path}/${encodeURIComponent(entityId)}`
  if (entityType === 'sms-document') return `/sms/documents/${encodeURIComponent(entityId)}`
  if (entityType === 'risk') return '/sms/risks'
  if (entityType === 'report-snapshot') return `/reports?snapshot=${encodeURIComponent(entityId)}`
  return `/evidence?entityId=${encodeURIComponent(entityId)}`
}

/** The replay of an instance at an element. */
export const replayHref = (key: string, elementId?: string | null) =>
  `/replay?instance=${encodeURIComponent(key)}${elementId ? `&element=${encodeURIComponent(elementId)}` : ''}`

/** The period's query string. */
export const periodQuery = (from: string, to: string) =>
  new URLSearchParams({
    from: new Date(`${from}T00:00:00Z`).toISOString(),
    to: new Date(`${to}T00:00:00Z`).toISOString(),
  }).toString()

/** The date `days` before today (UTC, yyyy-mm-dd); tomorrow for `-1`. */
export const dayOffset = (days: number) =>
  new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10)
