import type { ActionInput } from '../sms/review/review-actions'
import { defineWorker } from './define-worker'

interface In {
  caseId: string
  actions?: ActionInput[] | null
}
interface Out {
  reviewActionIds: string[]
}

/**
 * 4.5.4.3 `Task_RecordReviewActions`: the actions the review decided become tracked items with
 * owner and due date, with those earlier reviews carried over, in one transaction with their
 * evidence. A retry after a crash finds them recorded and records nothing twice.
 */
export const recordReviewActions = defineWorker<In, Out>({
  type: 'record-review-actions',
  inputSchema: {
    type: 'object',
    properties: {
      caseId: { type: 'string', minLength: 1 },
      actions: { type: ['array', 'null'] },
    },
    required: ['caseId'],
  },
  async handler(job, deps) {
    if (!deps.sms) throw new Error('record-review-actions needs the SMS services')
    const { reviewActions } = deps.sms
    const recorded = await deps.db.transaction().execute(async (tx) => {
      const existing = await reviewActions.list(job.variables.caseId, tx)
      if (existing.length) return existing
      return reviewActions.record(
        tx,
        job.variables.caseId,
        job.variables.actions ?? [],
        `system:${job.type}`,
        job.processInstanceKey,
      )
    })
    return job.complete({ reviewActionIds: recorded.map((a) => a.id) })
  },
})
