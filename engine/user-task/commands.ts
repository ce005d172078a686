/**
 * Camunda user task commands, processed inside one engine command each: Zeebe's USER_TASK
 * ASSIGN, CLAIM, UPDATE and COMPLETE with their preconditions and rejection wording
 * (UserTaskCommandPreconditionChecker, UserTaskClaimProcessor), and the completion of task
 * listener jobs (denial, corrections), as Zeebe's JobCompleteProcessor does for them.
 */
import { EngineError, EngineErrorCode, type JobResult, type Variables } from '../api'
import type { Runtime } from '../runtime/runtime'
import type { JobRecordValue } from '../state/records'
import type { JobState } from '../state/state'
import {
  continueTransition,
  deniedIntentOf,
  emitUserTask,
  startTransition,
  taskOf,
} from './lifecycle'
import { UserTaskIntent, type UserTaskState, userTasksOf } from './state'
import { applyChanges, checkChanges } from './values'

function reject(code: EngineErrorCode, message: string): never {
  throw new EngineError(code, message)
}

/** The task for a command, in state CREATED (Zeebe's precondition for every command). */
function openTask(rt: Runtime, userTaskKey: string, intent: string): UserTaskState {
  if (!/^\d+$/.test(String(userTaskKey))) {
    reject(
      EngineErrorCode.InvalidArgument,
      `Expected user task key to be a key, but was '${userTaskKey}'`,
    )
  }
  const task = userTasksOf(rt.s)[userTaskKey]
  if (!task) {
    reject(
      EngineErrorCode.NotFound,
      `Expected to ${intent} user task with key '${userTaskKey}', but no such user task was found`,
    )
  }
  if (task.state !== 'CREATED') {
    reject(
      EngineErrorCode.FailedPrecondition,
      `Expected to ${intent} user task with key '${userTaskKey}', but it is in state '${task.state}'`,
    )
  }
  return task
}

function elementOfTask(rt: Runtime, task: UserTaskState) {
  const ei = rt.s.elementInstances[task.value.elementInstanceKey]
  if (!ei) throw new Error(`user task ${task.key} has no element instance`)
  return ei
}

/** ASSIGN: a new assignee (empty = unassign); `allowOverride: false` is a CLAIM. */
export function assignUserTask(
  rt: Runtime,
  userTaskKey: string,
  cmd: { assignee: string; action?: string; allowOverride?: boolean },
): void {
  if (cmd.allowOverride === false) {
    claimUserTask(rt, userTaskKey, { assignee: cmd.assignee, action: cmd.action || 'assign' })
    return
  }
  const task = openTask(rt, userTaskKey, 'assign')
  const assignee = cmd.assignee ?? ''
  startTransition(rt, elementOfTask(rt, task), UserTaskIntent.Assigning, {
    ...task.value,
    assignee,
    changedAttributes: task.value.assignee === assignee ? [] : ['assignee'],
    action: cmd.action || 'assign',
    variables: {},
    deniedReason: '',
  })
}

/** CLAIM: assign to `assignee` unless someone else has the task. */
export function claimUserTask(
  rt: Runtime,
  userTaskKey: string,
  cmd: { assignee: string; action?: string },
): void {
  const task = openTask(rt, userTaskKey, 'claim')
  const assignee = cmd.assignee ?? ''
  if (assignee.trim() === '') {
    reject(
      EngineErrorCode.FailedPrecondition,
      `Expected to claim user task with key '${userTaskKey}', but provided assignee is empty`,
    )
  }
  const current = task.value.assignee
  if (current !== '' && current !== assignee) {
    reject(
      EngineErrorCode.FailedPrecondition,
      `Expected to claim user task with key '${userTaskKey}', but it has already been assigned`,
    )
  }
  startTransition(rt, elementOfTask(rt, task), UserTaskIntent.Claiming, {
    ...task.value,
    assignee,
    changedAttributes: current === assignee ? [] : ['assignee'],
    action: cmd.action || 'claim',
    variables: {},
    deniedReason: '',
  })
}

/** UPDATE: candidates, dates, priority; `changedAttributes` lists what actually changed. */
export function updateUserTask(
  rt: Runtime,
  userTaskKey: string,
  cmd: { changeset?: Record<string, unknown>; action?: string },
): void {
  const task = openTask(rt, userTaskKey, 'update')
  const raw = { ...(cmd.changeset ?? {}) }
  if ('assignee' in raw) {
    reject(
      EngineErrorCode.InvalidArgument,
      `Expected to update user task with key '${userTaskKey}', but the changeset contains 'assignee'; assign the task instead`,
    )
  }
  const changes = checkChanges(raw, 'the changeset')
  if (typeof changes === 'string') reject(EngineErrorCode.InvalidArgument, changes)
  const { value, changed } = applyChanges(task.value, changes)
  startTransition(rt, elementOfTask(rt, task), UserTaskIntent.Updating, {
    ...value,
    changedAttributes: changed,
    action: cmd.action || 'update',
    variables: {},
    deniedReason: '',
  })
}

/** COMPLETE: the variables are merged like a job completion's once the task completed. */
export function completeUserTask(
  rt: Runtime,
  userTaskKey: string,
  cmd: { variables?: Variables; action?: string },
): void {
  const variables = cmd.variables ?? {}
  if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) {
    reject(
      EngineErrorCode.InvalidArgument,
      `Expected document to be a root level object, but was '${Array.isArray(variables) ? 'ARRAY' : typeof variables}'`,
    )
  }
  const task = openTask(rt, userTaskKey, 'complete')
  startTransition(rt, elementOfTask(rt, task), UserTaskIntent.Completing, {
    ...task.value,
    changedAttributes: [],
    action: cmd.action || 'complete',
    variables,
    deniedReason: '',
  })
}

/** The assignee the model gave a task still CREATING (Zeebe's `findInitialAssignee`). */
function initialAssignee(rt: Runtime, job: JobRecordValue): string {
  const ei = rt.s.elementInstances[job.elementInstanceKey]
  const task = ei ? taskOf(rt, ei) : undefined
  return task?.state === 'CREATING' ? task.value.assignee : ''
}

/** Event types whose transition a listener may deny. */
const deniable = ['ASSIGNING', 'UPDATING', 'COMPLETING']

/**
 * Completes a task listener job: JOB COMPLETED (with its result), then the denial, or the
 * corrections (USER_TASK CORRECTED) and the next listener or the transition's end.
 */
export function completeTaskListenerJob(
  rt: Runtime,
  job: JobState,
  variables: Variables,
  result: JobResult | undefined,
): void {
  const v = job.value
  const eventType = v.listenerEventType
  if (Object.keys(variables).length > 0) {
    reject(
      EngineErrorCode.InvalidArgument,
      `Task Listener job completion with variables payload provided is not yet supported (job key '${job.key}', type '${v.type}', processInstanceKey '${v.processInstanceKey}'). Support will be enabled with the resolution of issue #23702.`,
    )
  }
  const denied = result?.denied === true
  const ids = `(job key '${job.key}', type '${v.type}', processInstanceKey '${v.processInstanceKey}')`
  if (denied && !deniable.includes(eventType)) {
    reject(
      EngineErrorCode.InvalidArgument,
      `Denying result is not supported for '${eventType}' task listener jobs ${ids}. Only the following listener event types support denying: [ASSIGNING, COMPLETING, UPDATING].`,
    )
  }
  const corrections = checkChanges(result?.corrections ?? {}, 'the correction')
  if (typeof corrections === 'string') reject(EngineErrorCode.InvalidArgument, corrections)
  const corrected = Object.keys(corrections)
  if (denied && corrected.length > 0) {
    reject(
      EngineErrorCode.InvalidArgument,
      `Expected to complete task listener job with corrections, but the job result is denied ${ids}. The corrections would be reverted by the denial. Either complete the job with corrections without setting denied, or complete the job with a denied result but no corrections.`,
    )
  }
  if (eventType === 'CREATING' && corrected.includes('assignee') && initialAssignee(rt, v)) {
    reject(
      EngineErrorCode.InvalidArgument,
      `Expected to complete task listener job, but correcting the assignee on 'CREATING' event is not supported when the user task has an assignee defined in the model ${ids}. Use the 'CREATING' event to set an assignee only if it was not defined. Use the 'ASSIGNING' event to correct an assignee that is already defined.`,
    )
  }
  rt.emit(
    'JOB',
    'COMPLETED',
    job.key,
    {
      ...v,
      variables: {},
      result: {
        type: 'USER_TASK',
        denied,
        deniedReason: result?.deniedReason ?? '',
        corrections: { ...corrections },
        correctedAttributes: corrected,
      },
    },
    v.processInstanceKey,
  )
  const ei = rt.s.elementInstances[v.elementInstanceKey]
  const task = ei ? taskOf(rt, ei) : undefined
  if (!ei || !task || !task.pending) return
  if (denied) {
    const intent = deniedIntentOf[task.state]
    if (!intent) return
    emitUserTask(rt, intent, {
      ...task.value,
      action: task.pending.action,
      changedAttributes: [],
      variables: {},
      deniedReason: result?.deniedReason ?? '',
    })
    return
  }
  if (corrected.length > 0) {
    const { value } = applyChanges(task.pending, corrections)
    const names = corrected.map((k) =>
      k === 'candidateGroups'
        ? 'candidateGroupsList'
        : k === 'candidateUsers'
          ? 'candidateUsersList'
          : k,
    )
    const before = task.pending.changedAttributes
    const changedAttributes = [...before, ...names.filter((n) => !before.includes(n))]
    emitUserTask(rt, UserTaskIntent.Corrected, { ...value, changedAttributes })
  }
  // The next listener, or the transition's end.
  continueTransition(rt, ei)
}
