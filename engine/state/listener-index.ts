/**
 * Execution listener progress of an element instance, as Zeebe keeps it
 * (`ElementInstance.executionListenerIndex`): the number of listeners of the running event type
 * (start while ACTIVATING, end while COMPLETING) whose jobs completed. Incremented by an
 * EXECUTION_LISTENER job's COMPLETED, reset by ELEMENT_ACTIVATED and by resolving an
 * EXTRACT_VALUE_ERROR incident (the listeners of that event type then run again, as Zeebe's
 * IncidentResolvedApplier does).
 */
import type { EngineRecord } from './records'
import type { EngineStateData } from './state'

/** Applies the listener progress a record changes (called for every applied record). */
export function applyExecutionListenerProgress(s: EngineStateData, r: EngineRecord): void {
  if (r.valueType === 'JOB') {
    if (r.intent !== 'COMPLETED' || r.value.jobKind !== 'EXECUTION_LISTENER') return
    const ei = s.elementInstances[r.value.elementInstanceKey]
    if (ei) ei.listenerIndex = (ei.listenerIndex ?? 0) + 1
  } else if (r.valueType === 'PROCESS_INSTANCE') {
    if (r.intent !== 'ELEMENT_ACTIVATED') return
    const ei = s.elementInstances[r.key]
    if (ei) delete ei.listenerIndex
  } else if (r.valueType === 'INCIDENT') {
    if (r.intent !== 'RESOLVED' || r.value.errorType !== 'EXTRACT_VALUE_ERROR') return
    const ei = s.elementInstances[r.value.elementInstanceKey]
    if (ei) delete ei.listenerIndex
  }
}
