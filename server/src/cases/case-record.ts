/**
 * What the case service returns (a record of any kind, with what hangs on it) and how a stored
 * row becomes one. Shared by the case service's reads, writes, links and attachments.
 */
import { iso, isoOrNull } from '../db/timestamps'
import type { EventBus } from '../realtime/bus'
import type { RecordScope } from './access'
import type { ActivityEntry } from './activity'
import type { CaseKind, KindSpec } from './kinds'
import type { StatusChange } from './status-history'

/** A record of any kind as the API returns it: typed fields by their API names, plus `data`. */
export interface CaseRecord {
  kind: CaseKind
  id: string
  status: string
  version: number
  createdBy: string
  createdAt: string
  updatedAt: string
  data: Record<string, unknown>
  [field: string]: unknown
}

/** An operational case (incident, problem, change, …) with its typed fields. */
export interface OperationalCase extends CaseRecord {
  title: string
  priority: number | null
  serviceId: string | null
  ciId: string | null
  supplierId: string | null
  assignedGroup: string | null
  assignee: string | null
  requester: string | null
  closedAt: string | null
}

/** A link between two records. */
export interface CaseLink {
  id: number
  fromKind: string
  fromId: string
  toKind: string
  toId: string
  linkType: string
  createdBy: string
  createdAt: string
}

/** A process instance that handles a record. */
export interface CaseProcessInstance {
  processInstanceKey: string
  bpmnProcessId: string
  processDefinitionKey: string
  version: number
  startedBy: string
  startedAt: string
}

/**
 * A work note (`visibility: staff`) or reply (`customer`) as the legacy `GET …/comments` and the
 * record's `comments` list it: the written entries of its activity stream (`activity.ts`), so
 * the comments on the case's tasks are among the work notes, and a customer reads replies only.
 */
export interface CaseComment {
  /** The row's id in its table: `case_comments`, or `task_comments` when `source` is `task`. */
  id: number
  /** Its id in the activity stream, unique across both tables: `comment:12`, `task-comment:4`. */
  entryId: string
  /** Written on the case (note or reply), or on one of its tasks in the inbox (a work note). */
  source: 'case' | 'task'
  author: string
  /** Display name of the author; null for the system or a user who is gone. */
  authorName: string | null
  body: string
  createdAt: string
  visibility: string
  /** The task it was written from or on (null for customers: which step is staff information). */
  taskId: string | null
}

/** An attachment of a record, without its content. */
export interface AttachmentInfo {
  id: number
  name: string
  contentType: string
  size: number
  sha256: string
  uploadedBy: string
  createdAt: string
}

/** A record with everything hung on it. */
export interface CaseDetail extends CaseRecord {
  links: CaseLink[]
  processInstances: CaseProcessInstance[]
  comments: CaseComment[]
  attachments: AttachmentInfo[]
  /** Every status change: who, when, at which element of the procedure (8.1 d, 8.2 e). */
  statusHistory: StatusChange[]
  /** Notes, replies, status changes and completed tasks in time order, as the reader may see them. */
  activity: ActivityEntry[]
  /** Set when the record was stored but its procedure could not be started. */
  processStartError?: string
}

/** List filters; typed-field filters by API name (e.g. `assignee`, `serviceId`). */
export interface ListQuery {
  status?: string[]
  q?: string
  createdFrom?: string
  createdTo?: string
  /** API field name, `-` prefix for descending; default `-createdAt`. */
  sort?: string
  limit?: number
  offset?: number
  filters?: Record<string, string | number>
}

/** One page of a list, with the total of the whole list. */
export interface ListResult<T> {
  items: T[]
  total: number
  limit: number
  offset: number
}

/** A stored row of a record table, by column name. */
export type Row = Record<string, unknown>

/** The record of a stored row: typed columns under their API names. */
export function toRecord(spec: KindSpec, row: Row): CaseRecord {
  const r: CaseRecord = {
    kind: spec.kind,
    id: String(row.id),
    status: String(row.status),
    version: Number(row.version),
    createdBy: String(row.created_by),
    createdAt: iso(row.created_at as Date | string),
    updatedAt: iso(row.updated_at as Date | string),
    data: (row.data ?? {}) as Record<string, unknown>,
  }
  for (const f of spec.fields) {
    const v = row[f.column]
    r[f.api] = v instanceof Date ? v.toISOString() : f.integer && v !== null ? Number(v) : v
  }
  if (spec.table === 'cases') r.closedAt = isoOrNull(row.closed_at as Date | string | null)
  return r
}

/** The parts of a stored row the rules of `access.ts` look at. */
export function scopeOf(spec: KindSpec, row: Row): RecordScope {
  return spec.table === 'cases'
    ? {
        assignedGroup: row.assigned_group as string | null,
        assignee: row.assignee as string | null,
        requester: row.requester as string | null,
      }
    : { ownerGroup: (row.owner_group as string | null) ?? null }
}

export function toLink(r: {
  id: number
  from_kind: string
  from_id: string
  to_kind: string
  to_id: string
  link_type: string
  created_by: string
  created_at: Date
}): CaseLink {
  return {
    id: r.id,
    fromKind: r.from_kind,
    fromId: r.from_id,
    toKind: r.to_kind,
    toId: r.to_id,
    linkType: r.link_type,
    createdBy: r.created_by,
    createdAt: iso(r.created_at),
  }
}

/** The written entries of an activity stream (work notes and replies) as comments. */
export function commentsOf(entries: ActivityEntry[]): CaseComment[] {
  return entries.flatMap((e) => {
    const m = /^(comment|task-comment):(\d+)$/.exec(e.id)
    if (!m || e.body === undefined) return []
    return [
      {
        id: Number(m[2]),
        entryId: e.id,
        source: m[1] === 'task-comment' ? ('task' as const) : ('case' as const),
        author: e.actor,
        authorName: e.actorName,
        body: e.body,
        createdAt: e.at,
        visibility: e.visibility,
        taskId: e.taskId ?? null,
      },
    ]
  })
}

export function toAttachment(r: {
  id: number
  name: string
  content_type: string
  size: number
  sha256: string
  uploaded_by: string
  created_at: Date
}): AttachmentInfo {
  return {
    id: r.id,
    name: r.name,
    contentType: r.content_type,
    size: r.size,
    sha256: r.sha256,
    uploadedBy: r.uploaded_by,
    createdAt: iso(r.created_at),
  }
}

/** Tells the clients a record was created or changed (after commit). */
export function publishCase(
  bus: EventBus | undefined,
  type: 'case.created' | 'case.updated',
  r: CaseRecord,
  actor: { username: string },
): void {
  bus?.publish({
    type,
    case: {
      kind: r.kind,
      caseId: r.id,
      status: r.status,
      requester: (r.requester as string | null | undefined) ?? null,
      group: ((r.assignedGroup ?? r.ownerGroup) as string | null | undefined) ?? null,
      actor: actor.username,
    },
  })
}
