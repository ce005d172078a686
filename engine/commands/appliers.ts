/**
 * Appliers of the records that process instance modification, migration and resource deletion
 * write (Zeebe's MIGRATED and DELETED intents). `applyRecord` (state/appliers.ts) hands every event
 * to {@link applyCommandRecord} first; it returns true for the records it owns, so replaying the
 * log rebuilds the same state as the live commands.
 */
import type { EngineRecord } from '../state/records'
import type { EngineStateData, StateIndex } from '../state/state'
import { userTasksOf } from '../user-task/state'

/** State kept for deleted resources: the highest version each id ever had. */
interface DeletedVersions {
  /** `process|form \0 id \0 tenant` → highest version deleted. */
  deletedVersions?: Record<string, number>
}

function floorKey(kind: 'process' | 'form', id: string, tenantId: string): string {
  return `${kind}\u0000${id}\u0000${tenantId}`
}

/**
 * The version a new deployment of `id` gets: one above the latest existing version and above
 * every deleted one (Zeebe never reuses the version number of a deleted definition).
 */
export function nextVersion(
  s: EngineStateData,
  kind: 'process' | 'form',
  id: string,
  tenantId: string,
  latest: number | undefined,
): number {
  const deleted = (s as EngineStateData & DeletedVersions).deletedVersions?.[
    floorKey(kind, id, tenantId)
  ]
  return Math.max(latest ?? 0, deleted ?? 0) + 1
}

function rememberDeleted(
  s: EngineStateData,
  kind: 'process' | 'form',
  id: string,
  tenantId: string,
  version: number,
): void {
  const floors = ((s as EngineStateData & DeletedVersions).deletedVersions ??= {})
  const key = floorKey(kind, id, tenantId)
  floors[key] = Math.max(floors[key] ?? 0, version)
}

function removeVersion(map: Map<string, number[]>, id: string, key: number): void {
  const list = map.get(id)
  if (!list) return
  const rest = list.filter((k) => k !== key)
  if (rest.length > 0) map.set(id, rest)
  else map.delete(id)
}

/** Applies a modification, migration or deletion record; false for every other record. */
export function applyCommandRecord(s: EngineStateData, idx: StateIndex, r: EngineRecord): boolean {
  const key = Number(r.key)
  switch (r.valueType) {
    case 'PROCESS_INSTANCE_MODIFICATION':
      return r.intent === 'MODIFIED'
    case 'PROCESS_INSTANCE_MIGRATION':
      return r.intent === 'MIGRATED'
    case 'RESOURCE_DELETION':
      // history only: the state changes with the records around them
      return r.intent === 'DELETING' || r.intent === 'DELETED'
    case 'VARIABLE':
      return r.intent === 'MIGRATED'
    case 'PROCESS_INSTANCE': {
      if (r.intent !== 'ELEMENT_MIGRATED') return false
      const ei = s.elementInstances[key]
      if (!ei) return true
      const elementId = r.value.elementId
      if (ei.key === ei.piKey && ei.elementId !== elementId) {
        // a message start lock follows the instance to its new process id
        for (const [lock, piKey] of Object.entries(s.messageStartLocks)) {
          if (piKey !== ei.key) continue
          const correlationKey = lock.slice(lock.indexOf('\u0000') + 1)
          delete s.messageStartLocks[lock]
          s.messageStartLocks[`${elementId}\u0000${correlationKey}`] = piKey
        }
      }
      ei.defKey = r.value.processDefinitionKey
      ei.elementId = elementId
      return true
    }
    case 'JOB': {
      if (r.intent !== 'MIGRATED') return false
      const job = s.jobs[key]
      if (job) job.value = { ...job.value, ...r.value, variables: {} }
      return true
    }
    case 'INCIDENT': {
      if (r.intent !== 'MIGRATED') return false
      const incident = s.incidents[key]
      if (incident) incident.value = r.value
      return true
    }
    case 'TIMER': {
      if (r.intent !== 'MIGRATED') return false
      const timer = s.timers[key]
      if (timer) timer.value = r.value
      return true
    }
    case 'MESSAGE_SUBSCRIPTION': {
      if (r.intent !== 'MIGRATED') return false
      const sub = s.messageSubscriptions[key]
      if (sub) sub.value = r.value
      return true
    }
    case 'SIGNAL_SUBSCRIPTION': {
      if (r.intent !== 'MIGRATED') return false
      const sub = s.signalSubscriptions[key]
      if (sub) sub.value = r.value
      return true
    }
    case 'USER_TASK': {
      if (r.intent !== 'MIGRATED') return false
      const task = userTasksOf(s)[key]
      if (!task) return true
      const v = r.value
      const moved = {
        bpmnProcessId: v.bpmnProcessId,
        processDefinitionKey: v.processDefinitionKey,
        processDefinitionVersion: v.processDefinitionVersion,
        elementId: v.elementId,
      }
      task.value = { ...task.value, ...moved }
      if (task.pending) task.pending = { ...task.pending, ...moved }
      return true
    }
    case 'PROCESS': {
      if (r.intent === 'DELETING') return true
      if (r.intent !== 'DELETED') return false
      const defKey = r.value.processDefinitionKey
      const def = s.processes[defKey]
      if (!def) return true
      delete s.processes[defKey]
      removeVersion(idx.versions, def.bpmnProcessId, defKey)
      rememberDeleted(s, 'process', def.bpmnProcessId, def.tenantId, def.version)
      return true
    }
    case 'FORM': {
      if (r.intent !== 'DELETED') return false
      const formKey = r.value.formKey
      const form = s.forms[formKey]
      if (!form) return true
      delete s.forms[formKey]
      removeVersion(idx.formVersions, form.formId, formKey)
      rememberDeleted(s, 'form', form.formId, form.tenantId, form.version)
      return true
    }
    default:
      return false
  }
}
