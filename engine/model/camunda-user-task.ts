/**
 * Camunda user tasks (`zeebe:userTask`): the definition parse.ts builds for a user task that
 * carries `zeebe:userTask`, and its validation as Zeebe's bpmn-model and transformer do it.
 * Assignee, candidates, dates, form id, external reference and priority may each be static
 * text or `=`FEEL; the runtime evaluates them on activation (runtime/camunda-user-task.ts).
 */
import { isExpression, syntaxError } from '../feel/feel'
import { extension, nodes as children, str as attr, type Node } from './moddle'

/** The lifecycle events a task listener can react to (Zeebe's `ZeebeTaskListenerEventType`). */
export const TaskListenerEventType = {
  Creating: 'creating',
  Assigning: 'assigning',
  Updating: 'updating',
  Completing: 'completing',
  Canceling: 'canceling',
} as const
export type TaskListenerEventType =
  (typeof TaskListenerEventType)[keyof typeof TaskListenerEventType]

export interface TaskListenerDefinition {
  eventType: TaskListenerEventType
  /** Job type: static or `=`FEEL. */
  type: string
  /** Static number text or `=`FEEL; default 3. */
  retries: string
}

export interface CamundaUserTaskDefinition {
  assignee?: string
  candidateGroups?: string
  candidateUsers?: string
  dueDate?: string
  followUpDate?: string
  /** Static 0–100 or `=`FEEL; absent = 50. */
  priority?: string
  /** Linked Camunda form (`zeebe:formDefinition formId`), with its binding. */
  formId?: string
  formBindingType?: string
  formVersionTag?: string
  /** Custom form (`zeebe:formDefinition externalReference`). */
  externalReference?: string
  /** `zeebe:taskHeaders`. */
  headers: Record<string, string>
  /** `zeebe:taskListeners`, in document order. */
  listeners: TaskListenerDefinition[]
}

/** A moddle element, read through guards (as in parse.ts). */

/** `isExpression` as a plain boolean (its type guard would narrow static text to `never`). */
const expr = (text: string): boolean => isExpression(text)

/** Deprecated event type names Zeebe still accepts, and what they mean. */
const eventTypeAliases: Record<string, TaskListenerEventType> = {
  create: 'creating',
  assignment: 'assigning',
  update: 'updating',
  complete: 'completing',
  cancel: 'canceling',
}

/** Event types Zeebe 8.8 runs. */
const supportedEventTypes: TaskListenerEventType[] = [
  'creating',
  'assigning',
  'updating',
  'completing',
  'canceling',
]

/** Zeebe's ISO-8601 date-time with offset (optionally a zone id), as ZonedDateTime parses. */
export const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})(\[[^\]]+\])?$/

/** True when `el` (a `bpmn:userTask`) is a Camunda user task. */
export function isCamundaUserTask(el: Node): boolean {
  return extension(el, 'zeebe:UserTask') !== undefined
}

/**
 * Reads and validates the Camunda user task on `el`. Each failure is reported through `fail`
 * with Zeebe's wording where Zeebe has one.
 */
export function parseCamundaUserTask(
  el: Node,
  fail: (message: string) => void,
): CamundaUserTaskDefinition {
  const assignment = extension(el, 'zeebe:AssignmentDefinition')
  const schedule = extension(el, 'zeebe:TaskSchedule')
  const form = extension(el, 'zeebe:FormDefinition')
  const priority = extension(el, 'zeebe:PriorityDefinition')
  const headers: Record<string, string> = {}
  for (const h of children(extension(el, 'zeebe:TaskHeaders'), 'values')) {
    const key = attr(h, 'key')
    if (key) headers[key] = attr(h, 'value') ?? ''
  }
  const blank = (v: string | undefined) => v === undefined || v.trim() === ''
  const def = { headers, listeners: [] } as CamundaUserTaskDefinition
  const set = (
    key: Exclude<keyof CamundaUserTaskDefinition, 'headers' | 'listeners'>,
    value: string | undefined,
  ) => {
    if (value !== undefined && value.trim() !== '') def[key] = value
  }
  set('assignee', attr(assignment, 'assignee'))
  set('candidateGroups', attr(assignment, 'candidateGroups'))
  set('candidateUsers', attr(assignment, 'candidateUsers'))
  set('dueDate', attr(schedule, 'dueDate'))
  set('followUpDate', attr(schedule, 'followUpDate'))
  set('priority', attr(priority, 'priority'))
  if (form) {
    const formKey = attr(form, 'formKey')
    const formId = attr(form, 'formId')
    const externalReference = attr(form, 'externalReference')
    // zeebe-bpmn-moddle defaults bindingType to 'latest'; only a written one counts here.
    const bindingType = Object.prototype.hasOwnProperty.call(form, 'bindingType')
      ? attr(form, 'bindingType')
      : undefined
    if (blank(externalReference) === blank(formId)) {
      fail(
        "Exactly one of the attributes 'formId, externalReference' must be present and not blank for native user tasks",
      )
    }
    if (!blank(formKey)) {
      fail(
        "Embedded forms ('formKey') are not supported by Camunda user tasks; link a deployed form with 'formId' or use 'externalReference'",
      )
    }
    if (!blank(externalReference) && bindingType !== undefined) {
      fail(
        "Attribute 'externalReference' must not be used in combination with attribute 'bindingType'",
      )
    }
    set('formId', formId)
    set('externalReference', externalReference)
    set('formBindingType', bindingType)
    set('formVersionTag', attr(form, 'versionTag'))
  }
  for (const [name, text] of [
    ['dueDate', def.dueDate],
    ['followUpDate', def.followUpDate],
  ] as const) {
    if (text !== undefined && !expr(text) && !DATE_TIME.test(text.trim())) {
      fail(
        `Expected a valid date-time in ISO-8601 format (e.g. '2026-01-01T12:00:00Z') or an expression for attribute '${name}', but found '${text}'`,
      )
    }
  }
  if (def.priority !== undefined && !expr(def.priority)) {
    const n = Number(def.priority)
    if (!/^-?\d+$/.test(def.priority.trim()) || n < 0 || n > 100) {
      fail(`Priority must be a number between 0 and 100, but was '${def.priority}'`)
    }
  }
  for (const l of children(extension(el, 'zeebe:TaskListeners'), 'listeners')) {
    const raw = attr(l, 'eventType') ?? ''
    const eventType = eventTypeAliases[raw] ?? (raw as TaskListenerEventType)
    const type = attr(l, 'type') ?? ''
    const retries = attr(l, 'retries') ?? '3'
    if (!supportedEventTypes.includes(eventType)) {
      fail(
        `Task listener event type '${raw}' is not supported. Currently, only 'creating', 'assigning', 'updating', 'completing', 'canceling' event types and 'create', 'assignment', 'update', 'complete', 'cancel' deprecated event types are supported.`,
      )
    }
    if (blank(type)) fail("Attribute 'type' must be present and not empty")
    if (!expr(retries) && !/^\d+$/.test(retries.trim())) {
      fail(`Attribute 'retries' must be a number or an expression, but was '${retries}'`)
    }
    def.listeners.push({ eventType, type, retries })
  }
  for (const text of [
    def.assignee,
    def.candidateGroups,
    def.candidateUsers,
    def.dueDate,
    def.followUpDate,
    def.priority,
    def.formId,
    def.externalReference,
    ...def.listeners.flatMap((l) => [l.type, l.retries]),
  ]) {
    if (!isExpression(text)) continue
    const err = syntaxError(text)
    if (err) fail(`failed to parse expression '${text.trim().slice(1)}': ${err}`)
  }
  return def
}
