import { UnexpectedError } from '../errors'
import { defineWorker } from './define-worker'
import { actorFor } from './worker-helpers'

interface In {
  riskAssessmentId: string
  findings: string
  riskChanges?: string | null
  treatmentNeeded?: boolean | null
  treatmentPlan?: string | null
  treatmentActions?: string | null
  actionOwner?: string | null
  actionDue?: string | null
}
interface Out {
  riskAssessmentRecorded: boolean
}

/**
 * 6.6.1, 4.3.3: the assessment's findings and, when treatment was decided, the treatment plan
 * with its actions, owner and due date are recorded with their evidence, by the person who
 * assessed.
 */
export const recordSecurityRiskAssessment = defineWorker<In, Out>({
  type: 'record-security-risk-assessment',
  inputSchema: {
    type: 'object',
    properties: {
      riskAssessmentId: { type: 'string', minLength: 1 },
      findings: { type: 'string', minLength: 1 },
      riskChanges: { type: ['string', 'null'] },
      treatmentNeeded: { type: ['boolean', 'null'] },
      treatmentPlan: { type: ['string', 'null'] },
      treatmentActions: { type: ['string', 'null'] },
      actionOwner: { type: ['string', 'null'] },
      actionDue: { type: ['string', 'null'] },
    },
    required: ['riskAssessmentId', 'findings'],
  },
  async handler(job, deps) {
    if (!deps.security)
      throw new UnexpectedError('Information security is not wired into the workers.')
    const v = job.variables
    const task = await deps.db
      .selectFrom('tasks')
      .select('completed_by')
      .where('process_instance_key', '=', job.processInstanceKey)
      .where('element_id', '=', 'Task_AssessSecurityRisks')
      .where('completed_by', 'is not', null)
      .executeTakeFirst()
    const treated = v.treatmentNeeded === true
    await deps.security.riskAssessments.record(
      v.riskAssessmentId,
      {
        assessment: {
          findings: v.findings,
          riskChanges: v.riskChanges ?? '',
          treatmentNeeded: treated,
        },
        treatment: treated
          ? {
              plan: v.treatmentPlan ?? '',
              actions: v.treatmentActions ?? '',
              actionOwner: v.actionOwner ?? '',
              actionDue: v.actionDue ?? '',
            }
          : null,
      },
      task?.completed_by ?? actorFor(job.type).username,
      job.processInstanceKey,
    )
    return job.complete({ riskAssessmentRecorded: true })
  },
})
