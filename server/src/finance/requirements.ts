/**
 * Which requirements of ISO/IEC 20000-1:2011 (ids of `server/src/compliance/requirements.ts`)
 * budgeting and accounting carries, and which of its evidence entries count for them in the
 * compliance matrix.
 */
import type { RegisterLink } from '../compliance/evidence-link'

export const financeLinks: readonly RegisterLink[] = [
  {
    ref: 'finance:budgets',
    label: 'Budgets per service and period, by cost category',
    entityType: 'budget',
    actions: ['budget.created'],
    count: 'records',
    requirements: ['6.4-2', '6.4-3'],
  },
  {
    ref: 'finance:budget-approvals',
    label: 'Budgets approved by someone other than their author (financial control)',
    entityType: 'budget',
    actions: ['budget.approved'],
    count: 'reviews',
    requirements: ['6.4-2'],
  },
  {
    ref: 'finance:apportionment',
    label: 'Rules apportioning indirect costs to services',
    entityType: 'apportionment-rule',
    actions: ['apportionment-rule.created', 'apportionment-rule.updated'],
    count: 'records',
    requirements: ['6.4-2'],
  },
  {
    ref: 'finance:costs',
    label: 'Actual costs recorded or imported, direct and indirect',
    entityType: 'cost-entry',
    actions: ['costs.recorded'],
    count: 'records',
    requirements: ['6.4-3'],
  },
  {
    ref: 'finance:variance-actions',
    label: 'Improvements and RFCs raised by a budget variance over its threshold',
    entityType: 'budget',
    actions: ['budget.variance-raised'],
    count: 'records',
    requirements: ['6.4-3'],
  },
]
