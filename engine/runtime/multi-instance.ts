/**
 * Multi-instance bodies (parallel and sequential): one inner instance per item of
 * `inputCollection` (with `inputElement` and `loopCounter` as its locals), `outputElement`
 * collected into `outputCollection` (a local variable of the body), the completion condition
 * checked after each inner instance with Zeebe's `numberOfInstances`,
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
    return true
  },
  childLeft(rt, body, node) {
    const mi = node.multiInstance
    if (!mi || body.state !== 'ACTIVATED') return
    let total = body.loopCounter ?? 0
    if (mi.sequential) {
      const items = rt.multiInstanceItems(body, node)
      if (!items) return
      total = items.length
    }
    if (mi.completionCondition) {
      const context = {
        ...rt.visibleVariables(body.key),
        numberOfInstances: total,
        numberOfActiveInstances: body.children,
        numberOfCompletedInstances: body.miCompleted ?? 0,
        numberOfTerminatedInstances: body.miTerminated ?? 0,
      }
      const r = evaluateCondition(mi.completionCondition, context, rt.clock.now())
      if (!r.ok) {
        rt.raiseIncident(body, IncidentErrorType.ExtractValueError, r.message)
        return
      }
      if (r.value === true) {
        for (const child of rt.childrenOf(body.key)) rt.terminate(child, false)
        rt.complete(body)
        return
      }
    }
    if (mi.sequential && (body.loopCounter ?? 0) < total) {
      rt.activate(node, body, undefined, true)
      return
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
