/** Intermediate throw events: none (pass through), signal (broadcast), message (a job). */
import { evaluateTyped } from '../feel/feel'
import type { ElementBehavior } from './behavior'
import { IncidentErrorType } from './runtime'
import { serviceTask } from './service-task'

export const intermediateThrowEvent: ElementBehavior = {
  activate(rt, ei, node, trigger) {
    const event = node.event
    if (event?.kind === 'message' && node.job) {
      serviceTask.activate(rt, ei, node, trigger)
      return
    }
    if (event?.kind === 'signal') {
      const name = evaluateTyped(event.signalName, rt.visibleVariables(ei.key), 'STRING')
      if (!name.ok) {
        rt.raiseIncident(ei, IncidentErrorType.ExtractValueError, name.message)
        return
      }
      rt.transition(ei, 'ELEMENT_ACTIVATED')
      rt.broadcastSignal(String(name.value), {}, String(rt.definition(ei.defKey).tenantId))
      rt.complete(ei)
      return
    }
    rt.transition(ei, 'ELEMENT_ACTIVATED')
    rt.complete(ei)
  },
}
