import { UnexpectedError } from '../errors'
import { INFORMATION_SECURITY } from '../security/access'
import { defineWorker } from './define-worker'
import { actorFor } from './worker-helpers'

type In = Record<string, never>
interface Out {
  riskAssessmentDue: boolean
  riskAssessmentId: string | null
  riskAssessmentGroups: string[]
}

/**
 * 6.6.1: information security risks are assessed at planned intervals
 * (`securityRiskAssessmentIntervalDays`, 90 by default). The daily run opens an assessment when
 * one is due, with the security risks of the risk register as they stand; its tasks go to the
 * information security group.
 */
export const openSecurityRiskAssessment = defineWorker<In, Out>({
  type: 'open-security-risk-assessment',
  inputSchema: { type: 'object', properties: {} },
  async handler(job, deps) {
    if (!deps.security)
      throw new UnexpectedError('Information security is not wired into the workers.')
    const id = await deps.security.riskAssessments.openIfDue(
      job.processInstanceKey,
      deps.settings.securityRiskAssessmentIntervalDays,
      actorFor(job.type).username,
    )
    return job.complete({
      riskAssessmentDue: id !== null,
      riskAssessmentId: id,
      riskAssessmentGroups: [INFORMATION_SECURITY],
    })
  },
})
