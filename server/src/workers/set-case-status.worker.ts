import { defineWorker } from './define-worker'
import {
  actorFor,
  caseRefProperties,
  isOutcome,
  loadCase,
  type CaseRefInput,
} from './worker-helpers'

interface In extends CaseRefInput {
  status: string
}
interface Out {
  caseStatus: string
}

/** 8.1 d, 8.2 e: the procedure drives the case status (`status` from the input mapping). */
export const setCaseStatus = defineWorker<In, Out>({
  type: 'set-case-status',
  inputSchema: {
    type: 'object',
    properties: { ...caseRefProperties, status: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' } },
    required: ['caseKind', 'caseId', 'status'],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const updated = await deps.cases.setStatus(
      found.kind,
      job.variables.caseId,
      job.variables.status,
      actorFor(job.type),
      { processInstanceKey: job.processInstanceKey, elementId: job.elementId },
    )
    return job.complete({ caseStatus: updated.status })
  },
})
