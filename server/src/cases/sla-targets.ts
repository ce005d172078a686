/** SLA targets per priority (6.1), as the escalation timers of the procedures need them (8.1). */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'

/** Response and resolution targets of the SLA covering a service, for one priority. */
export interface SlaTarget {
  slaId: string
  priority: number
  responseMinutes: number
  resolutionMinutes: number
  /** ISO 8601 durations for BPMN timers, e.g. `PT15M`. */
  responseDuration: string
  resolutionDuration: string
}

interface TargetsData {
  targets?: Record<string, { responseMinutes: number; resolutionMinutes: number }>
}

/**
 * The targets for `priority` under the newest agreed SLA of the service; undefined when the
 * service has no agreed SLA.
 */
export async function slaTargetsOf(
  db: Kysely<DB>,
  serviceId: string,
  priority: number,
): Promise<SlaTarget | undefined> {
  const row = await db
    .selectFrom('slas')
    .select(['id', 'data'])
    .where('service_id', '=', serviceId)
    .where('status', '=', 'agreed')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst()
  const t = (row?.data as TargetsData | undefined)?.targets?.[String(priority)]
  if (!row || !t) return undefined
  return {
    slaId: row.id,
    priority,
    responseMinutes: t.responseMinutes,
    resolutionMinutes: t.resolutionMinutes,
    responseDuration: `PT${t.responseMinutes}M`,
    resolutionDuration: `PT${t.resolutionMinutes}M`,
  }
}
