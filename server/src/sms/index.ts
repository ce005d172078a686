/**
 * The service management system itself (ISO/IEC 20000-1 clause 4): the public face of
 * `server/src/sms` — documents register (4.3), risk register (4.5.2 j), processes operated by
 * other parties (4.2), competence (4.4.2), RACI (4.1.3) — their services, one router, and the
 * review-reminder sweep of documents (4.3.2 c).
 */
import { Router } from 'express'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import type { AuditSink } from '../evidence/audit-sink'
import type { Logger } from '../log'
import type { NotificationService } from '../notifications/notification.service'
import { CompetenceService } from './competence/competence.service'
import { competenceRoutes } from './competence/competence.routes'
import { DocumentsService } from './documents/documents.service'
import { documentsRoutes } from './documents/documents.routes'
import { PartiesService } from './parties/parties.service'
import { partiesRoutes } from './parties/parties.routes'
import { RaciService, raciRoutes } from './raci'
import { RisksService } from './risks/risks.service'
import { risksRoutes } from './risks/risks.routes'

export { competenceWarnings } from './competence/competence.service'
export { SMS_MANAGERS } from './access'

/** The SMS services, built once and shared by the routes, the workers and the seed. */
export interface SmsServices {
  documents: DocumentsService
  risks: RisksService
  parties: PartiesService
  competence: CompetenceService
  raci: RaciService
}

export function createSmsServices(deps: {
  db: Kysely<DB>
  audit: AuditSink
  notifications: NotificationService
  now: () => Date
}): SmsServices {
  const base = { db: deps.db, audit: deps.audit, now: deps.now }
  return {
    documents: new DocumentsService({ ...base, notifications: deps.notifications }),
    risks: new RisksService(base),
    parties: new PartiesService(base),
    competence: new CompetenceService(base),
    raci: new RaciService(base),
  }
}

/** Every `/api/sms/...` route. */
export function smsRoutes(sms: SmsServices, deps: { db: Kysely<DB>; now: () => Date }): Router {
  const r = Router()
  r.use(documentsRoutes({ documents: sms.documents, db: deps.db, now: deps.now }))
  r.use(risksRoutes({ risks: sms.risks }))
  r.use(partiesRoutes({ parties: sms.parties }))
  r.use(competenceRoutes({ competence: sms.competence }))
  r.use(raciRoutes({ raci: sms.raci }))
  return r
}

/**
 * 4.3.2 c: approved versions whose effective date has come are made effective (the people
 * concerned told), and the owners of documents whose planned review comes within its notice are
 * reminded, checked every
 * `everyMs` (default 10 minutes) like the server's other sweeps; one pass at a time.
 */
export function startSmsReviewReminders({
  documents,
  log,
  everyMs = 600_000,
}: {
  documents: DocumentsService
  log: Logger
  everyMs?: number
}) {
  let running: Promise<unknown> | undefined
  const pass = () => {
    running ??= documents
      .applyDueVersions()
      .then(async (effective) => {
        if (effective.length) log.info(`sms: versions took effect in ${effective.join(', ')}`)
        const ids = await documents.remindDueReviews()
        if (ids.length) log.info(`sms: review reminders sent for ${ids.join(', ')}`)
        return ids
      })
      .catch((err: unknown) => log.error('sms review reminder failed', err))
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

// the management system's internal audit and management review (4.5.4)
export { auditRoutes } from './audit/audit.routes'
export { reviewRoutes } from './review/review.routes'
export { ReviewActionsService } from './review/review-actions'
export { seedSmsAudit } from './seed'
