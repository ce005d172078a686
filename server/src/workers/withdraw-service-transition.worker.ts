import { defineWorker } from './define-worker'
import {
  actorFor,
  caseRefProperties,
  isOutcome,
  loadCase,
  type CaseRefInput,
} from './worker-helpers'

interface In extends CaseRefInput {
  withdrawnBy: string
  withdrawalReason: string
  withdrawnAt: string
}
interface Out {
  caseStatus: string
  closureCode: string
}

/** The message the change waits on besides the accepted design (its boundary event, 9.2). */
export const SERVICE_DESIGN_WITHDRAWN_MESSAGE = 'service-design-withdrawn'

/**
 * 5.1, 9.2, 4.3.3: the requester withdrew the service design and transition (message
 * `service-transition-withdrawn`, published by the server with who, when and why). The record
 * keeps that evidence and closes as withdrawn; the change waiting for the design is withdrawn
 * with it (message `service-design-withdrawn`, correlated on the change id). A retry finds the
 * record closed and only publishes again (the engine drops a duplicate message id).
 */
export const withdrawServiceTransition = defineWorker<In, Out>({
  type: 'withdraw-service-transition',
  publishes: [SERVICE_DESIGN_WITHDRAWN_MESSAGE],
  inputSchema: {
    type: 'object',
    properties: {
      ...caseRefProperties,
      withdrawnBy: { type: 'string', minLength: 1 },
      withdrawalReason: { type: 'string', minLength: 1 },
      withdrawnAt: { type: 'string', minLength: 1 },
    },
    required: ['caseKind', 'caseId', 'withdrawnBy', 'withdrawalReason', 'withdrawnAt'],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const { record, kind } = found
    const { withdrawnBy, withdrawalReason, withdrawnAt } = job.variables
    const actor = actorFor(job.type)
    if (record.status !== 'closed') {
      await deps.cases.updateFields(
        kind,
        record.id,
        { data: { withdrawnBy, withdrawalReason, withdrawnAt, closureCode: 'withdrawn' } },
        actor,
        job.processInstanceKey,
      )
      await deps.cases.setStatus(kind, record.id, 'closed', actor, {
        processInstanceKey: job.processInstanceKey,
        elementId: job.elementId,
      })
    }
    const changeId = record.data.changeId
    if (typeof changeId === 'string' && changeId) {
      await deps.messages.publish({
        name: SERVICE_DESIGN_WITHDRAWN_MESSAGE,
        correlationKey: changeId,
        variables: { serviceTransitionWithdrawnBy: withdrawnBy },
        timeToLive: deps.settings.messageTtlMs,
        messageId: `${SERVICE_DESIGN_WITHDRAWN_MESSAGE}:${record.id}`,
      })
    }
    return job.complete({ caseStatus: 'closed', closureCode: 'withdrawn' })
  },
})
