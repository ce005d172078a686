/**
 * The inbox's task as the API returns it (GET /api/tasks, GET /api/tasks/:id): a job-worker user
 * task or a Camunda user task, both the same shape. The server builds it in
 * server/src/inbox/task-model.ts; the inbox reads it.
 */

/** How the engine holds a task: a job of a job worker, or a Camunda user task. */
export const TaskKind = { Job: 'job', Camunda: 'camunda' } as const
export type TaskKind = (typeof TaskKind)[keyof typeof TaskKind]

export const TaskState = {
  Open: 'open',
  Claimed: 'claimed',
  /** Data stored, the job completion is on its way to the engine. */
  Completing: 'completing',
  Completed: 'completed',
  Cancelled: 'cancelled',
} as const
export type TaskState = (typeof TaskState)[keyof typeof TaskState]

/** A task as the API returns it. */
export interface Task {
  id: string
  /** `job` (job-worker user task) or `camunda` (Camunda user task, `zeebe:userTask`). */
  kind: TaskKind
  /** The job of a job-worker user task; null for a Camunda user task. */
  jobKey: string | null
  /** The key of a Camunda user task; null for a job-worker user task. */
  userTaskKey: string | null
  name: string
  elementId: string
  elementInstanceKey: string
  bpmnProcessId: string
  processName: string
  processVersion: number
  processDefinitionKey: string
  processInstanceKey: string
  caseKind: string | null
  caseId: string | null
  caseTitle: string | null
  state: TaskState
  assignee: string | null
  candidateGroups: string[]
  candidateUsers: string[]
  /** Zeebe's user-task priority, 0..100 (default 50); see shared/api/priority.ts. */
  priority: number
  dueDate: string | null
  followUpDate: string | null
  createdAt: string
  claimedAt: string | null
  completedAt: string | null
  completedBy: string | null
  formId: string | null
  formKey: string | null
  /** Live (open or claimed) and past its due date. */
  overdue: boolean
  /** When the built-in overdue escalation notified the groups (null = not yet). */
  escalatedAt: string | null
  version: number
}
