import { dueAfterPause } from '../cases/sla-clock'
import { iso } from '../db/timestamps'
import { defineWorker } from './define-worker'
import {
  actorFor,
  caseRefProperties,
  isOutcome,
  loadCase,
  type CaseRefInput,
} from './worker-helpers'

interface In extends CaseRefInput {
  /** Variables of message `sla-clock-resumed`: who, why and when. */
  slaResumedBy: string
  slaResumeReason: string
  slaResumedAt: string
}
interface Out {
  responseDue: string | null
  resolutionDue: string | null
  /** The case had been diagnosed before it waited: the work goes on at its resolution. */
  resumeAtResolve: boolean
}

/**
 * 8.1, 6.1: the case no longer waits and its SLA clock runs again. The open stay is closed with
 * who, when and why; the response and resolution due dates move by the time paused (the remaining
 * time at the pause counted again from the resume, in the business hours of the SLA's service
 * calendar in force at the pause) and are returned to the procedure, whose SLA timers are armed
 * again with them when the work starts again; the case takes back the status it had. Idempotent:
 * a retried job finds the stay it closed and returns the same due dates.
 */
export const recordSlaResume = defineWorker<In, Out>({
  type: 'record-sla-resume',
  inputSchema: {
    type: 'object',
    properties: {
      ...caseRefProperties,
      slaResumedBy: { type: 'string', minLength: 1, maxLength: 100 },
      slaResumeReason: { type: 'string', maxLength: 2000 },
      slaResumedAt: { type: 'string', format: 'date-time' },
    },
    required: ['caseKind', 'caseId', 'slaResumedBy', 'slaResumedAt'],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const { record, kind } = found
    const v = job.variables
    const resumedAt = new Date(v.slaResumedAt)
    const stay = await deps.db
      .selectFrom('sla_clock_pauses')
      .selectAll()
      .where('case_kind', '=', kind)
      .where('case_id', '=', record.id)
      .where((eb) => eb.or([eb('resumed_at', 'is', null), eb('resumed_at', '=', resumedAt)]))
      .orderBy('paused_at', 'desc')
      .executeTakeFirst()
    if (!stay) {
      throw new Error(`${record.id} has no SLA clock pause to resume.`)
    }
    let responseDue = stay.response_due_after
    let resolutionDue = stay.resolution_due_after
    if (stay.resumed_at === null) {
      const pausedAt = new Date(stay.paused_at)
      const sla = record.serviceId
        ? await deps.catalogue.slaTargets(record.serviceId, record.priority ?? 3, pausedAt)
        : undefined
      const move = (due: Date | string | null) =>
        due === null ? null : dueAfterPause(new Date(due), pausedAt, resumedAt, sla?.calendar)
      responseDue = move(stay.response_due_before)
      resolutionDue = move(stay.resolution_due_before)
      await deps.db
        .updateTable('sla_clock_pauses')
        .set({
          resumed_at: resumedAt,
          resumed_by: v.slaResumedBy,
          resume_reason: v.slaResumeReason ?? null,
          response_due_after: responseDue,
          resolution_due_after: resolutionDue,
        })
        .where('id', '=', stay.id)
        .where('resumed_at', 'is', null)
        .execute()
    }
    const responseIso = responseDue === null ? null : iso(responseDue)
    const resolutionIso = resolutionDue === null ? null : iso(resolutionDue)
    await deps.cases.updateFields(
      kind,
      record.id,
      {
        data: {
          ...(responseIso ? { responseDue: responseIso } : {}),
          ...(resolutionIso ? { resolutionDue: resolutionIso } : {}),
          slaClockResumedAt: v.slaResumedAt,
          slaClockResumedBy: v.slaResumedBy,
        },
      },
      actorFor(job.type),
      job.processInstanceKey,
    )
    await deps.cases.setStatus(kind, record.id, stay.previous_status, actorFor(job.type), {
      processInstanceKey: job.processInstanceKey,
      elementId: job.elementId,
    })
    return job.complete({
      responseDue: responseIso,
      resolutionDue: resolutionIso,
      resumeAtResolve: stay.previous_status === 'diagnosed',
    })
  },
})
