import { defineWorker } from './define-worker'

interface In {
  caseId: string
  rfcOutcome: 'implemented' | 'rejected' | 'failed' | 'withdrawn'
}
interface Out {
  rfcOutcomeReportedAt: string
}

/** The message a problem (or supplier review) waits on for the outcome of its RFC. */
export const RFC_OUTCOME_MESSAGE = 'rfc-outcome'

/**
 * 9.2, 8.2: the outcome of an RFC is reported back to whoever raised it: message `rfc-outcome`
 * correlated on the change id, with variable `rfcOutcome`.
 */
export const notifyRfcOutcome = defineWorker<In, Out>({
  type: 'notify-rfc-outcome',
  publishes: [RFC_OUTCOME_MESSAGE],
  inputSchema: {
    type: 'object',
    properties: {
      caseId: { type: 'string', minLength: 1 },
      rfcOutcome: { enum: ['implemented', 'rejected', 'failed', 'withdrawn'] },
    },
    required: ['caseId', 'rfcOutcome'],
  },
  async handler(job, deps) {
    await deps.messages.publish({
      name: RFC_OUTCOME_MESSAGE,
      correlationKey: job.variables.caseId,
      variables: { rfcOutcome: job.variables.rfcOutcome, rfcId: job.variables.caseId },
      timeToLive: deps.settings.messageTtlMs,
      messageId: `rfc-outcome:${job.key}`,
    })
    return job.complete({ rfcOutcomeReportedAt: deps.now().toISOString() })
  },
})
