/** Event subscriptions bound to element instances (Zeebe's BpmnEventSubscriptionBehavior): timers, message and signal subscriptions, opening, closing, correlating. */
import { type Variables } from '../api'
import { evaluateExpression, evaluateTyped, feelTypeName } from '../feel/feel'
import { type FlowNode, type TimerDefinition } from '../model/model'
import { parseTimerText } from '../model/timer'
import { type ElementInstanceState } from '../state/state'
import { IncidentErrorType } from './incidents'
import type { Runtime } from './runtime'

/** Cancels the jobs, timers and subscriptions bound to an element instance. */
export function cancelBound(this: Runtime, ei: ElementInstanceState): void {
  const keys = this.idx.boundTo.get(ei.key)
  if (!keys) return
  for (const k of [...keys]) {
    const job = this.s.jobs[k]
    if (job) {
      this.emit('JOB', 'CANCELED', k, job.value, job.value.processInstanceKey)
      continue
    }
    this.cancelSubscription(k)
  }
}

/** Closes the event subscriptions (not jobs) bound to an element instance. */
export function closeBoundSubscriptions(
  this: Runtime,
  ei: ElementInstanceState,
  except?: (target: string) => boolean,
): void {
  const keys = this.idx.boundTo.get(ei.key)
  if (!keys) return
  for (const k of [...keys]) {
    if (this.s.jobs[k]) continue
    const target =
      this.s.timers[k]?.value.targetElementId ??
      this.s.messageSubscriptions[k]?.value.elementId ??
      this.s.signalSubscriptions[k]?.value.catchEventId ??
      ''
    if (except && except(target)) continue
    this.cancelSubscription(k)
  }
}

export function cancelSubscription(this: Runtime, k: number): void {
  const timer = this.s.timers[k]
  if (timer) {
    this.emit('TIMER', 'CANCELED', k, timer.value, timer.value.processInstanceKey)
    return
  }
  const sub = this.s.messageSubscriptions[k]
  if (sub) {
    this.emit('MESSAGE_SUBSCRIPTION', 'DELETED', k, sub.value, sub.value.processInstanceKey)
    return
  }
  const sig = this.s.signalSubscriptions[k]
  if (sig) this.emit('SIGNAL_SUBSCRIPTION', 'DELETED', k, sig.value)
}

/**
 * Opens the subscription of an event element (`eventNode`) bound to `owner`: a boundary
 * event's host, an event sub-process's container, an event-based gateway or the catch event
 * itself. False when an expression failed (an incident was raised on `owner`).
 */
export function openEventSubscription(
  this: Runtime,
  owner: ElementInstanceState,
  eventNode: FlowNode,
): boolean {
  const event = eventNode.event
  if (!event) return true
  const def = this.definition(owner.defKey)
  const vars = (): Variables => this.visibleVariables(owner.key)
  if (event.kind === 'timer') {
    const schedule = this.timerSchedule(owner, event.timer, vars())
    if (!schedule) return false
    this.emit(
      'TIMER',
      'CREATED',
      this.newKey(),
      {
        elementInstanceKey: owner.key,
        processInstanceKey: owner.piKey,
        processDefinitionKey: owner.defKey,
        dueDate: schedule.dueDate,
        targetElementId: eventNode.id,
        repetitions: schedule.repetitions,
        tenantId: def.tenantId,
      },
      owner.piKey,
    )
    return true
  }
  if (event.kind === 'message') {
    const v = vars()
    const name = evaluateTyped(event.messageName, v, 'STRING')
    if (!name.ok) {
      this.raiseIncident(owner, IncidentErrorType.ExtractValueError, name.message)
      return false
    }
    const ck = evaluateExpression(event.correlationKey, v)
    const correlationKey = ck.ok ? ck.value : null
    if (!ck.ok || (typeof correlationKey !== 'string' && typeof correlationKey !== 'number')) {
      const reason = ck.ok
        ? `Failed to extract the correlation key for '${event.correlationKey.replace(/^\s*=/, '')}': The value must be either a string or a number, but was '${feelTypeName(correlationKey)}'.`
        : ck.message
      this.raiseIncident(owner, IncidentErrorType.ExtractValueError, reason)
      return false
    }
    const key = this.newKey()
    this.emit(
      'MESSAGE_SUBSCRIPTION',
      'CREATED',
      key,
      {
        processInstanceKey: owner.piKey,
        elementInstanceKey: owner.key,
        bpmnProcessId: def.bpmnProcessId,
        messageName: String(name.value),
        correlationKey: String(correlationKey),
        elementId: eventNode.id,
        interrupting: eventNode.interrupting,
        messageKey: -1,
        variables: {},
        tenantId: def.tenantId,
      },
      owner.piKey,
    )
    this.later(() => this.correlateBufferedMessage(key))
    return true
  }
  if (event.kind === 'signal') {
    const name = evaluateTyped(event.signalName, vars(), 'STRING')
    if (!name.ok) {
      this.raiseIncident(owner, IncidentErrorType.ExtractValueError, name.message)
      return false
    }
    this.emit('SIGNAL_SUBSCRIPTION', 'CREATED', this.newKey(), {
      processDefinitionKey: owner.defKey,
      bpmnProcessId: def.bpmnProcessId,
      catchEventId: eventNode.id,
      catchEventInstanceKey: owner.key,
      signalName: String(name.value),
      tenantId: def.tenantId,
    })
  }
  return true
}

export function timerSchedule(
  this: Runtime,
  owner: ElementInstanceState,
  timer: TimerDefinition,
  vars: Variables,
): { dueDate: number; repetitions: number } | null {
  const now = this.clock.now()
  let text = timer.expression
  if (text.trim().startsWith('=')) {
    const r = evaluateExpression(text, vars, now)
    if (!r.ok) {
      this.raiseIncident(owner, IncidentErrorType.ExtractValueError, r.message)
      return null
    }
    text = typeof r.value === 'string' ? r.value : String(r.value)
  }
  const schedule = parseTimerText(timer.kind, text, now)
  if (typeof schedule === 'string') {
    this.raiseIncident(owner, IncidentErrorType.ExtractValueError, schedule)
    return null
  }
  return schedule
}

/** A buffered message that matches a just-opened subscription correlates now. */
export function correlateBufferedMessage(this: Runtime, subscriptionKey: number): void {
  const sub = this.s.messageSubscriptions[subscriptionKey]
  if (!sub) return
  const name = sub.value.messageName
  const keys = this.idx.messagesByName.get(name)
  if (!keys) return
  const now = this.clock.now()
  for (const mk of [...keys].sort((a, b) => a - b)) {
    const m = this.s.messages[mk]
    if (!m || m.value.deadline <= now) continue
    if (m.value.correlationKey !== sub.value.correlationKey) continue
    if (m.value.tenantId !== sub.value.tenantId) continue
    if (m.correlated.includes(sub.value.bpmnProcessId)) continue
    this.correlateSubscription(subscriptionKey, mk, m.value)
    return
  }
}

/** Correlates a message to an open subscription and triggers its event. */
export function correlateSubscription(
  this: Runtime,
  subscriptionKey: number,
  messageKey: number,
  message: { variables: Variables },
): void {
  const sub = this.s.messageSubscriptions[subscriptionKey]
  if (!sub) return
  const variables = message.variables
  this.emit(
    'MESSAGE_SUBSCRIPTION',
    'CORRELATED',
    subscriptionKey,
    { ...sub.value, messageKey, variables },
    sub.value.processInstanceKey,
  )
  const owner = this.s.elementInstances[sub.value.elementInstanceKey]
  if (owner) this.triggerEvent(owner, sub.value.elementId, { variables })
}
