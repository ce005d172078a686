/**
 * The service catalogue in force as customers see it (`GET /api/service-catalogue`, ISO/IEC
 * 20000-1 6.1): the services, what may be requested of each, and the service levels promised,
 * with the wording that turns targets in minutes and a service calendar into plain sentences.
 */
import type {
  CatalogueItem,
  PublishedCatalogue,
  PublishedService,
  ServiceCalendar,
  PublishedServiceLevels as ServiceLevels,
} from '@shared/api/service-catalogue'

/** The catalogue's types are the server's own (shared/api/service-catalogue.ts). */
export type { CatalogueItem, PublishedCatalogue, PublishedService, ServiceCalendar, ServiceLevels }
/** What priority N means to a customer: the one wording of priorities (shared/api/priority.ts). */
export { priorityInWords } from '@shared/api/priority'

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
