import { UnexpectedError } from '../errors'
import { defineWorker } from './define-worker'
import { actorFor } from './worker-helpers'

interface In {
  capacityReviewId: string
  findings: string
  planUpdateNeeded?: boolean | null
  actions?: string | null
  planDocumentId?: string | null
  revisionSummary?: string | null
}
interface Out {
  capacityReviewRecorded: boolean
}

/**
 * 6.5, 4.3.3: the review's findings, actions and the capacity plan revision (when decided) are
 * recorded on the review with its evidence, by the person who reviewed.
 */
export const recordCapacityReview = defineWorker<In, Out>({
  type: 'record-capacity-review',
  inputSchema: {
    type: 'object',
    properties: {
      capacityReviewId: { type: 'string', minLength: 1 },
      findings: { type: 'string', minLength: 1 },
      planUpdateNeeded: { type: ['boolean', 'null'] },
      actions: { type: ['string', 'null'] },
      planDocumentId: { type: ['string', 'null'] },
      revisionSummary: { type: ['string', 'null'] },
    },
    required: ['capacityReviewId', 'findings'],
  },
  async handler(job, deps) {
    if (!deps.delivery) throw new UnexpectedError('Capacity is not wired into the workers.')
    const v = job.variables
    const task = await deps.db
      .selectFrom('tasks')
      .select('completed_by')
      .where('process_instance_key', '=', job.processInstanceKey)
      .where('element_id', '=', 'Task_ReviewCapacity')
      .where('completed_by', 'is not', null)
      .executeTakeFirst()
    await deps.delivery.capacityReviews.record(
      v.capacityReviewId,
      {
        findings: v.findings,
        planUpdateNeeded: v.planUpdateNeeded === true,
        actions: v.actions ?? '',
        ...(v.planUpdateNeeded === true
          ? { planDocumentId: v.planDocumentId ?? null, revisionSummary: v.revisionSummary ?? '' }
          : {}),
      },
      task?.completed_by ?? actorFor(job.type).username,
      job.processInstanceKey,
    )
    return job.complete({ capacityReviewRecorded: true })
  },
})
