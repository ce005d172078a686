/**
 * Escalating an incident to major at any point of its procedure (ISO/IEC 20000-1 8.1): staff
 * ask for it on the case page or through the API; the server publishes message
 * `incident-major-escalation` (correlated on the incident id) and the incident procedure's
 * non-interrupting event sub-process `SubProcess_EscalatedToMajor` records it with the agreed
 * definition (`major-incident.ts`, worker `record-major-escalation`), tells top management and
 * asks for a major incident manager. The request writes nothing itself, so there is nothing to
 * undo if the engine is unreachable (503, try again).
 */
import { Router } from 'express'
import { requireLogin } from '../auth/auth.middleware'
import { Role } from '../auth/roles'
import { ConflictError, ForbiddenError } from '../errors'
import type { OpenApiRegistry } from '../http/openapi'
import { bodyValidator } from '../http/validation'
import type { Actor } from './access'
import type { CaseService } from './case.service'
import { finalStatuses } from './kinds'
import { TRANSITION_WITHDRAWN_MESSAGE } from './service-transition-withdrawal.routes'
import { actorOf, idOf } from './route-params'
import { SLA_CLOCK_PAUSED_MESSAGE, SLA_CLOCK_RESUMED_MESSAGE } from './sla-clock'

/** The message the incident procedure's `StartEvent_EscalatedToMajor` waits for. */
export const MAJOR_ESCALATION_MESSAGE = 'incident-major-escalation'

/** Messages the server (not a worker) publishes to the procedures. */
export const serverPublishedMessages = [
  MAJOR_ESCALATION_MESSAGE,
  TRANSITION_WITHDRAWN_MESSAGE,
  SLA_CLOCK_PAUSED_MESSAGE,
  SLA_CLOCK_RESUMED_MESSAGE,
  // 6.4: a budget submitted for approval (POST /api/finance/budgets/:id/submit)
  'budget-submitted',
] as const

/** How long the escalation waits for the procedure (e.g. an incident whose start is in flight). */
const ESCALATION_TTL_MS = 10 * 60_000

/** Publishes a message to the engine (the server passes Zeebe's). */
export interface EscalationPublisher {
  publish(message: {
    name: string
    correlationKey: string
    variables: Record<string, unknown>
    timeToLive: number
    messageId?: string
  }): Promise<void>
}

interface EscalationBody {
  reason: string
}

export const escalationBodySchema = {
  type: 'object',
  properties: { reason: { type: 'string', minLength: 1, maxLength: 2000, pattern: '\\S' } },
  required: ['reason'],
  additionalProperties: false,
} as const

const validateBody = bodyValidator<EscalationBody>(escalationBodySchema)

/** The engine refused a message whose id it holds already (gRPC ALREADY_EXISTS, REST 409). */
export function isAlreadyPublished(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false
  const code = (err as { code?: unknown }).code
  const message = err instanceof Error ? err.message : ''
  return (
    code === 6 || code === 'ALREADY_EXISTS' || /ALREADY_EXISTS|already published/i.test(message)
  )
}

/** The service provider's people (not customers, not the read-only auditor role). */
const isProviderStaff = (a: Actor) => a.roles.includes(Role.Staff) || a.roles.includes(Role.Admin)

/** `POST /api/incidents/:id/escalate-major`. */
export function majorIncidentRoutes(
  deps: { cases: CaseService; messages?: EscalationPublisher; now?: () => Date },
  registry: OpenApiRegistry,
): Router {
  const router = Router()
  const now = deps.now ?? (() => new Date())
  router.post('/incidents/:id/escalate-major', requireLogin, async (req, res) => {
    const actor = actorOf(req)
    const id = idOf(req)
    const { reason } = validateBody(req.body)
    if (!isProviderStaff(actor)) {
      throw new ForbiddenError(
        "Only the service provider's staff escalate an incident to major (ISO/IEC 20000-1 8.1).",
      )
    }
    const incident = await deps.cases.get('incident', id, actor)
    if (finalStatuses.includes(incident.status)) {
      throw new ConflictError(
        `${id} is ${incident.status}: its procedure has ended and nothing can be escalated; record a new incident.`,
      )
    }
    if (incident.data.major === true || typeof incident.data.majorEscalatedAt === 'string') {
      throw new ConflictError(
        `${id} is already a major incident${typeof incident.data.majorEscalatedBy === 'string' ? ` (escalated by ${incident.data.majorEscalatedBy})` : ''}.`,
      )
    }
    if (!deps.messages) throw new Error('No engine to tell of the escalation.')
    const at = now().toISOString()
    try {
      await deps.messages.publish({
        name: MAJOR_ESCALATION_MESSAGE,
        correlationKey: id,
        variables: {
          majorEscalatedBy: actor.username,
          majorEscalationReason: reason,
          majorEscalatedAt: at,
        },
        timeToLive: ESCALATION_TTL_MS,
        // one escalation per incident: the engine refuses a second message of this id while the
        // first is buffered, so two requests at the same moment start the sub-process once
        messageId: `${MAJOR_ESCALATION_MESSAGE}:${id}`,
      })
    } catch (err) {
      if (!isAlreadyPublished(err)) throw err
      throw new ConflictError(
        `${id} is already being escalated to major (an escalation was requested moments ago); its major incident steps run once.`,
      )
    }
    res.status(202).json({ id, state: 'escalating', escalatedBy: actor.username, requestedAt: at })
  })
  registry.register({
    method: 'post',
    path: '/incidents/:id/escalate-major',
    tag: 'incidents',
    summary:
      'Escalate an open incident to major at any point of its procedure (8.1): the procedure records it by the agreed major-incident definition, tells top management and asks for a major incident manager',
    description:
      'Answers 202 and the procedure takes it from there (`data.major`, `majorEscalatedAt`, `majorEscalatedBy`, `majorEscalationReason` on the incident); 409 when the incident is closed or already major, or an escalation of it is already on its way (two at the same moment: one 202, one 409; the major incident steps run once); 403 for customers and auditors.',
    roles: ['admin', 'staff'],
    requestBody: escalationBodySchema,
  })
  return router
}
