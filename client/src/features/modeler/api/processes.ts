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
  xml?: string
  state: 'draft' | 'in-review' | 'approved' | 'rejected' | 'deployed'
  author: string
  baseVersion: number | null
  submittedAt: string | null
  approvedBy: string | null
  rejectedReason: string | null
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

export const getVersionXml = (id: string, version: number | 'latest') =>
  api<ProcessVersion & { xml: string }>(`/processes/${encodeURIComponent(id)}/versions/${version}`)
export const getDraft = (id: string) => api<Draft>(`/process-drafts/${encodeURIComponent(id)}`)
export const createDraft = (bpmnProcessId: string, xml: string) =>
  api<Draft>('/process-drafts', { method: 'POST', body: { bpmnProcessId, xml } })
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
