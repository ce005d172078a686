/**
 * Embedded sub-processes (start at their none start event, complete when no child is left)
 * and event sub-processes (started by their start event's trigger inside the container).
 */
import type { ElementBehavior } from './behavior'
import { openEventSubProcessSubscriptions, startContainer } from './process'

/** Embedded sub-process behaviour. */
export const subProcess: ElementBehavior = {
  activate(rt, ei, node) {
    if (!openEventSubProcessSubscriptions(rt, ei, node)) return
    if (!rt.activated(ei, node)) return
    startContainer(rt, ei, node)
  },
}

/** Event sub-process behaviour. */
export const eventSubProcess: ElementBehavior = {
  activate(rt, ei, node) {
    if (!openEventSubProcessSubscriptions(rt, ei, node)) return
    rt.transition(ei, 'ELEMENT_ACTIVATED')
    startContainer(rt, ei, node)
  },
}
