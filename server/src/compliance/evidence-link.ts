/**
 * How a declared link between a requirement and the work turns into evidence: which entries of
 * the evidence trail (4.3.3) count for it. The declarations live where the work is (record
 * kinds in `cases/kinds.ts`, SMS registers in `sms/requirements.ts`, procedure control in
 * `processes/requirements.ts`, report sections in `reports/report-model.ts`, BPMN elements in
 * the deployed diagrams); this module only gives them one shape.
 */

/** What a count of matching entries means. */
export const EvidenceCount = {
  /** Process instances that completed the element. */
  Instances: 'instances',
  /** Records created. */
  Records: 'records',
  /** Document versions approved (or procedure versions approved and deployed). */
  Documents: 'documents',
  /** Reviews held: document, risk, management and supplier reviews. */
  Reviews: 'reviews',
  /** Stored report runs. */
  Reports: 'reports',
} as const
export type EvidenceCount = (typeof EvidenceCount)[keyof typeof EvidenceCount]

/** Which evidence entries evidence a link. */
export interface EvidenceMatcher {
  /** Entries of this entity type (e.g. `incident`, `sms-document`). */
  entityType?: string
  /** With one of these actions. */
  actions?: readonly string[]
  /** Engine steps: completions of this element in instances of this procedure. */
  element?: { bpmnProcessId: string; elementId: string }
  /** Only entries about documents of this kind (`sms_documents.kind`). */
  documentKind?: string
  /** Only snapshots of reports whose definition holds this section. */
  reportSection?: string
}

/** A link from requirements to a place of work, with the evidence that counts for it. */
export interface EvidenceLink {
  /** `element`, `record`, `field`, `document`, `report` or `register`. */
  type: 'element' | 'record' | 'field' | 'document' | 'report' | 'register'
  /** Stable reference: `incident/Task_ClassifyIncident`, `incident`, `ci.location`, … */
  ref: string
  /** Human label. */
  label: string
  requirements: readonly string[]
  /** What its evidence counts as; absent for links that carry a requirement without evidence of their own. */
  count?: EvidenceCount
  matcher?: EvidenceMatcher
}

/** A register link declared beside the register: entity type and actions of its evidence. */
export interface RegisterLink {
  ref: string
  label: string
  entityType: string
  actions: readonly string[]
  count: EvidenceCount
  requirements: readonly string[]
  documentKind?: string
}

/** The evidence link of a register declaration. */
export const registerLink = (
  r: RegisterLink,
  type: EvidenceLink['type'] = 'register',
): EvidenceLink => ({
  type,
  ref: r.ref,
  label: r.label,
  requirements: r.requirements,
  count: r.count,
  matcher: {
    entityType: r.entityType,
    actions: r.actions,
    ...(r.documentKind ? { documentKind: r.documentKind } : {}),
  },
})
