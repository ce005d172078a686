import { fitOfStandardChange } from '../cases/standard-changes'
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
  /** The change fits an active model (gateway `Gateway_FitsStandardModel`). */
  fitsStandardModel: boolean
  /** The model and version it follows, when it fits. */
  standardChangeModel?: { id: string; version: number }
}

/**
 * 9.2: a change classed standard follows a pre-approved model of the standard change catalogue.
 * When it fits (an active model, CIs and services in its scope) the model's id, version, tasks
 * and risk are recorded on the change and it skips assessment and the CAB; when it does not, the
 * reason is recorded and the change goes the normal way (assessment, CAB).
 */
export const checkStandardChange = defineWorker<In, Out>({
  type: 'check-standard-change',
  inputSchema: {
    type: 'object',
    properties: { ...caseRefProperties },
    required: ['caseKind', 'caseId'],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const { record } = found
    const fit = await fitOfStandardChange(deps.db, record)
    const data = fit.fits
      ? {
          standardChangeModelId: fit.model.id,
          standardChangeModelVersion: fit.model.version,
          standardChangeTasks: fit.model.tasks,
          risk: fit.model.risk,
          standardChangeRefusal: null,
        }
      : { standardChangeRefusal: fit.reason }
    await deps.cases.updateFields(
      found.kind,
      record.id,
      { data },
      actorFor(job.type),
      job.processInstanceKey,
    )
    return fit.fits
      ? job.complete({
          fitsStandardModel: true,
          standardChangeModel: { id: fit.model.id, version: fit.model.version },
        })
      : job.complete({ fitsStandardModel: false })
  },
})
