import type { ServiceReviewActionInput } from '../relationship/service-review-actions'
import { defineWorker } from './define-worker'

interface In {
  caseId: string
  actions?: ServiceReviewActionInput[] | null
}
interface Out {
  serviceReviewActionIds: string[]
}

/**
 * 6.1 `Task_RecordServiceReviewActions`: the actions agreed with the customer become tracked
 * items with owner and due date, in one transaction with their evidence. A retry after a crash
 * finds them recorded and records nothing twice.
 */
export const recordServiceReviewActions = defineWorker<In, Out>({
  type: 'record-service-review-actions',
  inputSchema: {
    type: 'object',
    properties: {
      caseId: { type: 'string', minLength: 1 },
      actions: {
        type: ['array', 'null'],
        items: {
          type: 'object',
          required: ['title', 'owner', 'due'],
          properties: {
            title: { type: 'string', minLength: 1 },
            owner: { type: 'string', minLength: 1 },
            due: { type: 'string', minLength: 1 },
          },
        },
      },
    },
    required: ['caseId'],
  },
  async handler(job, deps) {
    if (!deps.relationship)
      throw new Error('record-service-review-actions needs the relationship services')
    const { reviewActions } = deps.relationship
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
    return job.complete({ serviceReviewActionIds: recorded.map((a) => a.id) })
  },
})
