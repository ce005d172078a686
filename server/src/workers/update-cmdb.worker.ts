import { defineWorker } from './define-worker'
import {
  actorFor,
  caseRefProperties,
  isOutcome,
  loadCase,
  stringList,
  type CaseRefInput,
} from './worker-helpers'

type In = CaseRefInput
interface Out {
  cmdbUpdatedCis: string[]
}

/**
 * 9.2, 9.1: after a successful deployment the CMDB records of the affected CIs are updated:
 * each CI records the change that last changed it (its history keeps before/after).
 */
export const updateCmdb = defineWorker<In, Out>({
  type: 'update-cmdb',
  inputSchema: {
    type: 'object',
    properties: { ...caseRefProperties },
    required: ['caseKind', 'caseId'],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const { record } = found
    const actor = actorFor(job.type)
    const updated: string[] = []
    const changedAt = deps.now().toISOString()
    for (const ciId of stringList(record.data.affectedCis)) {
      if (!(await deps.cases.find('ci', ciId))) continue
      await deps.cases.updateFields(
        'ci',
        ciId,
        { data: { lastChangeId: record.id, lastChangedAt: changedAt } },
        actor,
        job.processInstanceKey,
      )
      updated.push(ciId)
    }
    return job.complete({ cmdbUpdatedCis: updated })
  },
})
