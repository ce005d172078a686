/**
 * One way to say a priority, wherever it is shown (inbox, task, case pages, reports, the
 * catalogue). Cases carry the priority matrix's level, 1 (highest) to 5; user tasks carry Zeebe's
 * 0..100 (default 50), which the processes derive from the case's level as 1 → 100, 2 → 75,
 * 3 → 50, 4 → 25 (incident.bpmn's priority definition). Both are told as the same level, so a
 * P2 incident and its tasks all read "High".
 */

/** The priority matrix's levels, 1 highest. */
export const PRIORITY_LEVELS = [1, 2, 3, 4, 5] as const
export type PriorityLevel = (typeof PRIORITY_LEVELS)[number]

/** The word for each level. */
export const PRIORITY_NAMES: Readonly<Record<PriorityLevel, string>> = {
  1: 'Critical',
  2: 'High',
  3: 'Medium',
  4: 'Low',
  5: 'Planning',
}

/** How a value is scaled: a case's level (1..5) or a user task's Zeebe priority (0..100). */
export type PriorityScale = 'level' | 'task'

/** The level of a priority on `scale`, or undefined when there is none. */
export function priorityLevel(
  value: number | string | null | undefined,
  scale: PriorityScale,
): PriorityLevel | undefined {
  if (value === null || value === undefined || value === '') return undefined
  const n = Number(value)
  if (!Number.isFinite(n)) return undefined
  if (scale === 'level') {
    const level = Math.min(5, Math.max(1, Math.round(n)))
    return level as PriorityLevel
  }
  if (n >= 100) return 1
  if (n >= 75) return 2
  if (n >= 50) return 3
  if (n >= 25) return 4
  return 5
}

/** "High (priority 2)": what a level means, with its number for those who count in numbers. */
export function priorityInWords(level: number): string {
  const name = PRIORITY_NAMES[level as PriorityLevel]
  return name ? `${name} (priority ${level})` : `Priority ${level}`
}
