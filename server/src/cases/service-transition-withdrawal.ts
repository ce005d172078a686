/**
 * Who may withdraw a service design and transition, and when (ISO/IEC 20000-1 5.1, 9.2): the
 * requester of the change it serves, until its design is accepted at the gate. The withdrawal and
 * the CAB's acceptance are serialized on the transition's row: the withdrawal is written on the
 * record (`withdrawnBy`, `withdrawnAt`, `withdrawalReason`) in the transaction that locked it and
 * found the design not accepted, and a task decision on a transition being withdrawn is refused
 * (409) under the same lock. Whichever commits first wins; the other gets 409. So the transition
 * ends either withdrawn or accepted, never both.
 */
import { ConflictError, ForbiddenError } from '../errors'
import type { Actor } from './access'
import type { CaseRecord } from './case-record'

/** Statuses before the design is accepted: the change still waits and nothing is built yet. */
export const withdrawableStatuses: readonly string[] = ['new', 'planned', 'designed']

/** A withdrawal written on the record and not yet carried out by the procedure. */
export interface PendingWithdrawal {
  withdrawnBy: string
  withdrawnAt: string
  withdrawalReason: string
}

/** The withdrawal the record holds while its procedure has not closed it yet, if any. */
export function pendingWithdrawal(transition: CaseRecord): PendingWithdrawal | undefined {
  const { withdrawnBy, withdrawnAt, withdrawalReason } = transition.data
  if (transition.status === 'closed') return undefined
  if (typeof withdrawnBy !== 'string' || typeof withdrawnAt !== 'string') return undefined
  return {
    withdrawnBy,
    withdrawnAt,
    withdrawalReason: typeof withdrawalReason === 'string' ? withdrawalReason : '',
  }
}

/**
 * Why `actor` may not withdraw `transition` now (403 or 409), or undefined when they may.
 * `changeRequester` is the requester of the change it serves, as the actor may read it.
 */
export function withdrawalRefusal(
  transition: CaseRecord,
  changeRequester: string | null | undefined,
  actor: Actor,
): ForbiddenError | ConflictError | undefined {
  const id = transition.id
  if (!changeRequester || changeRequester !== actor.username) {
    return new ForbiddenError(
      `Only the requester of the change${changeRequester ? ` (${changeRequester})` : ''} withdraws its service design and transition (ISO/IEC 20000-1 5.1).`,
    )
  }
  if (transition.data.retrospective === true) {
    return new ConflictError(
      `${id} reviews an emergency change already implemented; there is nothing left to withdraw.`,
    )
  }
  if (transition.data.designAccepted === true) {
    return new ConflictError(
      `The design of ${id} was accepted at the gate; it can no longer be withdrawn (the change goes on, or the CAB rejects it).`,
    )
  }
  if (!withdrawableStatuses.includes(transition.status)) {
    return new ConflictError(
      `${id} is ${transition.status}: only a transition whose design is not yet accepted can be withdrawn (after that, the change itself goes on or is rejected by the CAB).`,
    )
  }
  return undefined
}

/**
 * 5.1: no task of a transition being withdrawn, or withdrawn, decides anything on it any more:
 * a 409 naming who withdrew it. Called under the row lock of the decision.
 */
export function refuseDecisionWhileWithdrawing(kind: string, record: CaseRecord): void {
  if (kind !== 'service-transition') return
  const { withdrawnBy, withdrawnAt, closureCode } = record.data
  // on its way, or carried out already (the procedure may have closed it before the decision)
  if (!pendingWithdrawal(record) && closureCode !== 'withdrawn') return
  throw new ConflictError(
    `${record.id} was withdrawn by ${String(withdrawnBy)} at ${String(withdrawnAt)} before this decision; it closes as withdrawn and nothing more is decided on it.`,
  )
}
