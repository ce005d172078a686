import { describe, expect, it } from 'vitest'
import { PRIORITY_NAMES, priorityInWords, priorityLevel } from './priority'

describe('one priority presentation', () => {
  it('tells a case level and the task priority the processes derive from it alike', () => {
    // incident.bpmn: priority 1 → 100, 2 → 75, 3 → 50, 4 → 25
    const derived: Record<number, number> = { 1: 100, 2: 75, 3: 50, 4: 25 }
    for (const [level, task] of Object.entries(derived)) {
      expect(priorityLevel(task, 'task')).toBe(Number(level))
      expect(priorityLevel(level, 'level')).toBe(Number(level))
    }
  })

  it('reads the Zeebe default 50 as Medium and values in between as the level below', () => {
    expect(PRIORITY_NAMES[priorityLevel(50, 'task')!]).toBe('Medium')
    expect(PRIORITY_NAMES[priorityLevel(60, 'task')!]).toBe('Medium')
    expect(PRIORITY_NAMES[priorityLevel(99, 'task')!]).toBe('High')
    expect(PRIORITY_NAMES[priorityLevel(0, 'task')!]).toBe('Planning')
  })

  it('has no level for a missing priority', () => {
    expect(priorityLevel(null, 'level')).toBeUndefined()
    expect(priorityLevel('', 'task')).toBeUndefined()
    expect(priorityLevel('x', 'task')).toBeUndefined()
  })

  it('words a level for customers', () => {
    expect(priorityInWords(2)).toBe('High (priority 2)')
    expect(priorityInWords(9)).toBe('Priority 9')
  })
})
