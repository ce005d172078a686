/**
 * The user task lifecycle as Zeebe 8.8 runs it: a transition (CREATING, ASSIGNING, CLAIMING,
 * UPDATING, COMPLETING) is written, then each task listener of its event type runs as a job of
 * kind TASK_LISTENER, one after the other; when the last one completed the transition is
 * finalized (CREATED, ASSIGNED, UPDATED, COMPLETED). A listener may correct the task
 * (USER_TASK CORRECTED) or deny the transition (ASSIGNMENT_DENIED, UPDATE_DENIED,
 * COMPLETION_DENIED: the task is CREATED again, as it was). Cancellation writes CANCELING and
 * CANCELED.
 */
import type { Variables } from '../api'
import { evaluateTyped } from '../feel/feel'
import type { TaskListenerEventType } from '../model/camunda-user-task'
import { IncidentErrorType, type Runtime } from '../runtime/runtime'
import type { JobRecordValue, UserTaskRecordValue } from '../state/records'
import type { ElementInstanceState } from '../state/state'
import { UserTaskIntent, type UserTaskState, userTasksOf } from './state'

/** The listener event type of a transition in flight. */
const eventTypeOf: Record<string, TaskListenerEventType> = {
  CREATING: 'creating',
  ASSIGNING: 'assigning',
  CLAIMING: 'assigning',
  UPDATING: 'updating',
  COMPLETING: 'completing',
  CANCELING: 'canceling',
}

/** What a transition's denial writes. */
export const deniedIntentOf: Record<string, UserTaskIntent | undefined> = {
  ASSIGNING: UserTaskIntent.AssignmentDenied,
  CLAIMING: UserTaskIntent.AssignmentDenied,
  UPDATING: UserTaskIntent.UpdateDenied,
  COMPLETING: UserTaskIntent.CompletionDenied,
}

/** The task of an element instance, if it has one. */
export function taskOf(rt: Runtime, ei: ElementInstanceState): UserTaskState | undefined {
  return ei.userTaskKey !== undefined ? userTasksOf(rt.s)[ei.userTaskKey] : undefined
}

/** Writes a USER_TASK record for a task. */
export function emitUserTask(
  rt: Runtime,
  intent: UserTaskIntent,
  value: UserTaskRecordValue,
): void {
  rt.emit('USER_TASK', intent, value.userTaskKey, value, value.processInstanceKey)
}

/**
 * Starts a transition: writes `intent` (ASSIGNING, CLAIMING, UPDATING, COMPLETING) with the
 * task's new values, then runs the first listener or finalizes at once.
 */
export function startTransition(
  rt: Runtime,
  ei: ElementInstanceState,
  intent: UserTaskIntent,
  value: UserTaskRecordValue,
): void {
  emitUserTask(rt, intent, value)
  continueTransition(rt, ei)
}

/**
 * The next step of the transition in flight: the next listener's job, or the final record.
 * Also what resolving a listener incident re-runs.
 */
export function continueTransition(rt: Runtime, ei: ElementInstanceState): void {
  const task = taskOf(rt, ei)
  if (!task || !task.pending || task.state === 'CREATED') return
  const eventType = eventTypeOf[task.state]
  const listeners = eventType ? listenersOf(rt, ei, eventType) : []
  const next = listeners[task.listenersDone]
  if (next && eventType) {
    createListenerJob(rt, ei, task.pending, next.type, next.retries, eventType)
    return
  }
  finalize(rt, ei, task)
}

function finalize(rt: Runtime, ei: ElementInstanceState, task: UserTaskState): void {
  const pending = task.pending ?? task.value
  switch (task.state) {
    case 'CREATING': {
      emitUserTask(rt, UserTaskIntent.Created, { ...pending, assignee: '' })
      // Activation writes ELEMENT_ACTIVATED before the assignment; later (after creating
      // listeners) the assignment follows CREATED at once.
      if (ei.state === 'ACTIVATED') assignOnCreation(rt, ei, pending.assignee)
      return
    }
    case 'ASSIGNING':
    case 'CLAIMING':
      emitUserTask(rt, UserTaskIntent.Assigned, pending)
      return
    case 'UPDATING':
      emitUserTask(rt, UserTaskIntent.Updated, pending)
      return
    case 'COMPLETING': {
      emitUserTask(rt, UserTaskIntent.Completed, pending)
      const scope = rt.s.elementInstances[ei.flowScopeKey]
      if (ei.state !== 'ACTIVATED' || (scope && scope.state !== 'ACTIVATED')) return
      rt.transition(ei, 'ELEMENT_COMPLETING')
      rt.applyResultVariables(ei, rt.nodeOf(ei), pending.variables)
      rt.continueCompletion(ei.key)
      return
    }
    case 'CANCELING':
      // The last canceling listener completed: CANCELED, then the element's termination goes
      // on (Zeebe's CONTINUE_TERMINATING_ELEMENT).
      emitUserTask(rt, UserTaskIntent.Canceled, task.value)
      rt.finishTermination(ei)
      return
    default:
      return
  }
}

/** After CREATED: the assignee of the definition (or a creating listener's correction). */
export function assignOnCreation(rt: Runtime, ei: ElementInstanceState, assignee: string): void {
  const task = taskOf(rt, ei)
  if (!task || assignee === '') return
  startTransition(rt, ei, UserTaskIntent.Assigning, {
    ...task.value,
    assignee,
    changedAttributes: ['assignee'],
    action: '',
  })
}

/** Zeebe's task headers on a listener job: the task's properties. */
function listenerHeaders(task: UserTaskRecordValue): Record<string, string> {
  const h: Record<string, string> = {}
  const put = (name: string, value: string) => {
    if (value !== '' && value !== '[]' && value !== '-1') h[`io.camunda.zeebe:${name}`] = value
  }
  put('userTaskKey', String(task.userTaskKey))
  put('action', task.action)
  put('assignee', task.assignee)
  put('candidateGroups', JSON.stringify(task.candidateGroupsList))
  put('candidateUsers', JSON.stringify(task.candidateUsersList))
  put('changedAttributes', JSON.stringify(task.changedAttributes))
  put('dueDate', task.dueDate)
  put('followUpDate', task.followUpDate)
  put('formKey', String(task.formKey))
  put('priority', String(task.priority))
  return h
}

function createListenerJob(
  rt: Runtime,
  ei: ElementInstanceState,
  task: UserTaskRecordValue,
  typeExpression: string,
  retriesExpression: string,
  eventType: TaskListenerEventType,
): void {
  const vars = rt.visibleVariables(ei.key)
  const type = evaluateTyped(typeExpression, vars, 'STRING', rt.clock.now())
  if (!type.ok) {
    rt.raiseIncident(ei, IncidentErrorType.ExtractValueError, type.message)
    return
  }
  const retries = evaluateTyped(retriesExpression, vars, 'NUMBER', rt.clock.now())
  if (!retries.ok) {
    rt.raiseIncident(ei, IncidentErrorType.ExtractValueError, retries.message)
    return
  }
  const def = rt.definition(ei.defKey)
  rt.emit(
    'JOB',
    'CREATED',
    rt.newKey(),
    {
      type: String(type.value),
      worker: '',
      retries: Number(retries.value),
      retryBackoff: 0,
      recurringTime: -1,
      deadline: -1,
      timeout: -1,
      customHeaders: {
        ...(rt.nodeOf(ei).camundaUserTask?.headers ?? {}),
        ...listenerHeaders(task),
      },
      variables: {},
      errorMessage: '',
      errorCode: '',
      elementId: ei.elementId,
      elementInstanceKey: ei.key,
      processInstanceKey: ei.piKey,
      bpmnProcessId: def.bpmnProcessId,
      processDefinitionVersion: def.version,
      processDefinitionKey: ei.defKey,
      tenantId: def.tenantId,
      jobKind: 'TASK_LISTENER',
      listenerEventType: eventType.toUpperCase(),
      // Zeebe's exporter JSON names it so (`listenerEventType` is this engine's older name)
      jobListenerEventType: eventType.toUpperCase(),
      changedAttributes: [],
    },
    ei.piKey,
  )
}

/**
 * Element termination (Zeebe's UserTaskProcessor.onTerminateInternal; the job of a listener
 * that was running is canceled before): CANCELING with the task as it stands, then the first
 * canceling listener's job, and true = the element's termination waits for the canceling
 * listeners (their last one writes CANCELED and finishes the termination); without canceling
 * listeners CANCELED at once.
 */
export function cancelUserTask(rt: Runtime, ei: ElementInstanceState): boolean {
  const task = taskOf(rt, ei)
  if (!task) return false
  if (task.state === 'CANCELING') return true
  emitUserTask(rt, UserTaskIntent.Canceling, task.value)
  const canceling = listenersOf(rt, ei, 'canceling')
  if (canceling.length === 0) {
    emitUserTask(rt, UserTaskIntent.Canceled, task.value)
    return false
  }
  continueTransition(rt, ei)
  return true
}

function listenersOf(rt: Runtime, ei: ElementInstanceState, eventType: TaskListenerEventType) {
  return (rt.nodeOf(ei).camundaUserTask?.listeners ?? []).filter((l) => l.eventType === eventType)
}

/**
 * Variables a completing listener's job sees: the completion's variables over the visible
 * ones (Zeebe shadows process variables with them). Null for other jobs.
 */
export function listenerJobVariables(rt: Runtime, job: JobRecordValue): Variables | null {
  if (job.jobKind !== 'TASK_LISTENER' || job.listenerEventType !== 'COMPLETING') return null
  const ei = rt.s.elementInstances[job.elementInstanceKey]
  const task = ei ? taskOf(rt, ei) : undefined
  const completion = task?.pending?.variables ?? {}
  return { ...rt.visibleVariables(job.elementInstanceKey), ...completion }
}
