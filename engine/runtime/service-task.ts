/**
 * Job-worker elements: service, send and business-rule tasks, script tasks without
 * `zeebe:script`, and message throw/end events. The job type and retries are evaluated on
 * activation; the element waits for the job to complete.
 */
import type { ElementBehavior } from './behavior'

/** Job-worker element behaviour. */
export const serviceTask: ElementBehavior = {
  activate(rt, ei, node) {
    const prepared = rt.prepareJob(ei, node)
    if (!prepared) return
    if (!rt.activated(ei, node)) return
    rt.createJob(ei, node, prepared)
  },
}
