/** Event triggers (Zeebe's BpmnEventTriggerBehavior): an event firing for its subscription, signal broadcast, creating process instances. */
import { type Variables } from '../api'
import { BpmnElementType, elementOf } from '../model/model'
import { type ElementInstanceState, type ProcessDefinitionState } from '../state/state'
import type { Runtime, EventTrigger } from './runtime'

/**
 * An event fired for a subscription bound to `owner` with target element `targetId`.
 */
export function triggerEvent(
  this: Runtime,
  owner: ElementInstanceState,
  targetId: string,
  trigger: EventTrigger,
): void {
  const model = this.models(owner.defKey)
  const target = elementOf(model, targetId)
  if (owner.elementId === targetId && owner.type !== BpmnElementType.Process) {
    // Intermediate catch event or receive task: the event completes it.
    if (owner.state !== 'ACTIVATED') return
    this.closeBoundSubscriptions(owner, (t) => t !== targetId)
    this.applyResultVariables(owner, target, trigger.variables)
    this.complete(owner)
    return
  }
  const ownerNode = this.nodeOf(owner)
  if (owner.type === BpmnElementType.EventBasedGateway) {
    if (owner.state !== 'ACTIVATED') return
    this.closeBoundSubscriptions(owner)
    const flowId = ownerNode.outgoing.find((f) => model.flows.get(f)?.target === targetId)
    this.transition(owner, 'ELEMENT_COMPLETING')
    this.transition(owner, 'ELEMENT_COMPLETED')
    const scope = this.s.elementInstances[owner.flowScopeKey]
    if (!scope || !flowId) return
    this.emitFlowTaken(scope, owner.defKey, flowId, owner.key)
    this.activate(target, scope, trigger)
    return
  }
  if (target.type === BpmnElementType.BoundaryEvent) {
    const scope = this.s.elementInstances[owner.flowScopeKey]
    if (!scope) return
    if (target.interrupting)
      this.terminate(owner, false, () => this.activate(target, scope, trigger))
    else this.activate(target, scope, trigger)
    return
  }
  if (target.type === BpmnElementType.StartEvent && target.scopeId !== owner.elementId) {
    // Event sub-process start event; `owner` is the container.
    const esp = elementOf(model, target.scopeId)
    if (owner.state !== 'ACTIVATED') return
    if (target.interrupting) {
      this.closeBoundSubscriptions(owner, (t) => {
        const n = model.elements.get(t)
        return !(n?.type === BpmnElementType.StartEvent && n.scopeId !== owner.elementId)
      })
    }
    const start = () => {
      const espInstance = this.activate(esp, owner)
      this.pendingStart.set(espInstance.key, { startId: target.id, trigger })
    }
    // An interrupting one starts once every other child is terminated.
    if (target.interrupting) this.terminateAll(this.childrenOf(owner.key), start)
    else start()
    return
  }
}

/** Broadcasts a signal: catch events, boundary events, event sub-processes and start events. */
export function broadcastSignal(
  this: Runtime,
  name: string,
  variables: Variables,
  tenantId: string,
): number {
  const key = this.newKey()
  this.emit('SIGNAL', 'BROADCASTED', key, { signalName: name, variables, tenantId })
  for (const def of this.latestDefinitions()) {
    if (def.tenantId !== tenantId) continue
    const model = this.models(def.key)
    const root = model.elements.get(model.bpmnProcessId)
    for (const id of root?.startEventIds ?? []) {
      const st = model.elements.get(id)
      if (st?.event?.kind === 'signal' && st.event.signalName === name) {
        this.createInstance(def, variables, { startEventId: st.id, trigger: { variables: {} } })
      }
    }
  }
  for (const sk of [...(this.idx.signalsByName.get(name) ?? [])]) {
    const sub = this.s.signalSubscriptions[sk]
    if (!sub || sub.value.tenantId !== tenantId) continue
    const owner = this.s.elementInstances[sub.value.catchEventInstanceKey]
    if (!owner) continue
    const target = sub.value.catchEventId
    const node = this.models(owner.defKey).elements.get(target)
    const interruptsOwner =
      owner.elementId === target ||
      owner.type === BpmnElementType.EventBasedGateway ||
      node?.interrupting !== false
    if (interruptsOwner) this.emit('SIGNAL_SUBSCRIPTION', 'DELETED', sk, sub.value)
    this.triggerEvent(owner, target, { variables })
  }
  return key
}

/** Creates a process instance (ACTIVATING, variables, CREATION record); activation follows. */
export function createInstance(
  this: Runtime,
  def: ProcessDefinitionState,
  variables: Variables,
  start?: { elementIds?: string[]; startEventId?: string; trigger?: EventTrigger },
  parent?: ElementInstanceState,
): ElementInstanceState {
  const key = this.newKey()
  this.emit(
    'PROCESS_INSTANCE',
    'ELEMENT_ACTIVATING',
    key,
    {
      bpmnProcessId: def.bpmnProcessId,
      version: def.version,
      processDefinitionKey: def.key,
      processInstanceKey: key,
      elementId: def.bpmnProcessId,
      flowScopeKey: -1,
      bpmnElementType: BpmnElementType.Process,
      bpmnEventType: 'UNSPECIFIED',
      parentProcessInstanceKey: parent ? parent.piKey : -1,
      parentElementInstanceKey: parent ? parent.key : -1,
      tenantId: def.tenantId,
    },
    key,
  )
  const ei = this.s.elementInstances[key]
  if (!ei) throw new Error('process instance not created')
  this.setLocalVariables(key, variables)
  this.emit(
    'PROCESS_INSTANCE_CREATION',
    'CREATED',
    this.newKey(),
    {
      bpmnProcessId: def.bpmnProcessId,
      version: def.version,
      processDefinitionKey: def.key,
      processInstanceKey: key,
      variables,
      startInstructions: (start?.elementIds ?? []).map((elementId) => ({ elementId })),
      tenantId: def.tenantId,
    },
    key,
  )
  if (start)
    this.pendingStart.set(key, {
      startId: start.startEventId ?? '',
      trigger: start.trigger ?? { variables: {} },
      ...(start.elementIds ? { elementIds: start.elementIds } : {}),
    })
  this.later(() => this.continueActivation(key))
  return ei
}

/** Start instructions of a container instance about to activate its start event. */
export function takePendingStart(
  this: Runtime,
  key: number,
): { startId: string; trigger: EventTrigger; elementIds?: string[] } | undefined {
  const p = this.pendingStart.get(key)
  this.pendingStart.delete(key)
  return p
}
