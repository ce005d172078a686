/** Decisions (DMN) under document control (server/src/processes/decision-drafts.ts). */
import { api } from '../../../lib/api'
import type { Draft } from './processes'

export interface DecisionVersion {
  version: number
  decisionRequirementsKey: string
  state: string
  deployedAt: string
  deployedBy: string
  approvedBy: string | null
  draftId: string | null
}

/** A `.dmn` file: its deployed versions, decisions, callers and drafts. */
export interface DecisionFile {
  decisionRequirementsId: string
  name: string
  resourceName: string
  latestVersion: number
  decisions: { decisionId: string; name: string; version: number; decisionKey: string }[]
  calledBy: {
    bpmnProcessId: string
    version: number
    decisionId: string
    decisionVersion: number
  }[]
  versions: DecisionVersion[]
  drafts: Draft[]
}

export interface RuleChange {
  id: string
  index: number
  inputs: string[]
  outputs: string[]
  description: string
}

/** What the approver reads (server: DecisionDrafts.diff). */
export interface DecisionDiff {
  kind: 'decision'
  againstVersion: number | null
  procedures: string[]
  added: { id: string; name: string }[]
  removed: { id: string; name: string }[]
  changed: {
    id: string
    name: string
    changed: string[]
    rules: {
      added: RuleChange[]
      removed: RuleChange[]
      changed: { id: string; before: RuleChange; after: RuleChange }[]
    }
  }[]
}

export const getDecisionXml = (id: string, version: number | 'latest') =>
  api<DecisionVersion & { xml: string }>(`/decisions/${encodeURIComponent(id)}/versions/${version}`)
export const createDecisionDraft = (xml: string) =>
  api<Draft>('/process-drafts', { method: 'POST', body: { kind: 'decision', xml } })
export const getDecisionDiff = (draftId: string) =>
  api<DecisionDiff>(`/process-drafts/${encodeURIComponent(draftId)}/diff`)
