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
  changeType: 'standard' | 'normal' | 'emergency'
  changeNature?: string | null
  potentialMajorImpact?: boolean | null
  affectedCiIds?: string[] | null
}
interface Out {
  changeType: string
  majorImpact: boolean
}

/** 9.2: per the change management policy, removing or transferring a service is always major. */
export const ALWAYS_MAJOR = ['service-removal', 'service-transfer'] as const

/**
 * 9.2: applies the change management policy: a change has potential major impact when the
 * classifier says so or it removes or transfers a service; such changes go through clause 5.
 * A standard change with major impact is treated as normal (it is not pre-approved).
 */
export const applyChangePolicy = defineWorker<In, Out>({
  type: 'apply-change-policy',
  inputSchema: {
    type: 'object',
    properties: {
      ...caseRefProperties,
      changeType: { enum: ['standard', 'normal', 'emergency'] },
      changeNature: { type: ['string', 'null'] },
      potentialMajorImpact: { type: ['boolean', 'null'] },
      affectedCiIds: { type: ['array', 'null'], items: { type: 'string' } },
    },
    required: ['caseKind', 'caseId', 'changeType'],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const { changeNature, potentialMajorImpact } = job.variables
    const affectedCis = stringList(job.variables.affectedCiIds)
    const majorImpact =
      potentialMajorImpact === true ||
      (ALWAYS_MAJOR as readonly string[]).includes(changeNature ?? '')
    const changeType =
      job.variables.changeType === 'standard' && majorImpact ? 'normal' : job.variables.changeType
    await deps.cases.updateFields(
      found.kind,
      found.record.id,
      {
        data: {
          changeType,
          majorImpact,
          ...(changeNature ? { changeNature } : {}),
          ...(affectedCis.length ? { affectedCis } : {}),
        },
      },
      actorFor(job.type),
      job.processInstanceKey,
    )
    return job.complete({ changeType, majorImpact })
  },
})
