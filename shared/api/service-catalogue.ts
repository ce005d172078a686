/**
 * The service catalogue in force as customers see it (`GET /api/service-catalogue`, ISO/IEC
 * 20000-1 6.1): the services, what may be requested of each, and the service levels promised.
 * Built by server/src/cases/service-catalogue.ts, shown by the customer portal's catalogue page.
 */

/** Day names as a service calendar states them (PostgreSQL's `to_char(d, 'dy')`). */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const
export type Weekday = (typeof WEEKDAYS)[number]

/** A service calendar: when the clock of an SLA target runs. */
export interface ServiceCalendar {
  /** What people call it, e.g. "Office hours Berlin". */
  name?: string
  /** IANA time zone, e.g. `Europe/Berlin`. */
  timeZone: string
  workingDays: Weekday[]
  /** Local opening time `HH:MM`. */
  opens: string
  /** Local closing time `HH:MM` (`24:00`: midnight at the end of the day). */
  closes: string
  /** Local dates `YYYY-MM-DD` on which the service desk is closed. */
  holidays?: string[]
}

/** A requestable item of the catalogue. */
export interface CatalogueItem {
  id: string
  serviceId: string
  name: string
  description: string
  /** 8.1: a request for this item goes through approval first. */
  requiresApproval: boolean
  fulfilmentGroup: string | null
}

/**
 * The service levels customers are promised for a service (6.1): its newest agreed SLA as in
 * force, the targets per priority and the calendar they count in.
 */
export interface PublishedServiceLevels {
  slaId: string
  name: string
  /** Response and resolution targets per priority (1 highest), in minutes, by priority. */
  targets: { priority: number; responseMinutes: number; resolutionMinutes: number }[]
  /** The service hours as the SLA words them, if it does. */
  serviceHours: string | null
  /** The business hours the targets count in; null: around the clock (24x7). */
  calendar: ServiceCalendar | null
  /** The SLA document version the targets come from; null: the SLA record's own. */
  document: { id: string; version: number } | null
}

/** One service of the published catalogue with the items customers may request of it. */
export interface PublishedService {
  serviceId: string
  name: string
  description: string
  serviceHours: string | null
  items: CatalogueItem[]
  /** The service levels agreed for the service; null when it has no agreed SLA. */
  serviceLevels: PublishedServiceLevels | null
}

/** The catalogue customers see: the document version it comes from, or null (the records). */
export interface PublishedCatalogue {
  document: { id: string; version: number; effectiveFrom: string } | null
  services: PublishedService[]
}
