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
