/** Searches of Camunda 8.8's user tasks and jobs (8.8's filter fields, operators, sorts). */
import { compact, iso, key, text } from './convert'
import { variablesFilter } from './instances'
import { EntitySearch, Ops, type FieldSpec } from './query'
import { Tables, type Row } from './tables'

export const USER_TASK_STATES = [
  'CREATING',
  'CREATED',
  'ASSIGNING',
  'UPDATING',
  'COMPLETING',
  'COMPLETED',
  'CANCELING',
  'CANCELED',
  'FAILED',
] as const
export const JOB_STATES = [
  'CANCELED',
  'COMPLETED',
  'CREATED',
  'ERROR_THROWN',
  'FAILED',
  'MIGRATED',
  'RETRIES_UPDATED',
  'TIMED_OUT',
] as const
export const JOB_KINDS = [
  'BPMN_ELEMENT',
  'EXECUTION_LISTENER',
  'TASK_LISTENER',
  'AD_HOC_SUB_PROCESS',
] as const
export const JOB_LISTENER_EVENT_TYPES = [
  'UNSPECIFIED',
  'START',
  'END',
  'CREATING',
  'ASSIGNING',
  'UPDATING',
  'COMPLETING',
  'CANCELING',
] as const

const f = (
  sql: string,
  kind: FieldSpec['kind'],
  ops?: FieldSpec['ops'],
  values?: readonly string[],
): FieldSpec => ({ sql: `t.${sql}`, kind, ...(ops ? { ops } : {}), ...(values ? { values } : {}) })

export function userTaskResult(r: Row) {
  return compact({
    name: text(r.name),
    state: String(r.state),
    assignee: text(r.assignee),
    elementId: String(r.element_id),
    candidateGroups: (r.candidate_groups as string[] | null) ?? [],
    candidateUsers: (r.candidate_users as string[] | null) ?? [],
    processDefinitionId: String(r.process_definition_id),
    creationDate: iso(r.creation_date),
    completionDate: iso(r.completion_date),
    followUpDate: iso(r.follow_up_date),
    dueDate: iso(r.due_date),
    tenantId: String(r.tenant_id),
    externalFormReference: text(r.external_form_reference),
    processDefinitionVersion: Number(r.process_definition_version),
    customHeaders: (r.custom_headers as Record<string, string> | null) ?? {},
    priority: Number(r.priority),
    userTaskKey: String(r.user_task_key),
    elementInstanceKey: key(r.element_instance_key),
    processName: text(r.process_name),
    processDefinitionKey: key(r.process_definition_key),
    processInstanceKey: key(r.process_instance_key),
    formKey: key(r.form_key),
  })
}

export const userTasks = new EntitySearch({
  table: Tables.userTasks,
  tiebreak: 'user_task_key',
  filters: {
    state: f('state', 'enum', Ops.enum, USER_TASK_STATES),
    assignee: f('assignee', 'string', Ops.string),
    priority: f('priority', 'int', Ops.range),
    elementId: f('element_id', 'string'),
    name: f('name', 'string'),
    candidateGroup: { ...f('candidate_groups', 'string', Ops.string), array: true },
    candidateUser: { ...f('candidate_users', 'string', Ops.string), array: true },
    tenantId: f('tenant_id', 'string', Ops.string),
    processDefinitionId: f('process_definition_id', 'string'),
    creationDate: f('creation_date', 'date', Ops.range),
    completionDate: f('completion_date', 'date', Ops.range),
    followUpDate: f('follow_up_date', 'date', Ops.range),
    dueDate: f('due_date', 'date', Ops.range),
    processInstanceVariables: variablesFilter((v) => `${v}.scope_key = t.process_instance_key`),
    localVariables: variablesFilter((v) => `${v}.scope_key = t.element_instance_key`),
    userTaskKey: f('user_task_key', 'key'),
    processDefinitionKey: f('process_definition_key', 'key'),
    processInstanceKey: f('process_instance_key', 'key'),
    elementInstanceKey: f('element_instance_key', 'key'),
  },
  sorts: {
    creationDate: { sql: 't.creation_date', kind: 'date' },
    completionDate: { sql: 't.completion_date', kind: 'date' },
    followUpDate: { sql: 't.follow_up_date', kind: 'date' },
    dueDate: { sql: 't.due_date', kind: 'date' },
    priority: { sql: 't.priority', kind: 'int' },
    name: { sql: 't.name', kind: 'string' },
  },
  toResult: userTaskResult,
})

export function jobResult(r: Row) {
  return {
    customHeaders: (r.custom_headers as Record<string, string> | null) ?? {},
    deadline: iso(r.deadline) ?? null,
    deniedReason: text(r.denied_reason) ?? null,
    elementId: String(r.element_id),
    elementInstanceKey: String(r.element_instance_key),
    ...(r.end_time !== null ? { endTime: iso(r.end_time) } : {}),
    errorCode: text(r.error_code) ?? null,
    errorMessage: text(r.error_message) ?? null,
    hasFailedWithRetriesLeft: Boolean(r.has_failed_with_retries_left),
    isDenied: r.is_denied === null || r.is_denied === undefined ? null : Boolean(r.is_denied),
    jobKey: String(r.job_key),
    kind: String(r.kind),
    listenerEventType: String(r.listener_event_type),
    processDefinitionId: String(r.process_definition_id),
    processDefinitionKey: String(r.process_definition_key),
    processInstanceKey: String(r.process_instance_key),
    retries: Number(r.retries),
    state: String(r.state),
    tenantId: String(r.tenant_id),
    type: String(r.type),
    worker: String(r.worker ?? ''),
  }
}

export const jobs = new EntitySearch({
  table: Tables.jobs,
  tiebreak: 'job_key',
  filters: {
    deadline: f('deadline', 'date', Ops.range),
    deniedReason: f('denied_reason', 'string', Ops.string),
    elementId: f('element_id', 'string', Ops.string),
    elementInstanceKey: f('element_instance_key', 'key', Ops.basic),
    endTime: f('end_time', 'date', Ops.range),
    errorCode: f('error_code', 'string', Ops.string),
    errorMessage: f('error_message', 'string', Ops.string),
    hasFailedWithRetriesLeft: f('has_failed_with_retries_left', 'bool'),
    isDenied: f('is_denied', 'bool'),
    jobKey: f('job_key', 'key', Ops.basic),
    kind: f('kind', 'enum', Ops.enum, JOB_KINDS),
    listenerEventType: f('listener_event_type', 'enum', Ops.enum, JOB_LISTENER_EVENT_TYPES),
    processDefinitionId: f('process_definition_id', 'string', Ops.string),
    processDefinitionKey: f('process_definition_key', 'key', Ops.basic),
    processInstanceKey: f('process_instance_key', 'key', Ops.basic),
    retries: f('retries', 'int', Ops.range),
    state: f('state', 'enum', Ops.enum, JOB_STATES),
    tenantId: f('tenant_id', 'string', Ops.string),
    type: f('type', 'string', Ops.string),
    worker: f('worker', 'string', Ops.string),
  },
  sorts: Object.fromEntries(
    (
      [
        ['deadline', 'deadline', 'date'],
        ['deniedReason', 'denied_reason', 'string'],
        ['elementId', 'element_id', 'string'],
        ['elementInstanceKey', 'element_instance_key', 'key'],
        ['endTime', 'end_time', 'date'],
        ['errorCode', 'error_code', 'string'],
        ['errorMessage', 'error_message', 'string'],
        ['isDenied', 'is_denied', 'bool'],
        ['jobKey', 'job_key', 'key'],
        ['kind', 'kind', 'string'],
        ['listenerEventType', 'listener_event_type', 'string'],
        ['processDefinitionId', 'process_definition_id', 'string'],
        ['processDefinitionKey', 'process_definition_key', 'key'],
        ['processInstanceKey', 'process_instance_key', 'key'],
        ['retries', 'retries', 'int'],
        ['state', 'state', 'string'],
        ['tenantId', 'tenant_id', 'string'],
        ['type', 'type', 'string'],
        ['worker', 'worker', 'string'],
      ] as const
    ).map(([field, col, kind]) => [field, { sql: `t.${col}`, kind }]),
  ),
  toResult: jobResult,
})
