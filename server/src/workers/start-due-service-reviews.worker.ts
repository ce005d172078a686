import { sql } from 'kysely'
import { defineWorker } from './define-worker'
import { actorFor } from './worker-helpers'

type In = Record<string, never>
interface Out {
  startedServiceReviews: string[]
}

const DAY = 86_400_000

/**
 * 6.1 `Task_StartDueServiceReviews`: services are reviewed with each customer at planned
 * intervals. Daily: for every active customer organisation whose `nextReviewAt` has come, one
 * service review is recorded per service it takes (one for the organisation when it names
 * none) unless one is running for it; its procedure starts with it. The next review is planned
 * `reviewIntervalDays` on. A retry after a crash finds the running reviews and records none twice.
 */
export const startDueServiceReviews = defineWorker<In, Out>({
  type: 'start-due-service-reviews',
  inputSchema: { type: 'object', properties: {} },
  async handler(job, deps) {
    const now = deps.now()
    const due = await deps.db
      .selectFrom('customer_organisations')
      .selectAll()
      .where('active', '=', true)
      .where('next_review_at', '<=', now)
      .orderBy('id')
      .execute()
    const started: string[] = []
    for (const org of due) {
      const services = org.services.length
        ? await deps.db
            .selectFrom('services')
            .select(['id', 'name'])
            .where('id', 'in', org.services)
            .orderBy('id')
            .execute()
        : [{ id: null, name: null }]
      const periodFrom = new Date(now.getTime() - org.review_interval_days * DAY).toISOString()
      for (const svc of services) {
        let running = deps.db
          .selectFrom('cases')
          .select('id')
          .where('kind', '=', 'service-review')
          .where('closed_at', 'is', null)
          .where(sql<boolean>`data ->> 'organisationId' = ${org.id}`)
        running = svc.id
          ? running.where('service_id', '=', svc.id)
          : running.where('service_id', 'is', null)
        if (await running.executeTakeFirst()) continue
        const review = await deps.cases.create(
          'service-review',
          {
            title: `Service review: ${svc.name ?? 'all services'} with ${org.name} ${now.toISOString().slice(0, 10)}`,
            ...(svc.id ? { serviceId: svc.id } : {}),
            assignee: org.relationship_manager,
            data: { organisationId: org.id, periodFrom, periodTo: now.toISOString() },
          },
          actorFor(job.type),
        )
        started.push(review.id)
      }
      await deps.db
        .updateTable('customer_organisations')
        .set({ next_review_at: new Date(now.getTime() + org.review_interval_days * DAY) })
        .where('id', '=', org.id)
        .execute()
    }
    return job.complete({ startedServiceReviews: started })
  },
})
