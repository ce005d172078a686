/**
 * Every record route under `/api`: the routes of each kind (`case-kind.routes.ts`), change
 * control (`change-control.routes.ts`), the CMDB (`cmdb.routes.ts`), the catalogue and
 * suppliers (`catalogue.routes.ts`) and the form of each kind's data.
 */
import { Router } from 'express'
import { requireLogin } from '../auth/auth.middleware'
import { NotFoundError } from '../errors'
import { withoutStaffOnly } from '../forms/form-schema'
import { openapi, type OpenApiRegistry } from '../http/openapi'
import { isCustomer } from './access'
import type { ActivityService } from './activity.service'
import { caseForms } from './case-forms'
import { kindRoutes } from './case-kind.routes'
import type { CaseService } from './case.service'
import { catalogueRoutes } from './catalogue.routes'
import type { CatalogueService } from './catalogue.service'
import { changeControlRoutes } from './change-control.routes'
import { cmdbRoutes } from './cmdb.routes'
import type { CmdbService } from './cmdb.service'
import { allKinds, isCaseKind, kindSpecs } from './kinds'
import { majorIncidentRoutes, type EscalationPublisher } from './major-incident.routes'
import { actorOf } from './route-params'
import { serviceTransitionWithdrawalRoutes } from './service-transition-withdrawal.routes'
import { slaClockRoutes } from './sla-clock.routes'
import { dataSchemaOf } from './validators'

export { LinkType } from './case-kind.routes'

export interface CasesRoutesDeps {
  cases: CaseService
  /** Writes the legacy `POST …/comments` into the activity stream. */
  activity: ActivityService
  cmdb: CmdbService
  catalogue: CatalogueService
  /** Publishes the messages people send to procedures (escalation to major incident, 8.1). */
  messages?: EscalationPublisher
  now?: () => Date
  registry?: OpenApiRegistry
}

/** Every record route, mounted under `/api`. */
export function casesRoutes({
  cases,
  activity,
  cmdb,
  catalogue,
  messages,
  now,
  registry = openapi,
}: CasesRoutesDeps): Router {
  const router = Router()
  router.use(changeControlRoutes(cases, registry))
  router.use(
    majorIncidentRoutes(
      { cases, ...(messages ? { messages } : {}), ...(now ? { now } : {}) },
      registry,
    ),
  )
  router.use(
    slaClockRoutes({ cases, ...(messages ? { messages } : {}), ...(now ? { now } : {}) }, registry),
  )
  router.use(
    serviceTransitionWithdrawalRoutes(
      { cases, ...(messages ? { messages } : {}), ...(now ? { now } : {}) },
      registry,
    ),
  )
  // Specific routes first, so `/cis/:id/relations` is not taken for something else.
  router.use(cmdbRoutes(cmdb, registry))
  router.use(catalogueRoutes({ cases, catalogue }, registry))

  // The form of a kind's `data`, by kind (`incident`) or by its URL segment (`incidents`).
  router.get('/case-forms/:kind', requireLogin, (req, res) => {
    const name = String(req.params.kind)
    const kind = isCaseKind(name) ? name : allKinds.find((k) => kindSpecs[k].path === name)
    if (!kind) throw new NotFoundError(`No case kind ${name}.`)
    const { formId, form, readonly, staffOnly } = caseForms[kind]
    // customers get the form without the fields the service provider's staff fill (8.1)
    const customer = isCustomer(actorOf(req))
    res.json({
      kind,
      formId,
      form: customer ? withoutStaffOnly(form) : form,
      readonly,
      staffOnly,
      dataSchema: dataSchemaOf(kind),
    })
  })

  for (const kind of allKinds) kindRoutes(router, kindSpecs[kind], { cases, activity }, registry)

  registry.register({
    method: 'get',
    path: '/case-forms/:kind',
    tag: 'case-forms',
    summary: "The form-js form of a kind's data, with its JSON schema and readonly fields",
    roles: 'any',
    description:
      '`kind` as in links (`incident`) or in URLs (`incidents`). Every write of `data` is validated against `dataSchema` (4.3.3); fields in `readonly` are shown to people and written by the procedure only, a person writing one gets 400.',
    response: '`{ kind, formId, form, readonly, dataSchema }`',
  })
  return router
}
