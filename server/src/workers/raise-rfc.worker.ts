import { isCaseKind } from '../cases'
import { kindSpecs } from '../cases/kinds'
import { ErrorCode, defineWorker } from './define-worker'
import { actorFor, caseRefProperties } from './worker-helpers'

interface In {
  caseKind: string
  caseId: string
  rfcSummary?: string | null
}
interface Out {
  rfcId: string
}

/**
 * 8.2, 7.2, 9.2: a CI change needed to resolve a problem, or a supplier contract change, is
 * raised as a request for change (the change procedure starts with it) and linked to its
 * origin. The caller waits for message `rfc-outcome` with correlation key `rfcId`.
 */
export const raiseRfc = defineWorker<In, Out>({
  type: 'raise-rfc',
  inputSchema: {
    type: 'object',
    properties: { ...caseRefProperties, rfcSummary: { type: ['string', 'null'] } },
    required: ['caseKind', 'caseId'],
  },
  async handler(job, deps) {
    const { caseKind, caseId, rfcSummary } = job.variables
    const origin = isCaseKind(caseKind) ? await deps.cases.find(caseKind, caseId) : undefined
    if (!origin || !isCaseKind(caseKind)) {
      return job.error({
        errorCode: ErrorCode.CASE_NOT_FOUND,
        errorMessage: `No ${caseKind} ${caseId}.`,
      })
    }
    const label =
      typeof origin.title === 'string'
        ? origin.title
        : typeof origin.name === 'string'
          ? origin.name
          : caseId
    const actor = actorFor(job.type)
    // 5.1, 9.2: the change is requested for whoever the case is for (its requester, else the
    // person who raised it), so that person may withdraw it while its design is not accepted
    const requester =
      kindSpecs[caseKind].table === 'cases'
        ? [origin.requester, origin.createdBy].find(
            (v): v is string => typeof v === 'string' && v !== '' && !v.startsWith('system:'),
          )
        : undefined
    const rfc = await deps.cases.create(
      'change',
      {
        title: `RFC from ${caseKind} ${caseId}: ${label}`.slice(0, 300),
        ...(requester ? { requester } : {}),
        ...(caseKind === 'supplier' ? { supplierId: caseId } : {}),
        ...(typeof origin.ciId === 'string' ? { ciId: origin.ciId } : {}),
        ...(typeof origin.serviceId === 'string' ? { serviceId: origin.serviceId } : {}),
        data: {
          scope: rfcSummary?.trim() || `Change needed for ${caseKind} ${caseId}: ${label}`,
          reason: `Raised from ${caseKind} ${caseId}`,
        },
      },
      actor,
    )
    await deps.cases.link(
      { kind: 'change', id: rfc.id },
      { kind: caseKind, id: caseId },
      'raised-from',
      actor,
    )
    return job.complete({ rfcId: rfc.id })
  },
})
