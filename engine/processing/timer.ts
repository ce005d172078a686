/**
 * Due work (Zeebe's timer and job/message deadline checkers): timers, job timeouts and
 * back-offs, message TTLs from the engine's due-date index; timer start events of a deployed
 * definition.
 */
import { evaluateExpression } from '../feel/feel'
import type { TimerDefinition } from '../model/model'
import { parseTimerText, type TimerSchedule } from '../model/timer'
import type { Runtime } from '../runtime/runtime'
import type { DueIndex } from '../state/due-index'
import type { TimerRecordValue } from '../state/records'
import type { EngineStateData, ProcessDefinitionState } from '../state/state'

/** Fills the due-date index from the state (after load). */
export function rebuildDueIndex(s: EngineStateData, due: DueIndex): void {
  for (const t of Object.values(s.timers)) {
    due.push({ due: t.value.dueDate, kind: 'timer', key: t.key })
  }
  for (const j of Object.values(s.jobs)) {
    if (j.state === 'ACTIVATED')
      due.push({ due: j.value.deadline, kind: 'job-timeout', key: j.key })
    if (j.state === 'FAILED' && j.value.retries > 0 && j.value.recurringTime > 0) {
      due.push({ due: j.value.recurringTime, kind: 'job-backoff', key: j.key })
    }
  }
  for (const m of Object.values(s.messages)) {
    due.push({ due: m.value.deadline, kind: 'message', key: m.key })
  }
}

/** The tick command: fires every item of the index that is due by the runtime's clock. */
export function fireDue(rt: Runtime, due: DueIndex): void {
  const now = rt.clock.now()
  for (let next = due.peekDue(); next !== undefined && next <= now; next = due.peekDue()) {
    const item = due.pop()
    if (item) fire(rt, item.kind, item.key, item.due)
    rt.drainWork()
  }
}

function fire(rt: Runtime, kind: string, key: number, due: number): void {
  if (kind === 'timer') {
    const t = rt.s.timers[key]
    if (!t || t.value.dueDate !== due) return
    fireTimer(rt, key, t.value)
  } else if (kind === 'job-timeout') {
    const j = rt.s.jobs[key]
    if (!j || j.state !== 'ACTIVATED' || j.value.deadline !== due) return
    rt.emit('JOB', 'TIMED_OUT', key, { ...j.value, variables: {} }, j.value.processInstanceKey)
  } else if (kind === 'job-backoff') {
    const j = rt.s.jobs[key]
    if (!j || j.state !== 'FAILED' || j.value.recurringTime !== due) return
    rt.emit(
      'JOB',
      'RECURRED_AFTER_BACKOFF',
      key,
      { ...j.value, variables: {} },
      j.value.processInstanceKey,
    )
  } else if (kind === 'message') {
    const m = rt.s.messages[key]
    if (!m || m.value.deadline !== due) return
    rt.emit('MESSAGE', 'EXPIRED', key, m.value)
  }
}

function fireTimer(rt: Runtime, key: number, value: TimerRecordValue): void {
  rt.emit('TIMER', 'TRIGGERED', key, value, value.processInstanceKey)
  const target = value.targetElementId
  const repetitions = value.repetitions
  const defKey = value.processDefinitionKey
  const model = rt.models(defKey)
  const node = model.elements.get(target)
  const again = (owner: number) => {
    // Zeebe reschedules while repetitions are -1 (unbounded, cron) or more than 1.
    if ((repetitions >= 0 && repetitions <= 1) || node?.event?.kind !== 'timer') return
    const ownerInstance = rt.s.elementInstances[owner]
    const timer = node.event.timer
    // The cycle's next due date: FEEL cycles are re-evaluated in the owner's scope.
    const schedule = ownerInstance
      ? rt.timerSchedule(ownerInstance, timer, rt.visibleVariables(owner))
      : startTimerSchedule(timer, rt.clock.now())
    if (!schedule) return
    rt.emit(
      'TIMER',
      'CREATED',
      rt.newKey(),
      {
        ...value,
        elementInstanceKey: owner,
        dueDate: schedule.dueDate,
        repetitions: repetitions < 0 ? -1 : repetitions - 1,
      },
      value.processInstanceKey,
    )
  }
  const ownerKey = value.elementInstanceKey
  if (ownerKey <= 0) {
    const def = rt.s.processes[defKey]
    if (!def) return
    rt.createInstance(def, {}, { startEventId: target, trigger: { variables: {} } })
    again(-1)
    return
  }
  const owner = rt.s.elementInstances[ownerKey]
  if (!owner) return
  rt.triggerEvent(owner, target, { variables: {} })
  const stillThere = rt.s.elementInstances[ownerKey]
  if (stillThere && stillThere.state === 'ACTIVATED' && node && !node.interrupting) again(ownerKey)
}
/**
 * The schedule of a timer start event: a FEEL expression is evaluated without variables (as
 * Zeebe does on deployment). Null when it fails (the start event then never fires).
 */
export function startTimerSchedule(timer: TimerDefinition, now: number): TimerSchedule | null {
  let text = timer.expression
  if (text.trim().startsWith('=')) {
    const r = evaluateExpression(text, {}, now)
    if (!r.ok || r.value === null) return null
    text = String(r.value)
  }
  const schedule = parseTimerText(timer.kind, text, now)
  return typeof schedule === 'string' ? null : schedule
}

/** A new version replaces the previous version's timer start events with its own. */
export function scheduleStartTimers(rt: Runtime, def: ProcessDefinitionState): void {
  for (const t of Object.values(rt.s.timers)) {
    const old = rt.s.processes[t.value.processDefinitionKey]
    if (
      t.value.elementInstanceKey <= 0 &&
      old &&
      old.bpmnProcessId === def.bpmnProcessId &&
      old.key !== def.key
    ) {
      rt.emit('TIMER', 'CANCELED', t.key, t.value)
    }
  }
  const model = rt.models(def.key)
  const root = model.elements.get(model.bpmnProcessId)
  for (const id of root?.startEventIds ?? []) {
    const st = model.elements.get(id)
    if (st?.event?.kind !== 'timer') continue
    const schedule = startTimerSchedule(st.event.timer, rt.clock.now())
    if (!schedule) continue
    rt.emit('TIMER', 'CREATED', rt.newKey(), {
      elementInstanceKey: -1,
      processInstanceKey: -1,
      processDefinitionKey: def.key,
      dueDate: schedule.dueDate,
      targetElementId: id,
      repetitions: schedule.repetitions,
      tenantId: def.tenantId,
    })
  }
}
