/** The requirements catalogue, the compliance matrix, gaps and audit pack. */
export { ComplianceService, ComplianceStatus, type MatrixRow } from './compliance.service'
export { complianceRoutes } from './compliance.routes'
export { requirements, requirementsById } from './requirements'
