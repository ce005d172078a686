import {
  claimMajorSteps,
  isMajorIncident as isMajor,
  MajorStepsClaimant,
} from '../cases/major-incident'
import { defineWorker } from './define-worker'
import {
  actorFor,
  caseRefProperties,
  isOutcome,
  loadCase,
  type CaseRefInput,
} from './worker-helpers'

interface In extends CaseRefInput {
  /** Who escalated, why and when (variables of message `incident-major-escalation`). */
  majorEscalatedBy: string
  majorEscalationReason: string
  majorEscalatedAt: string
}
interface Out {
  isMajorIncident: boolean
  /** Staff escalated the incident to major. */
  majorEscalated: true
  /**
   * This escalation runs the major-incident steps (it claimed them); false when the procedure's
   * own rule (or an earlier escalation) has them in hand.
   */
  escalationStepsHere: boolean
}

/**
 * 8.1: an incident escalated to major by staff at any point of its procedure becomes major by the
 * agreed definition (`cases/major-incident.ts`: escalated by staff), recorded on the incident
 * with who escalated it, when and why. A repeated message keeps the first escalation. The
 * major-incident steps run once per incident: this escalation runs them only when it claims them
 * (`claimMajorSteps`), not when the procedure's rule made the incident major at the same moment.
 */
export const recordMajorEscalation = defineWorker<In, Out>({
  type: 'record-major-escalation',
  inputSchema: {
    type: 'object',
    properties: {
      ...caseRefProperties,
      majorEscalatedBy: { type: 'string', minLength: 1, maxLength: 100 },
      majorEscalationReason: { type: 'string', minLength: 1, maxLength: 2000 },
      majorEscalatedAt: { type: 'string', format: 'date-time' },
    },
    required: [
      'caseKind',
      'caseId',
      'majorEscalatedBy',
      'majorEscalationReason',
      'majorEscalatedAt',
    ],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const { record } = found
    const first = typeof record.data.majorEscalatedAt !== 'string'
    const major = isMajor({
      priority: record.priority,
      impact: typeof record.data.impact === 'number' ? record.data.impact : null,
      flaggedByClassifier: record.data.majorIncidentCandidate === true,
      escalatedByStaff: true,
    })
    await deps.cases.updateFields(
      'incident',
      record.id,
      {
        data: {
          major,
          ...(first
            ? {
                majorEscalatedAt: job.variables.majorEscalatedAt,
                majorEscalatedBy: job.variables.majorEscalatedBy,
                majorEscalationReason: job.variables.majorEscalationReason,
              }
            : {}),
        },
      },
      actorFor(job.type),
      job.processInstanceKey,
    )
    const escalationStepsHere = await claimMajorSteps(deps.db, {
      caseId: record.id,
      elementId: MajorStepsClaimant.Escalation,
      jobKey: job.key,
      processInstanceKey: job.processInstanceKey,
      at: deps.now(),
    })
    return job.complete({ isMajorIncident: major, majorEscalated: true, escalationStepsHere })
  },
})
