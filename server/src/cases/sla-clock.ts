/**
 * The SLA clock of incidents and service requests (ISO/IEC 20000-1 8.1, 6.1): staff put a case in
 * a waiting status (`waiting-for-customer`, `waiting-for-supplier`, `on-hold`) and take it out
 * again; while it waits, its response and resolution clocks stand still.
 *
 * The server only publishes the request (`sla-clock-paused` / `sla-clock-resumed`, correlated on
 * the case id); the procedure does the rest: the interrupting message boundary event on the
 * work's sub-process leaves the work (its SLA breach timers are cancelled with it, so nothing
 * fires while paused), `record-sla-pause` records the stay, a receive task waits for the resume,
 * `record-sla-resume` moves the due dates by the time paused (the remaining time counted again
 * from the resume, in the SLA's service calendar) and the work starts again, its timers re-armed
 * with the new due dates. Each stay is kept in `sla_clock_pauses` (migration 1160) with who, when
 * and why, and the status history holds the waiting status, from which the service report takes
 * the paused time out (`reports/report-sections.ts` `CLOCK_PAUSED_STATUSES`).
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { iso, isoOrNull } from '../db/timestamps'
import {
  addBusinessMinutes,
  businessMinutesBetween,
  type ServiceCalendar,
} from './service-calendar'

/** The statuses staff may put a case in to pause its SLA clock. */
export const WAITING_STATUSES = ['waiting-for-customer', 'waiting-for-supplier', 'on-hold'] as const
export type WaitingStatus = (typeof WAITING_STATUSES)[number]

/** The kinds with an SLA clock and the statuses in which their work (and clock) is running. */
export const SLA_CLOCK_KINDS = {
  incident: { path: 'incidents', working: ['in-progress', 'diagnosed'] },
  'service-request': { path: 'service-requests', working: ['in-progress'] },
} as const
export type SlaClockKind = keyof typeof SLA_CLOCK_KINDS

/** The message the procedures' `Message_SlaClockPaused` boundary events wait for. */
export const SLA_CLOCK_PAUSED_MESSAGE = 'sla-clock-paused'
/** The message the procedures' `Receive_SlaClockResumed` receive tasks wait for. */
export const SLA_CLOCK_RESUMED_MESSAGE = 'sla-clock-resumed'

/** One stay of a case in a waiting status, as `GET …/sla-clock` answers it. */
export interface SlaClockPause {
  status: string
  previousStatus: string
  pausedAt: string
  pausedBy: string
  reason: string
  resumedAt: string | null
  resumedBy: string | null
  resumeReason: string | null
  responseDueBefore: string | null
  resolutionDueBefore: string | null
  responseDueAfter: string | null
  resolutionDueAfter: string | null
}

/** Every stay of a case in a waiting status, oldest first. */
export async function slaClockPauses(
  db: Kysely<DB>,
  kind: string,
  caseId: string,
): Promise<SlaClockPause[]> {
  const rows = await db
    .selectFrom('sla_clock_pauses')
    .selectAll()
    .where('case_kind', '=', kind)
    .where('case_id', '=', caseId)
    .orderBy('paused_at')
    .orderBy('id')
    .execute()
  return rows.map((r) => ({
    status: r.status,
    previousStatus: r.previous_status,
    pausedAt: iso(r.paused_at),
    pausedBy: r.paused_by,
    reason: r.pause_reason,
    resumedAt: isoOrNull(r.resumed_at),
    resumedBy: r.resumed_by,
    resumeReason: r.resume_reason,
    responseDueBefore: isoOrNull(r.response_due_before),
    resolutionDueBefore: isoOrNull(r.resolution_due_before),
    responseDueAfter: isoOrNull(r.response_due_after),
    resolutionDueAfter: isoOrNull(r.resolution_due_after),
  }))
}

/**
 * The display names of the people who paused and resumed the stays (username → name), so the
 * case page names them as people, not accounts.
 */
export async function slaClockPeople(
  db: Kysely<DB>,
  pauses: readonly SlaClockPause[],
): Promise<Record<string, string>> {
  const people = [
    ...new Set(pauses.flatMap((p) => (p.resumedBy ? [p.pausedBy, p.resumedBy] : [p.pausedBy]))),
  ]
  if (!people.length) return {}
  const rows = await db
    .selectFrom('users')
    .select(['username', 'display_name'])
    .where('username', 'in', people)
    .execute()
  return Object.fromEntries(rows.map((r) => [r.username, r.display_name]))
}

/**
 * The due date after a pause from `pausedAt` to `resumedAt`: what remained of the target at the
 * pause counts again from the resume, in the calendar's business time (24x7 without one). A
 * target already passed at the pause stays as it was (its breach is recorded).
 */
export function dueAfterPause(
  due: Date,
  pausedAt: Date,
  resumedAt: Date,
  calendar: ServiceCalendar | undefined,
): Date {
  if (due <= pausedAt) return due
  return addBusinessMinutes(resumedAt, businessMinutesBetween(pausedAt, due, calendar), calendar)
}
