/**
 * Budgeting and accounting for services (ISO/IEC 20000-1 6.4) as the server keeps them
 * (server/src/finance). Money is decimal text with two places beside its currency. The server
 * enforces who may write (finance) and read (service owners for their services); the client only
 * hides buttons.
 */
import { api } from '../../../lib/api'

export const costCategories = [
  'personnel',
  'hardware',
  'software',
  'external-services',
  'facilities',
  'shared-resources',
  'overheads',
] as const

/** What each cost category holds (6.4 a), for labels. */
export const categoryLabels: Record<(typeof costCategories)[number], string> = {
  personnel: 'Personnel',
  hardware: 'Hardware',
  software: 'Software and licences',
  'external-services': 'Externally supplied services',
  facilities: 'Facilities',
  'shared-resources': 'Shared resources',
  overheads: 'Overheads',
}

export interface Budget {
  id: string
  serviceId: string
  serviceName: string
  fiscalYear: number
  quarter: number | null
  currency: string
  lines: { category: string; amount: string }[]
  total: string
  varianceThresholdPercent: string
  breachAction: 'improvement' | 'change'
  status: 'draft' | 'approved'
  createdBy: string
  approvedBy: string | null
  version: number
}

export interface BudgetStatement {
  budgetId: string
  serviceId: string
  serviceName: string
  fiscalYear: number
  quarter: number | null
  currency: string
  status: 'draft' | 'approved'
  asOf: string
  budget: string
  budgetToDate: string
  actual: string
  direct: string
  indirect: string
  variance: string
  variancePercent: string | null
  forecast: string
  forecastVariance: string
  forecastVariancePercent: string | null
  thresholdPercent: string
  exceeded: boolean
  breachAction: string
  openAction: string | null
}

export interface Statements {
  year: number
  asOf: string
  items: BudgetStatement[]
  unbudgeted: { serviceId: string; serviceName: string; currency: string; actual: string }[]
}

export interface ApportionmentRule {
  id: string
  name: string
  basis: string
  shares: { serviceId: string; serviceName: string; weight: string; percent: string }[]
}

export interface BudgetInput {
  serviceId: string
  fiscalYear: number
  quarter: number | null
  currency: string
  lines: { category: string; amount: string }[]
  varianceThresholdPercent: string
  breachAction: 'improvement' | 'change'
}

export const createBudget = (body: BudgetInput) =>
  api<Budget>('/finance/budgets', { method: 'POST', body })

export const approveBudget = (id: string, version: number) =>
  api<Budget>(`/finance/budgets/${id}/approve`, { method: 'POST', body: { version } })

export const importCosts = (csv: string) =>
  api<{ stored: number; total: Record<string, string>; raised: string[] }>(
    '/finance/costs/import',
    { method: 'POST', body: { csv } },
  )
