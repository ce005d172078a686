/**
 * Business relationship and service level reviews (ISO/IEC 20000-1 7.1, 6.1): the public face of
 * `server/src/relationship` — customers, settings and the complaint definition, satisfaction
 * surveys with their sweep, service review actions — built once and shared by the routes, the
 * workers and the seed. The procedures are `processes/complaint.bpmn` and
 * `processes/service-review.bpmn`.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import type { AuditSink } from '../evidence/audit-sink'
import type { Logger } from '../log'
import type { NotificationService } from '../notifications/notification.service'
import { CustomersService } from './customers.service'
import { ServiceReviewActionsService } from './service-review-actions'
import {
  complaintDefinition,
  getSettings,
  updateSettings,
  type ComplaintDefinition,
  type RelationshipSettings,
  type SettingsInput,
} from './settings'
import { SurveysService } from './surveys.service'

export { relationshipRoutes } from './relationship.routes'
export { seedRelationship } from './seed'

/** The relationship services. */
export interface RelationshipServices {
  customers: CustomersService
  surveys: SurveysService
  reviewActions: ServiceReviewActionsService
  settings: {
    get(): Promise<RelationshipSettings>
    update(input: SettingsInput, actor: string): Promise<RelationshipSettings>
    complaintDefinition(): Promise<ComplaintDefinition | undefined>
  }
}

export function createRelationshipServices(deps: {
  db: Kysely<DB>
  audit: AuditSink
  notifications: NotificationService
  now: () => Date
}): RelationshipServices {
  const base = { db: deps.db, audit: deps.audit, now: deps.now }
  return {
    customers: new CustomersService(base),
    surveys: new SurveysService({ ...base, notifications: deps.notifications }),
    reviewActions: new ServiceReviewActionsService(base),
    settings: {
      get: () => getSettings(deps.db),
      update: (input, actor) => updateSettings(deps.db, deps.audit, input, actor, deps.now()),
      complaintDefinition: () => complaintDefinition(deps.db),
    },
  }
}

/**
 * 7.1: the satisfaction surveys due are sent every `everyMs` (default 10 minutes), like the
 * server's other sweeps; one pass at a time.
 */
export function startSatisfactionSurveys({
  surveys,
  log,
  everyMs = 600_000,
}: {
  surveys: SurveysService
  log: Logger
  everyMs?: number
}) {
  let running: Promise<unknown> | undefined
  const pass = () => {
    running ??= surveys
      .sweep()
      .then((sent) => {
        if (sent.length) log.info(`relationship: ${sent.length} satisfaction surveys sent`)
        return sent
      })
      .catch((err: unknown) => log.error('satisfaction survey sweep failed', err))
      .finally(() => (running = undefined))
    return running
  }
  const timer = setInterval(pass, everyMs)
  timer.unref()
  return {
    /** Runs a pass now (tests, after moving the clock). */
    runNow: () => pass(),
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}
