/** Boundary events: activated by their trigger (the host was terminated first if interrupting). */
import type { ElementBehavior } from './behavior'

/** Boundary event behaviour. */
export const boundaryEvent: ElementBehavior = {
  activate(rt, ei, node, trigger) {
    rt.transition(ei, 'ELEMENT_ACTIVATED')
    if (trigger) rt.applyResultVariables(ei, node, trigger.variables)
    rt.complete(ei)
  },
}
