import { defineWorker } from './define-worker'
import { addBusinessMinutes } from '../cases/service-calendar'
import {
  actorFor,
  caseRefProperties,
  isOutcome,
  loadCase,
  type CaseRefInput,
} from './worker-helpers'

type In = CaseRefInput
interface Out {
  responseDue: string
  resolutionDue: string
  slaId: string | null
  confirmationPeriod: string
  effectivenessReviewAfter: string
  requiresApproval: boolean
}

/**
 * 8.1, 6.1: the response and resolution targets of the agreed SLA of the case's service for its
 * priority (defaults when the service has none), as due dates for the SLA timers, counted in the
 * business hours of the SLA's service calendar when it names one (24x7 otherwise); the agreed
 * confirmation period; for service requests whether the catalogue item requires approval; for
 * problems the internal resolution target and the effectiveness review period (8.2).
 */
export const loadSlaTargets = defineWorker<In, Out>({
  type: 'load-sla-targets',
  inputSchema: {
    type: 'object',
    properties: { ...caseRefProperties },
    required: ['caseKind', 'caseId'],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const { record, kind } = found
    const priority = record.priority ?? 3
    const sla =
      kind !== 'problem' && record.serviceId
        ? await deps.catalogue.slaTargets(record.serviceId, priority, deps.now())
        : undefined
    const targets =
      sla ??
      (kind === 'problem' ? deps.settings.problemTargets : deps.settings.defaultTargets)[
        priority
      ] ??
      deps.settings.defaultTargets[3]!
    const now = deps.now()
    // 6.1: counted in the business hours of the SLA's service calendar, else around the clock
    const calendar = sla?.calendar
    const responseDue = addBusinessMinutes(now, targets.responseMinutes, calendar).toISOString()
    const resolutionDue = addBusinessMinutes(now, targets.resolutionMinutes, calendar).toISOString()
    let requiresApproval = record.data.requiresApproval === true
    const itemId = record.data.catalogueItemId
    if (kind === 'service-request' && typeof itemId === 'string') {
      const item = await deps.catalogue.catalogueItem(itemId)
      if (item) requiresApproval = item.requiresApproval
    }
    await deps.cases.updateFields(
      kind,
      record.id,
      { data: { responseDue, resolutionDue, slaId: sla?.slaId ?? null } },
      actorFor(job.type),
      job.processInstanceKey,
    )
    return job.complete({
      responseDue,
      resolutionDue,
      slaId: sla?.slaId ?? null,
      confirmationPeriod: deps.settings.confirmationPeriod,
      effectivenessReviewAfter: deps.settings.problemEffectivenessReview,
      requiresApproval,
    })
  },
})
