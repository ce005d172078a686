/** Information security management (ISO/IEC 20000-1 6.6): closed sets, shapes, the catalogue. */

/** The themes controls are grouped in (as in an Annex-A-style catalogue). */
export const ControlTheme = {
  Organisational: 'organisational',
  People: 'people',
  Physical: 'physical',
  Technological: 'technological',
} as const
export type ControlTheme = (typeof ControlTheme)[keyof typeof ControlTheme]

/** Where a control stands. */
export const ControlStatus = {
  Planned: 'planned',
  Partial: 'partially-implemented',
  Implemented: 'implemented',
  NotApplicable: 'not-applicable',
} as const
export type ControlStatus = (typeof ControlStatus)[keyof typeof ControlStatus]

/** 6.6.2 a control of the register. */
export interface SecurityControl {
  id: string
  /** The catalogue reference, e.g. `A.5.15`. */
  reference: string
  name: string
  theme: ControlTheme
  objective: string
  /** The person accountable for the control. */
  owner: string
  status: ControlStatus
  /** How the control is implemented. */
  implementation: string
  /** Risks of the risk register (4.5.3 d, 6.6.1) the control treats. */
  riskIds: string[]
  reviewIntervalDays: number
  nextReviewAt: string
  /** Whether its review date has passed. */
  reviewDue: boolean
  lastReviewedAt: string | null
  lastReviewedBy: string | null
  version: number
  createdBy: string
  createdAt: string
  updatedAt: string
}

export interface ControlReview {
  id: number
  controlId: string
  status: ControlStatus
  effective: boolean
  notes: string
  reviewedBy: string
  reviewedAt: string
}

export const PartyType = { Supplier: 'supplier', Customer: 'customer', Other: 'other' } as const
export type PartyType = (typeof PartyType)[keyof typeof PartyType]

export const AccessStatus = { Active: 'active', Revoked: 'revoked' } as const
export type AccessStatus = (typeof AccessStatus)[keyof typeof AccessStatus]

/** 6.6.2 an external party's access to information, with the controls agreed. */
export interface PartyAccess {
  id: string
  partyType: PartyType
  /** The supplier of the supplier register, when the party is one. */
  supplierId: string | null
  partyName: string
  /** Which information, systems or services the party accesses. */
  information: string
  /** What access (e.g. read-only remote access to the mail server). */
  access: string
  /** Controls of the register that apply. */
  controlIds: string[]
  /** The controls agreed with the party, in words (contract clause, NDA, MFA, …). */
  agreedControls: string
  agreedBy: string
  agreedAt: string
  validUntil: string | null
  status: AccessStatus
  /** Active and past its end date. */
  expired: boolean
  version: number
  updatedAt: string
}

/** The kinds of security incident (for analysis of type and volume, 6.6.3). */
export const SecurityIncidentCategory = {
  Confidentiality: 'confidentiality',
  Integrity: 'integrity',
  Availability: 'availability',
  Malware: 'malware',
  UnauthorisedAccess: 'unauthorised-access',
  Other: 'other',
} as const
export type SecurityIncidentCategory =
  (typeof SecurityIncidentCategory)[keyof typeof SecurityIncidentCategory]

/** 6.6.3 an incident flagged as an information security incident and its handling. */
export interface SecurityIncident {
  incidentId: string
  title: string | null
  priority: number | null
  processInstanceKey: string | null
  status: 'reported' | 'handled'
  notifiedGroups: string[]
  category: SecurityIncidentCategory | null
  handling: Record<string, unknown> | null
  reportedToAuthorities: boolean | null
  authority: string | null
  authorityReference: string | null
  reportedAt: string | null
  handledBy: string | null
  openedAt: string
  handledAt: string | null
}

/**
 * A starter catalogue of controls (Annex-A-style references and titles), from which the register
 * is filled: each entry becomes a control once an owner and a status are given.
 */
export const controlCatalogue: { reference: string; name: string; theme: ControlTheme }[] = [
  { reference: 'A.5.1', name: 'Policies for information security', theme: 'organisational' },
  {
    reference: 'A.5.2',
    name: 'Information security roles and responsibilities',
    theme: 'organisational',
  },
  { reference: 'A.5.9', name: 'Inventory of information and assets', theme: 'organisational' },
  { reference: 'A.5.15', name: 'Access control', theme: 'organisational' },
  {
    reference: 'A.5.19',
    name: 'Information security in supplier relationships',
    theme: 'organisational',
  },
  {
    reference: 'A.5.24',
    name: 'Incident management planning and preparation',
    theme: 'organisational',
  },
  {
    reference: 'A.5.26',
    name: 'Response to information security incidents',
    theme: 'organisational',
  },
  { reference: 'A.5.30', name: 'ICT readiness for business continuity', theme: 'organisational' },
  { reference: 'A.6.3', name: 'Awareness, education and training', theme: 'people' },
  { reference: 'A.6.6', name: 'Confidentiality or non-disclosure agreements', theme: 'people' },
  { reference: 'A.7.1', name: 'Physical security perimeters', theme: 'physical' },
  { reference: 'A.7.11', name: 'Supporting utilities', theme: 'physical' },
  { reference: 'A.8.5', name: 'Secure authentication', theme: 'technological' },
  { reference: 'A.8.7', name: 'Protection against malware', theme: 'technological' },
  { reference: 'A.8.8', name: 'Management of technical vulnerabilities', theme: 'technological' },
  { reference: 'A.8.13', name: 'Information backup', theme: 'technological' },
  { reference: 'A.8.15', name: 'Logging', theme: 'technological' },
  { reference: 'A.8.24', name: 'Use of cryptography', theme: 'technological' },
  { reference: 'A.8.32', name: 'Change management', theme: 'technological' },
]
