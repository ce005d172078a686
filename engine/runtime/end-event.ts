/**
 * End events: none; error (throws the error to the nearest catching boundary or event
 * sub-process, else an UNHANDLED_ERROR_EVENT incident); terminate (ends the flow scope);
 * signal (broadcast); escalation (to its catch event, if any); message (a job, like a send
 * task).
 */
import { evaluateTyped } from '../feel/feel'
import type { ElementBehavior } from './behavior'
import { IncidentErrorType } from './runtime'
import { throwEscalation } from './intermediate-throw-event'
import { serviceTask } from './service-task'
import { throwCompensation } from './compensation'

/** End event behaviour. */
export const endEvent: ElementBehavior = {
  activate(rt, ei, node, trigger) {
    const event = node.event
    if (event?.kind === 'message' && node.job) {
      serviceTask.activate(rt, ei, node, trigger)
      return
    }
    if (event?.kind === 'error') {
      const code = evaluateTyped(event.errorCode ?? '', rt.visibleVariables(ei.key), 'STRING')
      if (!code.ok) {
        rt.raiseIncident(ei, IncidentErrorType.ExtractValueError, code.message)
        return
      }
      const activated = () => rt.transition(ei, 'ELEMENT_ACTIVATED')
      if (!rt.throwError(ei, String(code.value), {}, activated)) {
        rt.raiseIncident(
          ei,
          IncidentErrorType.UnhandledErrorEvent,
          `Expected to throw an error event with the code '${String(code.value)}', but it was not caught. No error events are available in the scope.`,
        )
      }
      return
    }
    if (event?.kind === 'escalation') {
      throwEscalation(rt, ei, event.escalationCode)
      return
    }
    if (event?.kind === 'compensation') {
      throwCompensation(rt, ei, node)
      return
    }
    if (event?.kind === 'signal') {
      const name = evaluateTyped(event.signalName, rt.visibleVariables(ei.key), 'STRING')
      if (!name.ok) {
        rt.raiseIncident(ei, IncidentErrorType.ExtractValueError, name.message)
        return
      }
      rt.transition(ei, 'ELEMENT_ACTIVATED')
      rt.broadcastSignal(String(name.value), {}, rt.definition(ei.defKey).tenantId)
      rt.complete(ei)
      return
    }
    rt.transition(ei, 'ELEMENT_ACTIVATED')
    rt.complete(ei)
  },
  completed(rt, ei, node) {
    const scope = rt.instance(ei.flowScopeKey)
    if (!scope) return
    if (node.event?.kind === 'terminate') {
      rt.terminateAll(rt.childrenOf(scope.key), () => rt.childLeft(scope))
      return
    }
    rt.childLeft(scope)
  },
}
