/** SLA targets per priority (6.1), as the escalation timers of the procedures need them (8.1). */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { inForce } from '../sms/documents/controlled-documents'
import type { SlaDocumentData } from '../sms/documents/controlled-model'
import { calendarOf, type ServiceCalendar } from './service-calendar'

/** Response and resolution targets of the SLA covering a service, for one priority. */
export interface SlaTarget {
  slaId: string
  priority: number
  responseMinutes: number
  resolutionMinutes: number
  /** ISO 8601 durations for BPMN timers, e.g. `PT15M`. */
  responseDuration: string
  resolutionDuration: string
  /** The SLA document version the targets come from (absent: the SLA record's own targets). */
  document?: { id: string; version: number }
  /**
   * The service calendar the targets are counted in (business hours, `service-calendar.ts`);
   * absent: around the clock (24x7).
   */
  calendar?: ServiceCalendar
}

interface TargetsData {
  targets?: Record<string, { responseMinutes: number; resolutionMinutes: number }>
  calendar?: unknown
}

/**
 * The targets for `priority` under the newest agreed SLA of the service, as its controlled
 * document's version in force at `now` states them (4.3.2, 6.1: a version approved with a later
 * effective date changes nothing before it), else as the SLA record holds them; undefined when
 * the service has no agreed SLA. The targets count in the SLA's service calendar when it names
 * one (business hours), else around the clock.
 */
export async function slaTargetsOf(
  db: Kysely<DB>,
  serviceId: string,
  priority: number,
  now: Date = new Date(),
): Promise<SlaTarget | undefined> {
  const row = await db
    .selectFrom('slas')
    .select(['id', 'data'])
    .where('service_id', '=', serviceId)
    .where('status', '=', 'agreed')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst()
  if (!row) return undefined
  const doc = await inForce<SlaDocumentData>(db, `sla:${row.id}`, now)
  const targets = doc ? doc.data.targets : (row.data as TargetsData | undefined)?.targets
  const t = (targets as TargetsData['targets'])?.[String(priority)]
  if (!t) return undefined
  // the document's calendar when its version names one, else the SLA record's (changed only through
  // a change once the SLA is agreed, `change-control.ts`)
  const calendar =
    calendarOf(doc?.data.calendar) ?? calendarOf((row.data as TargetsData | undefined)?.calendar)
  return {
    slaId: row.id,
    priority,
    responseMinutes: t.responseMinutes,
    resolutionMinutes: t.resolutionMinutes,
    responseDuration: `PT${t.responseMinutes}M`,
    resolutionDuration: `PT${t.resolutionMinutes}M`,
    ...(doc ? { document: { id: doc.documentId, version: doc.version } } : {}),
    ...(calendar ? { calendar } : {}),
  }
}
