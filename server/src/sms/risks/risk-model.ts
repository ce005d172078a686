/** The risk register (ISO/IEC 20000-1 4.5.2 j, 4.5.3 d, 6.3.1, 6.6.1): its closed sets and shapes. */

export const RiskCategory = {
  Service: 'service',
  Sms: 'sms',
  Security: 'security',
  Continuity: 'continuity',
} as const
export type RiskCategory = (typeof RiskCategory)[keyof typeof RiskCategory]

/** How a risk is treated (the plan's criteria for accepting risks, 4.5.2 j). */
export const TreatmentOption = {
  Reduce: 'reduce',
  Avoid: 'avoid',
  Transfer: 'transfer',
  Accept: 'accept',
} as const
export type TreatmentOption = (typeof TreatmentOption)[keyof typeof TreatmentOption]

export const RiskStatus = {
  Open: 'open',
  Treating: 'treating',
  Accepted: 'accepted',
  Closed: 'closed',
} as const
export type RiskStatus = (typeof RiskStatus)[keyof typeof RiskStatus]

/** Records a risk is linked to, by their references. */
export interface RiskLinks {
  changes: string[]
  cis: string[]
  services: string[]
  improvements: string[]
}

export interface Risk {
  id: string
  title: string
  description: string
  category: RiskCategory
  /** 1 (rare) … 5 (almost certain). */
  likelihood: number
  /** 1 (negligible) … 5 (severe). */
  impact: number
  /** likelihood × impact, 1 … 25. */
  score: number
  owner: string
  treatmentOption: TreatmentOption
  treatment: string
  status: RiskStatus
  reviewIntervalDays: number
  nextReviewAt: string
  /** The risk-review instance reviewing it now, if any. */
  reviewInstanceKey: string | null
  links: RiskLinks
  version: number
  createdBy: string
  createdAt: string
  updatedAt: string
}

export interface RiskReview {
  id: number
  riskId: string
  reviewedBy: string
  reviewedAt: string
  likelihood: number
  impact: number
  status: RiskStatus
  notes: string
  processInstanceKey: string | null
}

/** What the review task decides (form `sms-risk-review`). */
export interface ReviewDecision {
  likelihood: number
  impact: number
  status: RiskStatus
  treatment?: string
  notes?: string
}
