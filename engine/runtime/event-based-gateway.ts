/**
 * Event-based gateways: subscribe to every event after the gateway; the first that fires
 * completes the gateway and continues on its flow (the others are closed).
 */
import { flowOf } from '../model/model'
import type { ElementBehavior } from './behavior'

/** Event-based gateway behaviour. */
export const eventBasedGateway: ElementBehavior = {
  activate(rt, ei, node) {
    const model = rt.models(ei.defKey)
    for (const id of node.outgoing) {
      const target = model.elements.get(flowOf(model, id).target)
      if (target && !rt.openEventSubscription(ei, target)) return
    }
    rt.transition(ei, 'ELEMENT_ACTIVATED')
  },
}
