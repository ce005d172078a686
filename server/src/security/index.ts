/**
 * Information security management (ISO/IEC 20000-1 6.6): the public face of `server/src/security`
 * — its services, built once and shared by the routes, the workers and the seed, and one router.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import type { AuditSink } from '../evidence/audit-sink'
import type { NotificationService } from '../notifications/notification.service'
import type { SmsServices } from '../sms'
import { SecurityControlsService } from './controls.service'
import { PartyAccessService } from './party-access.service'
import { SecurityIncidentsService } from './incidents.service'
import { SecurityRiskAssessmentsService } from './risk-assessments.service'
import { securityRoutes as routes } from './security.routes'

export { SECURITY_INCIDENT_MESSAGE } from './incidents.service'

export interface SecurityServices {
  controls: SecurityControlsService
  partyAccess: PartyAccessService
  incidents: SecurityIncidentsService
  riskAssessments: SecurityRiskAssessmentsService
}

export function createSecurityServices(deps: {
  db: Kysely<DB>
  audit: AuditSink
  notifications: NotificationService
  now: () => Date
}): SecurityServices {
  const base = { db: deps.db, audit: deps.audit, now: deps.now }
  return {
    controls: new SecurityControlsService(base),
    partyAccess: new PartyAccessService(base),
    incidents: new SecurityIncidentsService({ ...base, notifications: deps.notifications }),
    riskAssessments: new SecurityRiskAssessmentsService(base),
  }
}

/** Every `/api/security` route. */
export function securityRoutes(
  s: SecurityServices,
  deps: { db: Kysely<DB>; sms: SmsServices; now: () => Date },
) {
  return routes({
    db: deps.db,
    controls: s.controls,
    partyAccess: s.partyAccess,
    incidents: s.incidents,
    riskAssessments: s.riskAssessments,
    documents: deps.sms.documents,
    risks: deps.sms.risks,
    now: deps.now,
  })
}
