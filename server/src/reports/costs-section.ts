/**
 * 6.4, 6.2: the costs of each service in the report period against its budget (see
 * `server/src/finance`): the approved budgets overlapping the period pro rata to the days they
 * share with it, the actual costs — direct, and indirect apportioned to the cent by their rule —
 * the variance, and the direct costs booked to changes and incidents. Per service and currency,
 * in decimal money (text with two places), never floats.
 */
import Decimal from 'decimal.js'
import { sql } from 'kysely'
import { serviceCostsOf } from '../finance/service-costs'
import { periodOf } from '../finance/finance-model'
import { money } from '../finance/accounting'
import { SectionId, type Cell, type ReportSection } from './report-model'
import type { Ctx } from './report-sections'

const DAY = 86_400_000
const days = (from: string, to: string) =>
  Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / DAY))

/** The section `costs`. */
export async function costs({ db, period }: Ctx): Promise<ReportSection> {
  const from = period.from.toISOString().slice(0, 10)
  const to = period.to.toISOString().slice(0, 10)
  const budgets = await db
    .selectFrom('budgets as b')
    .innerJoin('services as s', 's.id', 'b.service_id')
    .leftJoin('budget_lines as l', 'l.budget_id', 'b.id')
    .select([
      'b.id',
      'b.service_id',
      's.name',
      'b.fiscal_year',
      'b.quarter',
      'b.currency',
      sql<string>`coalesce(sum(l.amount), 0)::text`.as('total'),
    ])
    .where('b.status', '=', 'approved')
    .groupBy(['b.id', 'b.service_id', 's.name', 'b.fiscal_year', 'b.quarter', 'b.currency'])
    .execute()
  const names = new Map(
    (await db.selectFrom('services').select(['id', 'name']).execute()).map((s) => [s.id, s.name]),
  )
  type Line = { budget: Decimal; direct: Decimal; indirect: Decimal; ofCases: Decimal }
  const lines = new Map<string, Line & { serviceId: string; currency: string }>()
  const line = (serviceId: string, currency: string) => {
    const key = `${serviceId}\u0000${currency}`
    let l = lines.get(key)
    if (!l) {
      l = {
        serviceId,
        currency,
        budget: new Decimal(0),
        direct: new Decimal(0),
        indirect: new Decimal(0),
        ofCases: new Decimal(0),
      }
      lines.set(key, l)
    }
    return l
  }
  for (const b of budgets) {
    const p = periodOf(b.fiscal_year, b.quarter)
    const shared = days(from > p.from ? from : p.from, to < p.to ? to : p.to)
    if (!shared) continue
    const l = line(b.service_id, b.currency)
    l.budget = l.budget.plus(
      new Decimal(b.total).mul(shared).div(days(p.from, p.to)).toDecimalPlaces(2),
    )
  }
  for (const [serviceId, list] of await serviceCostsOf(db, from, to)) {
    for (const c of list) {
      const l = line(serviceId, c.currency)
      if (c.allocation === 'direct') {
        l.direct = l.direct.plus(c.amount)
        if (c.caseId) l.ofCases = l.ofCases.plus(c.amount)
      } else l.indirect = l.indirect.plus(c.amount)
    }
  }
  const rows: Record<string, Cell>[] = [...lines.values()]
    .map((l) => {
      const actual = l.direct.plus(l.indirect)
      return {
        service: names.get(l.serviceId) ?? l.serviceId,
        currency: l.currency,
        budget: money(l.budget),
        direct: money(l.direct),
        indirect: money(l.indirect),
        actual: money(actual),
        variance: money(actual.minus(l.budget)),
        variancePercent: l.budget.isZero()
          ? null
          : actual.minus(l.budget).div(l.budget).mul(100).toFixed(2),
        ofChangesAndIncidents: money(l.ofCases),
      }
    })
    .sort((a, b) => a.service.localeCompare(b.service) || a.currency.localeCompare(b.currency))
  return {
    id: SectionId.Costs,
    title: 'Costs against budget',
    clause: '6.4',
    measuredAs:
      'Approved budgets (6.4) overlapping the period, pro rata to the days they share with it; actual costs ' +
      'incurred in the period: direct costs of the service and its share of indirect costs apportioned by ' +
      'their rule to the cent; variance = actual − budget (above zero: overspent); of changes and incidents = ' +
      'direct costs booked to a change or an incident. Per service and currency, decimal amounts.',
    columns: [
      { key: 'service', label: 'Service' },
      { key: 'currency', label: 'Currency' },
      { key: 'budget', label: 'Budget (pro rata)' },
      { key: 'direct', label: 'Direct' },
      { key: 'indirect', label: 'Indirect (apportioned)' },
      { key: 'actual', label: 'Actual' },
      { key: 'variance', label: 'Variance' },
      { key: 'variancePercent', label: 'Variance %' },
      { key: 'ofChangesAndIncidents', label: 'Of changes and incidents' },
    ],
    rows,
  }
}
