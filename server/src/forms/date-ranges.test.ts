import { describe, expect, test } from 'vitest'
import { instantOf, rangeErrors, rangeRuleProblems, rangeRules } from './date-ranges'
import type { FormComponent, FormJs } from './form-schema'

const dt = (key: string, label: string, rangeStart?: string): FormComponent => ({
  type: 'datetime',
  subtype: 'datetime',
  key,
  dateLabel: label,
  ...(rangeStart ? { properties: { rangeStart } } : {}),
})

/** A form with a top-level range and one inside a group with a path. */
const form: FormJs = {
  components: [
    dt('plannedStart', 'Planned start'),
    dt('plannedEnd', 'Planned end', 'plannedStart'),
    {
      type: 'group',
      path: 'outage',
      components: [dt('from', 'Outage from'), dt('until', 'Outage until', 'from')],
    },
  ],
}

describe('declared date ranges (4.3.3, 9.2)', () => {
  test('reads the ranges a form declares with rangeStart, nested groups included', () => {
    expect(rangeRules(form).map((r) => [r.path, r.start, r.end, r.startLabel])).toEqual([
      ['', 'plannedStart', 'plannedEnd', 'Planned start'],
      ['/outage', 'from', 'until', 'Outage from'],
    ])
  })

  test.each([
    ['a date', '2026-12-10', Date.UTC(2026, 11, 10)],
    ['a date-time without offset, read as UTC', '2026-12-10T09:30', Date.UTC(2026, 11, 10, 9, 30)],
    ['a date-time with offset', '2026-12-10T09:30+01:00', Date.UTC(2026, 11, 10, 8, 30)],
    ['no date', 'tomorrow', undefined],
  ])('the instant of %s', (_name, value, expected) => {
    expect(instantOf(value)).toBe(expected)
  })

  test('an end before its start is an error on the end; equal or missing values are not', () => {
    // when
    const errors = rangeErrors(
      form,
      {
        plannedStart: '2026-12-10T10:00',
        plannedEnd: '2026-12-10T09:59',
        outage: { from: '2026-12-10T10:00', until: '2026-12-10T10:00' },
      },
      '/data',
    )
    // then
    expect(errors).toEqual([
      { path: '/data/plannedEnd', message: 'must not be before Planned start (2026-12-10T10:00)' },
    ])
    expect(rangeErrors(form, { plannedEnd: '2026-12-10T09:59' })).toEqual([])
  })

  test('a rangeStart naming no date field beside it, or set on a non-date field, is a form problem', () => {
    // given
    const bad: FormJs = {
      components: [
        dt('start', 'Start'),
        dt('end', 'End', 'begin'),
        { type: 'textfield', key: 'note', properties: { rangeStart: 'start' } },
      ],
    }
    // then
    expect(rangeRuleProblems(bad)).toEqual([
      'end: rangeStart "begin" names no date or date-time field beside it',
      'note: rangeStart belongs on a date or date-time field',
    ])
    expect(rangeRuleProblems(form)).toEqual([])
  })
})
