/**
 * The service management system's registers (ISO/IEC 20000-1 clause 4) as the server keeps them
 * (server/src/sms): documents under document control, risks, processes operated by other
 * parties, competence, RACI. The server enforces who may write; the client only hides buttons.
 */
import { api } from '../../../lib/api'
import type { User } from '../../../lib/user'

export const documentKinds = [
  'policy',
  'objectives',
  'scope',
  'plan',
  'procedure',
  'agreement',
  'other',
  'external',
  'sla',
  'service-catalogue',
  'contract',
  'change-policy',
  'release-policy',
  'decision',
  'continuity-plan',
  'capacity-plan',
  'security-policy',
] as const
export type DocumentKind = (typeof documentKinds)[number]

/** How the register names each kind (server: sms/documents/document-model.ts). */
export const documentKindLabels: Record<DocumentKind, string> = {
  policy: 'Policy (4.1.1)',
  objectives: 'Objectives (4.1.1)',
  scope: 'Scope (4.5.1)',
  plan: 'Service management plan (4.5.2)',
  procedure: 'Procedure',
  agreement: 'Agreement',
  other: 'Other',
  external: 'External document (4.3.2 g)',
  sla: 'Service level agreement (6.1)',
  'service-catalogue': 'Service catalogue (6.1)',
  contract: 'Supplier contract (7.2)',
  'change-policy': 'Change management policy (9.2)',
  'release-policy': 'Release and deployment policy (9.3)',
  decision: 'Decision table (DMN, 8.1)',
  'continuity-plan': 'Continuity and availability plan (6.3.2)',
  'capacity-plan': 'Capacity plan (6.5)',
  'security-policy': 'Information security policy (6.6.1)',
}

/**
 * Kinds whose effective version the product uses (server: sms/documents/controlled-model.ts);
 * each controls a subject: `sla:SLA-…`, `contract:CON-…`, or the kind's own name.
 */
export const controlledKinds: readonly DocumentKind[] = [
  'sla',
  'service-catalogue',
  'contract',
  'change-policy',
  'release-policy',
  'decision',
]

/** Controlled kinds whose subject is the kind's own name (server: controlled-model.ts). */
export const singletonSubjectKinds: readonly DocumentKind[] = [
  'service-catalogue',
  'change-policy',
  'release-policy',
]

/** An SLA document's targets per priority. */
export interface SlaData {
  slaId: string
  targets: Record<string, { responseMinutes: number; resolutionMinutes: number }>
  serviceHours?: string
  exceptions?: string
}

/** 4.5.2 a–l, the contents of the service management plan. */
export const planSections: Record<string, string> = {
  a: 'Service management objectives',
  b: 'Service requirements',
  c: 'Known limitations that can impact the SMS',
  d: 'Policies, standards, statutory and regulatory requirements and contractual obligations',
  e: 'Framework of authorities, responsibilities and process roles',
  f: 'Authorities and responsibilities for plans, processes and procedures',
  g: 'Human, technical, information and financial resources',
  h: 'Approach to working with other parties involved in the service lifecycle',
  i: 'Interfaces between SMS processes and with other components',
  j: 'Approach to managing risks and the criteria for accepting risks',
  k: 'Technology used to support the SMS',
  l: 'How the effectiveness of the SMS and the services will be measured, audited, reported and improved',
}

export interface Objective {
  title: string
  measure: string
  target: number
  unit: string
  direction: 'at-least' | 'at-most'
  owner: string
  metric?: 'sla-met-percent' | 'major-incidents'
}
export type DocumentData =
  | SlaData
  | { objectives: Objective[] }
  | { services: string[]; organisationUnits: string[]; locations: string[]; exclusions?: string }
  | { sections: Record<string, string> }
  | ContinuityPlanData
  | CapacityPlanData

/** 6.3.2 the sections of a continuity and availability plan. */
export interface ContinuityPlanData {
  continuityPlan: {
    services: string[]
    procedures: string
    targets: {
      serviceId: string
      availabilityPercent: number
      rtoMinutes: number
      rpoMinutes: number
    }[]
    recovery: string
    returnToNormal: string
    contacts: { name: string; role: string; phone?: string; email?: string }[]
  }
}

/** 6.5 the sections of the capacity plan. */
export interface CapacityPlanData {
  capacityPlan: {
    currentAndForecastDemand: string
    expectedImpact: string
    performanceTargets: string
    actions: string
  }
}

export interface DocumentVersion {
  version: number
  status: string
  content: string
  data: DocumentData | null
  file: { name: string; mediaType: string } | null
  sha256: string
  changeSummary: string
  author: string
  createdAt: string
  submittedAt: string | null
  approvedBy: string | null
  approvedAt: string | null
  approvalNote: string | null
  effectiveAt: string | null
  withdrawnAt: string | null
  /** When an approved version takes effect. */
  effectiveFrom: string | null
}
export interface SmsDocument {
  id: string
  kind: DocumentKind
  title: string
  owner: string
  clauses: string[]
  externalSource: string | null
  reviewIntervalDays: number
  nextReviewAt: string | null
  distribution: { groups: string[]; roles: string[]; users: string[] }
  effectiveVersion: number | null
  subject: string | null
  reviewNoticeDays: number
  latest: { version: number; status: string }
  createdBy: string
  createdAt: string
}
export interface DocumentDetail extends SmsDocument {
  versions: DocumentVersion[]
  acknowledgements: {
    username: string
    version: number
    notifiedAt: string
    acknowledgedAt: string | null
  }[]
}
export interface MeasuredObjective extends Objective {
  measured: { value: number; met: boolean; measuredAs: string } | null
}

export interface Risk {
  id: string
  title: string
  description: string
  category: string
  likelihood: number
  impact: number
  score: number
  owner: string
  treatmentOption: string
  treatment: string
  status: string
  reviewIntervalDays: number
  nextReviewAt: string
  links: { changes: string[]; cis: string[]; services: string[]; improvements: string[] }
  version: number
}
export interface HeatCell {
  likelihood: number
  impact: number
  count: number
  ids: string[]
}

export interface PartyProcess {
  id: string
  process: string
  part: string
  partyType: string
  party: string
  owner: string
  agreementDocumentId: string | null
  governance: string
  targets: { name: string; target: number; unit: string; direction: string }[]
  measurements: {
    name: string
    value: number
    period: string
    met: boolean | null
    recordedAt: string
  }[]
}

/** 4.4.2: a competence someone lacks for a role (server: sms/competence). */
export interface CompetenceGap {
  role: string
  username: string
  competenceId: string
  competence: string
  reason: string
}

export interface CompetenceMatrix {
  competences: { id: string; name: string; description: string }[]
  roles: {
    role: string
    requires: string[]
    holders: string[]
    gaps: { username: string; competenceId: string; competence: string; reason: string }[]
  }[]
  records: {
    id: number
    username: string
    competenceId: string
    kind: string
    title: string
    status: string
    plannedFor: string | null
    achievedAt: string | null
    expiresAt: string | null
    evidence: string
  }[]
}

export interface RaciRow {
  activity: string
  responsible: string[]
  accountable: string
  consulted: string[]
  informed: string[]
}
export interface Raci {
  subjectType: 'process' | 'document'
  subjectId: string
  rows: RaciRow[]
  updatedBy?: string
  updatedAt?: string
}
/** Who a RACI can name (server: sms/raci.ts). */
export interface RaciParty {
  id: string
  name: string
  type: 'group' | 'person' | 'role'
}
/** What the RACI editor offers: procedures with their activities, documents, parties. */
export interface RaciOptions {
  processes: { id: string; name: string; activities: string[] }[]
  documents: { id: string; title: string }[]
  parties: RaciParty[]
}
/** 4.1.3: sets the RACI of a procedure (bpmnProcessId) or an SMS document. */
export const saveRaci = (type: Raci['subjectType'], id: string, rows: RaciRow[]) =>
  api<Raci>(`/sms/raci/${type}/${encodeURIComponent(id)}`, { method: 'PUT', body: { rows } })

/** Whether the user may write SMS records (the server checks the same). */
export const isSmsManager = (u: User) =>
  u.roles.includes('admin') ||
  (u.roles.includes('staff') && u.groups.some((g) => g.id === 'sms-managers'))

const doc = (id: string) => `/sms/documents/${encodeURIComponent(id)}`

export const createDocument = (body: Record<string, unknown>) =>
  api<DocumentDetail>('/sms/documents', { method: 'POST', body })
export const writeDraft = (id: string, body: Record<string, unknown>) =>
  api<DocumentDetail>(`${doc(id)}/draft`, { method: 'PUT', body })
export type DocumentStep = 'submit' | 'approve' | 'reject' | 'effective' | 'withdraw' | 'review'
export const documentStep = (id: string, step: DocumentStep, note?: string) =>
  api<DocumentDetail>(`${doc(id)}/${step}`, { method: 'POST', body: note ? { note } : {} })
/** 4.3.2 a: approve (not the author), effective from a date (default now). */
export const approveVersion = (id: string, body: { note?: string; effectiveFrom?: string }) =>
  api<DocumentDetail>(`${doc(id)}/approve`, { method: 'POST', body })

/** What changed between two versions. */
export interface VersionComparison {
  from: { version: number; status: string }
  to: { version: number; status: string }
  content: { op: '=' | '+' | '-'; line: string }[]
  data: { path: string; before: unknown; after: unknown }[]
}
export const compareVersions = (id: string, from: number, to: number) =>
  api<VersionComparison>(`${doc(id)}/compare?from=${from}&to=${to}`)

/** 4.3.2 b: to groups and named people (usernames); each acknowledges for themselves. */
export const distribute = (id: string, groups: string[], users: string[] = []) =>
  api<DocumentDetail>(`${doc(id)}/distribute`, { method: 'POST', body: { groups, users } })
export const acknowledge = (id: string) =>
  api<DocumentDetail>(`${doc(id)}/acknowledge`, { method: 'POST', body: {} })

export const createRisk = (body: Record<string, unknown>) =>
  api<Risk>('/sms/risks', { method: 'POST', body })
export const createParty = (body: Record<string, unknown>) =>
  api<PartyProcess>('/sms/parties', { method: 'POST', body })
