/**
 * Intermediate catch events (timer, message, signal): open the subscription on activation and
 * complete when it fires. After an event-based gateway the event arrives already triggered.
 */
import type { ElementBehavior } from './behavior'

/** Intermediate catch event behaviour. */
export const intermediateCatchEvent: ElementBehavior = {
  activate(rt, ei, node, trigger) {
    if (trigger || node.event?.kind === 'link') {
      rt.transition(ei, 'ELEMENT_ACTIVATED')
      if (trigger) rt.applyResultVariables(ei, node, trigger.variables)
      rt.complete(ei)
      return
    }
    if (!rt.openEventSubscription(ei, node)) return
    rt.transition(ei, 'ELEMENT_ACTIVATED')
  },
}
