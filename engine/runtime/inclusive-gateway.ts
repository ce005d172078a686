/**
 * Inclusive gateways: fork along every flow whose condition is true (else the default flow,
 * else an incident); join once no active path in the scope can still reach the gateway.
 */
import { evaluateCondition } from '../feel/feel'
import { flowOf } from '../model/model'
import type { ElementBehavior } from './behavior'
import { IncidentErrorType } from './runtime'

/** Inclusive gateway behaviour. */
export const inclusiveGateway: ElementBehavior = {
  activate(rt, ei, node) {
    const model = rt.models(ei.defKey)
    const selected: string[] = []
    const vars = rt.visibleVariables(ei.key)
    for (const id of node.outgoing) {
      if (id === node.defaultFlow) continue
      const condition = flowOf(model, id).condition
      if (!condition) {
        selected.push(id)
        continue
      }
      const r = evaluateCondition(condition, vars, rt.clock.now())
      if (!r.ok) {
        rt.raiseIncident(ei, IncidentErrorType.ExtractValueError, r.message)
        return
      }
      if (r.value === true) selected.push(id)
    }
    if (selected.length === 0 && node.defaultFlow) selected.push(node.defaultFlow)
    if (selected.length === 0 && node.outgoing.length > 0) {
      rt.raiseIncident(
        ei,
        IncidentErrorType.ConditionError,
        'Expected at least one condition to evaluate to true, or to have a default flow',
      )
      return
    }
    rt.transition(ei, 'ELEMENT_ACTIVATED')
    rt.selectFlows(ei, selected)
    rt.complete(ei)
  },
}
