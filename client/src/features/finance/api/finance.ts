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

/** Where a budget is in its approval procedure (budget-approval.bpmn, 6.4). */
export type BudgetStatus = 'draft' | 'submitted' | 'approved' | 'rejected' | 'superseded'

/**
 * The budget's state in human words: a draft with a procedure was returned to its proposer for
 * revision (resubmitted through the inbox task).
 */
export function budgetStateLabel(b: { status: BudgetStatus; processInstanceKey?: string | null }) {
  if (b.status === 'draft') return b.processInstanceKey ? 'Returned for revision' : 'Draft'
  return {
    submitted: 'In approval',
    approved: 'Approved',
    rejected: 'Rejected',
    superseded: 'Superseded',
  }[b.status]
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
  status: BudgetStatus
  createdBy: string
  approvedBy: string | null
  version: number
  /** Its approval procedure (budget-approval.bpmn), once submitted. */
  processInstanceKey: string | null
}

export interface BudgetStatement {
  budgetId: string
  serviceId: string
  serviceName: string
  fiscalYear: number
  quarter: number | null
  currency: string
  status: BudgetStatus
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

/** 6.4: the author submits a draft for approval; its procedure starts (budget-approval.bpmn). */
export const submitBudget = (id: string, version: number) =>
  api<Budget>(`/finance/budgets/${id}/submit`, { method: 'POST', body: { version } })

export const importCosts = (csv: string) =>
  api<{ stored: number; total: Record<string, string>; raised: string[] }>(
    '/finance/costs/import',
    { method: 'POST', body: { csv } },
  )
