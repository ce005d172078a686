/**
 * Information security risk assessments at planned intervals (ISO/IEC 20000-1 6.6.1,
 * processes/security-risk-assessment.bpmn) as the server keeps them (server/src/security): the
 * security risks as the assessment found them, what the information security group found and the
 * treatment it planned. Security readers read them; the steps are done through the inbox.
 */

import type { SecurityRiskAssessment } from '@shared/api/security-risk-assessments'

export type { AssessedRisk, SecurityRiskAssessment } from '@shared/api/security-risk-assessments'

/** The assessment's state in human words. */
export const assessmentStateLabel = (a: SecurityRiskAssessment) =>
  a.status === 'completed' ? 'Completed' : 'Being assessed'

/** Whether the assessment found treatment needed, in words (unknown until assessed). */
export const treatmentNeededLabel = (a: SecurityRiskAssessment) =>
  a.assessment?.treatmentNeeded === undefined
    ? 'Not yet decided'
    : a.assessment.treatmentNeeded
      ? 'Yes'
      : 'No'
