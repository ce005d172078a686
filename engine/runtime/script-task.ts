/** Script tasks: a `zeebe:script` FEEL expression into `resultVariable`, else a job. */
import { evaluateExpression } from '../feel/feel'
import type { ElementBehavior } from './behavior'
import { IncidentErrorType } from './runtime'
import { serviceTask } from './service-task'

/** Script task behaviour. */
export const scriptTask: ElementBehavior = {
  activate(rt, ei, node, trigger) {
    if (!node.script) {
      serviceTask.activate(rt, ei, node, trigger)
      return
    }
    const r = evaluateExpression(
      node.script.expression,
      rt.visibleVariables(ei.key),
      rt.clock.now(),
    )
    if (!r.ok) {
      rt.raiseIncident(ei, IncidentErrorType.ExtractValueError, r.message)
      return
    }
    if (!rt.activated(ei, node)) return
    if (node.script.resultVariable) {
      rt.applyResultVariables(ei, node, { [node.script.resultVariable]: r.value })
    }
    rt.complete(ei)
  },
}
