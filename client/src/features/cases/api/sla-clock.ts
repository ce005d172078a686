/**
 * The SLA clock of incidents and service requests (ISO/IEC 20000-1 8.1, 6.1): staff put a case in
 * a waiting status and take it out again; the procedure records each stay and moves the SLA due
 * dates by the time waited. The requests answer 202: the procedure applies them shortly after.
 */
import { api } from '../../../lib/api'

/** The waiting statuses, in human words. */
export const waitingLabels = {
  'waiting-for-customer': 'Waiting for the customer',
  'waiting-for-supplier': 'Waiting for a supplier',
  'on-hold': 'On hold',
} as const
export type WaitingStatus = keyof typeof waitingLabels

/** The case kinds (URL plurals) with an SLA clock and the statuses in which it may be paused. */
export const slaClockKinds: Record<string, readonly string[]> = {
  incidents: ['in-progress', 'diagnosed'],
  'service-requests': ['in-progress'],
}

/** One stay of a case in a waiting status. */
export interface SlaClockStay {
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

/** `GET …/sla-clock`: the stays, oldest first, and the display names of who paused/resumed. */
export interface SlaClock {
  items: SlaClockStay[]
  people: Record<string, string>
}

export const isWaiting = (status: unknown): status is WaitingStatus =>
  typeof status === 'string' && status in waitingLabels

/** A waiting status (or any status) in human words. */
export const waitingLabel = (status: string): string =>
  isWaiting(status)
    ? waitingLabels[status]
    : status.charAt(0).toUpperCase() + status.slice(1).replace(/-/g, ' ')

/** Where a case's SLA clock is read (`GET`) and paused or resumed (`POST …/pause|resume`). */
export const slaClockPath = (kind: string, id: string) =>
  `/${kind}/${encodeURIComponent(id)}/sla-clock`

export const pauseSlaClock = (
  kind: string,
  id: string,
  body: { status: WaitingStatus; reason: string },
) => api<unknown>(`${slaClockPath(kind, id)}/pause`, { method: 'POST', body })

export const resumeSlaClock = (kind: string, id: string, body: { reason?: string }) =>
  api<unknown>(`${slaClockPath(kind, id)}/resume`, { method: 'POST', body })
