/**
 * Which requirements of ISO/IEC 20000-1:2011 (ids of `server/src/compliance/requirements.ts`)
 * information security management carries, and which of its evidence entries count for them in
 * the compliance matrix.
 */
import type { RegisterLink } from '../compliance/evidence-link'

export const securityLinks: readonly RegisterLink[] = [
  {
    ref: 'document:security-policy',
    label: 'Information security policy (approved versions)',
    entityType: 'sms-document',
    actions: ['sms-document.approved'],
    count: 'documents',
    documentKind: 'security-policy',
    requirements: ['6.6.1-1'],
  },
  {
    ref: 'security-controls',
    label: 'Information security controls of the register',
    entityType: 'security-control',
    actions: ['security-control.created', 'security-control.updated'],
    count: 'records',
    requirements: ['6.6.2-1'],
  },
  {
    ref: 'security-control-reviews',
    label: 'Reviews of information security controls',
    entityType: 'security-control',
    actions: ['security-control.reviewed'],
    count: 'reviews',
    requirements: ['6.6.2-1', '6.6.1-2'],
  },
  {
    ref: 'security-party-access',
    label: "External parties' access with the controls agreed",
    entityType: 'security-party-access',
    actions: ['security-party-access.agreed', 'security-party-access.revoked'],
    count: 'records',
    requirements: ['6.6.2-2'],
  },
  {
    ref: 'security-incidents',
    label: 'Information security incidents handled',
    entityType: 'incident',
    actions: ['security-incident.handled'],
    count: 'records',
    requirements: ['6.6.3-1', '6.6.3-2'],
  },
]
