import { defineWorker } from './define-worker'
import { actorFor } from './worker-helpers'

interface In {
  caseId: string
}
interface Out {
  openActions: number
  overdueActions: string[]
}

/**
 * 4.5.4.3 `Task_CheckReviewActions`: how many of the review's actions are still open; the owner
 * of each overdue one is reminded (once a day at most). The count is written on the review.
 */
export const checkReviewActions = defineWorker<In, Out>({
  type: 'check-review-actions',
  inputSchema: {
    type: 'object',
    properties: { caseId: { type: 'string', minLength: 1 } },
    required: ['caseId'],
  },
  async handler(job, deps) {
    if (!deps.sms) throw new Error('check-review-actions needs the SMS services')
    const actions = await deps.sms.reviewActions.list(job.variables.caseId)
    const open = actions.filter((a) => a.status === 'open')
    const overdue = open.filter((a) => a.overdue)
    const day = deps.now().toISOString().slice(0, 10)
    for (const a of overdue) {
      await deps.notifications.enqueue({
        dedupeKey: `review-action:${a.id}:${day}`,
        recipient: a.owner,
        template: 'management-review-action',
        context: {
          caseKind: 'management-review',
          caseId: job.variables.caseId,
          title: a.title,
          detail: `It was due ${a.dueAt}.`,
        },
      })
    }
    await deps.cases.updateFields(
      'management-review',
      job.variables.caseId,
      { data: { openActions: open.length } },
      actorFor(job.type),
      job.processInstanceKey,
    )
    return job.complete({ openActions: open.length, overdueActions: overdue.map((a) => a.id) })
  },
})
