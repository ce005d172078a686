/** Receive tasks: wait for a correlated message (subscription opened on activation). */
import type { ElementBehavior } from './behavior'

/** Receive task behaviour. */
export const receiveTask: ElementBehavior = {
  activate(rt, ei, node, trigger) {
    if (trigger) {
      rt.transition(ei, 'ELEMENT_ACTIVATED')
      rt.applyResultVariables(ei, node, trigger.variables)
      rt.complete(ei)
      return
    }
    if (!rt.openEventSubscription(ei, node)) return
    rt.activated(ei, node)
  },
}
