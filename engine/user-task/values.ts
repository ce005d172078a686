/**
 * User task values as Zeebe writes them: dates as Java's `ZonedDateTime.toString()` prints
 * them, candidate lists, priorities 0–100, and the USER_TASK record value.
 */
import type { UserTaskChanges as TaskChanges } from '../api'
import type { UserTaskRecordValue } from '../state/records'
import { DATE_TIME } from '../model/camunda-user-task'

/**
 * An ISO-8601 date-time with offset in Java's `ZonedDateTime.toString()` form (seconds left
 * out when zero, fractions in groups of three, `Z` for UTC); null when `text` is none.
 */
export function normalizeDateTime(text: string): string | null {
  const zoned = ZONED.exec(text.trim())
  if (zoned) {
    // FEEL's zoned date-time (`…@Europe/Berlin`): Java prints the offset, then the zone id.
    const [, local = '', zone = ''] = zoned
    const offset = offsetIn(zone, local)
    return offset === null ? null : normalizeDateTime(`${local}${offset}[${zone}]`)
  }
  const m = DATE_TIME.exec(text.trim())
  if (!m) return null
  const [, y, mo, d, h, mi, s = '00', frac = '', offset = 'Z', zone = ''] = m
  const probe = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`)
  if (Number.isNaN(probe.getTime()) || probe.getUTCDate() !== Number(d)) return null
  let out = `${y}-${mo}-${d}T${h}:${mi}`
  const nanos = frac.padEnd(9, '0')
  if (s !== '00' || Number(nanos) !== 0) {
    out += `:${s}`
    if (Number(nanos) !== 0) {
      out +=
        '.' +
        (nanos.endsWith('000000')
          ? nanos.slice(0, 3)
          : nanos.endsWith('000')
            ? nanos.slice(0, 6)
            : nanos)
    }
  }
  out += offset === '+00:00' || offset === '-00:00' ? 'Z' : offset
  return out + zone
}

const ZONED =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)@([A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)*)$/

/** The UTC offset (`+01:00`, `Z`) of `zone` at the wall-clock time `local`; null if unknown. */
function offsetIn(zone: string, local: string): string | null {
  let format: Intl.DateTimeFormat
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
  } catch {
    return null
  }
  const minutesAt = (t: number): number => {
    const name = format.formatToParts(t).find((p) => p.type === 'timeZoneName')?.value ?? ''
    const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name)
    return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0
  }
  const asUtc = Date.parse(`${local}Z`)
  if (Number.isNaN(asUtc)) return null
  const minutes = minutesAt(asUtc - minutesAt(asUtc) * 60_000)
  if (minutes === 0) return 'Z'
  const abs = Math.abs(minutes)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
}

/** Zeebe's static candidate list: comma-separated, trimmed, empty entries dropped. */
export function staticList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

/** The default priority of a user task (Zeebe's `DEFAULT_NUMBER_PRIORITY`). */
export const DEFAULT_PRIORITY = 50

/** The properties a user task is created with (evaluated) or changed to. */
export interface UserTaskProperties {
  assignee: string
  candidateGroups: string[]
  candidateUsers: string[]
  dueDate: string
  followUpDate: string
  formKey: number
  externalFormReference: string
  priority: number
}

/** The USER_TASK record value of a new task (Zeebe's exporter JSON field names). */
export function newTaskValue(
  p: UserTaskProperties,
  ctx: {
    userTaskKey: number
    elementId: string
    elementInstanceKey: number
    processInstanceKey: number
    processDefinitionKey: number
    processDefinitionVersion: number
    bpmnProcessId: string
    tenantId: string
    customHeaders: Record<string, string>
    creationTimestamp: number
  },
): UserTaskRecordValue {
  return {
    userTaskKey: ctx.userTaskKey,
    assignee: p.assignee,
    candidateGroupsList: p.candidateGroups,
    candidateUsersList: p.candidateUsers,
    dueDate: p.dueDate,
    followUpDate: p.followUpDate,
    formKey: p.formKey,
    externalFormReference: p.externalFormReference,
    customHeaders: ctx.customHeaders,
    priority: p.priority,
    action: '',
    changedAttributes: [],
    variables: {},
    deniedReason: '',
    elementId: ctx.elementId,
    elementInstanceKey: ctx.elementInstanceKey,
    processInstanceKey: ctx.processInstanceKey,
    processDefinitionKey: ctx.processDefinitionKey,
    processDefinitionVersion: ctx.processDefinitionVersion,
    bpmnProcessId: ctx.bpmnProcessId,
    tenantId: ctx.tenantId,
    creationTimestamp: ctx.creationTimestamp,
  }
}

/** Record attribute names of the properties an update or a correction may change. */
export const attributeNames = {
  assignee: 'assignee',
  candidateGroups: 'candidateGroupsList',
  candidateUsers: 'candidateUsersList',
  dueDate: 'dueDate',
  followUpDate: 'followUpDate',
  priority: 'priority',
} as const

/**
 * Validates changes (what an API caller or a listener sent); a string is the reason they are
 * invalid. Dates are normalized as Zeebe stores them; an empty date clears it.
 */
export function checkChanges(changes: TaskChanges, what: string): TaskChanges | string {
  const out: TaskChanges = {}
  for (const key of ['dueDate', 'followUpDate'] as const) {
    const v = changes[key]
    if (v === undefined || v === null) continue
    if (typeof v !== 'string')
      return `Expected ${what} '${key}' to be a date-time string, but was '${String(v)}'`
    if (v === '') {
      out[key] = ''
      continue
    }
    const d = normalizeDateTime(v)
    if (d === null)
      return `Expected ${what} '${key}' to be a valid ISO-8601 date-time with offset (e.g. '2026-01-01T12:00:00Z'), but was '${v}'`
    out[key] = d
  }
  for (const key of ['candidateGroups', 'candidateUsers'] as const) {
    const v = changes[key]
    if (v === undefined || v === null) continue
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
      return `Expected ${what} '${key}' to be a list of strings`
    out[key] = [...v]
  }
  if (changes.priority !== undefined && changes.priority !== null) {
    const p = changes.priority
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > 100)
      return `Expected ${what} 'priority' to be an integer between 0 and 100, but was '${String(p)}'`
    out.priority = p
  }
  if (changes.assignee !== undefined && changes.assignee !== null) {
    if (typeof changes.assignee !== 'string') return `Expected ${what} 'assignee' to be a string`
    out.assignee = changes.assignee
  }
  return out
}

/**
 * Applies changes to a record value: the new value and the names of the attributes whose value
 * changed (Zeebe lists only those in `changedAttributes`).
 */
export function applyChanges(
  value: UserTaskRecordValue,
  changes: TaskChanges,
): { value: UserTaskRecordValue; changed: string[] } {
  const next: UserTaskRecordValue = { ...value }
  const changed: string[] = []
  const set = <K extends keyof UserTaskRecordValue>(attribute: K, v: UserTaskRecordValue[K]) => {
    if (JSON.stringify(next[attribute]) !== JSON.stringify(v)) changed.push(attribute)
    next[attribute] = v
  }
  // in attributeNames' order, as Zeebe lists `changedAttributes`
  if (changes.assignee !== undefined) set('assignee', changes.assignee)
  if (changes.candidateGroups !== undefined) set('candidateGroupsList', changes.candidateGroups)
  if (changes.candidateUsers !== undefined) set('candidateUsersList', changes.candidateUsers)
  if (changes.dueDate !== undefined) set('dueDate', changes.dueDate)
  if (changes.followUpDate !== undefined) set('followUpDate', changes.followUpDate)
  if (changes.priority !== undefined) set('priority', changes.priority)
  return { value: next, changed }
}
