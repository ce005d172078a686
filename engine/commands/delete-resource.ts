/**
 * Resource deletion (Zeebe's RESOURCE_DELETION DELETE, as ResourceDeletionDeleteProcessor runs
 * it). A process definition without running instances: RESOURCE_DELETION DELETING, PROCESS
 * DELETING, (when it is the latest version: its timer start events are canceled and the previous
 * version's are scheduled; message and signal start events follow the latest version by
 * themselves), PROCESS DELETED, RESOURCE_DELETION DELETED. A form: FORM DELETED between the
 * RESOURCE_DELETION records. The version number of a deleted definition is never given again.
 *
 * Deleting removes the definition from the state only: its PROCESS/FORM CREATED record (with the
 * resource) stays in the log, which is the history.
 *
 * Decision requirements: {@link resourceDeletionHandlers} holds the DRG handler
 * (engine/dmn/delete.ts); a decision key is answered like any unknown key, as in Zeebe.
 */
import { EngineError, EngineErrorCode } from '../api'
import { dmnResourceDeletion } from '../dmn/delete'
import { evaluateExpression } from '../feel/feel'
import { BpmnElementType } from '../model/model'
import { parseTimerText } from '../model/timer'
import type { Runtime } from '../runtime/runtime'
import type { ProcessRecordValue } from '../state/records'
import type { FormState, ProcessDefinitionState } from '../state/state'

/**
 * A kind of resource beyond processes and forms (decision requirements and decisions, once DMN
 * is deployed): `owns` says whether `resourceKey` is one of its resources (and throws an
 * EngineError when it may not be deleted); `delete` writes its records between RESOURCE_DELETION
 * DELETING and DELETED. Nothing may be written before `delete`.
 */
export interface ResourceDeletionHandler {
  owns(rt: Runtime, resourceKey: number): boolean
  delete(rt: Runtime, resourceKey: number): void
  /** Tenant of the resource, for the RESOURCE_DELETION records. */
  tenantOf(rt: Runtime, resourceKey: number): string
}

/** Resource kinds beyond processes and forms: decision requirements (DRGs). */
export const resourceDeletionHandlers: ResourceDeletionHandler[] = [dmnResourceDeletion]

function processValue(def: ProcessDefinitionState): ProcessRecordValue {
  // As Zeebe: no checksum and no resource in the deletion records.
  return {
    bpmnProcessId: def.bpmnProcessId,
    version: def.version,
    versionTag: '',
    processDefinitionKey: def.key,
    resourceName: def.resourceName,
    checksum: '',
    resource: '',
    tenantId: def.tenantId,
    deploymentKey: def.deploymentKey,
    duplicate: false,
  }
}

function latestVersions(rt: Runtime, def: ProcessDefinitionState): ProcessDefinitionState[] {
  return (rt.idx.versions.get(def.bpmnProcessId) ?? [])
    .map((k) => rt.s.processes[k])
    .filter((p): p is ProcessDefinitionState => p !== undefined && p.tenantId === def.tenantId)
}

/** Schedules the timer start events of `def` (evaluated without variables, as on deployment). */
function scheduleStartTimers(rt: Runtime, def: ProcessDefinitionState): void {
  const model = rt.models(def.key)
  const root = model.elements.get(model.bpmnProcessId)
  const now = rt.clock.now()
  for (const id of root?.startEventIds ?? []) {
    const event = model.elements.get(id)?.event
    if (event?.kind !== 'timer') continue
    let text = event.timer.expression
    if (text.trim().startsWith('=')) {
      const r = evaluateExpression(text, {}, now)
      if (!r.ok || r.value === null) continue
      text = String(r.value)
    }
    const schedule = parseTimerText(event.timer.kind, text, now)
    if (typeof schedule === 'string') continue
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

function hasRunningInstances(rt: Runtime, def: ProcessDefinitionState): boolean {
  return Object.values(rt.s.elementInstances).some(
    (ei) => ei.type === BpmnElementType.Process && ei.defKey === def.key,
  )
}

function deleteProcess(rt: Runtime, def: ProcessDefinitionState): void {
  const value = processValue(def)
  rt.emit('PROCESS', 'DELETING', rt.newKey(), value)
  const versions = latestVersions(rt, def)
  if (versions[versions.length - 1]?.key === def.key) {
    for (const t of Object.values(rt.s.timers)) {
      if (t.value.elementInstanceKey <= 0 && t.value.processDefinitionKey === def.key) {
        rt.emit('TIMER', 'CANCELED', t.key, t.value)
      }
    }
    const previous = versions[versions.length - 2]
    if (previous) scheduleStartTimers(rt, previous)
  }
  rt.emit('PROCESS', 'DELETED', rt.newKey(), value)
}

function deleteForm(rt: Runtime, form: FormState): void {
  rt.emit('FORM', 'DELETED', rt.newKey(), {
    formId: form.formId,
    version: form.version,
    versionTag: '',
    formKey: form.key,
    resourceName: form.resourceName,
    checksum: form.checksum,
    resource: form.resource,
    tenantId: form.tenantId,
    deploymentKey: form.deploymentKey,
  })
}

/** Runs a DeleteResource command (inside the engine's command processing). */
export function deleteResource(rt: Runtime, resourceKey: string): void {
  const key = /^\d+$/.test(String(resourceKey)) ? Number(resourceKey) : -1
  const notFound = (): never => {
    throw new EngineError(
      EngineErrorCode.NotFound,
      `Expected to delete resource but no resource found with key \`${resourceKey}\``,
    )
  }
  const def = rt.s.processes[key]
  const form = def ? undefined : rt.s.forms[key]
  const handler = def || form ? undefined : resourceDeletionHandlers.find((h) => h.owns(rt, key))
  if (!def && !form && !handler) notFound()
  if (def && hasRunningInstances(rt, def)) {
    // Zeebe: INVALID_STATE, which its gateway answers as FAILED_PRECONDITION
    throw new EngineError(
      EngineErrorCode.FailedPrecondition,
      `Expected to delete resource with key \`${key}\` but there are still running instances`,
    )
  }
  const tenantId = def?.tenantId ?? form?.tenantId ?? handler?.tenantOf(rt, key) ?? '<default>'
  const value = { resourceKey: key, tenantId }
  const deletionKey = rt.newKey()
  rt.emit('RESOURCE_DELETION', 'DELETING', deletionKey, value)
  if (def) deleteProcess(rt, def)
  else if (form) deleteForm(rt, form)
  else handler?.delete(rt, key)
  rt.emit('RESOURCE_DELETION', 'DELETED', deletionKey, value)
}
