/**
 * The clauses of ISO/IEC 20000-1 an audit programme covers (4.5.4.2: audits cover the SMS and
 * the service management processes), with the procedures in `processes/` that carry them and the
 * staff groups that work in them (whoever works in an area does not audit it).
 */

/** One auditable clause. */
export interface AuditableClause {
  clause: string
  title: string
  /** bpmnProcessIds of the procedures carrying the clause. */
  processes: readonly string[]
  /** Staff groups working in the area (their members may not audit it). */
  groups: readonly string[]
}

export const auditableClauses: readonly AuditableClause[] = [
  { clause: '4.1', title: 'Management responsibility', processes: [], groups: ['top-management'] },
  {
    clause: '4.2',
    title: 'Governance of processes operated by other parties',
    processes: [],
    groups: [],
  },
  { clause: '4.3', title: 'Documentation management', processes: [], groups: [] },
  { clause: '4.4', title: 'Resource management', processes: [], groups: [] },
  {
    clause: '4.5',
    title: 'Establish and improve the SMS',
    processes: ['management-review', 'improvement'],
    groups: ['sms-managers', 'improvement-managers'],
  },
  {
    clause: '5',
    title: 'Design and transition of new or changed services',
    processes: ['change'],
    groups: [],
  },
  { clause: '6.1', title: 'Service level management', processes: [], groups: [] },
  { clause: '6.2', title: 'Service reporting', processes: [], groups: [] },
  {
    clause: '6.3',
    title: 'Service continuity and availability management',
    processes: [],
    groups: [],
  },
  { clause: '6.4', title: 'Budgeting and accounting for services', processes: [], groups: [] },
  { clause: '6.5', title: 'Capacity management', processes: [], groups: [] },
  { clause: '6.6', title: 'Information security management', processes: [], groups: [] },
  { clause: '7.1', title: 'Business relationship management', processes: [], groups: [] },
  {
    clause: '7.2',
    title: 'Supplier management',
    processes: ['supplier-review'],
    groups: ['supplier-managers'],
  },
  {
    clause: '8.1',
    title: 'Incident and service request management',
    processes: ['incident', 'service-request'],
    groups: ['service-desk'],
  },
  {
    clause: '8.2',
    title: 'Problem management',
    processes: ['problem'],
    groups: ['problem-managers'],
  },
  { clause: '9.1', title: 'Configuration management', processes: [], groups: ['network'] },
  {
    clause: '9.2',
    title: 'Change management',
    processes: ['change'],
    groups: ['change-managers', 'cab'],
  },
  {
    clause: '9.3',
    title: 'Release and deployment management',
    processes: ['release'],
    groups: ['release-managers'],
  },
]

/** The clause numbers, in order. */
export const clauseNumbers: readonly string[] = auditableClauses.map((c) => c.clause)

/** The clause entry of a number. */
export const clauseOf = (clause: string) => auditableClauses.find((c) => c.clause === clause)
