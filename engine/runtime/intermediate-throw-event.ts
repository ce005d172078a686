/**
 * Intermediate throw events: none (pass through), signal (broadcast), message (a job),
 * escalation (to the nearest catching boundary or event sub-process; then continues unless
 * that interrupted it), link (continues at the catch link event of the same name).
 */
import { evaluateTyped } from '../feel/feel'
import type { ElementInstanceState } from '../state/state'
import type { ElementBehavior } from './behavior'
import { IncidentErrorType, type Runtime } from './runtime'
import { serviceTask } from './service-task'
import { throwCompensation } from './compensation'

/** Intermediate throw event behaviour. */
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
    if (event?.kind === 'escalation') {
      throwEscalation(rt, ei, event.escalationCode)
      return
    }
    if (event?.kind === 'compensation') {
      throwCompensation(rt, ei, node)
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

/**
 * Shared by escalation throw and end events: ACTIVATED, the escalation goes to its catch event
 * (if any), and the throwing event completes unless an interrupting catch terminated it.
 */
export function throwEscalation(rt: Runtime, ei: ElementInstanceState, code: string | null): void {
  const evaluated = evaluateTyped(code ?? '', rt.visibleVariables(ei.key), 'STRING')
  if (!evaluated.ok) {
    rt.raiseIncident(ei, IncidentErrorType.ExtractValueError, evaluated.message)
    return
  }
  rt.transition(ei, 'ELEMENT_ACTIVATED')
  rt.throwEscalation(ei, String(evaluated.value))
  const still = rt.instance(ei.key)
  if (still && still.state === 'ACTIVATED') rt.complete(still)
}
