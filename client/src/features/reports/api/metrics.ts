/**
 * Service report figures (ISO/IEC 20000-1 6.2, 8.3.3) computed from case records: SLA
 * performance per service and priority, major incidents, workload per week, trends.
 */

/** A case record as the API returns it. */
export type Row = Record<string, unknown>

/** Reads a field in camelCase or snake_case, at the top or in `data`. */
export function get(r: Row, ...keys: string[]): unknown {
  const data = typeof r.data === 'object' && r.data !== null ? (r.data as Row) : {}
  for (const key of keys) {
    const snake = key.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`)
    const v = r[key] ?? r[snake] ?? data[key] ?? data[snake]
    if (v !== undefined && v !== null) return v
  }
  return undefined
}

const time = (v: unknown) =>
  typeof v === 'string' || typeof v === 'number' ? new Date(v).getTime() : NaN

/** Resolution target in minutes for a service and priority, from SLA records. */
export function resolutionTarget(
  slas: Row[],
  serviceId: unknown,
  priority: number,
): number | undefined {
  for (const s of slas) {
    if (serviceId !== undefined && String(get(s, 'serviceId')) !== String(serviceId)) continue
    const targets = get(s, 'targets')
    if (Array.isArray(targets)) {
      const t = (targets as Row[]).find((x) => Number(get(x, 'priority')) === priority)
      const m = t && get(t, 'resolutionMinutes', 'resolution')
      if (m !== undefined) return Number(m)
    } else if (targets && typeof targets === 'object') {
      const t = (targets as Record<string, Row>)[String(priority)]
      const m = t && get(t, 'resolutionMinutes', 'resolution')
      if (m !== undefined) return Number(m)
    }
  }
  return undefined
}

/** One row of the SLA performance table. */
export interface SlaRow {
  service: string
  priority: number
  total: number
  resolved: number
  met: number
  breached: number
  /** Share of resolved cases within target, 0-100; null when none resolved. */
  percentMet: number | null
}

/** Performance against resolution targets, per service and priority. */
export function slaPerformance(
  incidents: Row[],
  slas: Row[],
  serviceNames: Map<string, string>,
): SlaRow[] {
  const groups = new Map<string, SlaRow>()
  for (const inc of incidents) {
    const sid = get(inc, 'serviceId')
    const priority = Number(get(inc, 'priority') ?? 0)
    const service =
      serviceNames.get(String(sid)) ?? (sid === undefined ? 'No service' : String(sid))
    const key = `${service}|${priority}`
    const row = groups.get(key) ?? {
      service,
      priority,
      total: 0,
      resolved: 0,
      met: 0,
      breached: 0,
      percentMet: null,
    }
    row.total++
    const resolvedAt = time(get(inc, 'resolvedAt', 'closedAt'))
    const explicit = get(inc, 'slaBreached', 'breached')
    if (!Number.isNaN(resolvedAt)) {
      row.resolved++
      const target = resolutionTarget(slas, sid, priority)
      const took = (resolvedAt - time(get(inc, 'createdAt'))) / 60_000
      const breached =
        typeof explicit === 'boolean' ? explicit : target !== undefined && took > target
      if (breached) row.breached++
      else row.met++
    } else if (explicit === true) row.breached++
    groups.set(key, row)
  }
  return [...groups.values()]
    .map((r) => ({ ...r, percentMet: r.resolved ? Math.round((r.met / r.resolved) * 100) : null }))
    .sort((a, b) => a.service.localeCompare(b.service) || a.priority - b.priority)
}

/** Major incidents (8.6.1): flagged major, or priority 1. */
export function majorIncidents(incidents: Row[]): Row[] {
  return incidents.filter(
    (i) => get(i, 'major', 'isMajor') === true || Number(get(i, 'priority')) === 1,
  )
}

/** ISO week start (Monday, UTC) of a time, as YYYY-MM-DD. */
export function weekOf(t: number): string {
  const d = new Date(t)
  const day = (d.getUTCDay() + 6) % 7
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day))
    .toISOString()
    .slice(0, 10)
}

/** The last `weeks` week labels ending with the current one. */
export function lastWeeks(weeks: number, now = Date.now()): string[] {
  return Array.from({ length: weeks }, (_, i) => weekOf(now - (weeks - 1 - i) * 7 * 86_400_000))
}

/** Count of rows per week of `field` over `labels`. */
export function perWeek(rows: Row[], labels: string[], ...fields: string[]): number[] {
  const counts = new Map(labels.map((l) => [l, 0]))
  for (const r of rows) {
    const t = time(get(r, ...fields))
    if (Number.isNaN(t)) continue
    const w = weekOf(t)
    if (counts.has(w)) counts.set(w, counts.get(w)! + 1)
  }
  return labels.map((l) => counts.get(l)!)
}
