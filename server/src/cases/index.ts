/**
 * Case data for routes and workers: the record kinds, the generic {@link CaseService}, the
 * CMDB and catalogue helpers and the authorisation rules. Workers act as `systemActor('<job>')`.
 */
export * from './kinds'
export { caseFormId, caseForms, type CaseForm } from './case-forms'
export * from './access'
export {
  CaseService,
  type AttachmentInfo,
  type CaseComment,
  type CaseDetail,
  type CaseLink,
  type CaseProcessInstance,
  type CaseRecord,
  type CaseServiceDeps,
  type ListQuery,
  type ListResult,
  type OperationalCase,
  type ProcessStarter,
} from './case.service'
export {
  CmdbService,
  RelationType,
  type Baseline,
  type CiHistoryEntry,
  type CiRelation,
  type Impact,
} from './cmdb.service'
export {
  CatalogueService,
  type CatalogueItem,
  type Contract,
  type ServiceDependency,
} from './catalogue.service'
export { casesRoutes, LinkType, type CasesRoutesDeps } from './cases.routes'
export { ActivityService } from './activity.service'
export { activityRoutes } from './activity.routes'
export { ActivityType, Visibility, type ActivityEntry } from './activity'
export { nextReference } from './references'
export { slaTargetsOf, type SlaTarget } from './sla-targets'
