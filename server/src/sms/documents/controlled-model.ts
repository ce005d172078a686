/**
 * The structured content of the controlled documents the product USES (ISO/IEC 20000-1 4.3.2
 * with 6.1, 7.2, 9.2, 9.3): the effective version of each, from its effective date, is what the
 * procedures and checks read (`controlled-documents.ts`), not a constant in the code.
 *
 * | kind | subject | used by |
 * |---|---|---|
 * | `sla` | `sla:<SLA id>` | SLA targets per priority for the escalation timers (8.1, `sla-targets.ts`) |
 * | `service-catalogue` | `service-catalogue` | what customers see and request (`GET /api/service-catalogue`, `cases/service-catalogue.ts`; the portal's "Service catalogue" page and request form) |
 * | `contract` | `contract:<contract id>` | the supplier's agreed targets, measured in supplier reviews (7.2, `cases/supplier-targets.ts`); written onto the contract record with the version when a version takes effect |
 * | `change-policy` | `change-policy` | change classes: who approves (the CAB tasks' candidate group), lead time by risk (9.2, `change-control.ts`, `apply-change-policy`) |
 * | `release-policy` | `release-policy` | release approvers and acceptance rules (9.3) |
 * | `decision` | `decision:<DRG id>` | the priority matrix: its versions ARE the DMN deployments |
 */

import type { ServiceCalendar } from '../../cases/service-calendar'

/** Response and resolution targets for one priority, in minutes. */
export interface PriorityTarget {
  responseMinutes: number
  resolutionMinutes: number
}

/** 6.1: an SLA's agreed content; `targets` keyed by priority `"1"`…`"5"`. */
export interface SlaDocumentData {
  slaId: string
  targets: Partial<Record<'1' | '2' | '3' | '4' | '5', PriorityTarget>>
  serviceHours?: string
  exceptions?: string
  /** The service calendar the targets count in (business hours); absent: 24x7. */
  calendar?: ServiceCalendar
}

/** One service of the catalogue as published (6.1). */
export interface CatalogueEntry {
  serviceId: string
  name: string
  description: string
  serviceHours?: string
  requestItems?: string[]
}
/** 6.1: the service catalogue as published. */
export interface CatalogueDocumentData {
  catalogue: CatalogueEntry[]
}

/** 7.2: a supplier contract's agreed content. */
export interface ContractDocumentData {
  contractId: string
  supplierId: string
  targets: { name: string; target: number; unit: string; direction: 'at-least' | 'at-most' }[]
  obligations: string[]
}

/** The change classes the change policy rules on (9.2). */
export const ChangeClass = {
  Standard: 'standard',
  Normal: 'normal',
  Emergency: 'emergency',
} as const
export type ChangeClass = (typeof ChangeClass)[keyof typeof ChangeClass]

/** The risk levels a change's assessment records (form `change-assessment`, `riskLevel`). */
export const RiskLevels = ['low', 'medium', 'high', 'extensive'] as const
export type RiskLevel = (typeof RiskLevels)[number]

/** What the change policy says of one class. */
export interface ChangeClassRule {
  /**
   * Staff group that approves changes of the class (the CAB task's candidate group); null =
   * pre-approved (standard changes), or no group named: the CAB (`cab`) decides.
   */
  approverGroup: string | null
  /**
   * Minimum hours between planning a change and its planned start, while its risk is not
   * assessed (or its level has no lead time of its own below).
   */
  leadTimeHours: number
  /** Lead time by the assessed risk level, where the policy sets one (9.2). */
  leadTimeHoursByRisk?: Partial<Record<RiskLevel, number>>
  description: string
}

/**
 * The lead time the rule sets for a change of the risk recorded on it (`data.risk`): the risk
 * level's own when the policy sets one, else the class's. A standard change's risk is its model's
 * text (`low: …`): its first word is the level.
 */
export function leadTimeOf(rule: ChangeClassRule, risk: unknown): number {
  const level =
    typeof risk === 'string'
      ? RiskLevels.find((l) => new RegExp(`^${l}\\b`, 'i').test(risk))
      : undefined
  const byRisk = level !== undefined ? rule.leadTimeHoursByRisk?.[level] : undefined
  return byRisk ?? rule.leadTimeHours
}
/** 9.2: the change management policy; the classification itself is the DMN it names. */
export interface ChangePolicyData {
  changeClasses: Record<ChangeClass, ChangeClassRule>
  /** The decision that classifies RFCs (`processes/change-classification.dmn`). */
  classificationDecision: string
  /**
   * 5.2, 8.1: the time each step of a service design and transition (plan, design, review,
   * report) has before it is escalated; {@link DEFAULT_TRANSITION_STEP_DAYS} when not set.
   */
  serviceTransition?: { stepDays: number }
}

/** Days a step of a service design and transition has when the change policy sets none. */
export const DEFAULT_TRANSITION_STEP_DAYS = 10

/** 9.3: the release and deployment policy. */
export interface ReleasePolicyData {
  release: {
    /** Staff group that approves a release for deployment. */
    approverGroup: string
    /** A release may deploy only when its acceptance criteria are met. */
    requireAcceptance: boolean
    /** Incidents within early life support above which the release counts as failed. */
    maxIncidentsAfterDeployment: number
    earlyLifeSupportDays: number
  }
}

/** Structured content of the controlled kinds. */
export type ControlledData =
  | SlaDocumentData
  | CatalogueDocumentData
  | ContractDocumentData
  | ChangePolicyData
  | ReleasePolicyData

/** The subject a document of a controlled kind must name: `sla:SLA-…` or the fixed one. */
export const subjectPattern: Record<string, RegExp> = {
  sla: /^sla:SLA-\d{6,}$/,
  contract: /^contract:[A-Z]{2,4}-\d{6,}$/,
  'service-catalogue': /^service-catalogue$/,
  'change-policy': /^change-policy$/,
  'release-policy': /^release-policy$/,
  decision: /^decision:[A-Za-z0-9_.-]{1,100}$/,
}

/** The change policy until a change-policy document takes effect (the former constants). */
export const defaultChangePolicy: ChangePolicyData = {
  changeClasses: {
    standard: { approverGroup: null, leadTimeHours: 0, description: 'Pre-approved model' },
    normal: {
      approverGroup: 'cab',
      leadTimeHours: 0,
      description: 'Assessed and approved by the CAB',
    },
    emergency: { approverGroup: 'cab', leadTimeHours: 0, description: 'Emergency CAB' },
  },
  classificationDecision: 'change-classification',
}
