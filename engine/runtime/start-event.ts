/** Start events: none, or triggered by a message, timer, signal or error (variables applied). */
import type { ElementBehavior } from './behavior'

/** Start event behaviour. */
export const startEvent: ElementBehavior = {
  activate(rt, ei, node, trigger) {
    rt.transition(ei, 'ELEMENT_ACTIVATED')
    if (trigger) rt.applyResultVariables(ei, node, trigger.variables)
    rt.complete(ei)
  },
}
