/**
 * The service catalogue in force as customers see it (`GET /api/service-catalogue`, ISO/IEC
 * 20000-1 6.1): the services, what may be requested of each, and the service levels promised,
 * with the wording that turns targets in minutes and a service calendar into plain sentences.
 */

/** A requestable item of the catalogue. */
export interface CatalogueItem {
  id: string
  serviceId: string
  name: string
  description: string
  /** 8.1: a request for it is approved before it is fulfilled. */
  requiresApproval: boolean
  fulfilmentGroup: string | null
}

/** When an SLA's targets run: the business hours of its service calendar. */
export interface ServiceCalendar {
  name?: string
  timeZone: string
  workingDays: string[]
  opens: string
  closes: string
  holidays?: string[]
}

/** The service levels of a service: its agreed SLA's targets per priority (minutes). */
export interface ServiceLevels {
  slaId: string
  name: string
  targets: { priority: number; responseMinutes: number; resolutionMinutes: number }[]
  serviceHours: string | null
  calendar: ServiceCalendar | null
  document: { id: string; version: number } | null
}

/** One service of the catalogue. */
export interface PublishedService {
  serviceId: string
  name: string
  description: string
  serviceHours: string | null
  items: CatalogueItem[]
  serviceLevels: ServiceLevels | null
}

/** The catalogue in force: the document version it comes from (null: the live services). */
export interface PublishedCatalogue {
  document: { id: string; version: number; effectiveFrom: string } | null
  services: PublishedService[]
}

/** Where the catalogue is read. */
export const serviceCataloguePath = '/service-catalogue'

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`

/**
 * A target in minutes in words: `15 minutes`, `4 hours`, `1 hour 30 minutes`, `3 days`. Counted
 * in business hours an SLA's "day" is not 24 hours, so days are said only as 24-hour multiples
 * of a round-the-clock target; a business-hours target stays in hours.
 */
export function durationInWords(minutes: number, { businessHours = false } = {}): string {
  if (minutes < 60) return plural(minutes, 'minute')
  const days = Math.floor(minutes / 1440)
  if (!businessHours && days >= 1 && minutes % 1440 === 0) return plural(days, 'day')
  const hours = Math.floor(minutes / 60)
  const rest = minutes % 60
  return rest ? `${plural(hours, 'hour')} ${plural(rest, 'minute')}` : plural(hours, 'hour')
}

const dayNames: Record<string, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
}
const week = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']

/** Working days in words: a run of consecutive days as `Monday to Friday`, others listed. */
export function workingDaysInWords(days: readonly string[]): string {
  const sorted = week.filter((d) => days.includes(d))
  if (sorted.length === 7) return 'every day'
  const first = week.indexOf(sorted[0] ?? '')
  const consecutive = sorted.every((d, i) => week.indexOf(d) === first + i)
  if (sorted.length > 2 && consecutive) {
    return `${dayNames[sorted[0]!]} to ${dayNames[sorted[sorted.length - 1]!]}`
  }
  const names = sorted.map((d) => dayNames[d])
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names.join('')
}

/** When the targets' clock runs, in words. */
export function calendarInWords(calendar: ServiceCalendar | null): string {
  if (!calendar) return 'around the clock, every day of the year'
  const hours =
    calendar.opens === '00:00' && calendar.closes === '24:00'
      ? 'all day'
      : `${calendar.opens}–${calendar.closes}`
  const holidays = calendar.holidays?.length
    ? `, except ${plural(calendar.holidays.length, 'public holiday')}`
    : ''
  return `${workingDaysInWords(calendar.workingDays)}, ${hours} (${calendar.timeZone} time)${holidays}`
}

/** A priority's targets as one sentence. */
export function targetInWords(
  t: ServiceLevels['targets'][number],
  calendar: ServiceCalendar | null,
): string {
  const businessHours = calendar !== null
  const within = (m: number) =>
    `${durationInWords(m, { businessHours })}${businessHours ? ' of service hours' : ''}`
  return `We respond within ${within(t.responseMinutes)} and resolve within ${within(t.resolutionMinutes)}.`
}

/** What priority N means to a customer (the priority matrix's levels, 1 highest). */
export function priorityInWords(priority: number): string {
  const words: Record<number, string> = {
    1: 'Critical (priority 1)',
    2: 'High (priority 2)',
    3: 'Medium (priority 3)',
    4: 'Low (priority 4)',
    5: 'Planning (priority 5)',
  }
  return words[priority] ?? `Priority ${priority}`
}
