import { defineWorker } from './define-worker'
import { actorFor, caseRefProperties, type CaseRefInput } from './worker-helpers'

interface Out {
  openActions: number
  overdueActions: string[]
}

/**
 * 6.1 `Task_CheckServiceReviewActions`: how many of the review's actions are still open; the
 * owner of each overdue one is reminded (once a day at most). The count is written on the review.
 */
export const checkServiceReviewActions = defineWorker<CaseRefInput, Out>({
  type: 'check-service-review-actions',
  inputSchema: {
    type: 'object',
    properties: caseRefProperties,
    required: ['caseKind', 'caseId'],
  },
  async handler(job, deps) {
    if (!deps.relationship)
      throw new Error('check-service-review-actions needs the relationship services')
    const actions = await deps.relationship.reviewActions.list(job.variables.caseId)
    const open = actions.filter((a) => a.status === 'open')
    const overdue = open.filter((a) => a.overdue)
    const day = deps.now().toISOString().slice(0, 10)
    for (const a of overdue) {
      await deps.notifications.enqueue({
        dedupeKey: `service-review-action:${a.id}:${day}`,
        recipient: a.owner,
        template: 'service-review-action',
        context: {
          caseKind: 'service-review',
          caseId: job.variables.caseId,
          title: a.title,
          detail: `It was due ${a.dueAt}.`,
        },
      })
    }
    await deps.cases.updateFields(
      'service-review',
      job.variables.caseId,
      { data: { openActions: open.length } },
      actorFor(job.type),
      job.processInstanceKey,
    )
    return job.complete({ openActions: open.length, overdueActions: overdue.map((a) => a.id) })
  },
})
