/**
 * Staff put an incident or a service request in a waiting status and take it out again (ISO/IEC
 * 20000-1 8.1, 6.1; `sla-clock.ts`): `POST /api/<kind>/:id/sla-clock/pause` `{ status, reason }`
 * and `POST /api/<kind>/:id/sla-clock/resume` `{ reason? }` publish `sla-clock-paused` /
 * `sla-clock-resumed` to the case's procedure, which records the stay and moves the SLA due dates;
 * `GET /api/<kind>/:id/sla-clock` lists every stay (who, when, why, the due dates before and
 * after; `people` names them). The requests write nothing themselves, so nothing is left half done if the engine is
 * unreachable (503, try again).
 */
import { Router } from 'express'
import { requireLogin } from '../auth/auth.middleware'
import { Role } from '../auth/roles'
import { ConflictError, ForbiddenError } from '../errors'
import type { OpenApiRegistry } from '../http/openapi'
import { bodyValidator } from '../http/validation'
import type { Actor } from './access'
import type { CaseService } from './case.service'
import { isAlreadyPublished, type EscalationPublisher } from './major-incident.routes'
import { actorOf, idOf } from './route-params'
import {
  SLA_CLOCK_KINDS,
  SLA_CLOCK_PAUSED_MESSAGE,
  SLA_CLOCK_RESUMED_MESSAGE,
  WAITING_STATUSES,
  type SlaClockKind,
  type WaitingStatus,
} from './sla-clock'

/** A pause waits this long for the work's boundary event (the procedure is between two steps). */
const PAUSE_TTL_MS = 30_000
/** A resume waits this long for the receive task (the pause's job is still completing). */
const RESUME_TTL_MS = 10 * 60_000

interface PauseBody {
  status: WaitingStatus
  reason: string
}
interface ResumeBody {
  reason?: string
}

const reason = { type: 'string', minLength: 1, maxLength: 2000, pattern: '\\S' } as const
export const pauseBodySchema = {
  type: 'object',
  properties: { status: { enum: [...WAITING_STATUSES] }, reason },
  required: ['status', 'reason'],
  additionalProperties: false,
} as const
export const resumeBodySchema = {
  type: 'object',
  properties: { reason },
  additionalProperties: false,
} as const

const validatePause = bodyValidator<PauseBody>(pauseBodySchema)
const validateResume = bodyValidator<ResumeBody>(resumeBodySchema)

const isProviderStaff = (a: Actor) => a.roles.includes(Role.Staff) || a.roles.includes(Role.Admin)

function refuseOthers(actor: Actor): void {
  if (!isProviderStaff(actor)) {
    throw new ForbiddenError(
      "Only the service provider's staff pause and resume the SLA clock of a case (ISO/IEC 20000-1 8.1).",
    )
  }
}

/** The SLA clock routes of incidents and service requests. */
export function slaClockRoutes(
  deps: { cases: CaseService; messages?: EscalationPublisher; now?: () => Date },
  registry: OpenApiRegistry,
): Router {
  const router = Router()
  const now = deps.now ?? (() => new Date())
  const publish = async (message: Parameters<EscalationPublisher['publish']>[0], dup: string) => {
    if (!deps.messages) throw new Error('No engine to tell of the SLA clock.')
    try {
      await deps.messages.publish(message)
    } catch (err) {
      if (!isAlreadyPublished(err)) throw err
      throw new ConflictError(dup)
    }
  }

  for (const kind of Object.keys(SLA_CLOCK_KINDS) as SlaClockKind[]) {
    const { path, working } = SLA_CLOCK_KINDS[kind]

    router.get(`/${path}/:id/sla-clock`, requireLogin, async (req, res) => {
      res.json(await deps.cases.slaClock(kind, idOf(req), actorOf(req)))
    })

    router.post(`/${path}/:id/sla-clock/pause`, requireLogin, async (req, res) => {
      const actor = actorOf(req)
      const id = idOf(req)
      const body = validatePause(req.body)
      refuseOthers(actor)
      const record = await deps.cases.get(kind, id, actor)
      if (!(working as readonly string[]).includes(record.status)) {
        throw new ConflictError(
          `${id} is ${record.status}: its SLA clock can be paused only while it is being worked on (${working.join(', ')}).`,
        )
      }
      const pausedBefore = (await deps.cases.slaClockPauses(kind, id, actor)).length
      const at = now().toISOString()
      await publish(
        {
          name: SLA_CLOCK_PAUSED_MESSAGE,
          correlationKey: id,
          variables: {
            slaPauseStatus: body.status,
            slaPausedBy: actor.username,
            slaPauseReason: body.reason,
            slaPausedAt: at,
          },
          timeToLive: PAUSE_TTL_MS,
          // one pause at a time: a second request before the first is recorded is refused
          messageId: `${SLA_CLOCK_PAUSED_MESSAGE}:${id}:${pausedBefore + 1}`,
        },
        `${id} is already being put in a waiting status; its SLA clock pauses once.`,
      )
      res.status(202).json({ id, state: 'pausing', status: body.status, requestedAt: at })
    })

    router.post(`/${path}/:id/sla-clock/resume`, requireLogin, async (req, res) => {
      const actor = actorOf(req)
      const id = idOf(req)
      const body = validateResume(req.body ?? {})
      refuseOthers(actor)
      const record = await deps.cases.get(kind, id, actor)
      const open = (await deps.cases.slaClockPauses(kind, id, actor)).find(
        (p) => p.resumedAt === null,
      )
      if (!open || !(WAITING_STATUSES as readonly string[]).includes(record.status)) {
        throw new ConflictError(`${id} is ${record.status}, not waiting: its SLA clock is running.`)
      }
      const at = now().toISOString()
      await publish(
        {
          name: SLA_CLOCK_RESUMED_MESSAGE,
          correlationKey: id,
          variables: {
            slaResumedBy: actor.username,
            slaResumeReason: body.reason ?? '',
            slaResumedAt: at,
          },
          timeToLive: RESUME_TTL_MS,
          messageId: `${SLA_CLOCK_RESUMED_MESSAGE}:${id}:${open.pausedAt}`,
        },
        `${id} is already being taken out of ${record.status}.`,
      )
      res.status(202).json({ id, state: 'resuming', requestedAt: at })
    })

    registry.register({
      method: 'get',
      path: `/${path}/:id/sla-clock`,
      tag: path,
      summary: `The stays of the ${kind} in a waiting status, its SLA clock paused (8.1, 6.1)`,
      description:
        'Each stay (`items`) with the waiting status, the status before, who paused it, when and why, who resumed it and when, and the response and resolution due dates before the pause and after the resume; `people` gives the display name of each username.',
      roles: ['admin', 'staff', 'auditor', 'customer'],
    })
    registry.register({
      method: 'post',
      path: `/${path}/:id/sla-clock/pause`,
      tag: path,
      summary: `Put the ${kind} in a waiting status (for the customer, a supplier, or on hold); its SLA clock stands still (8.1, 6.1)`,
      description:
        'Answers 202; the procedure leaves the work (its SLA breach timers with it), records the stay and sets the status. 409 unless the case is being worked on, or when a pause is already on its way; 403 for customers and auditors.',
      roles: ['admin', 'staff'],
      requestBody: pauseBodySchema,
    })
    registry.register({
      method: 'post',
      path: `/${path}/:id/sla-clock/resume`,
      tag: path,
      summary: `Take the ${kind} out of its waiting status; its SLA clock runs again (8.1, 6.1)`,
      description:
        'Answers 202; the procedure moves the response and resolution due dates by the time paused (in the SLA calendar), gives the case back its status and starts the work again with its timers armed for the new due dates. 409 when the case is not waiting; 403 for customers and auditors.',
      roles: ['admin', 'staff'],
      requestBody: resumeBodySchema,
    })
  }
  return router
}
