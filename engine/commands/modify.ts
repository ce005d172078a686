/**
 * Process instance modification (Zeebe's PROCESS_INSTANCE_MODIFICATION MODIFY, as
 * ProcessInstanceModificationModifyProcessor and ElementActivationBehavior run it): activate
 * elements (creating missing flow scopes with ACTIVATING/ACTIVATED and their event
 * subscriptions, ancestor selection by `ancestorElementInstanceKey`), create variables in the
 * root, a flow scope or the element, and terminate element instances; a flow scope left without
 * active children (and not needed by an activation) is terminated too, up to the process
 * instance itself. Records: flow scopes and variables, the terminations, PROCESS_INSTANCE_
 * MODIFICATION MODIFIED, then each activated element's lifecycle.
 *
 * Every rejection is decided before the first record is written (the engine applies records as
 * it writes them), with Zeebe's messages.
 */
import { EngineError, EngineErrorCode, type ModifyInstanceCommand, type Variables } from '../api'
import { BpmnElementType, type FlowNode, type ProcessModel } from '../model/model'
import { openEventSubProcessSubscriptions } from '../runtime/process'
import { eventTypeOf, type Runtime } from '../runtime/runtime'
import type { ElementInstanceState } from '../state/state'
import { catchEventsOf, hasSubscription, trySubscription } from './catch-events'
import {
  type Activation,
  activationsOf,
  flowScopeChain,
  invalid,
  validate,
} from './modify-validate'

/** A flow scope instance: an existing element instance (key > 0) or one to create (< 0). */
type Ref = number

interface PlannedScope {
  ref: Ref
  node: FlowNode
}

interface Planned {
  activation: Activation
  /** The flow scopes from the process instance down to the element's flow scope. */
  scopes: PlannedScope[]
}

interface VirtualScope {
  ref: Ref
  parent: Ref
  node: FlowNode
}

/** Finds (or plans to create) the flow scope instances of each activation (ElementActivationBehavior). */
class ScopePlanner {
  readonly virtuals: VirtualScope[] = []
  private next = -2

  constructor(
    private readonly rt: Runtime,
    private readonly pid: string,
  ) {}

  private parentOf(ref: Ref): Ref | undefined {
    if (ref < 0) return this.virtuals.find((v) => v.ref === ref)?.parent
    const ei = this.rt.s.elementInstances[ref]
    return ei && ei.key !== ei.piKey ? ei.flowScopeKey : undefined
  }

  /** True when `ancestor` is a (direct or indirect) flow scope of `ref`. */
  private isAncestor(ancestor: Ref, ref: Ref): boolean {
    for (let p = this.parentOf(ref); p !== undefined; p = this.parentOf(p)) {
      if (p === ancestor) return true
    }
    return false
  }

  private children(scope: Ref, elementId: string, body?: boolean): Ref[] {
    const real =
      scope > 0
        ? this.rt
            .childrenOf(scope)
            .filter(
              (c) =>
                c.elementId === elementId &&
                (body === undefined || (c.type === BpmnElementType.MultiInstanceBody) === body),
            )
            .map((c) => c.key)
        : []
    const planned = this.virtuals
      .filter((v) => v.parent === scope && v.node.id === elementId)
      .map((v) => v.ref)
    return [...real, ...planned]
  }

  private multipleScopes(id: string): never {
    invalid(
      `Expected to modify instance of process '${this.pid}' but it contains one or more activate instructions for an element that has a flow scope with more than one active instance: '${id}'. Can't decide in which instance of the flow scope the element should be activated. Please specify an ancestor element instance key for this activate instruction.`,
    )
  }

  private reusable(
    scope: Ref,
    elementId: string,
    ancestor: number,
    body?: boolean,
  ): Ref | undefined {
    const found = this.children(scope, elementId, body)
    if (found.length === 0) return undefined
    const selected = ancestor > 0
    if (found.length === 1) {
      return selected && this.isAncestor(ancestor, found[0]!) ? undefined : found[0]
    }
    if (!selected) this.multipleScopes(elementId)
    if (found.includes(ancestor)) return ancestor
    if (found.some((f) => this.isAncestor(ancestor, f))) return undefined
    const above = found.find((f) => this.isAncestor(f, ancestor))
    if (above !== undefined) return above
    return this.multipleScopes(elementId)
  }

  private multiInstance(id: string): never {
    invalid(
      `Expected to modify instance of process '${this.pid}' but it contains one or more activate instructions that would result in the activation of multi-instance element '${id}', which is currently unsupported.`,
    )
  }

  plan(pi: ElementInstanceState, model: ProcessModel, activation: Activation): Planned {
    const chain = flowScopeChain(model, activation.node)
    const scopes: PlannedScope[] = [{ ref: pi.key, node: chain[0]! }]
    let current: Ref = pi.key
    for (const container of chain.slice(1)) {
      if (container.multiInstance) {
        const body = this.reusable(current, container.id, activation.ancestorKey, true)
        if (body === undefined) this.multiInstance(container.id)
        scopes.push({ ref: body, node: container })
        const inner = this.reusable(body, container.id, activation.ancestorKey, false)
        if (inner === undefined) this.multiInstance(container.id)
        scopes.push({ ref: inner, node: container })
        current = inner
        continue
      }
      let ref = this.reusable(current, container.id, activation.ancestorKey)
      if (ref === undefined) {
        ref = this.next--
        this.virtuals.push({ ref, parent: current, node: container })
      }
      scopes.push({ ref, node: container })
      current = ref
    }
    return { activation, scopes }
  }
}

/** Variable documents of an activation for the scope of element `elementId`. */
function documentsFor(a: Activation, elementId: string, pid: string): Variables[] {
  return a.variables
    .filter((v) => v.scopeId === elementId || (v.scopeId === '' && elementId === pid))
    .map((v) => v.variables)
}

/** Rejects when a flow scope to create could not open its event subscriptions. */
function checkNewScopeSubscriptions(
  rt: Runtime,
  model: ProcessModel,
  planned: Planned[],
  virtuals: VirtualScope[],
): void {
  for (const v of virtuals) {
    const owner = planned.find((p) => p.scopes.some((s) => s.ref === v.ref))
    let vars: Variables = {}
    for (const s of owner?.scopes ?? []) {
      if (s.ref > 0) vars = rt.visibleVariables(s.ref)
      if (owner) {
        for (const doc of documentsFor(owner.activation, s.node.id, model.bpmnProcessId)) {
          vars = { ...vars, ...doc }
        }
      }
      if (s.ref === v.ref) break
    }
    for (const event of catchEventsOf(model, v.node, v.node.type)) {
      if (!hasSubscription(event)) continue
      const r = trySubscription(event, vars, rt.clock.now())
      if ('problem' in r) {
        invalid(`Expected to subscribe to catch event(s) of '${v.node.id}' but ${r.problem}`)
      }
    }
  }
}

/**
 * Which instances the terminations end: simulated first, so terminating the last element of a
 * called instance is rejected before anything is written.
 */
function checkTerminations(
  rt: Runtime,
  pid: string,
  terminateKeys: number[],
  required: Set<number>,
): void {
  const removed = new Set<number>()
  const remove = (key: number) => {
    removed.add(key)
    for (const c of rt.childrenOf(key)) remove(c.key)
  }
  for (const key of terminateKeys) {
    if (removed.has(key)) continue
    const ei = rt.s.elementInstances[key]
    if (!ei) continue
    if (ei.key === ei.piKey && ei.parentPiKey !== undefined) childTerminated(pid)
    remove(key)
    let scope = ei.key !== ei.piKey ? rt.s.elementInstances[ei.flowScopeKey] : undefined
    while (
      scope &&
      !required.has(scope.key) &&
      !scope.joins &&
      rt.childrenOf(scope.key).every((c) => removed.has(c.key))
    ) {
      if (scope.key === scope.piKey && scope.parentPiKey !== undefined) childTerminated(pid)
      remove(scope.key)
      scope = scope.key !== scope.piKey ? rt.s.elementInstances[scope.flowScopeKey] : undefined
    }
  }
}

function childTerminated(pid: string): never {
  invalid(
    `Expected to modify instance of process '${pid}' but the given instructions would terminate the instance. The instance was created by a call activity in the parent process. To terminate this instance please modify the parent process instead.`,
  )
}

/** Writes ACTIVATING/ACTIVATED of a flow scope created for an activation, with its subscriptions. */
function createFlowScope(
  rt: Runtime,
  parent: ElementInstanceState,
  node: FlowNode,
  documents: Variables[],
): ElementInstanceState {
  const def = rt.definition(parent.defKey)
  const key = rt.newKey()
  rt.emit(
    'PROCESS_INSTANCE',
    'ELEMENT_ACTIVATING',
    key,
    {
      bpmnProcessId: def.bpmnProcessId,
      version: def.version,
      processDefinitionKey: parent.defKey,
      processInstanceKey: parent.piKey,
      elementId: node.id,
      flowScopeKey: parent.key,
      bpmnElementType: node.type,
      bpmnEventType: eventTypeOf(node),
      parentProcessInstanceKey: -1,
      parentElementInstanceKey: -1,
      tenantId: def.tenantId,
    },
    parent.piKey,
  )
  const ei = rt.s.elementInstances[key]!
  for (const doc of documents) rt.setLocalVariables(key, doc)
  rt.transition(ei, 'ELEMENT_ACTIVATED')
  const model = rt.models(ei.defKey)
  for (const id of node.boundaries) {
    const boundary = model.elements.get(id)
    if (boundary) rt.openEventSubscription(ei, boundary)
  }
  openEventSubProcessSubscriptions(rt, ei, node)
  return ei
}

/** Terminates an element instance, then each flow scope it leaves without active children. */
function terminateWithEmptyScopes(rt: Runtime, key: number, required: Set<number>): void {
  const ei = rt.s.elementInstances[key]
  if (!ei) return
  const flowScopeKey = ei.key !== ei.piKey ? ei.flowScopeKey : -1
  // After the element is TERMINATED (later, when a canceling task listener runs first).
  rt.terminate(ei, false, () => {
    let scope = rt.s.elementInstances[flowScopeKey]
    while (scope && scope.children === 0 && !scope.joins && !required.has(scope.key)) {
      const next = scope.key !== scope.piKey ? scope.flowScopeKey : -1
      rt.terminate(scope, false)
      scope = rt.s.elementInstances[next]
    }
  })
}

/** Runs a ModifyProcessInstance command (inside the engine's command processing). */
export function modifyProcessInstance(rt: Runtime, cmd: ModifyInstanceCommand): void {
  const piKey = /^\d+$/.test(String(cmd.processInstanceKey)) ? Number(cmd.processInstanceKey) : -1
  const pi = rt.s.elementInstances[piKey]
  if (!pi || pi.type !== BpmnElementType.Process) {
    throw new EngineError(
      EngineErrorCode.NotFound,
      `Expected to modify process instance but no process instance found with key '${cmd.processInstanceKey}'`,
    )
  }
  const model = rt.models(pi.defKey)
  const pid = model.bpmnProcessId
  const activations = activationsOf(cmd, model)
  const terminateKeys = (cmd.terminateInstructions ?? []).map((t) =>
    /^\d+$/.test(String(t.elementInstanceKey)) ? Number(t.elementInstanceKey) : -1,
  )
  validate(rt, pi, model, activations, terminateKeys)

  // Plan everything that can still fail, then write.
  const planner = new ScopePlanner(rt, pid)
  const planned = activations.map((a) => planner.plan(pi, model, a))
  checkNewScopeSubscriptions(rt, model, planned, planner.virtuals)
  const requiredReal = new Set(
    planned.flatMap((p) => p.scopes.map((s) => s.ref)).filter((r) => r > 0),
  )
  checkTerminations(rt, pid, terminateKeys, requiredReal)

  const real = new Map<Ref, number>()
  const resolve = (ref: Ref): number => (ref > 0 ? ref : real.get(ref)!)
  const flowScopes: number[][] = []
  for (const p of planned) {
    const keys: number[] = []
    let parent: Ref | undefined
    for (const s of p.scopes) {
      const docs = documentsFor(p.activation, s.node.id, pid)
      if (s.ref < 0 && !real.has(s.ref)) {
        const created = createFlowScope(rt, rt.s.elementInstances[resolve(parent!)]!, s.node, docs)
        real.set(s.ref, created.key)
      } else {
        for (const doc of docs) rt.setLocalVariables(resolve(s.ref), doc)
      }
      keys.push(resolve(s.ref))
      parent = s.ref
    }
    flowScopes.push(keys)
  }
  const required = new Set(flowScopes.flat())
  for (const key of terminateKeys) terminateWithEmptyScopes(rt, key, required)

  const def = rt.definition(pi.defKey)
  rt.emit(
    'PROCESS_INSTANCE_MODIFICATION',
    'MODIFIED',
    pi.key,
    {
      processInstanceKey: pi.key,
      activateInstructions: activations.map((a, i) => ({
        elementId: a.elementId,
        ancestorScopeKey: a.ancestorKey,
        variableInstructions: a.variables.map((v) => ({
          variables: v.variables,
          elementId: v.scopeId,
        })),
        ancestorScopeKeys: [...new Set(flowScopes[i])],
      })),
      terminateInstructions: terminateKeys.map((k) => ({ elementInstanceKey: k })),
      tenantId: def.tenantId,
    },
    pi.key,
  )

  planned.forEach((p, i) => {
    const scopeKeys = flowScopes[i]!
    const flowScope = rt.s.elementInstances[scopeKeys[scopeKeys.length - 1]!]
    if (!flowScope) return
    const node = p.activation.node
    const ei = rt.activate(node, flowScope)
    if (node.type === BpmnElementType.EventSubProcess && node.startEventIds[0]) {
      rt.pendingStart.set(ei.key, { startId: node.startEventIds[0], trigger: { variables: {} } })
    }
    for (const doc of documentsFor(p.activation, node.id, pid)) rt.setLocalVariables(ei.key, doc)
  })
}
