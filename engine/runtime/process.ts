/**
 * Process instances: activate, open event sub-process start subscriptions, start at the none
 * start event (or the triggered start event, or start instructions); complete when no child is
 * left. A called instance hands its variables back to the call activity on completion.
 */
import { elementOf, type FlowNode } from '../model/model'
import type { ElementInstanceState } from '../state/state'
import type { ElementBehavior } from './behavior'
import type { Runtime } from './runtime'

/** Opens the start subscriptions (timer, message, signal) of a container's event sub-processes. */
export function openEventSubProcessSubscriptions(
  rt: Runtime,
  ei: ElementInstanceState,
  node: FlowNode,
): boolean {
  const model = rt.models(ei.defKey)
  for (const espId of node.eventSubProcessIds) {
    const esp = elementOf(model, espId)
    const start = esp.startEventIds[0] ? model.elements.get(esp.startEventIds[0]) : undefined
    const kind = start?.event?.kind
    if (start && (kind === 'timer' || kind === 'message' || kind === 'signal')) {
      if (!rt.openEventSubscription(ei, start)) return false
    }
  }
  return true
}

/** Activates the start of a container: instructions, a triggered start event or the none start. */
export function startContainer(rt: Runtime, ei: ElementInstanceState, node: FlowNode): void {
  const model = rt.models(ei.defKey)
  const pending = rt.takePendingStart(ei.key)
  if (pending?.elementIds && pending.elementIds.length > 0) {
    for (const id of pending.elementIds) rt.activate(elementOf(model, id), ei)
    return
  }
  if (pending?.startId) {
    rt.activate(elementOf(model, pending.startId), ei, pending.trigger)
    return
  }
  const startId = node.noneStartEventId
  if (startId) rt.activate(elementOf(model, startId), ei)
  else rt.childLeft(ei)
}

/** Process (root instance) behaviour. */
export const processBehavior: ElementBehavior = {
  activate(rt, ei, node) {
    if (!openEventSubProcessSubscriptions(rt, ei, node)) return
    rt.transition(ei, 'ELEMENT_ACTIVATED')
    startContainer(rt, ei, node)
  },
  completing(rt, ei) {
    if (ei.parentEiKey !== undefined || rt.resultWanted.has(ei.key)) {
      rt.stash.set(ei.key, rt.visibleVariables(ei.key))
    }
    return true
  },
  completed(rt, ei) {
    if (ei.parentEiKey === undefined) return
    const vars = rt.stash.get(ei.key) ?? {}
    rt.stash.delete(ei.key)
    const caller = rt.instance(ei.parentEiKey)
    if (!caller || caller.state !== 'ACTIVATED') return
    const node = rt.nodeOf(caller)
    if (node.outputs.length > 0) rt.setLocalVariables(caller.key, vars)
    else if (node.calledElement?.propagateAllChildVariables !== false)
      rt.mergeDocument(caller.key, vars)
    rt.complete(caller)
  },
}
