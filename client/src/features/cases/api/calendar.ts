/**
 * The change schedule (ISO/IEC 20000-1 8.5.1.3): changes placed on days, and conflicts —
 * changes whose planned windows overlap and that touch the same CI or service.
 */
import { field, type CaseRecord } from './cases'

/** A change with its planned window (ms since epoch). */
export interface ScheduledChange {
  id: string
  title: string
  start: number
  end: number
  targets: string[]
}

/** Changes with a planned start; the end defaults to the start. */
export function scheduled(changes: CaseRecord[]): ScheduledChange[] {
  return changes.flatMap((c) => {
    const s = field(c, 'plannedStart')
    if (typeof s !== 'string') return []
    const e = field(c, 'plannedEnd')
    const start = new Date(s).getTime()
    const end = typeof e === 'string' ? new Date(e).getTime() : start
    const affected = field(c, 'affectedCis')
    const targets = [
      field(c, 'ciId'),
      field(c, 'serviceId'),
      ...(Array.isArray(affected) ? affected : []),
    ].flatMap((t) => (typeof t === 'string' && t ? [t] : []))
    return [{ id: String(c.id), title: String(field(c, 'title') ?? ''), start, end, targets }]
  })
}

/** Ids of changes that overlap in time with another change on a shared CI or service. */
export function conflicts(changes: ScheduledChange[]): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const a of changes) {
    for (const b of changes) {
      if (a.id === b.id) continue
      const overlap = a.start <= b.end && b.start <= a.end
      const shared = a.targets.some((t) => b.targets.includes(t))
      if (overlap && shared) out.set(a.id, [...(out.get(a.id) ?? []), b.id])
    }
  }
  return out
}
