/**
 * Which requirements of ISO/IEC 20000-1:2011 (ids of `server/src/compliance/requirements.ts`)
 * the management system's registers carry, and which of their evidence entries count for them
 * in the compliance matrix.
 */
import type { RegisterLink } from '../compliance/evidence-link'

const doc = (kind: string, label: string, requirements: string[]): RegisterLink => ({
  ref: `document:${kind}`,
  label: `${label} (approved versions)`,
  entityType: 'sms-document',
  actions: ['sms-document.approved'],
  count: 'documents',
  documentKind: kind,
  requirements,
})

const plan = 'abcdefghijkl'.split('').map((l) => `4.5.2-${l}`)

/** Controlled documents by kind (`documents/document-model.ts` DocumentKind). */
export const documentLinks: readonly RegisterLink[] = [
  doc('policy', 'Service management policy', [
    '4.1.1-a',
    '4.1.2-a',
    '4.1.2-b',
    '4.1.2-c',
    '4.3.1-a',
    '4.5.5.1-1',
    '6.6.1-1',
  ]),
  doc('objectives', 'Service management objectives', ['4.1.1-a', '4.3.1-a', '4.5.2-a']),
  doc('scope', 'Scope of the SMS', ['4.1.1-a', '4.5.1-1']),
  doc('plan', 'Service management plan', ['4.1.1-b', '4.3.1-b', '4.5.2-1', '4.5.2-2', ...plan]),
  doc('procedure', 'Documented procedures', ['4.3.1-f', '4.3.1-g', '4.1.3-b', '4.3.3-2']),
  doc('agreement', 'Agreements (OLAs, contracts)', ['4.2-b', '6.1-7', '7.2-2']),
  doc('other', 'Other SMS documents (process policies and plans)', [
    '4.3.1-c',
    '4.3.1-h',
    '4.5.3-a',
    '6.3.1-2',
    '6.3.1-a',
    '6.3.1-b',
    '6.3.1-c',
    '6.3.2-1',
    '6.3.2-2',
    '6.3.3-3',
    '6.4-1',
    '6.4-2',
    '6.4-3',
    '6.5-1',
    '6.5-2',
    '6.5-4',
    '5.2-2',
  ]),
  doc('external', 'Documents of external origin', ['4.3.1-h', '4.3.2-g']),
]

/** Document control itself (4.3.2) and the other registers. */
export const registerLinks: readonly RegisterLink[] = [
  {
    ref: 'document-control:submitted',
    label: 'Document versions submitted for approval',
    entityType: 'sms-document',
    actions: ['sms-document.submitted'],
    count: 'documents',
    requirements: ['4.3.2-1', '4.3.2-d'],
  },
  {
    ref: 'document-control:approved',
    label: 'Document versions approved by someone other than the author',
    entityType: 'sms-document',
    actions: ['sms-document.approved'],
    count: 'documents',
    requirements: ['4.3.2-a', '4.3.2-f'],
  },
  {
    ref: 'document-control:distributed',
    label: 'Documents distributed to readers',
    entityType: 'sms-document',
    actions: ['sms-document.distributed'],
    count: 'documents',
    requirements: ['4.3.2-b', '4.1.2-d', '4.1.1-c', '4.4.2-d'],
  },
  {
    ref: 'document-control:reviewed',
    label: 'Document reviews held',
    entityType: 'sms-document',
    actions: ['sms-document.reviewed'],
    count: 'reviews',
    requirements: ['4.3.2-c', '4.1.2-e'],
  },
  {
    ref: 'document-control:effective',
    label: 'Versions made effective (the previous one superseded)',
    entityType: 'sms-document',
    actions: ['sms-document.effective', 'sms-document.withdrawn'],
    count: 'documents',
    requirements: ['4.3.2-e', '4.3.2-h'],
  },
  {
    ref: 'risks',
    label: 'Risk register entries',
    entityType: 'risk',
    actions: ['risk.created'],
    count: 'records',
    requirements: ['4.1.1-f', '4.5.3-d', '4.5.2-j', '6.3.1-1', '6.6.1-2'],
  },
  {
    ref: 'risk-reviews',
    label: 'Risk reviews held',
    entityType: 'risk',
    actions: ['risk.reviewed'],
    count: 'reviews',
    requirements: ['4.5.3-d', '6.6.1-2'],
  },
  {
    ref: 'competences',
    label: 'Competences required per role',
    entityType: 'role',
    actions: ['role-competences.set'],
    count: 'records',
    requirements: ['4.4.2-a', '4.4.2-1'],
  },
  {
    ref: 'training',
    label: 'Training and qualification records',
    entityType: 'competence-record',
    actions: ['competence-record.added', 'competence-record.completed'],
    count: 'records',
    requirements: ['4.4.2-b', '4.4.2-c', '4.4.2-e'],
  },
  {
    ref: 'party-processes',
    label: 'Processes operated by other parties',
    entityType: 'party-process',
    actions: ['party-process.created', 'party-process.updated'],
    count: 'records',
    requirements: ['4.2-1', '4.2-a', '4.2-b', '6.6.2-2'],
  },
  {
    ref: 'party-measurements',
    label: 'Measured performance of other parties',
    entityType: 'party-process',
    actions: ['party-process.measured'],
    count: 'records',
    requirements: ['4.2-c'],
  },
  {
    ref: 'raci',
    label: 'RACI per procedure and document',
    entityType: 'raci-process',
    actions: ['raci.set'],
    count: 'records',
    requirements: ['4.1.3-a', '4.1.4-b', '4.5.3-b', '4.5.2-e', '4.5.2-f'],
  },
  {
    ref: 'auditor-areas',
    label: 'Areas auditors work in (independence)',
    entityType: 'user',
    actions: ['auditor-areas.declared'],
    count: 'records',
    requirements: ['4.5.4.2-4'],
  },
  {
    ref: 'management-reviews',
    label: 'Management reviews held',
    entityType: 'management-review',
    actions: ['management-review.recorded'],
    count: 'reviews',
    requirements: ['4.5.4.3-1', '4.5.4.3-3', '4.1.1-e'],
  },
  {
    ref: 'review-actions',
    label: 'Management review actions',
    entityType: 'management-review',
    actions: [
      'management-review.action-recorded',
      'management-review.action-closed',
      'management-review.action-carried-over',
    ],
    count: 'records',
    requirements: ['4.5.4.3-2', '4.5.4.3-g'],
  },
]
