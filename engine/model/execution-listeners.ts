/**
 * `zeebe:executionListeners` of an element or a process, validated as Zeebe's validators do
 * (ExecutionListenersValidator, StartEventValidator, BoundaryEventValidator, GatewayValidator,
 * EndEventValidator): unique eventType + type pairs, a non-empty type, retries a number or an
 * expression, no `start` listeners on start and boundary events, no `end` listeners on gateways
 * and error end events.
 */
import { BpmnElementType, type EventDefinition, type ExecutionListenerDefinition } from './model'
import { isNode, str as attr } from './moddle'

/** A moddle element (`zeebe:ExecutionListeners`), read through guards. */

const GATEWAYS: ReadonlySet<string> = new Set([
  BpmnElementType.ExclusiveGateway,
  BpmnElementType.InclusiveGateway,
  BpmnElementType.ParallelGateway,
  BpmnElementType.EventBasedGateway,
])

/**
 * The listeners of `container` (the element's `zeebe:ExecutionListeners`, if any); each problem
 * goes to `fail`, each expression to `checkExpr` (FEEL syntax).
 */
export function parseExecutionListeners(
  container: unknown,
  type: BpmnElementType,
  event: EventDefinition | undefined,
  fail: (message: string) => void,
  checkExpr: (text: string) => void,
): ExecutionListenerDefinition[] | undefined {
  if (!isNode(container)) return undefined
  const raw = Array.isArray(container.listeners) ? container.listeners.filter(isNode) : []
  if (raw.length === 0) return undefined
  const listeners: ExecutionListenerDefinition[] = []
  for (const l of raw) {
    const eventType = attr(l, 'eventType') ?? 'start'
    if (eventType !== 'start' && eventType !== 'end') {
      fail(`Attribute 'eventType' must be one of: start, end, but was '${eventType}'`)
      continue
    }
    const jobType = attr(l, 'type') ?? ''
    if (!jobType.trim()) fail("Attribute 'type' must be present and not empty")
    const retries = attr(l, 'retries') ?? '3'
    if (!retries.trim().startsWith('=') && !/^\d+$/.test(retries.trim())) {
      fail(`Attribute 'retries' must be a number or an expression, but was '${retries}'`)
    }
    checkExpr(jobType)
    checkExpr(retries)
    listeners.push({ eventType, type: jobType, retries })
  }
  const groups = new Map<string, number>()
  for (const l of listeners) {
    const key = `${l.eventType}|${l.type}`
    groups.set(key, (groups.get(key) ?? 0) + 1)
  }
  for (const [key, count] of groups) {
    if (count < 2) continue
    const [eventType, jobType] = key.split('|')
    fail(
      `Found '${count}' duplicates based on eventType[${eventType}] and type[${jobType}], these combinations should be unique.`,
    )
  }
  const has = (t: 'start' | 'end') => listeners.some((l) => l.eventType === t)
  if (type === BpmnElementType.StartEvent && has('start')) {
    fail("Execution listeners of type 'start' are not supported by start events")
  }
  if (type === BpmnElementType.BoundaryEvent && has('start')) {
    fail("Execution listeners of type 'start' are not supported by boundary events")
  }
  if (GATEWAYS.has(type) && has('end')) {
    fail("Execution listeners of type 'end' are not supported by gateway element")
  }
  if (type === BpmnElementType.EndEvent && event?.kind === 'error' && has('end')) {
    fail("Execution listeners of type 'end' are not supported by [error] end events")
  }
  return listeners
}
