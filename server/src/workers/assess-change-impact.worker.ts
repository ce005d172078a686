import type { Impact } from '../cases'
import { defineWorker } from './define-worker'
import {
  actorFor,
  caseRefProperties,
  isOutcome,
  loadCase,
  stringList,
  type CaseRefInput,
} from './worker-helpers'

interface In extends CaseRefInput {
  affectedCiIds?: string[] | null
}
interface Out {
  impact: Impact
}

/**
 * 9.2, 9.1: change assessment uses the CMDB: every CI that depends on the affected CIs and
 * every service they support. The affected CIs are stored on the RFC.
 */
export const assessChangeImpact = defineWorker<In, Out>({
  type: 'assess-change-impact',
  inputSchema: {
    type: 'object',
    properties: {
      ...caseRefProperties,
      affectedCiIds: { type: ['array', 'null'], items: { type: 'string' } },
    },
    required: ['caseKind', 'caseId'],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const { record } = found
    const ciIds = [
      ...new Set([
        ...stringList(job.variables.affectedCiIds),
        ...stringList(record.data.affectedCis),
        ...(record.ciId ? [record.ciId] : []),
      ]),
    ]
    const impact = await deps.cmdb.impact(ciIds)
    await deps.cases.updateFields(
      found.kind,
      record.id,
      {
        data: {
          affectedCis: impact.cis.map((c) => c.id),
          affectedServices: impact.services.map((s) => s.id),
        },
      },
      actorFor(job.type),
      job.processInstanceKey,
    )
    return job.complete({ impact })
  },
})
