import { WAITING_STATUSES } from '../cases/sla-clock'
import { defineWorker } from './define-worker'
import {
  actorFor,
  caseRefProperties,
  isOutcome,
  loadCase,
  type CaseRefInput,
} from './worker-helpers'

interface In extends CaseRefInput {
  /** Variables of message `sla-clock-paused`: the waiting status, who, why and when. */
  slaPauseStatus: string
  slaPausedBy: string
  slaPauseReason: string
  slaPausedAt: string
}
interface Out {
  slaClockPaused: true
}

const dateOrNull = (v: unknown): Date | null => {
  if (typeof v !== 'string') return null
  const d = new Date(v)
  return Number.isNaN(d.getTime()) ? null : d
}

/**
 * 8.1, 6.1: the case waits (for the customer, a supplier, or on hold) and its SLA clock stands
 * still. Records the stay (`sla_clock_pauses`: the status it left, who, when, why and the due
 * dates at the pause), the same on the case (`slaClockPaused*`, with its evidence) and the waiting
 * status (status history). Each write is idempotent, so a retried job completes what a crash cut
 * short without writing twice.
 */
export const recordSlaPause = defineWorker<In, Out>({
  type: 'record-sla-pause',
  inputSchema: {
    type: 'object',
    properties: {
      ...caseRefProperties,
      slaPauseStatus: { enum: [...WAITING_STATUSES] },
      slaPausedBy: { type: 'string', minLength: 1, maxLength: 100 },
      slaPauseReason: { type: 'string', minLength: 1, maxLength: 2000 },
      slaPausedAt: { type: 'string', format: 'date-time' },
    },
    required: [
      'caseKind',
      'caseId',
      'slaPauseStatus',
      'slaPausedBy',
      'slaPauseReason',
      'slaPausedAt',
    ],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const { record, kind } = found
    const v = job.variables
    const pausedAt = new Date(v.slaPausedAt)
    const existing = await deps.db
      .selectFrom('sla_clock_pauses')
      .select('previous_status')
      .where('case_kind', '=', kind)
      .where('case_id', '=', record.id)
      .where('paused_at', '=', pausedAt)
      .executeTakeFirst()
    if (!existing) {
      await deps.db
        .insertInto('sla_clock_pauses')
        .values({
          case_kind: kind,
          case_id: record.id,
          status: v.slaPauseStatus,
          previous_status: record.status,
          paused_at: pausedAt,
          paused_by: v.slaPausedBy,
          pause_reason: v.slaPauseReason,
          response_due_before: dateOrNull(record.data.responseDue),
          resolution_due_before: dateOrNull(record.data.resolutionDue),
          process_instance_key: job.processInstanceKey,
        })
        .execute()
    }
    await deps.cases.updateFields(
      kind,
      record.id,
      {
        data: {
          slaClockPausedIn: v.slaPauseStatus,
          slaClockPausedAt: v.slaPausedAt,
          slaClockPausedBy: v.slaPausedBy,
          slaClockPauseReason: v.slaPauseReason,
          slaClockResumedAt: null,
          slaClockResumedBy: null,
        },
      },
      actorFor(job.type),
      job.processInstanceKey,
    )
    await deps.cases.setStatus(kind, record.id, v.slaPauseStatus, actorFor(job.type), {
      processInstanceKey: job.processInstanceKey,
      elementId: job.elementId,
    })
    return job.complete({ slaClockPaused: true })
  },
})
