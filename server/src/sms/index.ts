/** The management system's internal audit and management review (ISO/IEC 20000-1 4.5.4). */
export { auditRoutes } from './audit/audit.routes'
export { reviewRoutes } from './review/review.routes'
export { ReviewActionsService } from './review/review-actions'
export { seedSmsAudit } from './seed'
