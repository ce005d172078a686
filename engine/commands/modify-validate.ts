/**
 * Validation of a ModifyProcessInstance command: Zeebe's checks in ProcessInstanceModification-
 * ModifyProcessInstance's order, with its rejection messages (INVALID_ARGUMENT), and the element
 * model helpers the modification shares (flow scope chains).
 */
import { EngineError, EngineErrorCode, type ModifyInstanceCommand, type Variables } from '../api'
import { BpmnElementType, type FlowNode, type ProcessModel } from '../model/model'
import type { Runtime } from '../runtime/runtime'
import type { ElementInstanceState } from '../state/state'

/** Zeebe 8.8's BpmnElementType enum, in its order (for the "Supported element types" list). */
const ALL_TYPES = [
  'UNSPECIFIED',
  'PROCESS',
  'SUB_PROCESS',
  'EVENT_SUB_PROCESS',
  'AD_HOC_SUB_PROCESS',
  'AD_HOC_SUB_PROCESS_INNER_INSTANCE',
  'START_EVENT',
  'INTERMEDIATE_CATCH_EVENT',
  'INTERMEDIATE_THROW_EVENT',
  'BOUNDARY_EVENT',
  'END_EVENT',
  'SERVICE_TASK',
  'RECEIVE_TASK',
  'USER_TASK',
  'MANUAL_TASK',
  'TASK',
  'EXCLUSIVE_GATEWAY',
  'PARALLEL_GATEWAY',
  'EVENT_BASED_GATEWAY',
  'INCLUSIVE_GATEWAY',
  'SEQUENCE_FLOW',
  'MULTI_INSTANCE_BODY',
  'CALL_ACTIVITY',
  'BUSINESS_RULE_TASK',
  'SCRIPT_TASK',
  'SEND_TASK',
]
const UNSUPPORTED = ['UNSPECIFIED', 'START_EVENT', 'SEQUENCE_FLOW', 'BOUNDARY_EVENT']
const SUPPORTED = `[${ALL_TYPES.filter((t) => !UNSUPPORTED.includes(t)).join(', ')}]`

export function invalid(message: string): never {
  throw new EngineError(EngineErrorCode.InvalidArgument, message)
}

export interface Activation {
  elementId: string
  node: FlowNode
  /** -1: no ancestor selected. */
  ancestorKey: number
  variables: { scopeId: string; variables: Variables }[]
}

/** Normalizes and type-checks the command's instructions. */
export function activationsOf(cmd: ModifyInstanceCommand, model: ProcessModel): Activation[] {
  return (cmd.activateInstructions ?? []).map((a) => {
    const raw = a.ancestorElementInstanceKey
    const text = raw === undefined || raw === null ? '' : String(raw).trim()
    if (text !== '' && !/^-?\d+$/.test(text)) {
      invalid(`Expected ancestorElementInstanceKey to be a key, but was '${text}'`)
    }
    const ancestor = text === '' ? -1 : Number(text)
    const variables = (a.variableInstructions ?? []).map((v) => {
      const doc: unknown = v.variables ?? {}
      if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
        invalid(
          `Expected document to be a root level object, but was '${Array.isArray(doc) ? 'ARRAY' : typeof doc}'`,
        )
      }
      return { scopeId: v.scopeId ?? '', variables: doc as Variables }
    })
    const node = model.elements.get(a.elementId)
    return {
      elementId: a.elementId,
      node: node as FlowNode,
      ancestorKey: ancestor > 0 ? ancestor : -1,
      variables,
    }
  })
}

/** Element type of an id of the model (sequence flows included); undefined when unknown. */
function typeOfId(model: ProcessModel, id: string): string | undefined {
  const node = model.elements.get(id)
  if (node) return node.type
  return model.flows.has(id) ? BpmnElementType.SequenceFlow : undefined
}

/** The containers enclosing `node`, outermost (the process) first. */
export function flowScopeChain(model: ProcessModel, node: FlowNode): FlowNode[] {
  const chain: FlowNode[] = []
  for (let id = node.scopeId; id;) {
    const scope = model.elements.get(id)
    if (!scope) break
    chain.unshift(scope)
    id = scope.scopeId
  }
  return chain
}

export function isFlowScopeOf(model: ProcessModel, node: FlowNode, scopeId: string): boolean {
  return flowScopeChain(model, node).some((n) => n.id === scopeId)
}

function connectedToEventBasedGateway(model: ProcessModel, node: FlowNode): boolean {
  return node.incoming.some((f) => {
    const source = model.flows.get(f)?.source
    return (
      source !== undefined && model.elements.get(source)?.type === BpmnElementType.EventBasedGateway
    )
  })
}

/** Zeebe's validateCommand, in its order. */
export function validate(
  rt: Runtime,
  pi: ElementInstanceState,
  model: ProcessModel,
  activations: Activation[],
  terminateKeys: number[],
): void {
  const pid = model.bpmnProcessId
  const unknown = [...new Set(activations.map((a) => a.elementId))].filter(
    (id) => typeOfId(model, id) === undefined,
  )
  if (unknown.length > 0) {
    invalid(
      `Expected to modify instance of process '${pid}' but it contains one or more activate instructions with an element that could not be found: '${unknown.join("', '")}'`,
    )
  }
  const unsupported = (ids: string, reason: string): never =>
    invalid(
      `Expected to modify instance of process '${pid}' but it contains one or more activate instructions for elements that are unsupported: '${ids}'. ${reason}.`,
    )
  const distinct = [...new Set(activations.map((a) => a.elementId))]
  const afterGateway = distinct.filter((id) => {
    const node = model.elements.get(id)
    return node !== undefined && connectedToEventBasedGateway(model, node)
  })
  if (afterGateway.length > 0) {
    unsupported(
      afterGateway.join("', '"),
      'The activation of events belonging to an event-based gateway is not supported',
    )
  }
  const badType = distinct.filter((id) => UNSUPPORTED.includes(typeOfId(model, id) ?? ''))
  if (badType.length > 0) {
    const types = [...new Set(badType.map((id) => typeOfId(model, id)))].join("', '")
    unsupported(
      badType.join("', '"),
      `The activation of elements with type '${types}' is not supported. Supported element types are: ${SUPPORTED}`,
    )
  }
  if (distinct.includes(pid)) {
    unsupported(pid, 'The activation of the process itself is not supported by this engine')
  }
  const missing = [...new Set(terminateKeys)].filter(
    (k) => rt.s.elementInstances[k]?.piKey !== pi.key,
  )
  if (missing.length > 0) {
    invalid(
      `Expected to modify instance of process '${pid}' but it contains one or more terminate instructions with an element instance that could not be found: '${missing.join("', '")}'`,
    )
  }
  const unknownScopes = [
    ...new Set(
      activations.flatMap((a) =>
        a.variables.map((v) => v.scopeId).filter((id) => id !== '' && !model.elements.has(id)),
      ),
    ),
  ]
  if (unknownScopes.length > 0) {
    invalid(
      `Expected to modify instance of process '${pid}' but it contains one or more variable instructions with a scope element id that could not be found: '${unknownScopes.join("', '")}'`,
    )
  }
  const notFlowScope = activations.some((a) =>
    a.variables.some(
      (v) =>
        v.scopeId !== '' && v.scopeId !== a.elementId && !isFlowScopeOf(model, a.node, v.scopeId),
    ),
  )
  if (notFlowScope) {
    invalid(
      `Expected to modify instance of process '${pid}' but it contains one or more variable instructions with a scope element that doesn't belong to the activating element's flow scope. These variables should be set before or after the modification.`,
    )
  }
  const ancestorKeys = [...new Set(activations.map((a) => a.ancestorKey).filter((k) => k > 0))]
  const notActive = ancestorKeys.filter((k) => {
    const ei = rt.s.elementInstances[k]
    return !ei || (ei.state !== 'ACTIVATING' && ei.state !== 'ACTIVATED')
  })
  if (notActive.length > 0) {
    invalid(
      `Expected to modify instance of process '${pid}' but it contains one or more activate instructions with an ancestor scope key that does not exist, or is not in an active state: '${notActive.join("', '")}'`,
    )
  }
  const foreign = ancestorKeys.filter((k) => rt.s.elementInstances[k]?.piKey !== pi.key)
  if (foreign.length > 0) {
    invalid(
      `Expected to modify instance of process '${pid}' but it contains one or more activate instructions with an ancestor scope key that does not belong to the modified process instance: '${foreign.join("', '")}'`,
    )
  }
  const notAncestor = activations
    .filter((a) => a.ancestorKey > 0)
    .map((a) => ({ a, ancestorId: rt.s.elementInstances[a.ancestorKey]!.elementId }))
    .filter(({ a, ancestorId }) => !isFlowScopeOf(model, a.node, ancestorId))
    .map(
      ({ a, ancestorId }) =>
        `\n- instance '${a.ancestorKey}' of element '${ancestorId}' is not an ancestor of element '${a.elementId}'`,
    )
  if (notAncestor.length > 0) {
    invalid(
      `Expected to modify instance of process '${pid}' but it contains one or more activate instructions with an ancestor scope key that is not an ancestor of the element to activate:${notAncestor.join('')}`,
    )
  }
  const conflicts: string[] = []
  for (const key of new Set(terminateKeys)) {
    const terminated = rt.s.elementInstances[key]
    if (!terminated) continue
    for (const a of activations) {
      const conflict =
        a.ancestorKey > 0
          ? a.ancestorKey === key
          : isFlowScopeOf(model, a.node, terminated.elementId)
      if (conflict) {
        conflicts.push(
          `element '${a.elementId}' requires flow scope instance '${key}' which is being terminated`,
        )
      }
    }
  }
  if (conflicts.length > 0) {
    invalid(
      `Expected to modify instance of process '${pid}' but it contains one or more activate instructions for elements whose required flow scope instance is also being terminated: ${conflicts.join(', ')}. Please provide a valid ancestor scope key for the activation or avoid terminating the required flow scope.`,
    )
  }
}
