/**
 * The business relationship as the server keeps it (server/src/relationship, ISO/IEC 20000-1
 * 7.1, 6.1): customer organisations with their relationship manager and contacts, satisfaction
 * surveys, the settings and the agreed definition of a complaint. The server enforces who may
 * write and that customers see only their own surveys; the client only hides buttons.
 */
import { api } from '../../../lib/api'
import type { User } from '../../../lib/user'

export interface Contact {
  username: string
  displayName: string
  email: string | null
}

export interface Organisation {
  id: string
  name: string
  relationshipManager: string
  services: string[]
  reviewIntervalDays: number
  nextReviewAt: string | null
  notes: string | null
  active: boolean
  contacts: Contact[]
}

export interface Survey {
  id: string
  trigger: 'case-closure' | 'periodic'
  caseKind: string | null
  caseId: string | null
  sentAt: string
  answeredAt: string | null
  score: number | null
  comment: string | null
}

export interface RelationshipSettings {
  surveyKinds: string[]
  periodicSurveyDays: number
  complaintResolutionDays: number
  complaintDefinitionDocumentId: string | null
}

export interface ComplaintDefinition {
  documentId: string
  title: string
  version: number
  content: string
}

/** The scores of a survey, 1 … 5. */
export const scores = [
  [1, 'Very dissatisfied'],
  [2, 'Dissatisfied'],
  [3, 'Neutral'],
  [4, 'Satisfied'],
  [5, 'Very satisfied'],
] as const

/** Whether the user may write customers and settings (the server enforces the same rule). */
export const isRelationshipManager = (u: User) =>
  u.roles.includes('admin') ||
  (u.roles.includes('staff') &&
    u.groups.some((g) => g.id === 'relationship-managers' || g.id === 'sms-managers'))

export const answerSurvey = (id: string, body: { score: number; comment?: string }) =>
  api<Survey>(`/relationship/surveys/${id}/answer`, { method: 'POST', body })

export const createOrganisation = (body: { name: string; relationshipManager: string }) =>
  api<Organisation>('/relationship/customers', { method: 'POST', body })

export const addContact = (id: string, username: string) =>
  api<Organisation>(`/relationship/customers/${id}/contacts/${encodeURIComponent(username)}`, {
    method: 'PUT',
  })
