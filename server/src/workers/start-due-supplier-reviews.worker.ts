import { defineWorker } from './define-worker'
import { actorFor } from './worker-helpers'

type In = Record<string, never>
interface Out {
  startedSupplierReviews: string[]
}

/**
 * 7.2: supplier performance is reviewed at planned intervals. Daily, every active supplier whose
 * next review is due and that has no review running gets a supplier-review instance.
 */
export const startDueSupplierReviews = defineWorker<In, Out>({
  type: 'start-due-supplier-reviews',
  inputSchema: { type: 'object', properties: {} },
  async handler(job, deps) {
    const due = await deps.db
      .selectFrom('suppliers')
      .select('id')
      .where('status', '=', 'active')
      .where('next_review_at', '<=', deps.now())
      .orderBy('id')
      .execute()
    const started: string[] = []
    for (const { id } of due) {
      // a review already started today (re-run of the daily check) is not started twice
      const running = await deps.db
        .selectFrom('case_processes')
        .select('process_instance_key')
        .where('case_kind', '=', 'supplier')
        .where('case_id', '=', id)
        .where('bpmn_process_id', '=', 'supplier-review')
        .where('started_at', '>=', new Date(deps.now().getTime() - 86_400_000))
        .executeTakeFirst()
      if (running) continue
      await deps.cases.startSupplierReview(id, actorFor(job.type))
      started.push(id)
    }
    return job.complete({ startedSupplierReviews: started })
  },
})
