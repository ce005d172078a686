/**
 * Multi-instance bodies (parallel and sequential), as Zeebe's MultiInstanceBodyProcessor runs
 * them. The body (MULTI_INSTANCE_BODY, the activity's element id) activates, creates one inner
 * instance per item of `inputCollection` (all at once, or one after the other), each with
 * `inputElement` and `loopCounter` as its locals, collects each `outputElement` into
 * `outputCollection` (a local of the body), and completes when no inner instance is left, or
 * when the completion condition holds; then the activity's outgoing flows are taken like any
 * other element's. The completion condition is evaluated while an inner instance completes, in
 * its scope, with Zeebe's `numberOfInstances` (inner instances created so far),
 * `numberOfActiveInstances`, `numberOfCompletedInstances` and `numberOfTerminatedInstances`.
 */
import { evaluateCondition, evaluateExpression } from '../feel/feel'
import type { ElementBehavior } from './behavior'
import { IncidentErrorType } from './runtime'

/** Multi-instance body behaviour. */
export const multiInstanceBody: ElementBehavior = {
  activate(rt, body, node) {
    const mi = node.multiInstance
    if (!mi) return
    const items = rt.multiInstanceItems(body, node)
    if (!items) return
    if (!rt.activated(body, node)) return
    if (mi.outputCollection) {
      rt.setVariable(
        body.key,
        mi.outputCollection,
        items.map(() => null),
      )
    }
    if (items.length === 0) {
      rt.complete(body)
      return
    }
    const count = mi.sequential ? 1 : items.length
    for (let i = 0; i < count; i++) rt.activate(node, body, undefined, true)
  },
  childCompleting(rt, body, child, node) {
    const mi = node.multiInstance
    if (!mi) return true
    if (mi.outputCollection) {
      let value: unknown = null
      if (mi.outputElement) {
        const r = evaluateExpression(
          mi.outputElement,
          rt.visibleVariables(child.key),
          rt.clock.now(),
        )
        if (!r.ok) {
          rt.raiseIncident(child, IncidentErrorType.ExtractValueError, r.message)
          return false
        }
        value = r.value
      }
      const current = rt.s.variables[body.key]?.[mi.outputCollection]?.value
      const list = Array.isArray(current) ? [...(current as unknown[])] : []
      list[(child.loopCounter ?? 1) - 1] = value
      rt.setVariable(body.key, mi.outputCollection, list)
    }
    if (mi.completionCondition) {
      // Zeebe evaluates it before the inner instance is counted as completed, so the counts are
      // those after this completion.
      const context = {
        ...rt.visibleVariables(child.key),
        numberOfInstances: body.miActivated ?? 0,
        numberOfActiveInstances: body.children - 1,
        numberOfCompletedInstances: (body.miCompleted ?? 0) + 1,
        numberOfTerminatedInstances: body.miTerminated ?? 0,
      }
      const r = evaluateCondition(mi.completionCondition, context, rt.clock.now())
      if (!r.ok) {
        rt.raiseIncident(child, IncidentErrorType.ExtractValueError, r.message)
        return false
      }
      if (r.value === true) rt.completionConditionMet.add(body.key)
      else rt.completionConditionMet.delete(body.key)
    }
    return true
  },
  childLeft(rt, body, node) {
    const mi = node.multiInstance
    if (!mi || body.state !== 'ACTIVATED') return
    if (rt.completionConditionMet.delete(body.key)) {
      rt.terminateAll(rt.childrenOf(body.key), () => rt.complete(body))
      return
    }
    if (mi.sequential) {
      const items = rt.multiInstanceItems(body, node)
      if (!items) return
      if ((body.miActivated ?? 0) < items.length) {
        rt.activate(node, body, undefined, true)
        return
      }
    }
    if (body.children === 0) rt.complete(body)
  },
  completing(rt, body, node) {
    const oc = node.multiInstance?.outputCollection
    if (oc) {
      const value = rt.s.variables[body.key]?.[oc]?.value ?? []
      rt.mergeDocument(body.flowScopeKey, { [oc]: value })
    }
    return true
  },
}
