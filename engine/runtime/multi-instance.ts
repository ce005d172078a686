/**
 * Multi-instance bodies (parallel and sequential): one inner instance per item of
 * `inputCollection` (with `inputElement` and `loopCounter` as its locals), `outputElement`
 * collected into `outputCollection`, the completion condition checked after each inner
 * instance. The body holds Zeebe's `numberOf…Instances` variables.
 */
import { evaluateCondition, evaluateExpression } from '../feel/feel'
import type { ElementBehavior } from './behavior'
import { IncidentErrorType } from './runtime'

export const multiInstanceBody: ElementBehavior = {
  activate(rt, body, node) {
    const mi = node.multiInstance
    if (!mi) return
    const items = rt.multiInstanceItems(body, node)
    if (!items) return
    if (!rt.activated(body, node)) return
    if (mi.outputCollection)
      rt.setVariable(
        body.key,
        mi.outputCollection,
        items.map(() => null),
      )
    rt.setVariable(body.key, 'numberOfInstances', items.length)
    rt.setVariable(body.key, 'numberOfCompletedInstances', 0)
    rt.setVariable(body.key, 'numberOfTerminatedInstances', 0)
    if (items.length === 0) {
      rt.complete(body)
      return
    }
    const count = mi.sequential ? 1 : items.length
    for (let i = 0; i < count; i++) rt.activate(node, body, undefined, true)
    rt.setVariable(body.key, 'numberOfActiveInstances', count)
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
    const done = Number(rt.s.variables[body.key]?.numberOfCompletedInstances?.value ?? 0)
    rt.setVariable(body.key, 'numberOfCompletedInstances', done + 1)
    return true
  },
  childLeft(rt, body, node) {
    const mi = node.multiInstance
    if (!mi || body.state !== 'ACTIVATED') return
    rt.setVariable(body.key, 'numberOfActiveInstances', body.children)
    if (mi.completionCondition) {
      const r = evaluateCondition(mi.completionCondition, rt.visibleVariables(body.key))
      if (!r.ok) {
        rt.raiseIncident(body, IncidentErrorType.ExtractValueError, r.message)
        return
      }
      if (r.value === true) {
        const remaining = rt.childrenOf(body.key)
        for (const child of remaining) rt.terminate(child, false)
        if (remaining.length > 0) {
          const terminated = Number(
            rt.s.variables[body.key]?.numberOfTerminatedInstances?.value ?? 0,
          )
          rt.setVariable(body.key, 'numberOfTerminatedInstances', terminated + remaining.length)
        }
        rt.complete(body)
        return
      }
    }
    const total = Number(rt.s.variables[body.key]?.numberOfInstances?.value ?? 0)
    if (mi.sequential && (body.loopCounter ?? 0) < total) {
      rt.activate(node, body, undefined, true)
      rt.setVariable(body.key, 'numberOfActiveInstances', 1)
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
