/**
 * Change control as the only door (ISO/IEC 20000-1 9.2, 9.1, 6.1, 7.2), as the web app uses it:
 * the standard change catalogue (`/api/standard-change-models`), the edits of records under
 * change control a change carries (`/api/changes/:id/record-edits`, `/api/record-edits`) and the
 * RFCs a person may still attach an edit to. The server decides every rule; the helpers here
 * only keep the UI from offering what it would refuse.
 */
import { api, ApiError } from '../../../lib/api'
import { withQuery } from '../../../lib/use-api'
import { createCase, type CaseRecord } from './cases'

/** What a change may edit. */
export type EditTarget = 'ci' | 'service' | 'sla' | 'contract' | 'standard-change-model'

/** A model of the standard change catalogue with the approval of its current version. */
export interface StandardChangeModel {
  id: string
  name: string
  description: string
  risk: string
  tasks: string[]
  ciIds: string[]
  serviceIds: string[]
  status: 'active' | 'retired'
  version: number
  approvedByChange: string
  createdAt: string
  updatedAt: string
  approval?: {
    changeId: string
    changeTitle: string | null
    changeStatus: string | null
    decidedBy: string | null
    decidedAt: string | null
  }
}

/** An edit a change carries (with its change when listed across changes). */
export interface RecordEdit {
  id: number
  changeId: string
  targetKind: EditTarget
  targetId: string | null
  patch: Record<string, unknown>
  createdBy: string
  createdAt: string
  appliedAt: string | null
  appliedTargetId: string | null
  changeTitle?: string
  changeStatus?: string
}

/** An RFC the user may still attach an edit to. */
export interface OpenChange {
  id: string
  title: string
  status: string
  changeType: string | null
  createdBy: string
  createdAt: string
}

/** The fields of a proposed standard change model (new, revised or retired). */
export interface ModelPatch {
  name?: string
  description?: string
  risk?: string
  tasks?: string[]
  ciIds?: string[]
  serviceIds?: string[]
  status?: 'active' | 'retired'
}

export const modelsPath = '/standard-change-models'
export const openChangesPath = '/record-edits/changes'
export const editsOfChangePath = (changeId: string) =>
  `/changes/${encodeURIComponent(changeId)}/record-edits`
export const editsPath = (q: { targetKind?: EditTarget; targetId?: string; state?: string }) =>
  withQuery('/record-edits', q)

/** Attaches an edit to a change that is not yet approved (POST /api/changes/:id/record-edits). */
export const attachEdit = (
  changeId: string,
  body: { targetKind: EditTarget; targetId?: string; patch: Record<string, unknown> },
) => api<RecordEdit>(editsOfChangePath(changeId), { method: 'POST', body })

/** Raises a normal RFC for an edit (its procedure starts). */
export const raiseChange = (input: { title: string; scope: string; ciId?: string }) =>
  createCase('changes', {
    title: input.title,
    ...(input.ciId ? { ciId: input.ciId } : {}),
    data: { scope: input.scope, changeType: 'normal' },
  })

/** The edit target of a record page's kind (URL segment), if records of it can be controlled. */
export const targetOfKind: Record<string, EditTarget | undefined> = {
  cis: 'ci',
  services: 'service',
  slas: 'sla',
}

/** The page of an edit's record, if it has one. */
export function pageOfTarget(kind: EditTarget, id: string | null): string | null {
  if (!id) return null
  const e = encodeURIComponent(id)
  switch (kind) {
    case 'ci':
      return `/cases/cis/${e}`
    case 'service':
      return `/cases/services/${e}`
    case 'sla':
      return `/cases/slas/${e}`
    case 'standard-change-model':
      return `/standard-changes#${e}`
    case 'contract':
      return null
  }
}

/**
 * Whether a record of the kind is under change control, as the server's `changeControlOf`
 * decides it: CIs flagged `underChangeControl` (9.1), services in the catalogue (not
 * `pipeline`), SLAs and contracts past `draft` (6.1, 7.2).
 */
export function isControlled(kind: string, record: CaseRecord): boolean {
  const data = (typeof record.data === 'object' && record.data ? record.data : {}) as Record<
    string,
    unknown
  >
  switch (kind) {
    case 'cis':
      return data.underChangeControl === true
    case 'services':
      return record.status !== 'pipeline'
    case 'slas':
    case 'contracts':
      return record.status !== 'draft'
    default:
      return false
  }
}

/** Whether a failed write is the server's 409 naming the change door (not a version clash). */
export const isChangeDoor = (err: unknown): err is ApiError =>
  err instanceof ApiError && err.status === 409 && /record-edits/.test(err.message)

/** Text lines of a textarea, trimmed, without blanks. */
export const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
