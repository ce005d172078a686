/**
 * The inbox's task as people see it: a job-worker user task (job type `io.camunda.zeebe:userTask`,
 * whose job's custom headers carry assignee, candidate groups and users, form key, due and
 * follow-up dates and priority) or a Camunda user task (`zeebe:userTask`, read through the v2
 * API, see `camunda-task.intake.ts`). Both are the same TaskView.
 */
import { TaskKind, TaskState, type Task as TaskView } from '@shared/api/tasks'
import { isoOrNull as iso } from '../db/timestamps'

/** How the engine holds a task, its states and the task as the API returns it: shared/api/tasks.ts. */
export { TaskKind, TaskState, type Task as TaskView } from '@shared/api/tasks'

export const USER_TASK_JOB_TYPE = 'io.camunda.zeebe:userTask'

/** The states of a task someone may still act on. */
export const LIVE_STATES: TaskState[] = [TaskState.Open, TaskState.Claimed]

/** Whether a task in `state` is live (open or claimed). */
export const isLive = (state: string) => (LIVE_STATES as readonly string[]).includes(state)

/** Zeebe's header names for job-worker user tasks. */
export const UserTaskHeader = {
  Assignee: 'io.camunda.zeebe:assignee',
  CandidateGroups: 'io.camunda.zeebe:candidateGroups',
  CandidateUsers: 'io.camunda.zeebe:candidateUsers',
  FormKey: 'io.camunda.zeebe:formKey',
  DueDate: 'io.camunda.zeebe:dueDate',
  FollowUpDate: 'io.camunda.zeebe:followUpDate',
  Priority: 'io.camunda.zeebe:priority',
} as const

/** Parses a header holding a list: Zeebe writes JSON arrays; people write comma lists. */
export function parseList(value: string | undefined): string[] {
  if (!value) return []
  const text = value.trim()
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text)
      if (Array.isArray(parsed)) return parsed.map(String).filter(Boolean)
    } catch {
      // not JSON after all: fall through to a comma list
    }
  }
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

/** A date header (ISO 8601) or null when absent or unreadable. */
export function parseDate(value: string | undefined): Date | null {
  if (!value) return null
  const d = new Date(value)
  return Number.isNaN(d.getTime()) ? null : d
}

/** Zeebe's user-task priority is 0..100, default 50. */
export function parsePriority(value: string | undefined): number {
  const n = Number(value)
  return Number.isInteger(n) && n >= 0 && n <= 100 ? n : 50
}

interface TaskRow {
  id: string
  job_key: string | null
  kind: string
  user_task_key: string | null
  name: string
  element_id: string
  element_instance_key: string
  bpmn_process_id: string
  process_name: string
  process_version: number
  process_definition_key: string
  process_instance_key: string
  case_kind: string | null
  case_id: string | null
  case_title: string | null
  state: string
  assignee: string | null
  candidate_groups: string[]
  candidate_users: string[]
  priority: number
  due_date: Date | string | null
  follow_up_date: Date | string | null
  created_at: Date | string
  claimed_at: Date | string | null
  completed_at: Date | string | null
  completed_by: string | null
  form_id: string | null
  form_key: string | null
  escalated_at?: Date | string | null
  version: number
}

export function taskView(r: TaskRow, now = Date.now()): TaskView {
  const due = iso(r.due_date)
  const live = r.state === TaskState.Open || r.state === TaskState.Claimed
  return {
    id: r.id,
    kind: r.kind === TaskKind.Camunda ? TaskKind.Camunda : TaskKind.Job,
    jobKey: r.job_key,
    userTaskKey: r.user_task_key,
    name: r.name,
    elementId: r.element_id,
    elementInstanceKey: r.element_instance_key,
    bpmnProcessId: r.bpmn_process_id,
    processName: r.process_name,
    processVersion: r.process_version,
    processDefinitionKey: r.process_definition_key,
    processInstanceKey: r.process_instance_key,
    caseKind: r.case_kind,
    caseId: r.case_id,
    caseTitle: r.case_title,
    state: r.state as TaskState,
    assignee: r.assignee,
    candidateGroups: r.candidate_groups,
    candidateUsers: r.candidate_users,
    priority: r.priority,
    dueDate: due,
    followUpDate: iso(r.follow_up_date),
    createdAt: iso(r.created_at) ?? '',
    claimedAt: iso(r.claimed_at),
    completedAt: iso(r.completed_at),
    completedBy: r.completed_by,
    formId: r.form_id,
    formKey: r.form_key,
    overdue: live && due !== null && new Date(due).getTime() < now,
    escalatedAt: iso(r.escalated_at ?? null),
    version: r.version,
  }
}
