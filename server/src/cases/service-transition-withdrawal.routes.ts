/**
 * Withdrawing a service design and transition (ISO/IEC 20000-1 5.1, 9.2): until its design is
 * accepted at the gate, the requester of the change it serves may withdraw it. The server
 * publishes message `service-transition-withdrawn` (correlated on the transition id) with who,
 * when and why; the procedure's interrupting event sub-process `SubProcess_TransitionWithdrawn`
 * records it (worker `withdraw-service-transition`: the evidence on the record, closed as
 * withdrawn) and withdraws the change waiting for the design. The request writes nothing itself,
 * so nothing is left to undo when the engine is unreachable (503, try again).
 */
import { Router } from 'express'
import { requireLogin } from '../auth/auth.middleware'
import { ConflictError, ForbiddenError } from '../errors'
import type { OpenApiRegistry } from '../http/openapi'
import { bodyValidator } from '../http/validation'
import type { CaseService } from './case.service'
import { isAlreadyPublished, type EscalationPublisher } from './major-incident.routes'
import { actorOf, idOf } from './route-params'

/** The message the transition's `StartEvent_TransitionWithdrawn` waits for. */
export const TRANSITION_WITHDRAWN_MESSAGE = 'service-transition-withdrawn'

/** Statuses before the design is accepted: the change still waits and nothing is built yet. */
const withdrawableStatuses: readonly string[] = ['new', 'planned', 'designed']

/** How long the withdrawal waits for the procedure. */
const WITHDRAWAL_TTL_MS = 10 * 60_000

interface WithdrawalBody {
  reason: string
}

export const withdrawalBodySchema = {
  type: 'object',
  properties: { reason: { type: 'string', minLength: 1, maxLength: 2000, pattern: '\\S' } },
  required: ['reason'],
  additionalProperties: false,
} as const

const validateBody = bodyValidator<WithdrawalBody>(withdrawalBodySchema)

/** `POST /api/service-transitions/:id/withdraw`. */
export function serviceTransitionWithdrawalRoutes(
  deps: { cases: CaseService; messages?: EscalationPublisher; now?: () => Date },
  registry: OpenApiRegistry,
): Router {
  const router = Router()
  const now = deps.now ?? (() => new Date())
  router.post('/service-transitions/:id/withdraw', requireLogin, async (req, res) => {
    const actor = actorOf(req)
    const id = idOf(req)
    const { reason } = validateBody(req.body)
    // the transition and its change as the user may read them (404 otherwise)
    const transition = await deps.cases.get('service-transition', id, actor)
    const changeId = transition.data.changeId
    const change =
      typeof changeId === 'string' ? await deps.cases.get('change', changeId, actor) : undefined
    if (!change || !change.requester || change.requester !== actor.username) {
      throw new ForbiddenError(
        `Only the requester of the change${change?.requester ? ` (${change.requester})` : ''} withdraws its service design and transition (ISO/IEC 20000-1 5.1).`,
      )
    }
    if (transition.data.retrospective === true) {
      throw new ConflictError(
        `${id} reviews an emergency change already implemented; there is nothing left to withdraw.`,
      )
    }
    if (!withdrawableStatuses.includes(transition.status)) {
      throw new ConflictError(
        `${id} is ${transition.status}: only a transition whose design is not yet accepted can be withdrawn (after that, the change itself goes on or is rejected by the CAB).`,
      )
    }
    if (!deps.messages) throw new Error('No engine to tell of the withdrawal.')
    const at = now().toISOString()
    try {
      await deps.messages.publish({
        name: TRANSITION_WITHDRAWN_MESSAGE,
        correlationKey: id,
        variables: { withdrawnBy: actor.username, withdrawalReason: reason, withdrawnAt: at },
        timeToLive: WITHDRAWAL_TTL_MS,
        // one withdrawal per transition: a second request while the first is buffered is refused
        messageId: `${TRANSITION_WITHDRAWN_MESSAGE}:${id}`,
      })
    } catch (err) {
      if (!isAlreadyPublished(err)) throw err
      throw new ConflictError(`${id} is already being withdrawn.`)
    }
    res.status(202).json({ id, state: 'withdrawing', withdrawnBy: actor.username, requestedAt: at })
  })
  registry.register({
    method: 'post',
    path: '/service-transitions/:id/withdraw',
    tag: 'service-transitions',
    summary:
      'The requester of the change withdraws its service design and transition before the design is accepted (5.1): the procedure closes it as withdrawn and withdraws the change',
    description:
      "Answers 202 and the procedure takes it from there (`status` closed, `closureCode` withdrawn, `withdrawnBy`, `withdrawnAt`, `withdrawalReason` on the record; the change cancelled); 403 for anyone but the change's requester; 409 once the design is accepted, for a review after an emergency change, or while a withdrawal is on its way.",
    roles: ['staff'],
    requestBody: withdrawalBodySchema,
  })
  return router
}
