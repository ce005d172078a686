import { defineWorker } from './define-worker'
import {
  actorFor,
  caseRefProperties,
  isOutcome,
  loadCase,
  type CaseRefInput,
} from './worker-helpers'

interface In extends CaseRefInput {
  /** Whether the outcome was confirmed/successful (the closure code is derived from it). */
  confirmed?: boolean | null
  closureCode?: string
}
interface Out {
  caseStatus: string
  closureCode: string
  closedAt: string
}

/** 8.1 g, 8.2 h, 9.2, 9.3, 4.5.5: closure of the record with a closure code. */
export const closeCase = defineWorker<In, Out>({
  type: 'close-case',
  inputSchema: {
    type: 'object',
    properties: {
      ...caseRefProperties,
      confirmed: { type: ['boolean', 'null'] },
      closureCode: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' },
    },
    required: ['caseKind', 'caseId'],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const closureCode =
      job.variables.closureCode ?? (job.variables.confirmed === true ? 'confirmed' : 'unconfirmed')
    const actor = actorFor(job.type)
    await deps.cases.updateFields(
      found.kind,
      job.variables.caseId,
      { data: { closureCode } },
      actor,
      job.processInstanceKey,
    )
    const closed = await deps.cases.setStatus(found.kind, job.variables.caseId, 'closed', actor, {
      processInstanceKey: job.processInstanceKey,
      elementId: job.elementId,
    })
    return job.complete({
      caseStatus: closed.status,
      closureCode,
      closedAt: deps.now().toISOString(),
    })
  },
})
