import { UnexpectedError } from '../errors'
import { defineWorker } from './define-worker'
import { actorFor } from './worker-helpers'
import type { RiskToReview } from '../sms/risks/risks.service'

type In = Record<string, never>
interface Out {
  dueRisks: RiskToReview[]
}

/**
 * 4.5.3 d, 6.6.1: risks are reviewed at planned intervals. The risk-review procedure's timer run
 * claims every open risk whose review date has come and that no review is working on; the
 * diagram then opens one review task per risk (`SubProcess_ReviewRisk`).
 */
export const findRisksDueForReview = defineWorker<In, Out>({
  type: 'find-risks-due-for-review',
  inputSchema: { type: 'object', properties: {} },
  async handler(job, deps) {
    if (!deps.risks) throw new UnexpectedError('The risk register is not wired into the workers.')
    const dueRisks = await deps.risks.claimDueForReview(
      job.processInstanceKey,
      actorFor(job.type).username,
    )
    return job.complete({ dueRisks })
  },
})
