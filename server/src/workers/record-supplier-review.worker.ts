import {
  assessTargets,
  contractTargetsInForce,
  type MeasuredTarget,
  type TargetResult,
} from '../cases/supplier-targets'
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
  /** The values the reviewer recorded per target (form `supplier-review-prepare`). */
  measuredTargets?: MeasuredTarget[] | null
}
interface Out {
  supplierReviewRecordedAt: string
  nextReviewAt: string
  targetsMet: number
  targetsMissed: number
  targetsNotAssessed: number
}

/** Counts of a review's target results. */
const tally = (results: readonly TargetResult[]) => ({
  met: results.filter((r) => r.met === true).length,
  missed: results.filter((r) => r.met === false).length,
  notAssessed: results.filter((r) => r.met === null).length,
})

/**
 * 7.2: the results of the supplier review are recorded (performance per contract target: value
 * achieved, met or missed by the target's rule or the reviewer's judgement; nonconformities,
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
      measuredTargets: {
        type: ['array', 'null'],
        items: {
          type: 'object',
          properties: {
            target: { type: 'string' },
            agreed: { type: ['string', 'null'] },
            achieved: { type: ['number', 'string', 'null'] },
            met: { enum: ['met', 'missed', null] },
          },
          required: ['target'],
        },
      },
    },
    required: ['caseId'],
  },
  async handler(job, deps) {
    const { caseId: supplierId, measuredTargets, ...rest } = job.variables
    const supplier = await deps.cases.find('supplier', supplierId)
    // 7.2: each target of the supplier's contracts, measured on its own
    const contracts = (await deps.catalogue.contracts(supplierId, actorFor(job.type))).filter(
      (c) => c.status !== 'terminated' && c.status !== 'expired',
    )
    const { targets } = await contractTargetsInForce(deps.db, contracts, deps.now())
    const results = assessTargets(targets, measuredTargets ?? [])
    const counts = tally(results)
    const performance =
      typeof rest.performance === 'object' && rest.performance !== null ? rest.performance : {}
    const outcome = {
      ...rest,
      performance: {
        ...performance,
        targets: results,
        targetsMet: counts.met,
        targetsMissed: counts.missed,
        targetsNotAssessed: counts.notAssessed,
      },
    }
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
      targetsMet: counts.met,
      targetsMissed: counts.missed,
      targetsNotAssessed: counts.notAssessed,
    })
  },
})
