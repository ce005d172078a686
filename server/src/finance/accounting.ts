/**
 * The arithmetic of 6.4, in decimal (decimal.js), never in floats: apportioning an indirect cost
 * to services (6.4 b) to the cent, and a budget against its actual costs with the variance and
 * the forecast. Pure functions: the service reads the rows, these compute.
 */
import Decimal from 'decimal.js'
import {
  daysElapsed,
  daysIn,
  type BudgetStatement,
  type CategoryFigures,
  type VarianceAction,
  type BudgetStatus,
} from './finance-model'

/** Text with two decimal places. */
export const money = (d: Decimal.Value) => new Decimal(d).toFixed(2)
const pct = (part: Decimal, whole: Decimal) =>
  whole.isZero() ? null : part.div(whole).mul(100).toDecimalPlaces(2).toFixed(2)

/**
 * Splits `amount` over the services by weight, to the cent: each share rounded towards zero, the
 * cents left over going one each to the largest remainders (ties: service id order), so the
 * shares always add up to the amount. Services of weight 0 get nothing.
 */
export function apportion(
  amount: Decimal.Value,
  shares: readonly { serviceId: string; weight: Decimal.Value }[],
): Map<string, Decimal> {
  const total = new Decimal(amount)
  const weights = shares.map((s) => ({ id: s.serviceId, w: new Decimal(s.weight) }))
  const sum = weights.reduce((a, s) => a.plus(s.w), new Decimal(0))
  const out = new Map<string, Decimal>()
  if (sum.isZero()) return out
  const parts = weights.map((s) => {
    const exact = total.mul(s.w).div(sum)
    const base = exact.toDecimalPlaces(2, Decimal.ROUND_DOWN)
    return { id: s.id, base, rest: exact.minus(base).abs() }
  })
  let cents = total
    .minus(parts.reduce((a, p) => a.plus(p.base), new Decimal(0)))
    .mul(100)
    .toNumber()
  const step = new Decimal(cents < 0 ? '-0.01' : '0.01')
  cents = Math.abs(Math.round(cents))
  const order = [...parts].sort((a, b) => b.rest.comparedTo(a.rest) || a.id.localeCompare(b.id))
  for (let i = 0; i < cents; i++) {
    const p = order[i % order.length]!
    p.base = p.base.plus(step)
  }
  for (const p of parts) out.set(p.id, p.base)
  return out
}

/** One cost as it counts for a service: its share (all of a direct cost). */
export interface ServiceCost {
  category: string
  amount: Decimal
  allocation: 'direct' | 'indirect'
}

export interface StatementInput {
  budgetId: string
  serviceId: string
  serviceName: string
  fiscalYear: number
  quarter: number | null
  period: { from: string; to: string }
  currency: string
  status: BudgetStatus
  lines: readonly { category: string; amount: Decimal.Value }[]
  thresholdPercent: Decimal.Value
  breachAction: VarianceAction
  openAction: string | null
  /** The service's costs of the period in the budget's currency. */
  costs: readonly ServiceCost[]
  asOf: string
}

/**
 * A budget against its actuals as of a day: the budget pro rata to the elapsed days, the
 * variance (actual − budget to date), the forecast (actual + the budget still to come pro rata,
 * per category; the actual once the period ended) and whether the forecast exceeds the budget by
 * more than the threshold (a budget of zero is exceeded by any forecast above zero).
 */
export function statement(i: StatementInput): BudgetStatement {
  const total = daysIn(i.period)
  const elapsed = daysElapsed(i.period, i.asOf)
  const toCome = new Decimal(total - elapsed).div(total)
  const cats = new Map<string, { budget: Decimal; actual: Decimal }>()
  const of = (c: string) => {
    let v = cats.get(c)
    if (!v) cats.set(c, (v = { budget: new Decimal(0), actual: new Decimal(0) }))
    return v
  }
  for (const l of i.lines) of(l.category).budget = of(l.category).budget.plus(l.amount)
  let direct = new Decimal(0)
  let indirect = new Decimal(0)
  for (const c of i.costs) {
    of(c.category).actual = of(c.category).actual.plus(c.amount)
    if (c.allocation === 'direct') direct = direct.plus(c.amount)
    else indirect = indirect.plus(c.amount)
  }
  const categories: CategoryFigures[] = []
  let budget = new Decimal(0)
  let actual = new Decimal(0)
  let forecast = new Decimal(0)
  for (const [category, v] of cats) {
    const f = v.actual.plus(v.budget.mul(toCome).toDecimalPlaces(2))
    budget = budget.plus(v.budget)
    actual = actual.plus(v.actual)
    forecast = forecast.plus(f)
    categories.push({
      category,
      budget: money(v.budget),
      actual: money(v.actual),
      forecast: money(f),
    })
  }
  const budgetToDate = budget.mul(elapsed).div(total).toDecimalPlaces(2)
  const variance = actual.minus(budgetToDate)
  const forecastVariance = forecast.minus(budget)
  const forecastVariancePercent = pct(forecastVariance, budget)
  const threshold = new Decimal(i.thresholdPercent)
  const exceeded =
    forecastVariancePercent === null
      ? forecast.gt(0)
      : new Decimal(forecastVariancePercent).gt(threshold)
  return {
    budgetId: i.budgetId,
    serviceId: i.serviceId,
    serviceName: i.serviceName,
    fiscalYear: i.fiscalYear,
    quarter: i.quarter,
    period: i.period,
    currency: i.currency,
    status: i.status,
    asOf: i.asOf,
    budget: money(budget),
    budgetToDate: money(budgetToDate),
    actual: money(actual),
    direct: money(direct),
    indirect: money(indirect),
    variance: money(variance),
    variancePercent: pct(variance, budgetToDate),
    forecast: money(forecast),
    forecastVariance: money(forecastVariance),
    forecastVariancePercent,
    thresholdPercent: money(threshold),
    exceeded,
    breachAction: i.breachAction,
    openAction: i.openAction,
    categories: categories.sort((a, b) => a.category.localeCompare(b.category)),
  }
}
