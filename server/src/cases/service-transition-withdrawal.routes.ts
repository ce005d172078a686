/**
 * Withdrawing a service design and transition (ISO/IEC 20000-1 5.1, 9.2): until its design is
 * accepted at the gate, the requester of the change it serves may withdraw it. The server
 * publishes message `service-transition-withdrawn` (correlated on the transition id) with who,
 * when and why; the procedure's interrupting event sub-process `SubProcess_TransitionWithdrawn`
 * records it (worker `withdraw-service-transition`: the evidence on the record, closed as
 * withdrawn) and withdraws the change waiting for the design.
 *
 * The withdrawal and the CAB's acceptance of the design are serialized on the transition's row
 * (`service-transition-withdrawal.ts`): the request locks it, finds the design not accepted and
 * writes who, when and why on it before the message goes out; a task decision on it after that
 * gets 409, and a withdrawal after the acceptance gets 409. When the engine cannot be reached the
 * withdrawal is taken back off the record (503, try again); a request repeated while the
 * procedure has not yet closed it (e.g. after a crash between the two) sends the message again.
 */
import { Router } from 'express'
import { requireLogin } from '../auth/auth.middleware'
import type { OpenApiRegistry } from '../http/openapi'
import { bodyValidator } from '../http/validation'
import type { CaseService } from './case.service'
import { isAlreadyPublished, type EscalationPublisher } from './major-incident.routes'
import type { Actor } from './access'
import type { CaseRecord } from './case-record'
import { actorOf, idOf } from './route-params'
import {
  pendingWithdrawal,
  withdrawalRefusal,
  type PendingWithdrawal,
} from './service-transition-withdrawal'

/** The message the transition's `StartEvent_TransitionWithdrawn` waits for. */
export const TRANSITION_WITHDRAWN_MESSAGE = 'service-transition-withdrawn'

/** How long the withdrawal waits for the procedure. */
const WITHDRAWAL_TTL_MS = 10 * 60_000

/** Whether the user may withdraw the transition now, as `GET …/withdrawal` answers it. */
export interface WithdrawalState {
  mayWithdraw: boolean
  /** The requester of the change the transition serves (who alone may withdraw it). */
  requester: string | null
  /** The withdrawal on its way (the procedure has not closed the transition yet). */
  withdrawing?: PendingWithdrawal
  /** Why the user may not withdraw it, when they may not. */
  why?: string
}

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
  /** The requester of the change the transition serves, as `actor` may read it. */
  const requesterOf = async (transition: CaseRecord, actor: Actor) => {
    const changeId = transition.data.changeId
    if (typeof changeId !== 'string') return null
    const { requester } = await deps.cases.get('change', changeId, actor)
    return typeof requester === 'string' ? requester : null
  }
  /** Takes a withdrawal the engine never heard of back off the record (with its evidence). */
  const takeBack = (id: string, withdrawnAt: string, actor: Actor) =>
    deps.cases
      .transaction(async (tx) => {
        const transition = await deps.cases.lockedRecord('service-transition', id, tx)
        if (pendingWithdrawal(transition)?.withdrawnAt !== withdrawnAt) return
        const cleared = { withdrawnBy: null, withdrawnAt: null, withdrawalReason: null }
        const { publish } = await deps.cases.applyInTransaction(
          'service-transition',
          id,
          { data: cleared },
          actor,
          tx,
        )
        return publish
      })
      .then((publish) => publish?.())
  router.get('/service-transitions/:id/withdrawal', requireLogin, async (req, res) => {
    const actor = actorOf(req)
    const transition = await deps.cases.get('service-transition', idOf(req), actor)
    const requester = await requesterOf(transition, actor)
    const pending = pendingWithdrawal(transition)
    const refusal = withdrawalRefusal(transition, requester, actor)
    const body: WithdrawalState = {
      mayWithdraw: !refusal && !pending,
      requester,
      ...(pending ? { withdrawing: pending } : {}),
      ...(refusal ? { why: refusal.message } : {}),
    }
    res.json(body)
  })
  router.post('/service-transitions/:id/withdraw', requireLogin, async (req, res) => {
    const actor = actorOf(req)
    const id = idOf(req)
    const { reason } = validateBody(req.body)
    // the transition and its change as the user may read them (404 otherwise)
    const seen = await deps.cases.get('service-transition', id, actor)
    const requester = await requesterOf(seen, actor)
    const pending = await deps.cases.transaction(async (tx) => {
      // 5.1: under the row lock the CAB's acceptance takes too; whichever commits first wins
      const transition = await deps.cases.lockedRecord('service-transition', id, tx)
      const refusal = withdrawalRefusal(transition, requester, actor)
      if (refusal) throw refusal
      const sent = pendingWithdrawal(transition)
      if (sent) return { ...sent, written: false }
      const at = now().toISOString()
      const withdrawal = { withdrawnBy: actor.username, withdrawnAt: at, withdrawalReason: reason }
      const { publish } = await deps.cases.applyInTransaction(
        'service-transition',
        id,
        { data: withdrawal },
        actor,
        tx,
      )
      return { ...withdrawal, written: true, publish }
    })
    if ('publish' in pending) pending.publish()
    const { withdrawnBy, withdrawnAt, withdrawalReason } = pending
    try {
      if (!deps.messages) throw new Error('No engine to tell of the withdrawal.')
      await deps.messages.publish({
        name: TRANSITION_WITHDRAWN_MESSAGE,
        correlationKey: id,
        variables: { withdrawnBy, withdrawalReason, withdrawnAt },
        timeToLive: WITHDRAWAL_TTL_MS,
        // one withdrawal per transition: sent again, the engine keeps the first
        messageId: `${TRANSITION_WITHDRAWN_MESSAGE}:${id}`,
      })
    } catch (err) {
      if (!isAlreadyPublished(err)) {
        // not sent: the transition is not being withdrawn after all (nothing waits for it)
        if (pending.written) await takeBack(id, withdrawnAt, actor)
        throw err
      }
    }
    res.status(202).json({ id, state: 'withdrawing', withdrawnBy, requestedAt: withdrawnAt })
  })
  registry.register({
    method: 'post',
    path: '/service-transitions/:id/withdraw',
    tag: 'service-transitions',
    summary:
      'The requester of the change withdraws its service design and transition before the design is accepted (5.1): the procedure closes it as withdrawn and withdraws the change',
    description:
      "Writes who, when and why on the record, answers 202 and the procedure takes it from there (`status` closed, `closureCode` withdrawn; the change cancelled); 403 for anyone but the change's requester; 409 once the design is accepted (the acceptance and the withdrawal are serialized: the later one gets 409), or for a review after an emergency change. Repeated while the withdrawal is on its way, it is sent again (202).",
    roles: ['staff'],
    requestBody: withdrawalBodySchema,
  })
  registry.register({
    method: 'get',
    path: '/service-transitions/:id/withdrawal',
    tag: 'service-transitions',
    summary:
      'Whether the current user may withdraw the service design and transition now (5.1): only the requester of its change, until its design is accepted',
    description:
      "`mayWithdraw`, the change's `requester`, the withdrawal on its way (`withdrawing`) and, when the user may not, `why`.",
    roles: ['staff'],
  })
  return router
}
