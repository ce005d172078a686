/**
 * Event definitions of BPMN events and receive tasks (timer, message, error, signal, terminate,
 * escalation, link, compensation), with Zeebe's deployment validation messages.
 */
import { isExpression } from '../feel/feel'
import { BpmnElementType, type EventDefinition } from './model'
import { compensationEventDefinition } from './compensation'
import { child, extension, nodes, str, type Node } from './moddle'
import { parseTimerText } from './timer'

/** The event definition of an event element or receive task (Zeebe's validation messages). */
export function eventDefinitionOf(
  el: Node,
  type: BpmnElementType,
  id: string,
  fail: (id: string, message: string) => void,
  checkExpr: (id: string, text: string | undefined) => void,
  checkNonStatic: (id: string, text: string | undefined) => void,
): EventDefinition | undefined {
  const isEvent =
    type === BpmnElementType.StartEvent ||
    type === BpmnElementType.EndEvent ||
    type === BpmnElementType.IntermediateCatchEvent ||
    type === BpmnElementType.IntermediateThrowEvent ||
    type === BpmnElementType.BoundaryEvent ||
    type === BpmnElementType.ReceiveTask
  if (!isEvent) return undefined
  if (type === BpmnElementType.ReceiveTask) {
    return messageDefinition(child(el, 'messageRef'), type, id, fail, checkExpr, checkNonStatic)
  }
  const defs = nodes(el, 'eventDefinitions')
  if (defs.length === 0) {
    if (type === BpmnElementType.IntermediateCatchEvent)
      fail(id, 'Must have exactly one event definition')
    return type === BpmnElementType.BoundaryEvent ? undefined : { kind: 'none' }
  }
  if (defs.length > 1) fail(id, 'Must have exactly one event definition')
  const def = defs[0]!
  switch (def.$type) {
    case 'bpmn:TimerEventDefinition': {
      const pick = (['timeDuration', 'timeDate', 'timeCycle'] as const).find((k) => child(def, k))
      if (!pick) {
        fail(id, 'Must have either one time duration, time date or time cycle')
        return { kind: 'timer', timer: { kind: 'duration', expression: 'PT0S' } }
      }
      const expression = (str(child(def, pick), 'body') ?? '').trim()
      const kind = pick === 'timeDuration' ? 'duration' : pick === 'timeDate' ? 'date' : 'cycle'
      if (isExpression(expression)) checkExpr(id, expression)
      else {
        const err = parseTimerText(kind, expression, 0)
        if (typeof err === 'string') fail(id, err)
      }
      return { kind: 'timer', timer: { kind, expression } }
    }
    case 'bpmn:MessageEventDefinition':
      return messageDefinition(child(def, 'messageRef'), type, id, fail, checkExpr, checkNonStatic)
    case 'bpmn:ErrorEventDefinition': {
      const errorRef = child(def, 'errorRef')
      const code = str(errorRef, 'errorCode')
      if (type === BpmnElementType.EndEvent && !code) {
        fail(id, "Must reference an error with a non-empty 'errorCode'")
      }
      checkExpr(id, code)
      return { kind: 'error', errorCode: code ?? null }
    }
    case 'bpmn:SignalEventDefinition': {
      const name = str(child(def, 'signalRef'), 'name')
      if (!name) fail(id, 'Must reference a signal with a non-empty name')
      checkExpr(id, name)
      return { kind: 'signal', signalName: name ?? '' }
    }
    case 'bpmn:TerminateEventDefinition':
      return { kind: 'terminate' }
    case 'bpmn:EscalationEventDefinition': {
      const code = str(child(def, 'escalationRef'), 'escalationCode')
      const isThrow =
        type === BpmnElementType.EndEvent || type === BpmnElementType.IntermediateThrowEvent
      if (isThrow && !code)
        fail(id, "Must reference an escalation with a non-empty 'escalationCode'")
      checkExpr(id, code)
      return { kind: 'escalation', escalationCode: code ?? null }
    }
    case 'bpmn:LinkEventDefinition':
      return { kind: 'link', linkName: str(def, 'name') ?? '' }
    case 'bpmn:CompensateEventDefinition':
      return compensationEventDefinition(def, type, id, fail)
    default:
      fail(id, `Event definition of type '${def.$type.replace('bpmn:', '')}' is not supported`)
      return { kind: 'none' }
  }
}

function messageDefinition(
  message: Node | undefined,
  type: BpmnElementType,
  id: string,
  fail: (id: string, message: string) => void,
  checkExpr: (id: string, text: string | undefined) => void,
  checkNonStatic: (id: string, text: string | undefined) => void,
): EventDefinition {
  const name = str(message, 'name') ?? ''
  const isThrow =
    type === BpmnElementType.IntermediateThrowEvent || type === BpmnElementType.EndEvent
  // Zeebe's MessageEventDefinitionValidator skips throw events: a message throw or end event
  // is a job (its zeebe:taskDefinition is checked elsewhere) and needs no message reference.
  if (!isThrow && (!message || !name.trim())) {
    fail(id, 'Must reference a message with a non-empty name')
  }
  const subscription = message ? extension(message, 'zeebe:Subscription') : undefined
  const correlationKey = str(subscription, 'correlationKey') ?? ''
  if (type !== BpmnElementType.StartEvent && !isThrow && !correlationKey.trim()) {
    fail(id, "Must have a 'zeebe:subscription' with a non-empty 'correlationKey'")
  }
  checkExpr(id, name)
  checkExpr(id, correlationKey)
  checkNonStatic(id, correlationKey)
  return { kind: 'message', messageName: name, correlationKey }
}
