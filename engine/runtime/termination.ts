/**
 * Element termination, as Zeebe 8.8's BpmnStateTransitionBehavior and element processors run
 * it: ELEMENT_TERMINATING; the element's jobs and subscriptions canceled; its children (and a
 * called process instance) terminated; its incidents resolved; its own terminate step (a Camunda
 * user task: CANCELING, its canceling listeners, CANCELED); ELEMENT_TERMINATED.
 *
 * A step may have to wait (Zeebe's `TransitionOutcome.AWAIT`): a canceling task listener's job,
 * or a child or called instance that waits for one. The element then stays TERMINATING. When the
 * wait is over (the last canceling listener completed: Zeebe's CONTINUE_TERMINATING_ELEMENT; a
 * flow scope's last child terminated: its onChildTerminated), the termination goes on where it
 * stopped. That part is derived from the state (an element TERMINATING without children), so it
 * survives a restart. What the caller wanted to happen after the termination (an interrupting
 * boundary event's or event sub-process's activation, a scope completing after a terminate end
 * event) runs then, when the flow scope is still active, as in Zeebe's onFinalizeTermination.
 */
import type { ElementInstanceState } from '../state/state'
import { behaviorOf } from './behaviors'
import { onElementTerminating } from './compensation'
import type { Runtime } from './runtime'

/**
 * Terminates an element instance and everything below it (TERMINATING … TERMINATED). With
 * `notifyScope`, the flow scope is told afterwards (it may then complete); `then` runs once the
 * element is TERMINATED, if its flow scope is still active (at once when nothing waits).
 */
export function terminate(
  this: Runtime,
  ei: ElementInstanceState,
  notifyScope: boolean,
  then?: () => void,
): void {
  const after = afterwards(this, ei, notifyScope, then)
  if (ei.state === 'TERMINATING') {
    // Already terminating (waiting for a listener): what the caller wants runs after it.
    if (after) chain(this, ei.key, after)
    return
  }
  this.transition(ei, 'ELEMENT_TERMINATING')
  if (after) this.afterTermination.set(ei.key, after)
  this.terminatingNow.add(ei.key)
  try {
    this.cancelBound(ei)
    onElementTerminating(this, ei)
    for (const child of this.childrenOf(ei.key)) this.terminate(child, false)
    if (ei.calledPiKey !== undefined) {
      const called = this.s.elementInstances[ei.calledPiKey]
      if (called) this.terminate(called, false)
    }
  } finally {
    this.terminatingNow.delete(ei.key)
  }
  this.resolveIncidentsOf(ei.key)
  if (waitsForChildren(this, ei)) return
  continueTermination(this, ei)
}

/** Terminates each element instance; `then` runs once all of them are TERMINATED. */
export function terminateAll(
  this: Runtime,
  elements: ElementInstanceState[],
  then: () => void,
): void {
  let pending = elements.length
  if (pending === 0) {
    then()
    return
  }
  const one = () => {
    pending -= 1
    if (pending === 0) then()
  }
  for (const ei of elements) this.terminate(ei, false, one)
}

/**
 * Writes ELEMENT_TERMINATED for an element whose termination steps are done (also what the last
 * canceling listener's completion continues with), then continues what waited for it.
 */
export function finishTermination(this: Runtime, ei: ElementInstanceState): void {
  if (ei.state !== 'TERMINATING') return
  const scopeKey = ei.key === ei.piKey ? ei.parentEiKey : ei.flowScopeKey
  this.transition(ei, 'ELEMENT_TERMINATED')
  const after = this.afterTermination.get(ei.key)
  this.afterTermination.delete(ei.key)
  const scope = scopeKey !== undefined ? this.s.elementInstances[scopeKey] : undefined
  if (scope?.state === 'TERMINATING') {
    // The scope's own termination waited for this child (or called instance): go on with it
    // unless it is still terminating its other children right now.
    if (!this.terminatingNow.has(scope.key) && !waitsForChildren(this, scope)) {
      continueTermination(this, scope)
    }
    return
  }
  after?.()
}

/** The element's own terminate step (it may wait), then ELEMENT_TERMINATED. */
function continueTermination(rt: Runtime, ei: ElementInstanceState): void {
  if (behaviorOf(ei.type).terminating?.(rt, ei) === true) return
  rt.finishTermination(ei)
}

function waitsForChildren(rt: Runtime, ei: ElementInstanceState): boolean {
  if (ei.children > 0) return true
  return ei.calledPiKey !== undefined && rt.s.elementInstances[ei.calledPiKey] !== undefined
}

function afterwards(
  rt: Runtime,
  ei: ElementInstanceState,
  notifyScope: boolean,
  then: (() => void) | undefined,
): (() => void) | undefined {
  if (!notifyScope) return then
  return () => {
    const scope = rt.s.elementInstances[ei.flowScopeKey]
    if (scope) rt.childLeft(scope)
    then?.()
  }
}

function chain(rt: Runtime, key: number, next: () => void): void {
  const before = rt.afterTermination.get(key)
  rt.afterTermination.set(
    key,
    before
      ? () => {
          before()
          next()
        }
      : next,
  )
}
