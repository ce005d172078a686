/**
 * Business rule tasks: with `zeebe:calledDecision` the decision is evaluated on activation
 * (after input mappings) and the element completes at once, its result in `resultVariable`; with
 * `zeebe:taskDefinition` it is a job-worker task (service-task.ts). As in Zeebe's
 * BusinessRuleTaskProcessor, the result is set when the element completes: local to the element
 * when it has output mappings (which then run), else propagated. A failed lookup or evaluation
 * leaves the element ACTIVATING with an incident; resolving it evaluates again.
 */
import { evaluateCalledDecision } from '../dmn/behavior'
import type { ElementInstanceState } from '../state/state'
import type { ElementBehavior } from './behavior'
import { serviceTask } from './service-task'

/** Results between activation and completion (both run in the same command). */
const results = new WeakMap<ElementInstanceState, unknown>()

/** Business rule task behaviour. */
export const businessRuleTask: ElementBehavior = {
  activate(rt, ei, node, trigger) {
    const called = node.calledDecision
    if (!called) {
      serviceTask.activate(rt, ei, node, trigger)
      return
    }
    const evaluated = evaluateCalledDecision(rt, ei, called)
    if (!evaluated) return
    if (!rt.activated(ei, node)) return
    results.set(ei, evaluated.output)
    rt.complete(ei)
  },
  completing(rt, ei, node) {
    const called = node.calledDecision
    if (called && results.has(ei)) {
      const output = results.get(ei)
      results.delete(ei)
      rt.applyResultVariables(ei, node, { [called.resultVariable]: output })
    }
    return true
  },
}
