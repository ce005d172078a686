import { describe, expect, it } from 'vitest'
import { applyChanges, checkChanges, normalizeDateTime, staticList } from './values'
import type { UserTaskRecordValue } from '../state/records'

describe('user task values', () => {
  it("prints dates as Java's ZonedDateTime.toString() does (Zeebe stores them so)", () => {
    expect(normalizeDateTime('2026-02-01T10:00:00Z')).toBe('2026-02-01T10:00Z')
    expect(normalizeDateTime('2026-02-01T10:00:00+00:00')).toBe('2026-02-01T10:00Z')
    expect(normalizeDateTime('2026-02-01T10:00:30.500+02:00')).toBe('2026-02-01T10:00:30.500+02:00')
    expect(normalizeDateTime('2026-02-01T10:00:00.000001Z')).toBe('2026-02-01T10:00:00.000001Z')
    expect(normalizeDateTime('2026-01-31T09:00:00@Europe/Berlin')).toBe(
      '2026-01-31T09:00+01:00[Europe/Berlin]',
    )
    expect(normalizeDateTime('2026-07-31T09:00:00@Europe/Berlin')).toBe(
      '2026-07-31T09:00+02:00[Europe/Berlin]',
    )
    for (const bad of [
      '2026-02-30T10:00:00Z',
      '2026-02-01',
      '2026-02-01T10:00:00',
      'soon',
      '2026-01-31T09:00:00@No/Where',
    ]) {
      expect(normalizeDateTime(bad), bad).toBeNull()
    }
  })

  it('splits static candidate lists and reports changed attributes only when the value changes', () => {
    expect(staticList(' ops, qa ,,')).toEqual(['ops', 'qa'])
    const changes = checkChanges({ priority: 60, candidateGroups: ['ops'] }, 'the changeset')
    if (typeof changes === 'string') throw new Error(changes)
    expect(
      applyChanges(
        { priority: 60, candidateGroupsList: [] } as unknown as UserTaskRecordValue,
        changes,
      ).changed,
    ).toEqual(['candidateGroupsList'])
    expect(checkChanges({ priority: 7.5 }, 'the changeset')).toMatch(/integer between 0 and 100/)
    expect(checkChanges({ followUpDate: '' }, 'the changeset')).toEqual({ followUpDate: '' })
  })
})
