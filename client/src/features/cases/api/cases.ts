/**
 * The case API (server/src/cases): one generic client for every kind at /api/<kind>. Records
 * are shown generically; the table below says what each kind lists and which typed fields it
 * asks for on creation (the form-shaped `data` comes from the kind's form, see `case-data.ts`).
 */
import { api } from '../../../lib/api'

/** A case record as the server returns it (typed columns plus `data`). */
export type CaseRecord = Record<string, unknown> & { id?: string | number; version?: number }

/** A typed field of the create form (a column of the case, not part of its `data`). */
export interface CreateField {
  key: string
  label: string
  /** `service` and `ci` are selects filled from the service catalogue and the CMDB. */
  type?: 'text' | 'textarea' | 'number' | 'select' | 'datetime-local' | 'date' | 'service' | 'ci'
  options?: readonly (string | number)[]
  required?: boolean
}

/** What the UI knows about a kind. */
export interface KindInfo {
  label: string
  singular: string
  columns: string[]
  create?: CreateField[]
  /** Creating starts this BPMN process (server side). */
  process?: string
  /** Operational cases have priority, assignee and group filters. */
  operational?: boolean
}

const priority: CreateField = {
  key: 'priority',
  label: 'Priority',
  type: 'select',
  options: [1, 2, 3, 4],
}
const title: CreateField = { key: 'title', label: 'Title', required: true }
const name: CreateField = { key: 'name', label: 'Name', required: true }
const service: CreateField = { key: 'serviceId', label: 'Service', type: 'service' }
const ops = ['id', 'title', 'status', 'priority', 'assignedGroup', 'assignee', 'createdAt']

/** Every kind the server exposes, with the ISO/IEC 20000-1 clause it serves. */
export const kinds: Record<string, KindInfo> = {
  // 8.1
  incidents: {
    label: 'Incidents',
    singular: 'incident',
    process: 'incident',
    operational: true,
    columns: ops,
    create: [title, service, priority],
  },
  // 8.1
  'service-requests': {
    label: 'Service requests',
    singular: 'service request',
    process: 'service-request',
    operational: true,
    columns: ['id', 'title', 'status', 'priority', 'requester', 'createdAt'],
    create: [title, service, priority],
  },
  // 8.2
  problems: {
    label: 'Problems',
    singular: 'problem',
    process: 'problem',
    operational: true,
    columns: ops,
    create: [title, priority],
  },
  'known-errors': {
    label: 'Known errors',
    singular: 'known error',
    operational: true,
    columns: ['id', 'title', 'status', 'workaround', 'createdAt'],
    create: [title],
  },
  // 9.2
  changes: {
    label: 'Changes',
    singular: 'change',
    process: 'change',
    operational: true,
    columns: ['id', 'title', 'status', 'changeType', 'plannedStart', 'plannedEnd'],
    create: [title, service, { key: 'ciId', label: 'CI', type: 'ci' }, priority],
  },
  // 9.3
  releases: {
    label: 'Releases',
    singular: 'release',
    process: 'release',
    operational: true,
    columns: ['id', 'title', 'status', 'releaseType', 'plannedDate', 'createdAt'],
    create: [title],
  },
  // 7.2
  suppliers: {
    label: 'Suppliers',
    singular: 'supplier',
    columns: ['id', 'name', 'status', 'relationshipOwner', 'nextReviewAt'],
    create: [name, { key: 'relationshipOwner', label: 'Relationship owner', required: true }],
  },
  // 4.5.5
  improvements: {
    label: 'Improvements',
    singular: 'improvement',
    process: 'improvement',
    operational: true,
    columns: ops,
    create: [title, priority],
  },
  // 7.1 complaints
  complaints: {
    label: 'Complaints',
    singular: 'complaint',
    process: 'complaint',
    operational: true,
    columns: ['id', 'title', 'status', 'requester', 'createdAt'],
    create: [title],
  },
  // 4.5.4.2
  'audit-findings': {
    label: 'Audit findings',
    singular: 'audit finding',
    operational: true,
    columns: ['id', 'title', 'status', 'findingType', 'clause', 'createdAt'],
    create: [title],
  },
  // 4.5.4.2
  'internal-audits': {
    label: 'Internal audits',
    singular: 'internal audit',
    process: 'internal-audit',
    operational: true,
    columns: ['id', 'title', 'status', 'assignee', 'year', 'createdAt'],
    create: [title],
  },
  // 6.1: service reviews with the customer
  'service-reviews': {
    label: 'Service reviews',
    singular: 'service review',
    process: 'service-review',
    operational: true,
    columns: ['id', 'title', 'status', 'serviceId', 'assignee', 'createdAt'],
    create: [title],
  },
  // 5: design and transition of new or changed services, opened by their change (no create)
  'service-transitions': {
    label: 'Service design and transition',
    singular: 'service design and transition',
    process: 'service-transition',
    operational: true,
    columns: ['id', 'title', 'status', 'serviceId', 'assignedGroup', 'createdAt'],
  },
  // 4.5.4.3
  'management-reviews': {
    label: 'Management reviews',
    singular: 'management review',
    process: 'management-review',
    operational: true,
    columns: ['id', 'title', 'status', 'createdAt'],
    create: [title],
  },
  // 9.1
  cis: {
    label: 'Configuration items',
    singular: 'configuration item',
    columns: ['id', 'name', 'ciType', 'status', 'ciVersion', 'location', 'ownerGroup'],
    create: [
      name,
      { key: 'ciType', label: 'Type', required: true },
      { key: 'ciVersion', label: 'Version' },
      { key: 'location', label: 'Location' },
      { key: 'description', label: 'Description', type: 'textarea' },
    ],
  },
  // 6.1
  services: {
    label: 'Services',
    singular: 'service',
    columns: ['id', 'name', 'status', 'ownerGroup', 'description'],
    create: [
      name,
      { key: 'ownerGroup', label: 'Owner group' },
      { key: 'description', label: 'Description', type: 'textarea' },
    ],
  },
  // 6.1
  slas: { label: 'SLAs', singular: 'SLA', columns: ['id', 'name', 'serviceId', 'status'] },
}

/** Reads a field in camelCase or snake_case, at the top or in `data`. */
export function field(c: CaseRecord, key: string): unknown {
  const snake = key.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`)
  const data =
    typeof c.data === 'object' && c.data !== null ? (c.data as Record<string, unknown>) : {}
  return c[key] ?? c[snake] ?? data[key] ?? data[snake]
}

/** Lists come as `{items, total}` or as a plain array. */
export function normalizeList(v: unknown): { items: CaseRecord[]; total: number } {
  if (Array.isArray(v)) return { items: v as CaseRecord[], total: v.length }
  if (v && typeof v === 'object' && Array.isArray((v as { items?: unknown }).items)) {
    const o = v as { items: CaseRecord[]; total?: number }
    return { items: o.items, total: o.total ?? o.items.length }
  }
  return { items: [], total: 0 }
}

export const createCase = (kind: string, body: Record<string, unknown>) =>
  api<CaseRecord>(`/${kind}`, { method: 'POST', body })
export const updateCase = (kind: string, id: string, body: Record<string, unknown>) =>
  api<CaseRecord>(`/${kind}/${encodeURIComponent(id)}`, { method: 'PATCH', body })

/** What people write in a case's activity: a work note (staff only) or a reply the customer sees. */
export type WrittenType = 'work-note' | 'reply'

/** One entry of a case's activity stream (GET /api/<kind>/:id/activity, also `activity` of a case). */
export interface ActivityEntry {
  id: string
  type: WrittenType | 'status-change' | 'task-completed'
  visibility: 'staff' | 'customer'
  actor: string
  actorName: string | null
  at: string
  body?: string
  taskId?: string | null
  taskName?: string | null
  from?: string | null
  to?: string
  elementId?: string | null
}

/** The activity of a case as it comes with the case (`activity`), or none. */
export const activityOf = (c: Record<string, unknown> | null | undefined): ActivityEntry[] =>
  Array.isArray(c?.activity) ? (c.activity as ActivityEntry[]) : []

/** Adds a work note or reply on the case. */
export const addActivity = (kind: string, id: string, type: WrittenType, body: string) =>
  api<ActivityEntry>(`/${kind}/${encodeURIComponent(id)}/activity`, {
    method: 'POST',
    body: { type, body },
  })

/** Links a case to another record. */
export const linkCase = (
  kind: string,
  id: string,
  body: { toKind: string; toId: string; linkType: string },
) => api<unknown>(`/${kind}/${encodeURIComponent(id)}/links`, { method: 'POST', body })

/** The route segment of a kind as records name it: `known-error` → `known-errors`, `ci` → `cis`. */
export const pluralOf = (kind: string) => (kind.endsWith('s') ? kind : `${kind}s`)

/**
 * Statuses that end an operational case (the server's `finalStatuses` for the `cases` table):
 * such a case refuses edits with 409 (ISO/IEC 20000-1 4.3.3, 9.2) until its procedure reopens it.
 */
export const finishedStatuses: readonly string[] = ['closed', 'cancelled', 'rejected']

/** True when `record` of the kind (URL segment) is a finished operational case: no editing. */
export const isFinished = (kind: string, record: CaseRecord): boolean =>
  !!kinds[kind]?.operational &&
  typeof record.status === 'string' &&
  finishedStatuses.includes(record.status)

/** Whether a live event's case `kind` (`incident`) is the list's URL segment (`incidents`). */
export const isKindOf = (segment: string, kind: string) =>
  segment === kind || segment === `${kind}s`

/**
 * A loaded case list with one case's new status from a live event; undefined when the case is
 * not in it (only a reload can tell whether it belongs there now).
 */
export function withCaseStatus(list: unknown, caseId: string, status: string): unknown {
  const { items, total } = normalizeList(list)
  if (!items.some((c) => String(c.id) === caseId)) return undefined
  return { items: items.map((c) => (String(c.id) === caseId ? { ...c, status } : c)), total }
}
