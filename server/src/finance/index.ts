/**
 * Budgeting and accounting for services (ISO/IEC 20000-1 6.4): the public face of
 * `server/src/finance`.
 */
export { FinanceService } from './finance.service'
export { financeRoutes } from './finance.routes'
export { seedFinance } from './seed'
export { BudgetApprovalService, BUDGET_SUBMITTED_MESSAGE } from './budget-approval.service'
