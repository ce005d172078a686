import { defineWorker } from './define-worker'
import {
  actorFor,
  caseRefProperties,
  isOutcome,
  loadCase,
  type CaseRefInput,
} from './worker-helpers'

interface In extends CaseRefInput {
  /** Functional: to the responsible (next-line) group; hierarchical: to management as well. */
  level: 'functional' | 'hierarchical'
  reason: string
}
interface Out {
  escalationLevel: string
  escalatedAt: string
}

/**
 * 8.1 e, 8.2 f: escalation. Functional escalation tells the responsible group; hierarchical
 * escalation also tells the management group (`hierarchicalEscalationGroup`). The case records
 * its escalation level.
 */
export const escalate = defineWorker<In, Out>({
  type: 'escalate',
  inputSchema: {
    type: 'object',
    properties: {
      ...caseRefProperties,
      level: { enum: ['functional', 'hierarchical'] },
      reason: { type: 'string', minLength: 1 },
    },
    required: ['caseKind', 'caseId', 'level', 'reason'],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const { record, kind } = found
    const { level, reason } = job.variables
    const groups = [record.assignedGroup ?? 'service-desk']
    if (level === 'hierarchical') groups.push(deps.settings.hierarchicalEscalationGroup)
    for (const group of new Set(groups)) {
      await deps.notifications.enqueue({
        dedupeKey: `job:${job.key}:${group}`,
        recipientGroup: group,
        template: 'escalation',
        context: { caseKind: kind, caseId: record.id, title: record.title, detail: reason },
      })
    }
    const escalatedAt = deps.now().toISOString()
    await deps.cases.updateFields(
      kind,
      record.id,
      { data: { escalationLevel: level, escalatedAt } },
      actorFor(job.type),
      job.processInstanceKey,
    )
    return job.complete({ escalationLevel: level, escalatedAt })
  },
})
