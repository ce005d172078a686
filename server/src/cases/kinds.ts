/**
 * The record kinds the server keeps, one table row each: which table holds them, their human
 * reference prefix, the procedure that drives them and their typed fields. Their form-shaped
 * `data` is described by the kind's form, `forms/case-<kind>.form` (see `case-forms.ts`).
 * Services, routes and the OpenAPI document are all generated from this table and the forms, so
 * adding a typed field is one edit here (plus a migration for its column), adding a data field
 * one edit of the form.
 */

/** Every record kind, as used in URLs (plural) and in links (singular). */
export const CaseKind = {
  Incident: 'incident',
  ServiceRequest: 'service-request',
  Problem: 'problem',
  KnownError: 'known-error',
  Change: 'change',
  Release: 'release',
  Improvement: 'improvement',
  Complaint: 'complaint',
  AuditFinding: 'audit-finding',
  InternalAudit: 'internal-audit',
  ManagementReview: 'management-review',
  ServiceReview: 'service-review',
  ServiceTransition: 'service-transition',
  Supplier: 'supplier',
  Ci: 'ci',
  Service: 'service',
  Sla: 'sla',
} as const
export type CaseKind = (typeof CaseKind)[keyof typeof CaseKind]
export const allKinds: readonly CaseKind[] = Object.values(CaseKind)

/** Kinds stored in the shared `cases` table (the operational cases). */
export const operationalKinds = [
  CaseKind.Incident,
  CaseKind.ServiceRequest,
  CaseKind.Problem,
  CaseKind.KnownError,
  CaseKind.Change,
  CaseKind.Release,
  CaseKind.Improvement,
  CaseKind.Complaint,
  CaseKind.AuditFinding,
  CaseKind.InternalAudit,
  CaseKind.ManagementReview,
  CaseKind.ServiceReview,
  CaseKind.ServiceTransition,
] as const satisfies readonly CaseKind[]
export type OperationalKind = (typeof operationalKinds)[number]

/** Kinds a customer may raise and follow (their own only). */
export const customerKinds: readonly CaseKind[] = [
  CaseKind.Incident,
  CaseKind.ServiceRequest,
  CaseKind.Complaint,
]

/** The procedure (bpmnProcessId) started when a case of the kind is created. */
export const processOfKind: Partial<Record<CaseKind, string>> = {
  incident: 'incident',
  'service-request': 'service-request',
  problem: 'problem',
  change: 'change',
  release: 'release',
  improvement: 'improvement',
  'internal-audit': 'internal-audit',
  'management-review': 'management-review',
  complaint: 'complaint',
  'service-review': 'service-review',
  'service-transition': 'service-transition',
}

/** The kinds of the management system's own records (4.5.4): written by SMS managers and internal auditors only. */
export const auditKinds: readonly CaseKind[] = [
  CaseKind.AuditFinding,
  CaseKind.InternalAudit,
  CaseKind.ManagementReview,
]

/** The procedure started per supplier for a supplier review (7.2). */
export const SUPPLIER_REVIEW_PROCESS = 'supplier-review'

/** Statuses that end a case; reaching one sets `closedAt`. */
export const finalStatuses: readonly string[] = ['closed', 'cancelled', 'rejected', 'retired']

/** A typed column exposed in the API. */
export interface FieldSpec {
  /** camelCase name in the API. */
  api: string
  column: string
  /** JSON schema of the value in request bodies. */
  schema: Record<string, unknown>
  /** Present in create and patch bodies. */
  writable: boolean
  requiredOnCreate?: boolean
  /** May be used as an equality filter in list queries. */
  filter?: boolean
  /** Column is an integer (filters are parsed as numbers). */
  integer?: boolean
}

/** Everything the generic service and routes need to know about one kind. */
export interface KindSpec {
  kind: CaseKind
  /** URL segment under /api, e.g. `incidents`. */
  path: string
  /** Human label, e.g. `incident`. */
  label: string
  table: 'cases' | 'services' | 'slas' | 'cis' | 'suppliers'
  /** Reference prefix: INC → INC-000123. */
  prefix: string
  /** The column searched by `q` besides id and data. */
  titleColumn: string
  fields: FieldSpec[]
  /** Status of a new record. */
  initialStatus: string
  /** Statuses a person may set with PATCH; empty = status is driven by the procedure only. */
  editableStatuses: readonly string[]
  /** The ISO/IEC 20000-1 clause the records serve. */
  clause: string
}

const str = (maxLength = 200) => ({ type: 'string', minLength: 1, maxLength })
const optStr = (maxLength = 200) => ({ type: ['string', 'null'], maxLength })
const ref = { type: ['string', 'null'], minLength: 1, maxLength: 40 }
const longText = { type: 'string', maxLength: 20_000 }

const caseFields: FieldSpec[] = [
  { api: 'title', column: 'title', schema: str(300), writable: true, requiredOnCreate: true },
  {
    api: 'priority',
    column: 'priority',
    schema: { type: ['integer', 'null'], minimum: 1, maximum: 4 },
    writable: true,
    filter: true,
    integer: true,
  },
  { api: 'serviceId', column: 'service_id', schema: ref, writable: true, filter: true },
  { api: 'ciId', column: 'ci_id', schema: ref, writable: true, filter: true },
  { api: 'supplierId', column: 'supplier_id', schema: ref, writable: true, filter: true },
  {
    api: 'assignedGroup',
    column: 'assigned_group',
    schema: optStr(100),
    writable: true,
    filter: true,
  },
  { api: 'assignee', column: 'assignee', schema: optStr(100), writable: true, filter: true },
  { api: 'requester', column: 'requester', schema: optStr(100), writable: true, filter: true },
]

const specs: KindSpec[] = [
  ...(
    [
      ['incident', 'incidents', 'incident', 'INC', '8.1'],
      ['service-request', 'service-requests', 'service request', 'REQ', '8.1'],
      ['problem', 'problems', 'problem', 'PRB', '8.2'],
      ['known-error', 'known-errors', 'known error', 'KE', '8.2'],
      ['change', 'changes', 'request for change', 'RFC', '9.2'],
      ['release', 'releases', 'release', 'REL', '9.3'],
      ['improvement', 'improvements', 'improvement', 'IMP', '4.5.5'],
      ['complaint', 'complaints', 'complaint', 'CMP', '7.1'],
      ['audit-finding', 'audit-findings', 'audit finding', 'AUD', '4.5.4.2'],
      ['internal-audit', 'internal-audits', 'internal audit', 'IA', '4.5.4.2'],
      ['management-review', 'management-reviews', 'management review', 'MR', '4.5.4.3'],
      ['service-review', 'service-reviews', 'service review', 'SVR', '6.1'],
      ['service-transition', 'service-transitions', 'service design and transition', 'SDT', '5'],
    ] as const
  ).map(([kind, path, label, prefix, clause]): KindSpec => ({
    kind,
    path,
    label,
    table: 'cases',
    prefix,
    titleColumn: 'title',
    fields: caseFields,
    initialStatus: processOfKind[kind] ? 'new' : 'open',
    editableStatuses: processOfKind[kind] ? [] : ['open', 'in-progress', 'resolved', 'closed'],
    clause,
  })),
  {
    kind: 'supplier',
    path: 'suppliers',
    label: 'supplier',
    table: 'suppliers',
    prefix: 'SUP',
    titleColumn: 'name',
    fields: [
      { api: 'name', column: 'name', schema: str(200), writable: true, requiredOnCreate: true },
      {
        api: 'relationshipOwner',
        column: 'relationship_owner',
        schema: str(100),
        writable: true,
        requiredOnCreate: true,
        filter: true,
      },
      {
        api: 'reviewIntervalDays',
        column: 'review_interval_days',
        schema: { type: 'integer', minimum: 1, maximum: 3650 },
        writable: true,
        integer: true,
      },
      {
        api: 'nextReviewAt',
        column: 'next_review_at',
        schema: { type: ['string', 'null'], format: 'date-time' },
        writable: true,
      },
    ],
    initialStatus: 'active',
    editableStatuses: ['active', 'under-review', 'suspended', 'retired'],
    clause: '7.2',
  },
  {
    kind: 'ci',
    path: 'cis',
    label: 'configuration item',
    table: 'cis',
    prefix: 'CI',
    titleColumn: 'name',
    fields: [
      { api: 'name', column: 'name', schema: str(200), writable: true, requiredOnCreate: true },
      {
        api: 'ciType',
        column: 'ci_type',
        schema: {
          enum: [
            'hardware',
            'software',
            'network',
            'application',
            'database',
            'service-component',
            'document',
            'facility',
            'virtual-machine',
          ],
        },
        writable: true,
        requiredOnCreate: true,
        filter: true,
      },
      { api: 'description', column: 'description', schema: longText, writable: true },
      {
        api: 'ciVersion',
        column: 'ci_version',
        schema: { type: 'string', maxLength: 100 },
        writable: true,
      },
      {
        api: 'location',
        column: 'location',
        schema: { type: 'string', maxLength: 200 },
        writable: true,
      },
      {
        api: 'ownerGroup',
        column: 'owner_group',
        schema: optStr(100),
        writable: true,
        filter: true,
      },
    ],
    initialStatus: 'active',
    editableStatuses: ['planned', 'in-build', 'active', 'maintenance', 'retired'],
    clause: '9.1',
  },
  {
    kind: 'service',
    path: 'services',
    label: 'service',
    table: 'services',
    prefix: 'SVC',
    titleColumn: 'name',
    fields: [
      { api: 'name', column: 'name', schema: str(200), writable: true, requiredOnCreate: true },
      { api: 'description', column: 'description', schema: longText, writable: true },
      {
        api: 'ownerGroup',
        column: 'owner_group',
        schema: optStr(100),
        writable: true,
        filter: true,
      },
    ],
    initialStatus: 'live',
    editableStatuses: ['pipeline', 'live', 'retired'],
    clause: '6.1',
  },
  {
    kind: 'sla',
    path: 'slas',
    label: 'service level agreement',
    table: 'slas',
    prefix: 'SLA',
    titleColumn: 'name',
    fields: [
      { api: 'name', column: 'name', schema: str(200), writable: true, requiredOnCreate: true },
      {
        api: 'serviceId',
        column: 'service_id',
        schema: { type: 'string', minLength: 1, maxLength: 40 },
        writable: true,
        requiredOnCreate: true,
        filter: true,
      },
    ],
    initialStatus: 'agreed',
    editableStatuses: ['draft', 'agreed', 'retired'],
    clause: '6.1',
  },
]

/** The spec of every kind. */
export const kindSpecs: Readonly<Record<CaseKind, KindSpec>> = Object.fromEntries(
  specs.map((s) => [s.kind, s]),
) as Record<CaseKind, KindSpec>

/** True when `value` names a kind. */
export function isCaseKind(value: unknown): value is CaseKind {
  return typeof value === 'string' && (allKinds as readonly string[]).includes(value)
}

/** The kind whose reference starts with `id`'s prefix (INC-000001 → incident), if any. */
export function kindOfReference(id: string): CaseKind | undefined {
  const prefix = id.split('-')[0]
  return specs.find((s) => s.prefix === prefix)?.kind
}

/**
 * The requirements of ISO/IEC 20000-1:2011 (ids of `server/src/compliance/requirements.ts`)
 * that creating a record of the kind evidences; the compliance matrix counts the kind's
 * `<kind>.created` evidence entries for them.
 */
export const requirementsOfKind: Readonly<Record<CaseKind, readonly string[]>> = {
  incident: ['8.1-a', '6.6.3-1', '6.3.3-2'],
  'service-request': ['8.1-a'],
  problem: ['8.2-b'],
  'known-error': ['8.2-3', '8.2-5'],
  change: ['9.2-2', '6.1-6', '7.1-5'],
  release: ['9.3-2'],
  improvement: ['4.5.5.1-3', '4.5.5.1-4', '4.2-d'],
  complaint: ['7.1-6'],
  'audit-finding': ['4.5.4.2-5', '4.5.4.2-6', '4.5.5.1-2'],
  'internal-audit': ['4.5.4.2-a', '4.5.4.2-2', '4.5.4.1-1'],
  'management-review': ['4.5.4.3-1', '4.5.4.3-3', '4.1.1-e'],
  supplier: ['7.2-1', '7.2-4'],
  ci: ['9.1-2'],
  service: ['6.1-1', '6.1-2', '7.1-1', '4.3.1-d'],
  sla: ['6.1-3', '4.3.1-e'],
  'service-review': ['7.1-4', '6.1-4'],
  'service-transition': ['5.1-1', '5.1-2'],
}

/** The requirements particular typed fields carry (kind → API field name → ids). */
export const requirementsOfField: Readonly<
  Partial<Record<CaseKind, Readonly<Record<string, readonly string[]>>>>
> = {
  incident: { priority: ['8.1-b'], requester: ['7.1-3'], securityIncident: ['6.6.3-1', '6.6.3-2'] },
  problem: { priority: ['8.2-c'] },
  supplier: { relationshipOwner: ['7.2-1'], reviewIntervalDays: ['7.2-5'] },
  ci: {
    ciType: ['9.1-1'],
    description: ['9.1-a'],
    ciVersion: ['9.1-e'],
    location: ['9.1-f'],
  },
  service: { ownerGroup: ['4.1.3-a'] },
}
