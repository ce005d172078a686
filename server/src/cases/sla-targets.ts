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

/** The newest agreed SLA of a service as in force at a moment (see {@link agreedSlaOf}). */
export interface AgreedSla {
  slaId: string
  name: string
  /** Targets per priority `"1"`…`"5"`, in minutes. */
  targets: Partial<Record<string, { responseMinutes: number; resolutionMinutes: number }>>
  /** The service hours as the SLA document words them (absent: not stated). */
  serviceHours?: string
  /** The SLA document version the targets come from (absent: the SLA record's own targets). */
  document?: { id: string; version: number }
  /** The service calendar the targets count in; absent: around the clock (24x7). */
  calendar?: ServiceCalendar
}

/**
 * The newest agreed SLA of the service, as its controlled document's version in force at `now`
 * states it (4.3.2, 6.1: a version approved with a later effective date changes nothing before
 * it), else as the SLA record holds it; undefined when the service has no agreed SLA. Its
 * calendar is the document's when its version names one, else the SLA record's (changed only
 * through a change once the SLA is agreed, `change-control.ts`).
 */
export async function agreedSlaOf(
  db: Kysely<DB>,
  serviceId: string,
  now: Date = new Date(),
): Promise<AgreedSla | undefined> {
  const row = await db
    .selectFrom('slas')
    .select(['id', 'name', 'data'])
    .where('service_id', '=', serviceId)
    .where('status', '=', 'agreed')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst()
  if (!row) return undefined
  const doc = await inForce<SlaDocumentData>(db, `sla:${row.id}`, now)
  const record = row.data as TargetsData | undefined
  const targets = (doc ? doc.data.targets : record?.targets) ?? {}
  const calendar = calendarOf(doc?.data.calendar) ?? calendarOf(record?.calendar)
  return {
    slaId: row.id,
    name: row.name,
    targets: targets as AgreedSla['targets'],
    ...(doc?.data.serviceHours ? { serviceHours: doc.data.serviceHours } : {}),
    ...(doc ? { document: { id: doc.documentId, version: doc.version } } : {}),
    ...(calendar ? { calendar } : {}),
  }
}

/**
 * The targets for `priority` under the newest agreed SLA of the service ({@link agreedSlaOf});
 * undefined when the service has no agreed SLA or it sets no target for the priority. The
 * targets count in the SLA's service calendar when it names one (business hours), else around
 * the clock.
 */
export async function slaTargetsOf(
  db: Kysely<DB>,
  serviceId: string,
  priority: number,
  now: Date = new Date(),
): Promise<SlaTarget | undefined> {
  const sla = await agreedSlaOf(db, serviceId, now)
  const t = sla?.targets[String(priority)]
  if (!sla || !t) return undefined
  return {
    slaId: sla.slaId,
    priority,
    responseMinutes: t.responseMinutes,
    resolutionMinutes: t.resolutionMinutes,
    responseDuration: `PT${t.responseMinutes}M`,
    resolutionDuration: `PT${t.resolutionMinutes}M`,
    ...(sla.document ? { document: sla.document } : {}),
    ...(sla.calendar ? { calendar: sla.calendar } : {}),
  }
}
