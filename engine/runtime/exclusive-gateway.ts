/**
 * Exclusive gateways: the first outgoing flow whose condition is true, else the default flow,
 * else an incident (CONDITION_ERROR), exactly like Zeebe. A condition that fails or is not a
 * boolean is an EXTRACT_VALUE_ERROR incident, as in Zeebe.
 */
import { evaluateCondition } from '../feel/feel'
import { flowOf } from '../model/model'
import type { ElementBehavior } from './behavior'
import { IncidentErrorType } from './runtime'

/** Exclusive gateway behaviour. */
export const exclusiveGateway: ElementBehavior = {
  activate(rt, ei, node) {
    const model = rt.models(ei.defKey)
    let selected: string | undefined
    if (node.outgoing.length === 1 && !flowOf(model, node.outgoing[0]!).condition) {
      selected = node.outgoing[0]
    } else if (node.outgoing.length > 0) {
      const vars = rt.visibleVariables(ei.key)
      for (const id of node.outgoing) {
        if (id === node.defaultFlow) continue
        const condition = flowOf(model, id).condition
        if (!condition) continue
        const r = evaluateCondition(condition, vars, rt.clock.now())
        if (!r.ok) {
          rt.raiseIncident(ei, IncidentErrorType.ExtractValueError, r.message)
          return
        }
        if (r.value === true) {
          selected = id
          break
        }
      }
      selected ??= node.defaultFlow
      if (!selected) {
        rt.raiseIncident(
          ei,
          IncidentErrorType.ConditionError,
          'Expected at least one condition to evaluate to true, or to have a default flow',
        )
        return
      }
    }
    rt.transition(ei, 'ELEMENT_ACTIVATED')
    rt.selectFlows(ei, selected ? [selected] : [])
    rt.complete(ei)
  },
}
