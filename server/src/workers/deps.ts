/**
 * What the workers are given: the case services, the notification outbox, a message publisher
 * (the Zeebe client in the server) and their settings. Injected, so tests pass real services on
 * PGlite and the real engine.
 */
import type { BudgetApprovalService } from '../finance/budget-approval.service'
import type { Kysely } from 'kysely'
import type { CaseService, CatalogueService, CmdbService } from '../cases'
import type { DB } from '../db/schema'
import type { Logger } from '../log'
import type { NotificationService } from '../notifications/notification.service'
import type { DecisionEvaluator } from './decisions'
import type { RisksService } from '../sms/risks/risks.service'
import type { AuditSink } from '../evidence/audit-sink'
import type { ReviewActionsService } from '../sms/review/review-actions'
import type { ServiceReviewActionsService } from '../relationship/service-review-actions'
import type { DeliveryServices } from '../delivery'
import type { SecurityServices } from '../security'
import type { MatrixRow } from '../compliance/compliance.service'

/** Publishes a BPMN message (Zeebe PublishMessage). */
export interface MessagePublisher {
  publish(message: {
    name: string
    correlationKey: string
    variables: Record<string, unknown>
    /** How long the message waits for a subscription, ms. */
    timeToLive: number
    /** Zeebe drops a second message with the same id while the first is buffered. */
    messageId?: string
  }): Promise<void>
}

/** Response and resolution targets in minutes. */
export interface Targets {
  responseMinutes: number
  resolutionMinutes: number
}

/** Tunables of the workers. Every one has a default ({@link defaultWorkerSettings}). */
export interface WorkerSettings {
  /** 8.2 a: a problem is opened when this many incidents hit one CI (or service) … */
  trendThreshold: number
  /** … within this many hours. */
  trendPeriodHours: number
  /** 8.1 g: a resolved incident/request closes after this ISO-8601 period without an answer. */
  confirmationPeriod: string
  /** 8.2: effectiveness review this long after a problem is closed (ISO-8601 period). */
  problemEffectivenessReview: string
  /** Targets per priority (1-4) when the service has no agreed SLA, incidents and requests. */
  defaultTargets: Record<number, Targets>
  /** Resolution targets of problems per priority (internal targets, 8.2 f). */
  problemTargets: Record<number, Targets>
  /** 8.1 e: group told of hierarchical escalations. */
  hierarchicalEscalationGroup: string
  /** 9.3: a release counts as failed when more related incidents than this occur. */
  releaseIncidentThreshold: number
  /** Time-to-live of published messages, ms. */
  messageTtlMs: number
  /** 4.5.4.3: days between management reviews (at least yearly: at most 365). */
  managementReviewIntervalDays: number
  /** 4.5.2 j: the highest accepted risk score; the review reads the risks above it (4.5.4.3 e). */
  riskAppetiteScore: number
  /** 6.5: days between capacity reviews (capacity-review.bpmn), default 30. */
  capacityReviewIntervalDays: number
  /** 6.6.1: days between information security risk assessments, default 90. */
  securityRiskAssessmentIntervalDays: number
}

export const defaultWorkerSettings: WorkerSettings = {
  trendThreshold: 3,
  trendPeriodHours: 24 * 7,
  confirmationPeriod: 'P3D',
  problemEffectivenessReview: 'P30D',
  defaultTargets: {
    1: { responseMinutes: 15, resolutionMinutes: 4 * 60 },
    2: { responseMinutes: 30, resolutionMinutes: 8 * 60 },
    3: { responseMinutes: 4 * 60, resolutionMinutes: 3 * 24 * 60 },
    4: { responseMinutes: 8 * 60, resolutionMinutes: 5 * 24 * 60 },
  },
  problemTargets: {
    1: { responseMinutes: 60, resolutionMinutes: 7 * 24 * 60 },
    2: { responseMinutes: 4 * 60, resolutionMinutes: 14 * 24 * 60 },
    3: { responseMinutes: 24 * 60, resolutionMinutes: 30 * 24 * 60 },
    4: { responseMinutes: 3 * 24 * 60, resolutionMinutes: 90 * 24 * 60 },
  },
  hierarchicalEscalationGroup: 'top-management',
  releaseIncidentThreshold: 0,
  messageTtlMs: 60 * 60 * 1000,
  managementReviewIntervalDays: 365,
  riskAppetiteScore: 12,
  capacityReviewIntervalDays: 30,
  securityRiskAssessmentIntervalDays: 90,
}

export interface WorkerDeps {
  db: Kysely<DB>
  cases: CaseService
  cmdb: CmdbService
  catalogue: CatalogueService
  notifications: NotificationService
  messages: MessagePublisher
  settings: WorkerSettings
  log: Logger
  /**
   * Evaluates a decision's latest version, for instances of process versions deployed before
   * their business rule task existed (the server passes Zeebe's EvaluateDecision).
   */
  decisions?: DecisionEvaluator
  /** The risk register (4.5.3 d), for the risk-review procedure's workers. */
  risks?: RisksService
  /** Continuity (6.3) and capacity (6.5), for their procedures' workers. */
  delivery?: DeliveryServices
  /** Information security (6.6), for the security incident procedure's workers. */
  security?: SecurityServices
  /** Budgeting (6.4), for the budget approval procedure's worker. */
  finance?: { budgetApproval: BudgetApprovalService }
  /** Current time (tests pass the engine's clock). */
  now(): Date
  /**
   * The management system's services (4.5.4): review actions and the evidence trail for the
   * workers that write records of their own. Absent in tests of unrelated workers.
   */
  sms?: {
    reviewActions: ReviewActionsService
    audit: AuditSink
    /** The compliance matrix of a period, for the review's conformity gaps (4.5.4.3 b). */
    matrix?: (period: { from: Date; to: Date }) => Promise<readonly MatrixRow[]>
  }
  /** The business relationship's services (7.1, 6.1): service review actions. */
  relationship?: { reviewActions: ServiceReviewActionsService }
}
