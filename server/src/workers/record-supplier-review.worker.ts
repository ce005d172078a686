import { defineWorker } from './define-worker'
import { actorFor } from './worker-helpers'

interface In {
  caseId: string
  nonconformities?: string | null
  improvementOpportunities?: string | null
  contractReflectsRequirements?: boolean | null
  contractChangeNeeded?: boolean | null
  disputeRaised?: boolean | null
  disputeOutcome?: string | null
  rfcId?: string | null
  improvementId?: string | null
  performance?: unknown
}
interface Out {
  supplierReviewRecordedAt: string
  nextReviewAt: string
}

/**
 * 7.2: the results of the supplier review are recorded (performance, nonconformities,
 * improvement opportunities, whether the contract reflects current requirements, RFC and
 * dispute outcome) and the next review is scheduled one review interval ahead.
 */
export const recordSupplierReview = defineWorker<In, Out>({
  type: 'record-supplier-review',
  inputSchema: {
    type: 'object',
    properties: {
      caseId: { type: 'string', minLength: 1 },
      nonconformities: { type: ['string', 'null'] },
      improvementOpportunities: { type: ['string', 'null'] },
      contractReflectsRequirements: { type: ['boolean', 'null'] },
      contractChangeNeeded: { type: ['boolean', 'null'] },
      disputeRaised: { type: ['boolean', 'null'] },
      disputeOutcome: { type: ['string', 'null'] },
      rfcId: { type: ['string', 'null'] },
      improvementId: { type: ['string', 'null'] },
      performance: {},
    },
    required: ['caseId'],
  },
  async handler(job, deps) {
    const { caseId: supplierId, ...outcome } = job.variables
    const supplier = await deps.cases.find('supplier', supplierId)
    const intervalDays =
      typeof supplier?.reviewIntervalDays === 'number' ? supplier.reviewIntervalDays : 90
    const now = deps.now()
    const next = new Date(now.getTime() + intervalDays * 86_400_000)
    await deps.db
      .insertInto('supplier_reviews')
      .values({
        supplier_id: supplierId,
        process_instance_key: job.processInstanceKey,
        outcome: JSON.stringify(outcome),
        reviewed_at: now,
        next_review_at: next,
      })
      .onConflict((oc) => oc.column('process_instance_key').doNothing())
      .execute()
    if (supplier) {
      await deps.cases.updateFields(
        'supplier',
        supplierId,
        { nextReviewAt: next.toISOString() },
        actorFor(job.type),
        job.processInstanceKey,
      )
    }
    return job.complete({
      supplierReviewRecordedAt: now.toISOString(),
      nextReviewAt: next.toISOString(),
    })
  },
})
