import { assembleReviewInputs } from '../sms/review/review-inputs'
import { formDateTime } from '../sms/review/review-actions'
import { defineWorker, ErrorCode } from './define-worker'
import { actorFor } from './worker-helpers'

interface In {
  caseId: string
}
interface Out {
  inputsAssembledAt: string
}

const YEAR = 365 * 24 * 3_600_000

/**
 * 4.5.4.3 a–j `Task_AssembleReviewInputs`: the review's inputs are assembled from the product for
 * its period (default: the year before) and written on the review, where the meeting reads them.
 */
export const assembleReviewInputsWorker = defineWorker<In, Out>({
  type: 'assemble-review-inputs',
  inputSchema: {
    type: 'object',
    properties: { caseId: { type: 'string', minLength: 1 } },
    required: ['caseId'],
  },
  async handler(job, deps) {
    const review = await deps.cases.findCase('management-review', job.variables.caseId)
    if (!review) {
      return job.error({
        errorCode: ErrorCode.CASE_NOT_FOUND,
        errorMessage: `No management review ${job.variables.caseId}.`,
      })
    }
    const now = deps.now()
    const to = typeof review.data.periodTo === 'string' ? formDateTime(review.data.periodTo) : now
    const from =
      typeof review.data.periodFrom === 'string'
        ? formDateTime(review.data.periodFrom)
        : new Date(to.getTime() - YEAR)
    const inputs = await assembleReviewInputs(deps.db, { from, to }, review.id, now, {
      riskAppetite: deps.settings.riskAppetiteScore,
      ...(deps.sms?.matrix ? { matrix: deps.sms.matrix } : {}),
    })
    const inputsAssembledAt = now.toISOString()
    await deps.cases.updateFields(
      'management-review',
      review.id,
      {
        data: {
          inputs: Object.fromEntries(inputs.map((i) => [i.item, i])),
          inputsAssembledAt,
        },
      },
      actorFor(job.type),
      job.processInstanceKey,
    )
    return job.complete({ inputsAssembledAt })
  },
})
