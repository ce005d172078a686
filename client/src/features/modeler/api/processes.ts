/** Process definitions and drafts (server/src/processes). */
import { api } from '../../../lib/api'

export interface LintIssue {
  id: string
  message: string
  category: string
}

export interface Draft {
  id: string
  bpmnProcessId: string
  /** The author's name for the change. */
  name: string
  xml?: string
  state: 'draft' | 'in-review' | 'approved' | 'rejected' | 'deployed' | 'discarded'
  author: string
  baseVersion: number | null
  submittedAt: string | null
  approvedBy: string | null
  approvalComment: string | null
  rejectedBy: string | null
  rejectedReason: string | null
  discardedBy: string | null
  discardReason: string | null
  updatedAt: string
  kind?: 'process' | 'decision'
  lint: LintIssue[]
  version: number
  /** Ids of the forms the draft carries its own version of. */
  forms: string[]
}

/** A form as a draft sees it (server: DraftFormView). */
export interface DraftForm {
  formId: string
  /** A user task of the saved draft links it. */
  linked: boolean
  source: 'draft' | 'deployed' | 'bundled'
  /** The form-js schema; null for a linked form that exists nowhere yet. */
  schema: Record<string, unknown> | null
  changed: boolean
  base: { source: 'deployed' | 'bundled'; version: number | null } | null
  updatedBy: string | null
  updatedAt: string | null
}

export interface ProcessVersion {
  version: number
  processDefinitionKey: string
  state: string
  deployedAt: string
  deployedBy: string
  approvedBy: string | null
  runningInstances: number
  completedInstances: number
}

export interface ProcessInfo {
  bpmnProcessId: string
  name: string
  latestVersion: number
  versions: ProcessVersion[]
  drafts: Draft[]
}

/** Open drafts (draft, in review, approved, rejected): one per document and author. */
export const OPEN_STATES: Draft['state'][] = ['draft', 'in-review', 'approved', 'rejected']
export const isOpen = (d: { state: string }) => (OPEN_STATES as string[]).includes(d.state)

/** How an element differs from the common base (server: ElementChange). */
export type ElementChange = 'added' | 'removed' | 'changed' | 'same'

/** Base, deployed since (theirs) and the draft (mine), element by element (server: ThreeWayView). */
export interface ThreeWay {
  kind: 'process' | 'decision'
  draftId: string
  base: { version: number | null; xml: string | null }
  theirs: {
    version: number
    xml: string
    deployedBy: string
    approvedBy: string | null
    draftId: string | null
  } | null
  mine: { version: number; xml: string }
  behind: boolean
  elements: {
    id: string
    name: string
    type: string
    theirs: ElementChange
    mine: ElementChange
    conflict: boolean
  }[]
}

/** One step of a draft's history (from the evidence trail). */
export interface DraftHistoryEntry {
  seq: string
  at: string
  actor: string
  action: string
  state: string | null
  comment: string | null
}

const draftPath = (id: string) => `/process-drafts/${encodeURIComponent(id)}`

/** Drafts of a document, e.g. the open ones of a procedure. */
export const listDrafts = (query: {
  bpmnProcessId: string
  kind?: 'process' | 'decision'
  author?: string
  open?: boolean
}) =>
  api<Draft[]>(
    `/process-drafts?${new URLSearchParams(
      Object.entries(query)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, String(v)]),
    ).toString()}`,
  )
export const renameDraft = (id: string, name: string, version: number) =>
  api<Draft>(draftPath(id), { method: 'PATCH', body: { name, version } })
export const discardDraft = (id: string, version: number, reason?: string) =>
  api<Draft>(`${draftPath(id)}/discard`, {
    method: 'POST',
    body: reason ? { reason, version } : { version },
  })
export const getThreeWay = (id: string) => api<ThreeWay>(`${draftPath(id)}/three-way`)
/** For an element both sides changed: which version the rebased draft keeps. */
export type Resolution = 'mine' | 'theirs'
/**
 * Rebases on the deployed version `onto`: the server merges the draft (`xml`, default: as
 * saved) with it and keeps each conflict as `resolutions` says (409 naming unresolved ones).
 */
export const rebaseDraft = (
  id: string,
  onto: number,
  version: number,
  merge: { xml?: string; resolutions?: Record<string, Resolution> } = {},
) =>
  api<Draft>(`${draftPath(id)}/rebase`, {
    method: 'POST',
    body: {
      onto,
      version,
      ...(merge.xml ? { xml: merge.xml } : {}),
      ...(merge.resolutions && Object.keys(merge.resolutions).length > 0
        ? { resolutions: merge.resolutions }
        : {}),
    },
  })
/** The author takes the draft back from review (or an approved one) to change it. */
export const withdrawDraft = (id: string, version: number) =>
  api<Draft>(`${draftPath(id)}/withdraw`, { method: 'POST', body: { version } })
export const getDraftHistory = (id: string) => api<DraftHistoryEntry[]>(`${draftPath(id)}/history`)
export const approveDraft = (id: string, version: number, comment?: string) =>
  api<Draft>(`${draftPath(id)}/approve`, {
    method: 'POST',
    body: comment ? { version, comment } : { version },
  })
export const rejectDraft = (id: string, version: number, reason: string) =>
  api<Draft>(`${draftPath(id)}/reject`, { method: 'POST', body: { version, reason } })

export const getVersionXml = (id: string, version: number | 'latest') =>
  api<ProcessVersion & { xml: string }>(`/processes/${encodeURIComponent(id)}/versions/${version}`)
export const getDraft = (id: string) => api<Draft>(`/process-drafts/${encodeURIComponent(id)}`)
export const createDraft = (bpmnProcessId: string, xml: string, name?: string) =>
  api<Draft>('/process-drafts', {
    method: 'POST',
    body: name ? { bpmnProcessId, xml, name } : { bpmnProcessId, xml },
  })
export const saveDraft = (id: string, xml: string, version: number) =>
  api<Draft>(`/process-drafts/${encodeURIComponent(id)}`, { method: 'PUT', body: { xml, version } })
export const submitDraft = (id: string, version: number) =>
  api<Draft>(`/process-drafts/${encodeURIComponent(id)}/submit`, {
    method: 'POST',
    body: { version },
  })

const formPath = (draftId: string, formId: string) =>
  `/process-drafts/${encodeURIComponent(draftId)}/forms/${encodeURIComponent(formId)}`
export const listDraftForms = (draftId: string) =>
  api<DraftForm[]>(`/process-drafts/${encodeURIComponent(draftId)}/forms`)
export const getDraftForm = (draftId: string, formId: string) =>
  api<DraftForm>(formPath(draftId, formId))
export const saveDraftForm = (
  draftId: string,
  formId: string,
  schema: Record<string, unknown>,
  version: number,
) =>
  api<{ form: DraftForm; draft: Draft }>(formPath(draftId, formId), {
    method: 'PUT',
    body: { schema, version },
  })
export const deleteDraftForm = (draftId: string, formId: string, version: number) =>
  api<Draft>(`${formPath(draftId, formId)}?version=${version}`, { method: 'DELETE' })
