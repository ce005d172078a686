/**
 * The element tree path Zeebe 8.8 puts on PROCESS_INSTANCE and INCIDENT records
 * (ElementTreePathBuilder): for the element instance and each process instance that called its
 * process, up to the root, `elementInstancePath` lists the element instance keys from that
 * process instance down to the element (or to the call activity), `processDefinitionPath` the
 * process definition keys, and `callingElementPath` each call activity's index among the call
 * activity ids of its process, sorted (Zeebe's lexicographic index); root first.
 */
import { BpmnElementType, type ProcessModel } from '../model/model'
import type { EngineStateData } from '../state/state'

export interface ElementTreePath {
  elementInstancePath: number[][]
  processDefinitionPath: number[]
  callingElementPath: number[]
}

/** Where an element instance sits (it need not be in the state yet: ELEMENT_ACTIVATING). */
export interface TreePosition {
  key: number
  flowScopeKey: number
  defKey: number
  /** For a process instance: the call activity instance that called it. */
  callerKey?: number
}

const sortedCallActivities = new WeakMap<ProcessModel, string[]>()

function callActivityIndex(model: ProcessModel, elementId: string): number {
  let ids = sortedCallActivities.get(model)
  if (!ids) {
    ids = [...model.elements.values()]
      .filter((n) => n.type === BpmnElementType.CallActivity)
      .map((n) => n.id)
      .sort()
    sortedCallActivities.set(model, ids)
  }
  return ids.indexOf(elementId)
}

export function elementTreePath(
  s: EngineStateData,
  models: (defKey: number) => ProcessModel,
  start: TreePosition,
): ElementTreePath {
  const path: ElementTreePath = {
    elementInstancePath: [],
    processDefinitionPath: [],
    callingElementPath: [],
  }
  let cur: TreePosition | undefined = start
  while (cur) {
    const keys = [cur.key]
    let top: TreePosition = cur
    let scopeKey = cur.flowScopeKey
    while (scopeKey > 0) {
      const ei = s.elementInstances[scopeKey]
      if (!ei) break
      keys.unshift(ei.key)
      top = {
        key: ei.key,
        flowScopeKey: ei.flowScopeKey,
        defKey: ei.defKey,
        callerKey: ei.parentEiKey,
      }
      if (ei.key === ei.piKey) break
      scopeKey = ei.flowScopeKey
    }
    path.elementInstancePath.unshift(keys)
    path.processDefinitionPath.unshift(top.defKey)
    const caller = top.callerKey !== undefined ? s.elementInstances[top.callerKey] : undefined
    if (!caller) break
    path.callingElementPath.unshift(callActivityIndex(models(caller.defKey), caller.elementId))
    cur = { key: caller.key, flowScopeKey: caller.flowScopeKey, defKey: caller.defKey }
  }
  return path
}
