import { defineWorker } from './define-worker'
import { caseRefProperties, isOutcome, loadCase, type CaseRefInput } from './worker-helpers'

interface In extends CaseRefInput {
  outcome: 'rejected' | 'achieved' | 'not-achieved'
}
interface Out {
  improvementReportedAt: string
}

/** Groups told of improvement results: the improvement managers and top management (4.5.4.3). */
const REPORT_TO = ['improvement-managers', 'top-management'] as const

/**
 * 4.5.5.2: improvement activities and their results are reported to interested parties; the
 * report is input to the management review (4.5.4.3).
 */
export const reportImprovement = defineWorker<In, Out>({
  type: 'report-improvement',
  inputSchema: {
    type: 'object',
    properties: {
      ...caseRefProperties,
      outcome: { enum: ['rejected', 'achieved', 'not-achieved'] },
    },
    required: ['caseKind', 'caseId', 'outcome'],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    for (const group of REPORT_TO) {
      await deps.notifications.enqueue({
        dedupeKey: `job:${job.key}:${group}`,
        recipientGroup: group,
        template: 'improvement-report',
        context: {
          caseKind: 'improvement',
          caseId: found.record.id,
          title: found.record.title,
          detail: job.variables.outcome,
        },
      })
    }
    return job.complete({ improvementReportedAt: deps.now().toISOString() })
  },
})
