import { createHash } from 'node:crypto'
import { defineWorker, ErrorCode } from './define-worker'
import { actorFor } from './worker-helpers'

interface In {
  caseId: string
}
interface Out {
  recordHash: string
}

/**
 * 4.5.4.3, 4.3.3 `Task_RecordReviewEvidence`: the review's record (inputs, attendees, decisions,
 * actions and how each ended) goes into the evidence trail with its SHA-256, which is also kept
 * on the review; the review closes. Record, hash and status commit together.
 */
export const recordManagementReview = defineWorker<In, Out>({
  type: 'record-management-review',
  inputSchema: {
    type: 'object',
    properties: { caseId: { type: 'string', minLength: 1 } },
    required: ['caseId'],
  },
  async handler(job, deps) {
    if (!deps.sms) throw new Error('record-management-review needs the SMS services')
    const { reviewActions, audit } = deps.sms
    const review = await deps.cases.findCase('management-review', job.variables.caseId)
    if (!review) {
      return job.error({
        errorCode: ErrorCode.CASE_NOT_FOUND,
        errorMessage: `No management review ${job.variables.caseId}.`,
      })
    }
    const actions = await reviewActions.list(review.id)
    const record = {
      id: review.id,
      title: review.title,
      period: { from: review.data.periodFrom ?? null, to: review.data.periodTo ?? null },
      inputs: review.data.inputs ?? null,
      attendees: review.data.attendees ?? [],
      resourceDecisions: review.data.resourceDecisions ?? null,
      improvementDecisions: review.data.improvementDecisions ?? null,
      minutes: review.data.minutes ?? null,
      actions,
    }
    const recordHash = createHash('sha256').update(JSON.stringify(record)).digest('hex')
    const actor = actorFor(job.type)
    const publish = await deps.db.transaction().execute(async (tx) => {
      const { publish: published } = await deps.cases.applyInTransaction(
        'management-review',
        review.id,
        { data: { recordHash } },
        actor,
        tx,
        { processInstanceKey: job.processInstanceKey },
      )
      await audit.append(
        {
          actor: actor.username,
          action: 'management-review.recorded',
          entityType: 'management-review',
          entityId: review.id,
          after: { ...record, sha256: recordHash },
          processInstanceKey: job.processInstanceKey,
        },
        tx,
      )
      return published
    })
    publish()
    await deps.cases.setStatus('management-review', review.id, 'closed', actor, {
      processInstanceKey: job.processInstanceKey,
      elementId: 'Task_RecordReviewEvidence',
    })
    return job.complete({ recordHash })
  },
})
