/**
 * User task and job rows of the secondary storage, folded from USER_TASK, JOB and JOB_BATCH records as
 * Camunda's exporter handlers fold them (8.8's states; search/apply.ts calls these).
 */
import type { IntentOf, JobRecordValue, RecordOf } from '../state/records'
import { dateMs, keyOf, str, type Batch } from './batch'
import type { DefinitionInfo } from './apply'

const USER_TASK_STATE: Record<string, string | undefined> = {
  CREATING: 'CREATING',
  CREATED: 'CREATED',
  ASSIGNING: 'ASSIGNING',
  CLAIMING: 'ASSIGNING',
  ASSIGNED: 'CREATED',
  UPDATING: 'UPDATING',
  UPDATED: 'CREATED',
  COMPLETING: 'COMPLETING',
  COMPLETED: 'COMPLETED',
  CANCELING: 'CANCELING',
  CANCELED: 'CANCELED',
  ASSIGNMENT_DENIED: 'CREATED',
  UPDATE_DENIED: 'CREATED',
  COMPLETION_DENIED: 'CREATED',
  MIGRATED: 'CREATED',
}
/** USER_TASK intents whose value holds the task's accepted attributes. */
const USER_TASK_TAKES_VALUES = new Set([
  'CREATING',
  'CREATED',
  'ASSIGNED',
  'UPDATED',
  'CORRECTED',
  'MIGRATED',
])
/** JOB intents that are Camunda 8.8 job states (others, like TIMEOUT_UPDATED, leave the state). */
const JOB_STATES = new Set([
  'CREATED',
  'COMPLETED',
  'FAILED',
  'TIMED_OUT',
  'RETRIES_UPDATED',
  'ERROR_THROWN',
  'CANCELED',
  'MIGRATED',
])

export function foldUserTask(
  r: RecordOf<'USER_TASK'>,
  b: Batch,
  definition: (processDefinitionKey: string) => DefinitionInfo | undefined,
): void {
  const v = r.value
  const pdKey = String(v.processDefinitionKey)
  const def = definition(pdKey)
  let row = b.get('userTasks', r.key)
  if (r.intent === 'CREATING' || !row) {
    row = {
      user_task_key: r.key,
      creation_date: dateMs(v.creationTimestamp) ?? r.timestamp,
      completion_date: null,
    }
    b.put('userTasks', r.key, row)
  }
  const state = USER_TASK_STATE[r.intent]
  if (state) row.state = state
  if (r.intent === 'COMPLETED' || r.intent === 'CANCELED') row.completion_date = r.timestamp
  if (USER_TASK_TAKES_VALUES.has(r.intent)) {
    const elementId = v.elementId
    Object.assign(row, {
      name: def?.info.names.get(elementId) ?? elementId,
      assignee: str(v.assignee),
      element_id: elementId,
      candidate_groups: Array.isArray(v.candidateGroupsList) ? v.candidateGroupsList : [],
      candidate_users: Array.isArray(v.candidateUsersList) ? v.candidateUsersList : [],
      process_definition_id: v.bpmnProcessId,
      follow_up_date: dateMs(v.followUpDate),
      due_date: dateMs(v.dueDate),
      tenant_id: v.tenantId,
      external_form_reference: str(v.externalFormReference),
      process_definition_version: v.processDefinitionVersion,
      custom_headers: v.customHeaders ?? {},
      priority: v.priority ?? 50,
      element_instance_key: keyOf(v.elementInstanceKey),
      process_name: def?.name ?? v.bpmnProcessId,
      process_definition_key: pdKey,
      process_instance_key: keyOf(v.processInstanceKey),
      form_key: keyOf(v.formKey),
    })
  }
  b.touch('userTasks', r.key)
}

export function foldJob(r: RecordOf<'JOB'>, b: Batch): void {
  foldJobChange(b, r.key, r.value, r.timestamp, r.intent)
}

/**
 * A JOB_BATCH ACTIVATED: each job's worker and deadline (a Camunda 8.8 job stays CREATED while a
 * worker holds it).
 */
export function foldJobBatch(r: RecordOf<'JOB_BATCH'>, b: Batch): void {
  r.value.jobKeys.forEach((jobKey, i) => {
    const job = r.value.jobs[i]
    if (job) foldJobChange(b, String(jobKey), job, r.timestamp, undefined)
  })
}

/** A job's row after a change: a JOB record's (`intent`), or its activation (none). */
function foldJobChange(
  b: Batch,
  key: string,
  v: JobRecordValue,
  timestamp: number,
  intent: IntentOf<'JOB'> | undefined,
): void {
  let row = b.get('jobs', key)
  if (intent === 'CREATED' || !row) {
    row = { job_key: key, state: 'CREATED', end_time: null }
    b.put('jobs', key, row)
  }
  if (intent && JOB_STATES.has(intent)) row.state = intent
  if (intent === 'COMPLETED' || intent === 'CANCELED' || intent === 'ERROR_THROWN')
    row.end_time = timestamp
  const result = v.result
  const retries = v.retries
  Object.assign(row, {
    type: v.type,
    worker: str(v.worker) ?? '',
    kind: v.jobKind ?? 'BPMN_ELEMENT',
    listener_event_type: v.listenerEventType ?? 'UNSPECIFIED',
    retries,
    error_message: str(v.errorMessage),
    error_code: str(v.errorCode),
    deadline: dateMs(v.deadline),
    element_id: v.elementId,
    element_instance_key: keyOf(v.elementInstanceKey),
    process_instance_key: keyOf(v.processInstanceKey),
    process_definition_key: keyOf(v.processDefinitionKey),
    process_definition_id: v.bpmnProcessId,
    tenant_id: v.tenantId,
    custom_headers: v.customHeaders ?? {},
    has_failed_with_retries_left:
      intent === 'FAILED' ? retries > 0 : (row.has_failed_with_retries_left ?? false),
    denied_reason: str(result?.deniedReason) ?? row.denied_reason ?? null,
    is_denied: result ? result.denied : (row.is_denied ?? null),
  })
  b.touch('jobs', key)
}
