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
      // a review still running (started, no result recorded, instance not ended) is not started
      // again: the supplier stays due until that review records its result and the next date
      const running = await deps.db
        .selectFrom('case_processes as cp')
        .leftJoin('supplier_reviews as sr', 'sr.process_instance_key', 'cp.process_instance_key')
        .leftJoin('process_instances as pi', 'pi.process_instance_key', 'cp.process_instance_key')
        .select('cp.process_instance_key')
        .where('cp.case_kind', '=', 'supplier')
        .where('cp.case_id', '=', id)
        .where('cp.bpmn_process_id', '=', 'supplier-review')
        .where('sr.id', 'is', null)
        .where('pi.ended_at', 'is', null)
        .executeTakeFirst()
      if (running) continue
      await deps.cases.startSupplierReview(id, actorFor(job.type))
      started.push(id)
    }
    return job.complete({ startedSupplierReviews: started })
  },
})
