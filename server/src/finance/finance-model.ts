/**
 * Budgeting and accounting for services (ISO/IEC 20000-1 6.4): closed sets, API shapes and the
 * periods. Money travels as decimal text with two places (`"1234.50"`) beside an ISO 4217
 * currency; it is computed with decimal.js and stored as `numeric(18,2)`, never as a float.
 */

/**
 * Cost categories of 6.4 a: assets (hardware, software and licences), shared resources,
 * overheads, externally supplied services, personnel and facilities. Capital or operating is a
 * separate attribute of each cost ({@link Expense}).
 */
export const CostCategory = {
  Personnel: 'personnel',
  Hardware: 'hardware',
  Software: 'software',
  ExternalServices: 'external-services',
  Facilities: 'facilities',
  SharedResources: 'shared-resources',
  Overheads: 'overheads',
} as const
export type CostCategory = (typeof CostCategory)[keyof typeof CostCategory]
export const costCategories: readonly CostCategory[] = Object.values(CostCategory)

/** Direct costs belong to one service; indirect ones are apportioned by a rule (6.4 b). */
export const Allocation = { Direct: 'direct', Indirect: 'indirect' } as const
export type Allocation = (typeof Allocation)[keyof typeof Allocation]

/** Fixed or variable with the service's use. */
export const Behaviour = { Fixed: 'fixed', Variable: 'variable' } as const
export type Behaviour = (typeof Behaviour)[keyof typeof Behaviour]

/** Capital or operating expense (6.4 a 4). */
export const Expense = { Capital: 'capital', Operating: 'operating' } as const
export type Expense = (typeof Expense)[keyof typeof Expense]

/**
 * Draft; submitted (in its approval procedure, budget-approval.bpmn); approved (in force);
 * rejected; superseded (by an approved revision).
 */
export const BudgetStatus = {
  Draft: 'draft',
  Submitted: 'submitted',
  Approved: 'approved',
  Rejected: 'rejected',
  Superseded: 'superseded',
} as const
export type BudgetStatus = (typeof BudgetStatus)[keyof typeof BudgetStatus]

/** What a budget whose forecast exceeds it by more than its threshold raises. */
export const VarianceAction = { Improvement: 'improvement', Change: 'change' } as const
export type VarianceAction = (typeof VarianceAction)[keyof typeof VarianceAction]

export const CostSource = { Api: 'api', Csv: 'csv' } as const
export type CostSource = (typeof CostSource)[keyof typeof CostSource]

/** Decimal text with up to two places, e.g. `1200`, `-35.5`, `99.99`. */
export const MONEY_PATTERN = '^-?[0-9]{1,15}(\\.[0-9]{1,2})?$'
/** An amount that cannot be negative. */
export const AMOUNT_PATTERN = '^[0-9]{1,15}(\\.[0-9]{1,2})?$'
/** ISO 4217 alphabetic code. */
export const CURRENCY_PATTERN = '^[A-Z]{3}$'

export interface BudgetLine {
  category: CostCategory
  amount: string
}

/** 6.4 a budget of a service for a year or one of its quarters. */
export interface Budget {
  id: string
  serviceId: string
  serviceName: string
  fiscalYear: number
  /** 1–4, or null for the whole (calendar) year. */
  quarter: number | null
  period: { from: string; to: string }
  currency: string
  lines: BudgetLine[]
  total: string
  /** The forecast may exceed the budget by this many percent before an action is raised. */
  varianceThresholdPercent: string
  breachAction: VarianceAction
  notes: string
  status: BudgetStatus
  createdBy: string
  createdAt: string
  approvedBy: string | null
  approvedAt: string | null
  version: number
  /** The approved budget this one revises (superseded when this one is approved). */
  revises: string | null
  /** Its approval procedure (budget-approval.bpmn), once submitted. */
  processInstanceKey: string | null
  submittedAt: string | null
  /** What the procedure's steps recorded: the proposal, the owners' review, the decision. */
  proposal: Record<string, unknown> | null
  review: Record<string, unknown> | null
  decision: Record<string, unknown> | null
}

export interface BudgetInput {
  serviceId: string
  fiscalYear: number
  quarter?: number | null
  currency: string
  lines: BudgetLine[]
  varianceThresholdPercent: string
  breachAction: VarianceAction
  notes?: string
  /** An approved budget of the same service, period and currency this one revises. */
  revises?: string
}
export type BudgetPatch = Partial<
  Omit<BudgetInput, 'serviceId' | 'fiscalYear' | 'quarter' | 'currency'>
> & {
  version: number
}

/** 6.4 b how an indirect cost is apportioned: each service's weight over the sum of weights. */
export interface ApportionmentRule {
  id: string
  name: string
  basis: string
  shares: { serviceId: string; serviceName: string; weight: string; percent: string }[]
  version: number
}
export interface RuleInput {
  name: string
  basis: string
  shares: { serviceId: string; weight: string }[]
}

/** An actual cost. */
export interface CostEntry {
  id: string
  incurredOn: string
  category: CostCategory
  amount: string
  currency: string
  allocation: Allocation
  serviceId: string | null
  ruleId: string | null
  behaviour: Behaviour
  expense: Expense
  contractId: string | null
  caseId: string | null
  description: string
  source: CostSource
  recordedBy: string
  recordedAt: string
}

/** One cost to record (JSON or a CSV row). */
export interface CostInput {
  incurredOn: string
  category: CostCategory
  amount: string
  currency: string
  serviceId?: string | null
  ruleId?: string | null
  behaviour?: Behaviour
  expense?: Expense
  contractId?: string | null
  caseId?: string | null
  description?: string
}

/** Budget against actual of one category. */
export interface CategoryFigures {
  category: string
  budget: string
  actual: string
  forecast: string
}

/** 6.4: a budget against the actual costs of its period, with the variance and forecast. */
export interface BudgetStatement {
  budgetId: string
  serviceId: string
  serviceName: string
  fiscalYear: number
  quarter: number | null
  period: { from: string; to: string }
  currency: string
  status: BudgetStatus
  /** The day the figures are as of (YYYY-MM-DD). */
  asOf: string
  budget: string
  /** The budget pro rata to the days of the period elapsed by `asOf`. */
  budgetToDate: string
  actual: string
  direct: string
  indirect: string
  /** `actual − budgetToDate`: above zero is overspent. */
  variance: string
  variancePercent: string | null
  /** Actual to date plus the budget still to come (pro rata); the actual once the period ended. */
  forecast: string
  forecastVariance: string
  forecastVariancePercent: string | null
  thresholdPercent: string
  /** The forecast exceeds the budget by more than the threshold. */
  exceeded: boolean
  breachAction: VarianceAction
  /** The open improvement or change the exceeded variance raised, if any. */
  openAction: string | null
  categories: CategoryFigures[]
}

const DAY = 86_400_000

/** `[from, to)` of a year or a quarter of it (calendar years, UTC), as YYYY-MM-DD. */
export function periodOf(year: number, quarter: number | null): { from: string; to: string } {
  const from = new Date(Date.UTC(year, quarter ? (quarter - 1) * 3 : 0, 1))
  const to = new Date(Date.UTC(year, quarter ? quarter * 3 : 12, 1))
  return { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) }
}

/** Days in `[from, to)`. */
export const daysIn = (p: { from: string; to: string }) =>
  Math.round((Date.parse(p.to) - Date.parse(p.from)) / DAY)

/** Days of the period elapsed by the end of `asOf` (YYYY-MM-DD): 0 … days of the period. */
export function daysElapsed(p: { from: string; to: string }, asOf: string): number {
  const n = Math.floor((Date.parse(asOf) - Date.parse(p.from)) / DAY) + 1
  return Math.min(daysIn(p), Math.max(0, n))
}
