/**
 * Controlled SMS documents (ISO/IEC 20000-1 4.3.1, 4.3.2): their kinds, the life of a version,
 * and the structured content of the policy's companions (objectives 4.1.1, scope 4.5.1, the
 * service management plan 4.5.2 a–l).
 */
import type { ControlledData } from './controlled-model'

/** What a document is. */
export const DocumentKind = {
  Policy: 'policy',
  Objectives: 'objectives',
  Scope: 'scope',
  Plan: 'plan',
  Procedure: 'procedure',
  Agreement: 'agreement',
  Other: 'other',
  External: 'external',
  /** Controlled documents the product uses (see controlled-model.ts): 6.1, 7.2, 9.2, 9.3, 8.1. */
  Sla: 'sla',
  ServiceCatalogue: 'service-catalogue',
  Contract: 'contract',
  ChangePolicy: 'change-policy',
  ReleasePolicy: 'release-policy',
  /** A DMN decision under diagram control (the priority matrix): versions are its deployments. */
  Decision: 'decision',
  /** 6.3.2 a continuity and availability plan (structured: {@link ContinuityPlanData}). */
  ContinuityPlan: 'continuity-plan',
  /** 6.5 the capacity plan (structured: {@link CapacityPlanData}). */
  CapacityPlan: 'capacity-plan',
  /**
   * 6.6.1 the information security policy: approved by management, communicated to the people
   * concerned (distribution with acknowledgement, 4.3.2 b).
   */
  SecurityPolicy: 'security-policy',
} as const
export type DocumentKind = (typeof DocumentKind)[keyof typeof DocumentKind]

/**
 * The life of one version (4.3.2 a, d, h): a draft is written by its author, submitted for
 * review (its content is fixed from then on), approved by someone else, made effective; the
 * version it replaces is superseded; an effective version may be withdrawn.
 */
export const VersionStatus = {
  Draft: 'draft',
  InReview: 'in-review',
  Rejected: 'rejected',
  Approved: 'approved',
  Effective: 'effective',
  Superseded: 'superseded',
  Withdrawn: 'withdrawn',
} as const
export type VersionStatus = (typeof VersionStatus)[keyof typeof VersionStatus]

/** The clauses each kind answers by default (an author may add more). */
export const defaultClauses: Record<DocumentKind, string[]> = {
  policy: ['4.1.1'],
  objectives: ['4.1.1', '4.5.2 a'],
  scope: ['4.5.1'],
  plan: ['4.5.2'],
  procedure: ['4.3.1'],
  agreement: ['4.2'],
  other: ['4.3.1'],
  external: ['4.3.2 g'],
  sla: ['6.1'],
  'service-catalogue': ['6.1'],
  contract: ['7.2'],
  'change-policy': ['9.2'],
  'release-policy': ['9.3'],
  decision: ['8.1'],
  'continuity-plan': ['6.3.2'],
  'capacity-plan': ['6.5'],
  'security-policy': ['6.6.1'],
}

/** The contents 4.5.2 requires of the service management plan. */
export const planSections = {
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
} as const
export type PlanSection = keyof typeof planSections

/** Metrics an objective can be measured by from the product's own records (see objective-metrics). */
export const ObjectiveMetric = {
  SlaMetPercent: 'sla-met-percent',
  MajorIncidents: 'major-incidents',
} as const
export type ObjectiveMetric = (typeof ObjectiveMetric)[keyof typeof ObjectiveMetric]

/** One measurable service management objective (4.1.1 b). */
export interface Objective {
  title: string
  /** How it is measured, in words. */
  measure: string
  target: number
  unit: string
  /** Whether the measured value must be at least or at most the target. */
  direction: 'at-least' | 'at-most'
  owner: string
  /** Bound to a report metric: measured from the product's data over the last 30 days. */
  metric?: ObjectiveMetric
}

/** Structured content by kind. */
export type DocumentData =
  | ControlledData
  | { objectives: Objective[] }
  | { services: string[]; organisationUnits: string[]; locations: string[]; exclusions?: string }
  | { sections: Partial<Record<PlanSection, string>> }
  | ContinuityPlanData
  | CapacityPlanData

/** A person to call when a plan is invoked (6.3.2). */
export interface PlanContact {
  name: string
  role: string
  phone?: string
  email?: string
}

/**
 * 6.3.2 the sections of a continuity and availability plan: procedures to follow in the event of
 * a major loss of service, the availability targets, recovery, the return to the normal working
 * state, and the contact list.
 */
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
    contacts: PlanContact[]
  }
}

/** 6.5 the sections of the capacity plan: demand, the impact of forecasts, targets and actions. */
export interface CapacityPlanData {
  capacityPlan: {
    currentAndForecastDemand: string
    expectedImpact: string
    performanceTargets: string
    actions: string
  }
}

/** An uploaded file (base64), e.g. an external standard or a signed contract. */
export interface DocumentFile {
  name: string
  mediaType: string
  base64: string
}

/** One version as the API shows it (without the file's bytes). */
export interface DocumentVersion {
  version: number
  status: VersionStatus
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
  /** When an approved version takes effect: the product uses it from then on. */
  effectiveFrom: string | null
}

/** Who a document is distributed to (4.3.2 b). */
export interface Distribution {
  groups: string[]
  roles: string[]
  /** Named people (usernames). */
  users: string[]
}

/** A document of the register. */
export interface SmsDocument {
  id: string
  kind: DocumentKind
  title: string
  owner: string
  clauses: string[]
  externalSource: string | null
  reviewIntervalDays: number
  nextReviewAt: string | null
  /** Who each effective version goes to: groups, roles and named people (4.3.2 b). */
  distribution: Distribution
  effectiveVersion: number | null
  /** What the document controls and the product uses (`sla:SLA-000001`, `change-policy`, …). */
  subject: string | null
  /** Days before the review date the owner is reminded (4.3.2 c). */
  reviewNoticeDays: number
  /** The newest version's number and status. */
  latest: { version: number; status: VersionStatus }
  createdBy: string
  createdAt: string
}

/** Who a version went to and whether they acknowledged it (4.3.2 b). */
export interface Acknowledgement {
  username: string
  version: number
  notifiedAt: string
  acknowledgedAt: string | null
}
