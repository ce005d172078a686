/**
 * Every job worker, registered from this one table: the job type of each equals its file stem
 * and the `zeebe:taskDefinition type` in processes/*.bpmn.
 */
import { acknowledgeComplaint } from './acknowledge-complaint.worker'
import { checkServiceReviewActions } from './check-service-review-actions.worker'
import { collectServicePerformance } from './collect-service-performance.worker'
import { recordServiceReviewActions } from './record-service-review-actions.worker'
import { startDueServiceReviews } from './start-due-service-reviews.worker'
import type { AnyWorker } from './define-worker'
import { applyChangePolicy } from './apply-change-policy.worker'
import { applyRecordEdits } from './apply-record-edits.worker'
import { assessChangeImpact } from './assess-change-impact.worker'
import { checkReleaseChange } from './check-release-change.worker'
import { checkStandardChange } from './check-standard-change.worker'
import { closeCase } from './close-case.worker'
import { collectSupplierPerformance } from './collect-supplier-performance.worker'
import { countReleaseIncidents } from './count-release-incidents.worker'
import { detectIncidentTrend } from './detect-incident-trend.worker'
import { escalate } from './escalate.worker'
import { findMatches } from './find-matches.worker'
import { findRisksDueForReview } from './find-risks-due-for-review.worker'
import { loadFormOptions } from './load-form-options.worker'
import { loadSlaTargets } from './load-sla-targets.worker'
import { notifyCustomer } from './notify-customer.worker'
import { notifyRfcOutcome } from './notify-rfc-outcome.worker'
import { notifyTopManagement } from './notify-top-management.worker'
import { prioritiseCase } from './prioritise-case.worker'
import { publishKnownError } from './publish-known-error.worker'
import { raiseReleaseActions } from './raise-release-actions.worker'
import { raiseRfc } from './raise-rfc.worker'
import { recordRiskReview } from './record-risk-review.worker'
import { recordSlaBreach } from './record-sla-breach.worker'
import { recordSupplierReview } from './record-supplier-review.worker'
import { reportImprovement } from './report-improvement.worker'
import { reportReleaseOutcome } from './report-release-outcome.worker'
import { setCaseStatus } from './set-case-status.worker'
import { startDueSupplierReviews } from './start-due-supplier-reviews.worker'
import { startImprovement } from './start-improvement.worker'
import { startRelease } from './start-release.worker'
import { takeBaseline } from './take-baseline.worker'
import { updateCmdb } from './update-cmdb.worker'
import { assembleReviewInputsWorker } from './assemble-review-inputs.worker'
import { assignCorrectiveActions } from './assign-corrective-actions.worker'
import { checkReviewActions } from './check-review-actions.worker'
import { closeAuditFindings } from './close-audit-findings.worker'
import { collectAuditFindings } from './collect-audit-findings.worker'
import { recordMajorEscalation } from './record-major-escalation.worker'
import { recordSlaPause } from './record-sla-pause.worker'
import { recordSlaResume } from './record-sla-resume.worker'
import { recordManagementReview } from './record-management-review.worker'
import { recordReviewActions } from './record-review-actions.worker'
import { reportInternalAudit } from './report-internal-audit.worker'
import { startDueManagementReview } from './start-due-management-review.worker'
import { findContinuityTestsDue } from './find-continuity-tests-due.worker'
import { recordContinuityTest } from './record-continuity-test.worker'
import { recordContinuityActions } from './record-continuity-actions.worker'
import { requestContinuityRetest } from './request-continuity-retest.worker'
import { openCapacityReview } from './open-capacity-review.worker'
import { recordCapacityReview } from './record-capacity-review.worker'
import { openSecurityRiskAssessment } from './open-security-risk-assessment.worker'
import { recordSecurityRiskAssessment } from './record-security-risk-assessment.worker'
import { recordBudgetStep } from './record-budget-step.worker'
import { openSecurityIncident } from './open-security-incident.worker'
import { recordSecurityIncident } from './record-security-incident.worker'
import { acceptServiceDesign } from './accept-service-design.worker'
import { startServiceTransition } from './start-service-transition.worker'
import { withdrawServiceTransition } from './withdraw-service-transition.worker'

export const workers: readonly AnyWorker[] = [
  applyChangePolicy,
  applyRecordEdits,
  assessChangeImpact,
  checkReleaseChange,
  checkStandardChange,
  closeCase,
  collectSupplierPerformance,
  countReleaseIncidents,
  detectIncidentTrend,
  escalate,
  findMatches,
  findRisksDueForReview,
  loadFormOptions,
  loadSlaTargets,
  notifyCustomer,
  notifyRfcOutcome,
  notifyTopManagement,
  prioritiseCase,
  publishKnownError,
  raiseReleaseActions,
  raiseRfc,
  recordRiskReview,
  recordSlaBreach,
  recordSupplierReview,
  reportImprovement,
  reportReleaseOutcome,
  setCaseStatus,
  startDueSupplierReviews,
  startImprovement,
  startRelease,
  takeBaseline,
  updateCmdb,
  assembleReviewInputsWorker,
  assignCorrectiveActions,
  checkReviewActions,
  closeAuditFindings,
  collectAuditFindings,
  recordMajorEscalation,
  // 8.1, 6.1: the SLA clock paused while a case waits
  recordSlaPause,
  recordSlaResume,
  recordManagementReview,
  recordReviewActions,
  reportInternalAudit,
  startDueManagementReview,
  // 7.1, 6.1: complaints and service reviews with the customer
  acknowledgeComplaint,
  startDueServiceReviews,
  collectServicePerformance,
  recordServiceReviewActions,
  checkServiceReviewActions,
  // continuity and availability (6.3), capacity (6.5)
  findContinuityTestsDue,
  recordContinuityTest,
  recordContinuityActions,
  requestContinuityRetest,
  openCapacityReview,
  recordCapacityReview,
  // information security incidents (6.6.3)
  openSecurityIncident,
  recordSecurityIncident,
  // information security risk assessment at planned intervals (6.6.1)
  openSecurityRiskAssessment,
  recordSecurityRiskAssessment,
  // budget approval (6.4)
  recordBudgetStep,
  // design and transition of new or changed services (5)
  startServiceTransition,
  withdrawServiceTransition,
  acceptServiceDesign,
]

export { ErrorCode, defineWorker, type AnyWorker, type JobData } from './define-worker'
export { defaultWorkerSettings, type WorkerDeps, type WorkerSettings } from './deps'
export { startWorkers, type RunningWorkers, type WorkersStatus } from './start-workers'
