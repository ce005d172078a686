/** PROCESS_INSTANCE record values: the element's value and Zeebe's `bpmnEventType`. */
import type { FlowNode } from '../model/model'
import type { ProcessInstanceRecordValue } from '../state/records'
import type { ElementInstanceState } from '../state/state'
import type { Runtime } from './runtime'

/** The PROCESS_INSTANCE record value of an element instance (Runtime.piValue caches it). */
export function processInstanceValue(
  rt: Runtime,
  ei: ElementInstanceState,
  node?: FlowNode,
): ProcessInstanceRecordValue {
  const def = rt.definition(ei.defKey)
  const root = ei.key === ei.piKey ? ei : rt.s.elementInstances[ei.piKey]
  const value: ProcessInstanceRecordValue = {
    bpmnProcessId: def.bpmnProcessId,
    version: def.version,
    processDefinitionKey: ei.defKey,
    processInstanceKey: ei.piKey,
    elementId: ei.elementId,
    flowScopeKey: ei.flowScopeKey,
    bpmnElementType: ei.type,
    bpmnEventType: eventTypeOf(node ?? rt.nodeOf(ei)),
    parentProcessInstanceKey: root?.parentPiKey ?? -1,
    parentElementInstanceKey: root?.parentEiKey ?? -1,
    tenantId: def.tenantId,
  }
  return { ...value, ...rt.treePathOfValue(ei.key, value) }
}

/** Zeebe's `bpmnEventType` of an element. */
export function eventTypeOf(node: FlowNode): string {
  if (node.isForCompensation) return 'COMPENSATION'
  const e = node.event
  if (!e) return 'UNSPECIFIED'
  switch (e.kind) {
    case 'none':
      return 'NONE'
    case 'timer':
      return 'TIMER'
    case 'message':
      return 'MESSAGE'
    case 'error':
      return 'ERROR'
    case 'signal':
      return 'SIGNAL'
    case 'terminate':
      return 'TERMINATE'
    case 'escalation':
      return 'ESCALATION'
    case 'link':
      return 'LINK'
    case 'compensation':
      return 'COMPENSATION'
  }
}
