/**
 * Message and signal commands (Zeebe's MessagePublishProcessor, message start events, and
 * SignalBroadcastProcessor): publish with TTL and correlation, buffered messages starting the
 * next instance of a message start event, signal broadcast. Message TTLs expire from the
 * due-date index (timer.ts).
 */
import {
  type CorrelateMessageCommand,
  type PublishMessageCommand,
  EngineErrorCode,
  type Variables,
} from '../api'
import type { Runtime } from '../runtime/runtime'
import type { MessageRecordValue } from '../state/records'
import type { ProcessDefinitionState } from '../state/state'
import { checkVariables, reject, tenantOf } from './common'

export function publishMessage(
  rt: Runtime,
  cmd: PublishMessageCommand,
): { key: string; tenantId: string } {
  const { key, tenantId } = publish(rt, cmd)
  return { key, tenantId }
}

/**
 * Zeebe 8.8's message correlation (MESSAGE_CORRELATION CORRELATE, the v2 API's
 * `/messages/correlation`): a message that is never buffered, correlated like a published one
 * (at most once per bpmnProcessId, catch events before message start events), answered with the
 * first process instance it correlated to. With nothing to correlate to it is rejected
 * (NOT_FOUND, Zeebe's message) and nothing is written.
 */
export function correlateMessage(
  rt: Runtime,
  cmd: CorrelateMessageCommand,
): { key: string; tenantId: string; processInstanceKey: string } {
  const tenant = tenantOf(cmd.tenantId)
  const correlationKey = cmd.correlationKey ?? ''
  if (!hasCorrelationTarget(rt, cmd.name, correlationKey, tenant)) {
    reject(
      EngineErrorCode.NotFound,
      `Expected to find subscription for message with name '${cmd.name}' and correlation key '${correlationKey}', but none was found.`,
    )
  }
  const variables = checkVariables(cmd.variables)
  const correlation = (messageKey: number, processInstanceKey: number) => ({
    name: cmd.name,
    correlationKey,
    variables,
    tenantId: tenant,
    messageKey,
    processInstanceKey,
    requestId: -1,
    requestStreamId: -1,
  })
  let correlated = false
  const correlatedRecord = (key: number, first: number) => {
    correlated = true
    rt.emit('MESSAGE_CORRELATION', 'CORRELATED', key, correlation(key, first))
  }
  const published = publish(
    rt,
    { name: cmd.name, correlationKey, timeToLiveMs: 0, variables, tenantId: tenant },
    (key) => rt.emit('MESSAGE_CORRELATION', 'CORRELATING', key, correlation(key, -1)),
    // A message start event correlates within the command, so Zeebe writes CORRELATED before
    // the message's EXPIRED; a catch event's correlation is answered after it.
    (key, first, byStartEvent) => {
      if (byStartEvent) correlatedRecord(key, first)
    },
  )
  const first = published.processInstanceKeys[0] ?? -1
  if (!correlated) correlatedRecord(Number(published.key), first)
  return { key: published.key, tenantId: tenant, processInstanceKey: String(first) }
}

/** Whether a message would correlate: an open subscription, or a message start event to start. */
function hasCorrelationTarget(
  rt: Runtime,
  name: string,
  correlationKey: string,
  tenant: string,
): boolean {
  for (const sk of rt.idx.subscriptionsByMessage.get(name) ?? []) {
    const sub = rt.s.messageSubscriptions[sk]
    if (sub && sub.value.correlationKey === correlationKey && sub.value.tenantId === tenant)
      return true
  }
  return rt.latestDefinitions().some((def) => {
    if (def.tenantId !== tenant) return false
    if (
      correlationKey !== '' &&
      rt.s.messageStartLocks[`${def.bpmnProcessId}\u0000${correlationKey}`]
    )
      return false
    const model = rt.models(def.key)
    return (model.elements.get(model.bpmnProcessId)?.startEventIds ?? []).some((id) => {
      const event = model.elements.get(id)?.event
      return event?.kind === 'message' && event.messageName === name
    })
  })
}

/** Publishes a message and correlates it; the keys of the instances it correlated to, in order. */
function publish(
  rt: Runtime,
  cmd: PublishMessageCommand,
  afterPublished?: (key: number) => void,
  beforeExpired?: (key: number, firstInstance: number, byStartEvent: boolean) => void,
): { key: string; tenantId: string; processInstanceKeys: number[] } {
  const tenant = tenantOf(cmd.tenantId)
  const variables = checkVariables(cmd.variables)
  const correlationKey = cmd.correlationKey ?? ''
  const now = rt.clock.now()
  if (cmd.messageId) {
    for (const mk of rt.idx.messagesByName.get(cmd.name) ?? []) {
      const m = rt.s.messages[mk]
      if (
        m &&
        m.value.messageId === cmd.messageId &&
        m.value.correlationKey === correlationKey &&
        m.value.tenantId === tenant
      ) {
        reject(
          EngineErrorCode.AlreadyExists,
          `Expected to publish a new message with id '${cmd.messageId}', but a message with that id was already published`,
        )
      }
    }
  }
  const key = rt.newKey()
  const ttl = Math.max(0, cmd.timeToLiveMs)
  const value = {
    name: cmd.name,
    correlationKey,
    timeToLive: ttl,
    messageId: cmd.messageId ?? '',
    variables,
    tenantId: tenant,
    deadline: now + ttl,
  }
  rt.emit('MESSAGE', 'PUBLISHED', key, value)
  afterPublished?.(key)
  const correlated = new Set<string>()
  const processInstanceKeys: number[] = []
  let subsCorrelated = 0
  const subs = [...(rt.idx.subscriptionsByMessage.get(cmd.name) ?? [])].sort((a, b) => a - b)
  for (const sk of subs) {
    const sub = rt.s.messageSubscriptions[sk]
    if (!sub || sub.value.correlationKey !== correlationKey || sub.value.tenantId !== tenant)
      continue
    const pid = sub.value.bpmnProcessId
    if (correlated.has(pid)) continue
    correlated.add(pid)
    processInstanceKeys.push(sub.value.processInstanceKey)
    subsCorrelated++
    correlate(rt, sk, key, value)
  }
  for (const def of rt.latestDefinitions()) {
    if (def.tenantId !== tenant || correlated.has(def.bpmnProcessId)) continue
    const started = startByMessage(rt, def, key, value)
    if (started === undefined) continue
    correlated.add(def.bpmnProcessId)
    processInstanceKeys.push(started)
  }
  const byStartEvent = processInstanceKeys.length > 0 && correlated.size > 0 && subsCorrelated === 0
  beforeExpired?.(key, processInstanceKeys[0] ?? -1, byStartEvent)
  if (ttl <= 0) rt.emit('MESSAGE', 'EXPIRED', key, value)
  return { key: String(key), tenantId: tenant, processInstanceKeys }
}

/**
 * Starts an instance of `def` at its message start event for this message, unless an instance
 * started with the same correlation key is still active (Zeebe's one-per-key rule). Returns the
 * new instance's key, or undefined when none was started.
 */
function startByMessage(
  rt: Runtime,
  def: ProcessDefinitionState,
  messageKey: number,
  message: MessageRecordValue,
): number | undefined {
  const name = message.name
  const correlationKey = message.correlationKey
  const model = rt.models(def.key)
  const root = model.elements.get(model.bpmnProcessId)
  const start = (root?.startEventIds ?? [])
    .map((id) => model.elements.get(id))
    .find((n) => n?.event?.kind === 'message' && n.event.messageName === name)
  if (!start) return undefined
  if (
    correlationKey !== '' &&
    rt.s.messageStartLocks[`${def.bpmnProcessId}\u0000${correlationKey}`]
  ) {
    return undefined
  }
  const variables = (message.variables ?? {}) as Variables
  const pi = rt.createInstance(def, {}, { startEventId: start.id, trigger: { variables } })
  rt.emit('MESSAGE_START_EVENT_SUBSCRIPTION', 'CORRELATED', rt.newKey(), {
    processDefinitionKey: def.key,
    bpmnProcessId: def.bpmnProcessId,
    startEventId: start.id,
    messageName: name,
    messageKey,
    correlationKey,
    processInstanceKey: pi.key,
    variables,
    tenantId: def.tenantId,
  })
  return pi.key
}

/** After a message-started instance ended: a buffered message with its key may start the next. */
export function startFromBufferedMessage(rt: Runtime, lock: string): void {
  const [bpmnProcessId = '', correlationKey = ''] = lock.split('\u0000')
  const def = rt.latestDefinitions().find((d) => d.bpmnProcessId === bpmnProcessId)
  if (!def) return
  const now = rt.clock.now()
  const candidates = Object.values(rt.s.messages)
    .filter(
      (m) =>
        m.value.correlationKey === correlationKey &&
        m.value.deadline > now &&
        m.value.tenantId === def.tenantId &&
        !m.correlated.includes(bpmnProcessId),
    )
    .sort((a, b) => a.key - b.key)
  for (const m of candidates) {
    if (startByMessage(rt, def, m.key, m.value) !== undefined) return
  }
}

/** Correlates a message; non-interrupting events keep their subscription open. */
function correlate(
  rt: Runtime,
  subscriptionKey: number,
  messageKey: number,
  message: { variables: Variables },
): void {
  const sub = rt.s.messageSubscriptions[subscriptionKey]
  if (!sub) return
  const ownerKey = sub.value.elementInstanceKey
  const keepOpen = sub.value.interrupting === false
  rt.correlateSubscription(subscriptionKey, messageKey, message)
  const owner = rt.s.elementInstances[ownerKey]
  if (keepOpen && owner && owner.state === 'ACTIVATED') {
    rt.emit(
      'MESSAGE_SUBSCRIPTION',
      'CREATED',
      rt.newKey(),
      { ...sub.value, messageKey: -1, variables: {} },
      owner.piKey,
    )
  }
}

export function broadcastSignal(
  rt: Runtime,
  signalName: string,
  variables?: Variables,
  tenantId?: string,
): { key: string; tenantId: string } {
  const tenant = tenantOf(tenantId)
  const key = rt.broadcastSignal(signalName, checkVariables(variables), tenant)
  return { key: String(key), tenantId: tenant }
}
