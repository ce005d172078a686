import { releaseChangeProblem } from '../cases/change-control'
import { defineWorker } from './define-worker'
import {
  actorFor,
  caseRefProperties,
  isOutcome,
  loadCase,
  type CaseRefInput,
} from './worker-helpers'

type In = CaseRefInput
interface Out {
  /** The release implements a change that is approved (gateway `Gateway_HasApprovedChange`). */
  hasApprovedChange: boolean
  /** Why not, when not. */
  changeCheck?: string
}

/**
 * 9.3: a release starts only from an approved change. Checks the change the release names
 * (`data.changeId`) whoever started the release (a person, a worker, a client of the engine);
 * when there is none, records why on the release (`changeCheck`, evidence) and the procedure
 * takes its modelled refusal path.
 */
export const checkReleaseChange = defineWorker<In, Out>({
  type: 'check-release-change',
  inputSchema: {
    type: 'object',
    properties: { ...caseRefProperties },
    required: ['caseKind', 'caseId'],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const problem = await releaseChangeProblem(deps.db, found.record.data.changeId)
    if (!problem) return job.complete({ hasApprovedChange: true })
    const changeCheck = `refused: no approved change (${problem})`
    await deps.cases.updateFields(
      found.kind,
      found.record.id,
      { data: { changeCheck } },
      actorFor(job.type),
      job.processInstanceKey,
    )
    return job.complete({ hasApprovedChange: false, changeCheck })
  },
})
