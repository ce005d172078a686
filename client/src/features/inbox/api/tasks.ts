/** The task inbox API (server/src/inbox): list, detail, claim, complete, comments. */
import type { Task } from '@shared/api/tasks'
import { api } from '../../../lib/api'
import { withQuery } from '../../../lib/use-api'

/** A user task as the inbox lists it: the server's own type (shared/api/tasks.ts). */
export type { Task }

/** Tab counts shown beside the views. */
export interface TaskCounts {
  mine: number
  groups: number
  unassigned: number
  overdue: number
}

export interface TaskPage {
  items: Task[]
  total: number
  counts: TaskCounts
}

/** Everything the inbox can filter, sort and page by; mirrors GET /api/tasks. */
export interface TaskQuery {
  view: 'mine' | 'groups' | 'unassigned' | 'all'
  state?: string
  group?: string
  assignee?: string
  bpmnProcessId?: string
  processVersion?: string
  priority?: string
  dueBefore?: string
  overdue?: boolean
  q?: string
  sort: 'created' | 'due' | 'priority' | 'name'
  order: 'asc' | 'desc'
  page: number
  pageSize: number
}

export const defaultTaskQuery: TaskQuery = {
  view: 'groups',
  // no state = the live tasks (open and claimed)
  sort: 'created',
  order: 'desc',
  page: 1,
  pageSize: 25,
}

export interface Comment {
  id: string
  author: string
  body: string
  createdAt: string
}

/** GET /api/tasks/:id. */
export interface TaskDetail {
  task: Task
  form: Record<string, unknown> | null
  variables: Record<string, unknown>
  case: Record<string, unknown> | null
  related?: Record<string, unknown>[]
  matches?: {
    knownErrors: Record<string, unknown>[]
    problems: Record<string, unknown>[]
    cis: Record<string, unknown>[]
  } | null
  sla?: { responseDue: string | null; resolutionDue: string | null; breached: boolean } | null
  comments?: Comment[]
  /** The case fields the task's diagram declares it shows (`context:`), read-only. */
  context?: ContextItem[]
  /** Why the user may not complete the task (`sod:` segregation of duties), or null. */
  segregation?: { rule: string; reason: string } | null
}

/** One case field a task shows above its form. */
export interface ContextItem {
  field: string
  label: string
  value: unknown
  /** Names for references, option labels, Yes/No; '' when not recorded. */
  display: string
  type: 'text' | 'number' | 'boolean' | 'datetime' | 'list'
}

export const taskListPath = (q: TaskQuery) =>
  withQuery('/tasks', { ...q, overdue: q.overdue ? 'true' : undefined })

export const claimTask = (id: string) => api<unknown>(`/tasks/${id}/claim`, { method: 'POST' })
export const unclaimTask = (id: string) => api<unknown>(`/tasks/${id}/unclaim`, { method: 'POST' })
export const completeTask = (id: string, data: Record<string, unknown>) =>
  api<unknown>(`/tasks/${id}/complete`, { method: 'POST', body: { data } })
export const addComment = (id: string, body: string) =>
  api<Comment>(`/tasks/${id}/comments`, { method: 'POST', body: { body } })
/** Adds a work note or reply to the task's case, naming the task. */
export const addTaskActivity = (id: string, type: 'work-note' | 'reply', body: string) =>
  api<unknown>(`/tasks/${id}/activity`, { method: 'POST', body: { type, body } })
export const assignTask = (id: string, assignee: string) =>
  api<unknown>(`/tasks/${id}/assign`, { method: 'POST', body: { assignee } })
