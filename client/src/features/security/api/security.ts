/**
 * Information security management (ISO/IEC 20000-1 6.6) as the server keeps it
 * (server/src/security). The server enforces who may write (the information security group, SMS
 * managers, admins; a control's owner reviews it); the client only hides buttons.
 */
import { api } from '../../../lib/api'
import type { User } from '../../../lib/user'

export const controlStatuses = [
  'planned',
  'partially-implemented',
  'implemented',
  'not-applicable',
] as const
export const controlThemes = ['organisational', 'people', 'physical', 'technological'] as const

export interface SecurityControl {
  id: string
  reference: string
  name: string
  theme: string
  objective: string
  owner: string
  status: string
  implementation: string
  riskIds: string[]
  reviewIntervalDays: number
  nextReviewAt: string
  reviewDue: boolean
  lastReviewedAt: string | null
  lastReviewedBy: string | null
  version: number
}
export interface CatalogueEntry {
  reference: string
  name: string
  theme: string
}
export interface SecurityPolicy {
  id: string
  title: string
  effectiveVersion: number | null
  approvedBy: string | null
  approvedAt: string | null
  communicatedTo: number
  acknowledged: number
  nextReviewAt: string | null
}
export interface SecurityRisk {
  id: string
  title: string
  score: number
  status: string
  owner: string
  nextReviewAt: string
  reviewDue: boolean
  controls: { id: string; reference: string; name: string; status: string }[]
}
export interface PartyAccess {
  id: string
  partyType: string
  supplierId: string | null
  partyName: string
  information: string
  access: string
  controlIds: string[]
  agreedControls: string
  agreedBy: string
  validUntil: string | null
  status: string
  expired: boolean
}
export interface ChangeSecurity {
  id: string
  title: string
  status: string
  changeType: string | null
  securityRisk: string | null
  securityControlsEffect: string | null
  assessed: boolean
  elevated: boolean
}
export interface SecurityIncident {
  incidentId: string
  title: string | null
  priority: number | null
  status: string
  category: string | null
  reportedToAuthorities: boolean | null
  authority: string | null
  handledBy: string | null
  openedAt: string
}
export interface SecurityTrends {
  total: number
  lines: {
    month: string
    category: string
    count: number
    reportedToAuthorities: number
    highPriority: number
  }[]
}

/** Whether the user writes the registers (the server decides). */
export const isSecurityWriter = (u: User) =>
  u.roles.includes('admin') ||
  (u.roles.includes('staff') &&
    u.groups.some((g) => g.id === 'information-security' || g.id === 'sms-managers'))

export const createControl = (body: {
  reference: string
  name: string
  theme: string
  owner: string
  status: string
  implementation: string
  riskIds: string[]
  reviewIntervalDays: number
}) => api<SecurityControl>('/security/controls', { method: 'POST', body })

export const reviewControl = (
  id: string,
  body: { status: string; effective: boolean; notes: string },
) => api<SecurityControl>(`/security/controls/${id}/reviews`, { method: 'POST', body })
