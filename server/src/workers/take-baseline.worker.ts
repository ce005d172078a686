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
  /** Null when the release affects no recorded CI (nothing to baseline). */
  baselineId: string | null
  baselineCiCount: number
}

/**
 * 9.3, 9.1: a configuration baseline of the CIs the release affects is taken before
 * deployment (the release's affected CIs, its CI, and those chosen on the release record).
 */
export const takeBaseline = defineWorker<In, Out>({
  type: 'take-baseline',
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
    const wanted = new Set([
      ...stringList(job.variables.affectedCiIds),
      ...stringList(record.data.affectedCis),
      ...(record.ciId ? [record.ciId] : []),
    ])
    const ciIds: string[] = []
    for (const id of wanted) if (await deps.cases.find('ci', id)) ciIds.push(id)
    if (!ciIds.length) {
      deps.log.warn(`release ${record.id} affects no recorded CI: no baseline taken`)
      return job.complete({ baselineId: null, baselineCiCount: 0 })
    }
    const baseline = await deps.cmdb.takeBaseline(
      {
        name: `Before release ${record.id}`,
        description: `Taken by the release procedure before deploying ${record.id} (${record.title}).`,
        ciIds,
        releaseId: record.id,
      },
      actorFor(job.type),
    )
    return job.complete({ baselineId: baseline.id, baselineCiCount: baseline.items.length })
  },
})
