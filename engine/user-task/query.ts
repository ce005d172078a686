/**
 * Reads of open user tasks (what the REST API's `/v2/user-tasks` search and get will serve).
 * Completed and canceled tasks leave the state; their history is the USER_TASK records.
 */
import type { UserTask, UserTaskFilter } from '../api'
import type { UserTaskRecordValue } from '../state/records'
import type { EngineStateData } from '../state/state'
import { userTasksOf } from './state'

/** A USER_TASK record value as the in-process view. */
export function userTaskView(value: UserTaskRecordValue, state: string): UserTask {
  const optional = (name: string, v: string) => (v !== '' ? { [name]: v } : {})
  return {
    userTaskKey: String(value.userTaskKey),
    state,
    ...optional('assignee', value.assignee),
    candidateGroups: [...value.candidateGroupsList],
    candidateUsers: [...value.candidateUsersList],
    ...optional('dueDate', value.dueDate),
    ...optional('followUpDate', value.followUpDate),
    priority: value.priority,
    ...(value.formKey > 0 ? { formKey: String(value.formKey) } : {}),
    ...optional('externalFormReference', value.externalFormReference),
    customHeaders: { ...value.customHeaders },
    elementId: value.elementId,
    elementInstanceKey: String(value.elementInstanceKey),
    processInstanceKey: String(value.processInstanceKey),
    processDefinitionKey: String(value.processDefinitionKey),
    processDefinitionVersion: value.processDefinitionVersion,
    bpmnProcessId: value.bpmnProcessId,
    tenantId: value.tenantId,
    creationDate: value.creationTimestamp,
  }
}

/** An open user task by key. */
export function getUserTask(s: EngineStateData, userTaskKey: string): UserTask | undefined {
  const task = userTasksOf(s)[userTaskKey]
  return task ? userTaskView(task.value, task.state) : undefined
}

/** Open user tasks matching every given field of `filter`, oldest first. */
export function listUserTasks(s: EngineStateData, filter: UserTaskFilter = {}): UserTask[] {
  return Object.values(userTasksOf(s))
    .sort((a, b) => a.key - b.key)
    .map((t) => userTaskView(t.value, t.state))
    .filter(
      (t) =>
        (filter.state === undefined || t.state === filter.state) &&
        (filter.assignee === undefined || (t.assignee ?? '') === filter.assignee) &&
        (filter.candidateGroup === undefined ||
          t.candidateGroups.includes(filter.candidateGroup)) &&
        (filter.candidateUser === undefined || t.candidateUsers.includes(filter.candidateUser)) &&
        (filter.processInstanceKey === undefined ||
          t.processInstanceKey === filter.processInstanceKey) &&
        (filter.processDefinitionKey === undefined ||
          t.processDefinitionKey === filter.processDefinitionKey) &&
        (filter.bpmnProcessId === undefined || t.bpmnProcessId === filter.bpmnProcessId) &&
        (filter.elementId === undefined || t.elementId === filter.elementId) &&
        (filter.tenantId === undefined || t.tenantId === filter.tenantId),
    )
}
