/**
 * Camunda user tasks (`zeebe:userTask`) on activation, as Zeebe 8.8's UserTaskProcessor:
 * evaluate assignee, candidates, dates, form and priority (a failure is an incident and the
 * element stays ACTIVATING), open the boundary subscriptions, write USER_TASK CREATING, run the
 * creating listeners (or write CREATED at once), ELEMENT_ACTIVATED, then assign the task when
 * the definition names an assignee (ASSIGNING → assigning listeners → ASSIGNED). The element
 * then waits for the task's completion (user-task/commands.ts).
 */
import { evaluateExpression, evaluateTyped, feelTypeName, isExpression } from '../feel/feel'
import { elementOf, type FlowNode } from '../model/model'
import type { ElementInstanceState } from '../state/state'
import { assignOnCreation, continueTransition, emitUserTask } from '../user-task/lifecycle'
import { UserTaskIntent } from '../user-task/state'
import {
  DEFAULT_PRIORITY,
  newTaskValue,
  normalizeDateTime,
  staticList,
  type UserTaskProperties,
} from '../user-task/values'
import { IncidentErrorType, type Runtime } from './runtime'
import { linkedForm } from './user-task'

type Evaluated<T> = { ok: true; value: T } | { ok: false; type: IncidentErrorType; message: string }

const fail = <T>(
  message: string,
  type: IncidentErrorType = IncidentErrorType.ExtractValueError,
): Evaluated<T> => ({
  ok: false,
  type,
  message,
})
const body = (text: string) => (isExpression(text) ? text.trim().slice(1).trim() : text)

function evalString(
  text: string | undefined,
  vars: Record<string, unknown>,
  now: number,
): Evaluated<string> {
  if (text === undefined) return { ok: true, value: '' }
  const r = evaluateTyped(text, vars, 'STRING', now)
  return r.ok ? { ok: true, value: String(r.value) } : fail(r.message)
}

function evalList(
  text: string | undefined,
  vars: Record<string, unknown>,
  now: number,
): Evaluated<string[]> {
  if (text === undefined) return { ok: true, value: [] }
  if (!isExpression(text)) return { ok: true, value: staticList(text) }
  const r = evaluateTyped(text, vars, 'ARRAY', now)
  if (!r.ok) return fail(r.message)
  const items = r.value as unknown[]
  if (items.some((i) => typeof i !== 'string')) {
    return fail(
      `Expected result of the expression '${body(text)}' to be 'ARRAY' containing 'STRING' items, but was 'ARRAY' containing at least one non-'STRING' item.`,
    )
  }
  return { ok: true, value: items as string[] }
}

function evalDate(
  text: string | undefined,
  vars: Record<string, unknown>,
  now: number,
): Evaluated<string> {
  if (text === undefined) return { ok: true, value: '' }
  const r = evaluateExpression(text, vars, now)
  if (!r.ok) return fail(r.message)
  if (r.value === null) return { ok: true, value: '' }
  if (typeof r.value !== 'string') {
    return fail(
      `Expected result of the expression '${body(text)}' to be one of '[DATE_TIME, STRING]', but was '${feelTypeName(r.value)}'.`,
    )
  }
  const date = normalizeDateTime(r.value)
  if (date === null)
    return fail(`Invalid date-time format '${r.value}' for expression '${body(text)}'.`)
  return { ok: true, value: date }
}

function evalPriority(
  text: string | undefined,
  vars: Record<string, unknown>,
  now: number,
): Evaluated<number> {
  if (text === undefined) return { ok: true, value: DEFAULT_PRIORITY }
  const r = evaluateTyped(text, vars, 'NUMBER', now)
  if (!r.ok) return fail(r.message)
  const p = Number(r.value)
  if (!Number.isInteger(p)) {
    return fail(
      `Expected result of the expression '${body(text)}' to be 'INTEGER', but was '${p}'.`,
    )
  }
  if (p < 0 || p > 100) return fail(`Expected priority to be in the range [0,100] but was '${p}'.`)
  return { ok: true, value: p }
}

/** Evaluates the task's properties in the element's scope, in Zeebe's order. */
function evaluateProperties(
  rt: Runtime,
  ei: ElementInstanceState,
  node: FlowNode,
): Evaluated<UserTaskProperties> {
  const def = node.camundaUserTask
  if (!def) return fail('not a Camunda user task', IncidentErrorType.Unknown)
  const vars = rt.visibleVariables(ei.key)
  const now = rt.clock.now()
  const assignee = evalString(def.assignee, vars, now)
  if (!assignee.ok) return assignee
  const candidateGroups = evalList(def.candidateGroups, vars, now)
  if (!candidateGroups.ok) return candidateGroups
  const candidateUsers = evalList(def.candidateUsers, vars, now)
  if (!candidateUsers.ok) return candidateUsers
  const dueDate = evalDate(def.dueDate, vars, now)
  if (!dueDate.ok) return dueDate
  const followUpDate = evalDate(def.followUpDate, vars, now)
  if (!followUpDate.ok) return followUpDate
  let formKey = -1
  if (def.formId !== undefined) {
    const formId = evalString(def.formId, vars, now)
    if (!formId.ok) return formId
    const form = linkedForm(rt, ei.defKey, formId.value, def.formBindingType, def.formVersionTag)
    if (typeof form === 'string') return fail(form, IncidentErrorType.FormNotFound)
    formKey = form.key
  }
  const externalFormReference = evalString(def.externalReference, vars, now)
  if (!externalFormReference.ok) return externalFormReference
  const priority = evalPriority(def.priority, vars, now)
  if (!priority.ok) return priority
  return {
    ok: true,
    value: {
      assignee: assignee.value,
      candidateGroups: candidateGroups.value,
      candidateUsers: candidateUsers.value,
      dueDate: dueDate.value,
      followUpDate: followUpDate.value,
      formKey,
      externalFormReference: externalFormReference.value,
      priority: priority.value,
    },
  }
}

/** Activation of a Camunda user task (dispatched from the user task behaviour). */
export function activateCamundaUserTask(
  rt: Runtime,
  ei: ElementInstanceState,
  node: FlowNode,
): void {
  const props = evaluateProperties(rt, ei, node)
  if (!props.ok) {
    rt.raiseIncident(ei, props.type, props.message)
    return
  }
  // Boundary subscriptions before the task, as Zeebe subscribes before creating it: a failing
  // subscription leaves no task behind, and resolving its incident re-runs all of this.
  const boundaries = node.multiInstance ? [] : node.boundaries
  for (const id of boundaries) {
    if (!rt.openEventSubscription(ei, elementOf(rt.models(ei.defKey), id))) return
  }
  const def = rt.definition(ei.defKey)
  const userTaskKey = rt.newKey()
  const value = newTaskValue(props.value, {
    userTaskKey,
    elementId: ei.elementId,
    elementInstanceKey: ei.key,
    processInstanceKey: ei.piKey,
    processDefinitionKey: ei.defKey,
    processDefinitionVersion: def.version,
    bpmnProcessId: def.bpmnProcessId,
    tenantId: def.tenantId,
    customHeaders: { ...(node.camundaUserTask?.headers ?? {}) },
    creationTimestamp: rt.clock.now(),
  })
  emitUserTask(rt, UserTaskIntent.Creating, value)
  // Creating listeners run now; without any, this writes CREATED.
  continueTransition(rt, ei)
  rt.transition(ei, 'ELEMENT_ACTIVATED')
  const task = ei.userTaskKey !== undefined ? rt.s.userTasks[ei.userTaskKey] : undefined
  if (task?.state === 'CREATED') assignOnCreation(rt, ei, props.value.assignee)
}
