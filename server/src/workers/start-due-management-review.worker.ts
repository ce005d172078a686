import { defineWorker } from './define-worker'
import { actorFor } from './worker-helpers'

type In = Record<string, never>
interface Out {
  startedManagementReview: string | null
}

const DAY = 24 * 3_600_000

/**
 * 4.5.4.3: top management reviews the SMS at planned intervals. Daily: when no review is running
 * and the last one was recorded `managementReviewIntervalDays` ago or more (or there is none), a
 * management review is recorded for the period since the last one; its procedure starts with it.
 */
export const startDueManagementReview = defineWorker<In, Out>({
  type: 'start-due-management-review',
  inputSchema: { type: 'object', properties: {} },
  async handler(job, deps) {
    const now = deps.now()
    const last = await deps.db
      .selectFrom('cases')
      .select(['id', 'status', 'created_at'])
      .where('kind', '=', 'management-review')
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst()
    const interval = deps.settings.managementReviewIntervalDays * DAY
    const running = last && last.status !== 'closed' && last.status !== 'cancelled'
    // the first review comes an interval after the SMS started (its first user)
    const installed = await deps.db
      .selectFrom('users')
      .select('created_at')
      .orderBy('created_at')
      .limit(1)
      .executeTakeFirst()
    const since = new Date(last?.created_at ?? installed?.created_at ?? now)
    if (running || now.getTime() - since.getTime() < interval) {
      return job.complete({ startedManagementReview: null })
    }
    const review = await deps.cases.create(
      'management-review',
      {
        title: `Management review ${now.toISOString().slice(0, 10)}`,
        data: { periodFrom: since.toISOString(), periodTo: now.toISOString() },
      },
      actorFor(job.type),
    )
    return job.complete({ startedManagementReview: review.id })
  },
})
