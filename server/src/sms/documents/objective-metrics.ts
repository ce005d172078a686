/**
 * Service management objectives measured from the product's own records (ISO/IEC 20000-1 4.1.1
 * b: objectives are measurable; 4.5.4.1 they are measured): an objective bound to a metric reads
 * it from the service-report sections (server/src/reports) over the last 30 days.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema'
import { applyReportSettings, computeSections } from '../../reports/report-sections'
import { ObjectiveMetric, type Objective } from './document-model'

const DAY = 86_400_000

/** An objective with its measured value, when it has a metric. */
export interface MeasuredObjective extends Objective {
  measured: { value: number; met: boolean; from: string; to: string; measuredAs: string } | null
}

async function measure(db: Kysely<DB>, metric: ObjectiveMetric, from: Date, to: Date) {
  return db.transaction().execute(async (tx) => {
    await applyReportSettings(tx)
    const period = { from, to }
    if (metric === ObjectiveMetric.SlaMetPercent) {
      const [s] = await computeSections(tx, ['sla-performance'], period, 'week')
      const rows = (s?.rows ?? []).filter((r) => r.target === 'resolution')
      const cases = rows.reduce((a, r) => a + Number(r.cases ?? 0), 0)
      const met = rows.reduce((a, r) => a + Number(r.met ?? 0), 0)
      return {
        value: cases ? Math.round((met / cases) * 1000) / 10 : 100,
        measuredAs: `resolution targets met / cases with a resolution target (6.2 a), ${cases} cases`,
      }
    }
    const [s] = await computeSections(tx, ['major-incidents'], period, 'week')
    return {
      value: s?.rows.length ?? 0,
      measuredAs: 'major incidents declared in the period (6.2 b)',
    }
  })
}

/** Each objective with its measurement over the 30 days before `now`. */
export async function measureObjectives(
  db: Kysely<DB>,
  objectives: Objective[],
  now: Date,
): Promise<MeasuredObjective[]> {
  const from = new Date(now.getTime() - 30 * DAY)
  const out: MeasuredObjective[] = []
  for (const o of objectives) {
    if (!o.metric) {
      out.push({ ...o, measured: null })
      continue
    }
    const m = await measure(db, o.metric, from, now)
    const met = o.direction === 'at-least' ? m.value >= o.target : m.value <= o.target
    out.push({ ...o, measured: { ...m, met, from: from.toISOString(), to: now.toISOString() } })
  }
  return out
}
