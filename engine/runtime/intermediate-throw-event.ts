/**
 * Intermediate throw events: none and escalation (pass through), signal (broadcast), message (a
 * job), link (continues at the catch link event of the same name in the same scope).
 */
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
    if (event?.kind === 'link') {
      const model = rt.models(ei.defKey)
      const target = [...model.elements.values()].find(
        (n) =>
          n.type === 'INTERMEDIATE_CATCH_EVENT' &&
          n.scopeId === node.scopeId &&
          n.event?.kind === 'link' &&
          n.event.linkName === event.linkName,
      )
      const scope = rt.instance(ei.flowScopeKey)
      rt.transition(ei, 'ELEMENT_ACTIVATED')
      if (target && scope) rt.activate(target, scope)
      rt.complete(ei)
      return
    }
    rt.transition(ei, 'ELEMENT_ACTIVATED')
    rt.complete(ei)
  },
}
