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
  releaseId: string
}

/**
 * 9.2, 9.3: an approved change is implemented through release and deployment management: a
 * release record (emergency for emergency changes) is created, which starts the release
 * procedure, and linked to the change. The change waits for message `release-outcome`.
 */
export const startRelease = defineWorker<In, Out>({
  type: 'start-release',
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
    const release = await deps.cases.create(
      'release',
      {
        title: `Release for ${record.id}: ${record.title}`.slice(0, 300),
        ...(record.serviceId ? { serviceId: record.serviceId } : {}),
        ...(record.ciId ? { ciId: record.ciId } : {}),
        data: {
          releaseType: record.data.changeType === 'emergency' ? 'emergency' : 'minor',
          affectedCis: stringList(record.data.affectedCis),
          changeId: record.id,
        },
      },
      actor,
    )
    await deps.cases.link(
      { kind: 'release', id: release.id },
      { kind: 'change', id: record.id },
      'implements',
      actor,
    )
    return job.complete({ releaseId: release.id })
  },
})
