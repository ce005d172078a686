import { UnexpectedError } from '../errors'
import { SMS_MANAGERS } from '../sms/access'
import { defineWorker } from './define-worker'
import { actorFor } from './worker-helpers'

type In = Record<string, never>
interface Out {
  capacityReviewDue: boolean
  capacityReviewId: string | null
  capacityReviewGroups: string[]
}

/**
 * 6.5: capacity is reviewed at planned intervals (`capacityReviewIntervalDays`, 30 by default).
 * The daily run opens a review when one is due, with the utilisation of the period; the review
 * task goes to the owner groups of the capacity requirements and the SMS managers.
 */
export const openCapacityReview = defineWorker<In, Out>({
  type: 'open-capacity-review',
  inputSchema: { type: 'object', properties: {} },
  async handler(job, deps) {
    if (!deps.delivery) throw new UnexpectedError('Capacity is not wired into the workers.')
    const id = await deps.delivery.capacityReviews.openIfDue(
      job.processInstanceKey,
      deps.settings.capacityReviewIntervalDays,
      actorFor(job.type).username,
    )
    const owners = id
      ? await deps.db.selectFrom('capacity_requirements').select('owner_group').distinct().execute()
      : []
    return job.complete({
      capacityReviewDue: id !== null,
      capacityReviewId: id,
      capacityReviewGroups: [...new Set([...owners.map((o) => o.owner_group), SMS_MANAGERS])],
    })
  },
})
