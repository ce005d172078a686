import { UnexpectedError } from '../errors'
import { RiskStatus } from '../sms/risks/risk-model'
import { defineWorker } from './define-worker'
import { actorFor } from './worker-helpers'

interface In {
  risk: { id: string }
  review: {
    likelihood: number
    impact: number
    status: RiskStatus
    treatment?: string | null
    notes?: string | null
  }
}
interface Out {
  riskReviewId: number
  nextReviewAt: string
}

/**
 * 4.5.3 d: the review decided in `Task_ReviewRisk` is recorded on the risk (who reviewed it,
 * when, the new likelihood, impact, status and treatment) and its next review is planned one
 * review interval ahead, in one transaction with its evidence entry.
 */
export const recordRiskReview = defineWorker<In, Out>({
  type: 'record-risk-review',
  inputSchema: {
    type: 'object',
    properties: {
      risk: {
        type: 'object',
        properties: { id: { type: 'string', minLength: 1 } },
        required: ['id'],
      },
      review: {
        type: 'object',
        properties: {
          likelihood: { type: 'integer', minimum: 1, maximum: 5 },
          impact: { type: 'integer', minimum: 1, maximum: 5 },
          status: { enum: Object.values(RiskStatus) },
          treatment: { type: ['string', 'null'] },
          notes: { type: ['string', 'null'] },
        },
        required: ['likelihood', 'impact', 'status'],
      },
    },
    required: ['risk', 'review'],
  },
  async handler(job, deps) {
    if (!deps.risks) throw new UnexpectedError('The risk register is not wired into the workers.')
    const { risk, review } = job.variables
    // who reviewed: the person who completed this risk's review task in this instance
    const task = await deps.db
      .selectFrom('tasks')
      .select('completed_by')
      .where('process_instance_key', '=', job.processInstanceKey)
      .where('element_id', '=', 'Task_ReviewRisk')
      .where('case_id', '=', risk.id)
      .where('completed_by', 'is not', null)
      .orderBy('completed_at', 'desc')
      .executeTakeFirst()
    const out = await deps.risks.recordReview(
      risk.id,
      {
        likelihood: review.likelihood,
        impact: review.impact,
        status: review.status,
        ...(review.treatment ? { treatment: review.treatment } : {}),
        ...(review.notes ? { notes: review.notes } : {}),
      },
      task?.completed_by ?? actorFor(job.type).username,
      job.processInstanceKey,
    )
    return job.complete({ riskReviewId: out.reviewId, nextReviewAt: out.nextReviewAt })
  },
})
