import { describe, expect, test } from 'vitest'
import {
  calendarInWords,
  durationInWords,
  targetInWords,
  workingDaysInWords,
  type ServiceCalendar,
} from './service-catalogue'

const office: ServiceCalendar = {
  timeZone: 'Europe/Berlin',
  workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  opens: '08:00',
  closes: '18:00',
  holidays: ['2026-12-24', '2026-12-25'],
}

describe('service levels in words (6.1)', () => {
  test.each([
    [15, {}, '15 minutes'],
    [1, {}, '1 minute'],
    [60, {}, '1 hour'],
    [90, {}, '1 hour 30 minutes'],
    [240, {}, '4 hours'],
    [1440, {}, '1 day'],
    [4320, {}, '3 days'],
    [1500, {}, '25 hours'],
    [1440, { businessHours: true }, '24 hours'],
  ])('%i minutes %o read as "%s"', (minutes, options, words) => {
    expect(durationInWords(minutes, options)).toBe(words)
  })

  test('working days: a run reads "from to", others are listed', () => {
    expect(workingDaysInWords(['fri', 'mon', 'tue', 'wed', 'thu'])).toBe('Monday to Friday')
    expect(workingDaysInWords(['mon', 'wed'])).toBe('Monday and Wednesday')
    expect(workingDaysInWords(['mon', 'tue', 'thu'])).toBe('Monday, Tuesday and Thursday')
    expect(workingDaysInWords(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])).toBe('every day')
  })

  test('a calendar reads as its days, hours, time zone and holidays; none is around the clock', () => {
    expect(calendarInWords(office)).toBe(
      'Monday to Friday, 08:00–18:00 (Europe/Berlin time), except 2 public holidays',
    )
    expect(calendarInWords(null)).toBe('around the clock, every day of the year')
  })

  test('targets say whether they count in service hours', () => {
    const t = { priority: 1, responseMinutes: 15, resolutionMinutes: 240 }
    expect(targetInWords(t, null)).toBe('We respond within 15 minutes and resolve within 4 hours.')
    expect(targetInWords(t, office)).toBe(
      'We respond within 15 minutes of service hours and resolve within 4 hours of service hours.',
    )
  })
})
