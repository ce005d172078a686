import { describe, expect, test } from 'vitest'
import { timeLabelOf, withNamedTimeFields } from './form-labels'

const datetime = (key: string, dateLabel: string, timeLabel?: string) => ({
  type: 'datetime',
  subtype: 'datetime',
  key,
  dateLabel,
  ...(timeLabel !== undefined ? { timeLabel } : {}),
})

describe('time inputs named after their date', () => {
  test('the default label "Time" becomes the date label with "(time)"', () => {
    expect(timeLabelOf(datetime('plannedStart', 'Planned start', 'Time'))).toBe(
      'Planned start (time)',
    )
    expect(timeLabelOf(datetime('due', 'Due', ' time '))).toBe('Due (time)')
    expect(timeLabelOf(datetime('due', 'Due'))).toBe('Due (time)')
  })

  test('a time label that names its field, a date-only field and other fields are kept', () => {
    expect(timeLabelOf(datetime('start', 'Start', 'Start hour'))).toBe('Start hour')
    expect(timeLabelOf({ type: 'datetime', subtype: 'date', dateLabel: 'Day' })).toBeUndefined()
    expect(timeLabelOf({ type: 'textfield', label: 'Time' })).toBeUndefined()
    // without a date label there is nothing better to say
    expect(timeLabelOf(datetime('at', '', 'Time'))).toBe('Time')
  })

  test('fields in groups and lists are renamed; the schema given is not changed', () => {
    const schema = {
      id: 'agree',
      components: [
        datetime('plannedStart', 'Planned start', 'Time'),
        {
          type: 'dynamiclist',
          path: 'actions',
          components: [{ type: 'textfield', key: 'owner' }, datetime('due', 'Due', 'Time')],
        },
      ],
    }
    const before = JSON.stringify(schema)
    const named = withNamedTimeFields(schema)
    expect(JSON.stringify(schema)).toBe(before)
    expect(named.components[0]).toMatchObject({ timeLabel: 'Planned start (time)' })
    expect(named.components[1]).toMatchObject({
      path: 'actions',
      components: [{ key: 'owner' }, { key: 'due', timeLabel: 'Due (time)' }],
    })
  })
})
