import { isTemplate, templateNames, type Template } from '../notifications/templates'
import { defineWorker } from './define-worker'
import { caseRefProperties, isOutcome, loadCase, type CaseRefInput } from './worker-helpers'

interface In extends CaseRefInput {
  template: Template
}
interface Out {
  customerNotified: boolean
}

/**
 * 8.1: the customer (the case's requester) is kept informed of progress and told when
 * service targets cannot be met. In-app always; by mail when SMTP is configured.
 */
export const notifyCustomer = defineWorker<In, Out>({
  type: 'notify-customer',
  inputSchema: {
    type: 'object',
    properties: { ...caseRefProperties, template: { enum: [...templateNames] } },
    required: ['caseKind', 'caseId', 'template'],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const { record } = found
    if (!record.requester || !isTemplate(job.variables.template)) {
      return job.complete({ customerNotified: false })
    }
    await deps.notifications.enqueue({
      dedupeKey: `job:${job.key}`,
      recipient: record.requester,
      template: job.variables.template,
      context: { caseKind: found.kind, caseId: record.id, title: record.title },
    })
    return job.complete({ customerNotified: true })
  },
})
