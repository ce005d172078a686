/** Manual tasks and undefined tasks (`bpmn:task`): pass through, as Zeebe does. */
import type { ElementBehavior } from './behavior'

/** Manual task (and `bpmn:task`) behaviour. */
export const manualTask: ElementBehavior = {
  activate(rt, ei, node) {
    if (!rt.activated(ei, node)) return
    rt.complete(ei)
  },
}
