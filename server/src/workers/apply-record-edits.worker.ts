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
  /** The records the change wrote (a new standard change model's new id among them). */
  appliedRecordEdits: string[]
}

/**
 * 9.2, 9.1, 6.1, 7.2: the implementation of a change writes the edits of records under change
 * control it carries (CIs, services, SLAs, contracts, standard change models), all in one
 * transaction with their evidence (`server/src/cases/change-record-edits.ts`). Retried after a
 * commit, it writes nothing twice.
 */
export const applyRecordEdits = defineWorker<In, Out>({
  type: 'apply-record-edits',
  inputSchema: {
    type: 'object',
    properties: { ...caseRefProperties },
    required: ['caseKind', 'caseId'],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const applied = await deps.cases.changeControl.applyAll(found.record.id, actorFor(job.type), {
      processInstanceKey: job.processInstanceKey,
      elementId: job.elementId,
    })
    return job.complete({
      appliedRecordEdits: applied.map((e) => `${e.targetKind}:${e.appliedTargetId ?? ''}`),
    })
  },
})
