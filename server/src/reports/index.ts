/** Service reporting (ISO/IEC 20000-1 6.2): the public face of `server/src/reports`. */
export { ReportsService } from './reports.service'
export { reportsRoutes } from './reports.routes'
export { startReportScheduler } from './report-scheduler'
export * from './report-model'
