/** Parallel gateways: fork along every outgoing flow; join waits for a token on each incoming. */
import type { ElementBehavior } from './behavior'

/** Parallel gateway behaviour. */
export const parallelGateway: ElementBehavior = {
  activate(rt, ei, node) {
    rt.transition(ei, 'ELEMENT_ACTIVATED')
    rt.selectFlows(ei, [...node.outgoing])
    rt.complete(ei)
  },
}
