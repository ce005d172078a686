/**
 * Continuity and availability (ISO/IEC 20000-1 6.3) and capacity (6.5): the public face of
 * `server/src/delivery` — their services, built once and shared by the routes, the workers and
 * the seed, and one router.
 */
import { Router } from 'express'
import type { Kysely } from 'kysely'
import type { CaseService } from '../cases'
import type { DB } from '../db/schema'
import type { AuditSink } from '../evidence/audit-sink'
import type { MessagePublisher } from '../workers/deps'
import { AvailabilityService } from './continuity/availability.service'
import { continuityRoutes } from './continuity/continuity.routes'
import { ContinuityRequirementsService } from './continuity/requirements.service'
import { ContinuityTestsService } from './continuity/tests.service'
import { CapacityService } from './capacity/capacity.service'
import { CapacityReviewsService } from './capacity/capacity-reviews.service'
import { capacityRoutes } from './capacity/capacity.routes'

export { CONTINUITY_TEST_MESSAGE } from './continuity/tests.service'

/** The services of continuity, availability and capacity. */
export interface DeliveryServices {
  continuity: ContinuityRequirementsService
  continuityTests: ContinuityTestsService
  availability: AvailabilityService
  capacity: CapacityService
  capacityReviews: CapacityReviewsService
}

export function createDeliveryServices(deps: {
  db: Kysely<DB>
  audit: AuditSink
  cases: CaseService
  now: () => Date
}): DeliveryServices {
  const base = { db: deps.db, audit: deps.audit, now: deps.now }
  return {
    continuity: new ContinuityRequirementsService(base),
    continuityTests: new ContinuityTestsService(base),
    availability: new AvailabilityService(base),
    capacity: new CapacityService({ ...base, cases: deps.cases }),
    capacityReviews: new CapacityReviewsService(base),
  }
}

/** Every `/api/continuity`, `/api/availability` and `/api/capacity` route. */
export function deliveryRoutes(d: DeliveryServices, messages: MessagePublisher): Router {
  const r = Router()
  r.use(
    continuityRoutes({
      requirements: d.continuity,
      tests: d.continuityTests,
      availability: d.availability,
      messages,
    }),
  )
  r.use(capacityRoutes({ capacity: d.capacity, reviews: d.capacityReviews }))
  return r
}
