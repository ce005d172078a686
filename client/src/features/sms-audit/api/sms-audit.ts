/**
 * Internal audit and management review (ISO/IEC 20000-1 4.5.4): the audit programme with its
 * coverage by clause, audits with checklist and findings, management reviews with their inputs
 * and tracked actions. Figures come from the server; the client only shows them.
 */
import { api } from '../../../lib/api'
import type { User } from '../../../lib/user'

/** The clauses an audit programme covers (as `server/src/sms/audit/clauses.ts`). */
export const clauses = [
  '4.1',
  '4.2',
  '4.3',
  '4.4',
  '4.5',
  '5',
  '6.1',
  '6.2',
  '6.3',
  '6.4',
  '6.5',
  '6.6',
  '7.1',
  '7.2',
  '8.1',
  '8.2',
  '9.1',
  '9.2',
  '9.3',
] as const

export interface ProgrammeAudit {
  id: string
  title: string
  status: string
  auditor: string | null
  clauses: string[]
  plannedStart: string | null
  plannedEnd: string | null
  nonconformities: number | null
}

export interface ClauseCoverage {
  clause: string
  title: string
  audits: string[]
  covered: boolean
  earlierNonconformities: number
  openNonconformities: number
  lastAuditedAt: string | null
}

export interface AuditProgramme {
  year: number
  audits: ProgrammeAudit[]
  coverage: ClauseCoverage[]
  gaps: string[]
  overdueActions: { findingId: string; owner: string | null; due: string; clause: string | null }[]
}

export interface Finding {
  id: string
  status: string
  assignee: string | null
  data: Record<string, unknown>
}

export interface ReviewAction {
  id: string
  reviewId: string
  title: string
  kind: string
  owner: string
  dueAt: string
  status: string
  outcome: string | null
  carriedFrom: string | null
  overdue: boolean
}

/** A record of the generic case API (internal audit, management review). */
export type SmsRecord = Record<string, unknown> & {
  id: string
  title: string
  status: string
  version: number
  assignee?: string | null
  data: Record<string, unknown>
}

const inGroup = (user: User, group: string) =>
  user.roles.includes('staff') && user.groups.some((g) => g.id === group)

/** Plans audits and manages reviews (the server decides; this only hides buttons). */
export const isSmsManager = (user: User) =>
  user.roles.includes('admin') || inGroup(user, 'sms-managers')

/** Plans audits of the programme: SMS managers and internal auditors (staff). */
export const mayPlanAudits = (user: User) =>
  isSmsManager(user) || (user.roles.includes('staff') && inGroup(user, 'internal-auditors'))

/** Opens a management review: SMS managers (top management takes part in it). */
export const openReview = (title: string) =>
  api<SmsRecord>('/management-reviews', { method: 'POST', body: { title } })

/** Records findings: internal auditors, SMS managers, the auditor role. */
export const mayRecordFindings = (user: User) =>
  isSmsManager(user) || inGroup(user, 'internal-auditors') || user.roles.includes('auditor')

export const planAudit = (body: { title: string; data: Record<string, unknown> }) =>
  api<SmsRecord>('/internal-audits', { method: 'POST', body })

export const recordFinding = (body: { title: string; data: Record<string, unknown> }) =>
  api<{ id: string }>('/audit-findings', { method: 'POST', body })

export const settleAction = (id: string, status: 'closed' | 'carried-over', outcome: string) =>
  api<ReviewAction>(`/sms/review-actions/${encodeURIComponent(id)}/settle`, {
    method: 'POST',
    body: { status, outcome },
  })
