/**
 * One entry of the hash-chained audit trail (ISO/IEC 20000-1 7.5.4 control of documented
 * information; 4.3.3 records of who did what). Written by server/src/evidence, listed by the
 * compliance pages and the replay's evidence.
 */
export interface EvidenceEntry {
  seq: number
  /** ISO 8601 with milliseconds. */
  at: string
  /** Username, or `system:<component>` for workers and start-up tasks. */
  actor: string
  /** Verb phrase in kebab-case, e.g. `case.created`, `ci.updated`, `baseline.taken`. */
  action: string
  /** Kind of record, e.g. `incident`, `ci`, `service`. */
  entityType: string
  entityId: string
  before: unknown
  after: unknown
  /** The process instance the action belongs to, when one does. */
  processInstanceKey: string | null
  prevHash: string
  hash: string
}
