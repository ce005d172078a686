import { defineWorker } from './define-worker'
import { caseRefProperties, isOutcome, loadCase, type CaseRefInput } from './worker-helpers'

type In = CaseRefInput
interface Out {
  topManagementNotifiedAt: string
}

/** The group top management belongs to (roles.ts StaffGroup.TopManagement). */
export const TOP_MANAGEMENT_GROUP = 'top-management'

/** 8.1: top management is informed of major incidents. */
export const notifyTopManagement = defineWorker<In, Out>({
  type: 'notify-top-management',
  inputSchema: {
    type: 'object',
    properties: { ...caseRefProperties },
    required: ['caseKind', 'caseId'],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const { record } = found
    await deps.notifications.enqueue({
      dedupeKey: `job:${job.key}`,
      recipientGroup: TOP_MANAGEMENT_GROUP,
      template: 'major-incident',
      context: {
        caseKind: found.kind,
        caseId: record.id,
        title: record.title,
        detail: `Priority ${record.priority ?? '?'}${record.serviceId ? `, service ${record.serviceId}` : ''}.`,
      },
    })
    return job.complete({ topManagementNotifiedAt: deps.now().toISOString() })
  },
})
