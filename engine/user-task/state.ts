/**
 * User task state and its appliers. A Camunda user task lives in `EngineStateData.userTasks`
 * from USER_TASK CREATING until COMPLETED or CANCELED; it changes only through these appliers
 * (USER_TASK records, and JOB COMPLETED of its task listener jobs), so replaying the log
 * rebuilds it exactly.
 */
import type { JobRecordValue, UserTaskRecordValue } from '../state/records'
import type { EngineStateData } from '../state/state'

/** Zeebe's user task lifecycle states (`UserTaskState.LifecycleState`). */
export type UserTaskLifecycle =
  'CREATING' | 'CREATED' | 'ASSIGNING' | 'CLAIMING' | 'UPDATING' | 'COMPLETING' | 'CANCELING'

export interface UserTaskState {
  key: number
  state: UserTaskLifecycle
  /** The task as it stands (the value of its last CREATED, ASSIGNED or UPDATED record). */
  value: UserTaskRecordValue
  /** The transition in flight (CREATING, ASSIGNING, …): its record, corrections applied. */
  pending?: UserTaskRecordValue
  /** Task listeners of the transition in flight that completed so far. */
  listenersDone: number
}

/** USER_TASK intents Zeebe 8.8 writes as events. */
export const UserTaskIntent = {
  Creating: 'CREATING',
  Created: 'CREATED',
  Assigning: 'ASSIGNING',
  Claiming: 'CLAIMING',
  Assigned: 'ASSIGNED',
  Updating: 'UPDATING',
  Updated: 'UPDATED',
  Completing: 'COMPLETING',
  Completed: 'COMPLETED',
  Canceling: 'CANCELING',
  Canceled: 'CANCELED',
  Corrected: 'CORRECTED',
  AssignmentDenied: 'ASSIGNMENT_DENIED',
  UpdateDenied: 'UPDATE_DENIED',
  CompletionDenied: 'COMPLETION_DENIED',
} as const
export type UserTaskIntent = (typeof UserTaskIntent)[keyof typeof UserTaskIntent]

/** The user tasks of a state (a snapshot written before user tasks existed has none). */
export function userTasksOf(s: EngineStateData): Record<string, UserTaskState> {
  return (s.userTasks ??= {})
}

/** Applies one USER_TASK event. */
export function applyUserTask(
  s: EngineStateData,
  intent: string,
  key: number,
  v: UserTaskRecordValue,
): void {
  const tasks = userTasksOf(s)
  const task = tasks[key]
  switch (intent) {
    case UserTaskIntent.Creating: {
      tasks[key] = { key, state: 'CREATING', value: v, pending: v, listenersDone: 0 }
      const ei = s.elementInstances[v.elementInstanceKey]
      if (ei) ei.userTaskKey = key
      return
    }
    case UserTaskIntent.Assigning:
    case UserTaskIntent.Claiming:
    case UserTaskIntent.Updating:
    case UserTaskIntent.Completing:
    case UserTaskIntent.Canceling:
      if (!task) return
      task.state = intent
      task.pending = v
      task.listenersDone = 0
      return
    case UserTaskIntent.Corrected:
      if (task) task.pending = v
      return
    case UserTaskIntent.Created:
    case UserTaskIntent.Assigned:
    case UserTaskIntent.Updated:
      if (!task) return
      task.state = 'CREATED'
      task.value = v
      delete task.pending
      task.listenersDone = 0
      return
    case UserTaskIntent.AssignmentDenied:
    case UserTaskIntent.UpdateDenied:
    case UserTaskIntent.CompletionDenied:
      if (!task) return
      task.state = 'CREATED'
      delete task.pending
      task.listenersDone = 0
      return
    case UserTaskIntent.Completed:
    case UserTaskIntent.Canceled: {
      delete tasks[key]
      const ei = s.elementInstances[v.elementInstanceKey]
      if (ei && ei.userTaskKey === key) delete ei.userTaskKey
      return
    }
    default:
      return
  }
}

/** A task listener job completed: its transition moves on to the next listener. */
export function applyTaskListenerJobCompleted(s: EngineStateData, v: JobRecordValue): void {
  const ei = s.elementInstances[v.elementInstanceKey]
  const task = ei?.userTaskKey !== undefined ? userTasksOf(s)[ei.userTaskKey] : undefined
  if (task) task.listenersDone += 1
}
