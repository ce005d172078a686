/**
 * The record kinds the server keeps, one table row each: which table holds them, their human
 * reference prefix, the procedure that drives them, their typed fields and the JSON schema of
 * their form-shaped `data`. Services, routes and the OpenAPI document are all generated from
 * this table, so adding a field is one edit here (plus a migration for a typed column).
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
}

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
  /** JSON schema of `data`. */
  dataSchema: Record<string, unknown>
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
/** ISO date-time; form-js date-time fields submit `YYYY-MM-DDTHH:mm` without seconds or zone. */
const dateTime = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}', maxLength: 40 }

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

const impactScale = { type: 'integer', minimum: 1, maximum: 3, description: '1 high … 3 low' }

/** `data` schemas per kind: the typed fields that forms and workers fill. */
const dataSchemas: Record<CaseKind, Record<string, unknown>> = {
  incident: {
    type: 'object',
    properties: {
      description: longText,
      impact: impactScale,
      urgency: impactScale,
      category: { type: 'string', maxLength: 100 },
      /** 6.6.3 information security incident. */
      securityIncident: { type: 'boolean' },
      major: { type: 'boolean' },
      channel: { enum: ['portal', 'phone', 'email', 'monitoring', 'walk-in'] },
      resolution: longText,
      knownErrorId: { type: 'string', maxLength: 40 },
    },
  },
  'service-request': {
    type: 'object',
    properties: {
      description: longText,
      catalogueItemId: { type: 'string', maxLength: 40 },
      requiresApproval: { type: 'boolean' },
      fulfilmentNotes: longText,
    },
  },
  problem: {
    type: 'object',
    properties: {
      description: longText,
      category: { type: 'string', maxLength: 100 },
      detectedBy: { enum: ['manual', 'incident-trend', 'proactive'] },
      rootCause: longText,
      resolution: longText,
    },
  },
  'known-error': {
    type: 'object',
    properties: {
      problemId: { type: 'string', maxLength: 40 },
      symptoms: longText,
      rootCause: longText,
      workaround: { type: 'string', minLength: 1, maxLength: 20_000 },
      published: { type: 'boolean' },
    },
    required: ['workaround'],
  },
  change: {
    type: 'object',
    properties: {
      /** 9.2: every RFC has a defined scope. */
      scope: { type: 'string', minLength: 1, maxLength: 20_000 },
      changeType: { enum: ['standard', 'normal', 'emergency'] },
      majorImpact: { type: 'boolean' },
      reason: longText,
      affectedCis: { type: 'array', items: { type: 'string', maxLength: 40 }, maxItems: 500 },
      risk: longText,
      securityRisk: longText,
      cost: { type: 'number', minimum: 0 },
      remediationPlan: longText,
      plannedStart: dateTime,
      plannedEnd: dateTime,
    },
    required: ['scope'],
  },
  release: {
    type: 'object',
    properties: {
      releaseType: { enum: ['major', 'minor', 'emergency'] },
      plannedDate: dateTime,
      deliverables: longText,
      deploymentMethod: longText,
      acceptanceCriteria: longText,
      affectedCis: { type: 'array', items: { type: 'string', maxLength: 40 }, maxItems: 500 },
      outcome: { enum: ['success', 'failure', 'backed-out'] },
    },
  },
  improvement: {
    type: 'object',
    properties: {
      source: {
        enum: [
          'audit-finding',
          'management-review',
          'service-report',
          'problem-trend',
          'complaint',
          'supplier-review',
          'staff',
          'customer',
        ],
      },
      description: longText,
      benefit: longText,
      /** 4.5.5.2 targets for quality, value, capability, cost, productivity… */
      targets: {
        type: 'array',
        maxItems: 50,
        items: {
          type: 'object',
          properties: {
            dimension: {
              enum: [
                'quality',
                'value',
                'capability',
                'cost',
                'productivity',
                'resource-utilisation',
                'risk-reduction',
              ],
            },
            measure: str(500),
            target: { anyOf: [{ type: 'number' }, { type: 'string' }] },
          },
          required: ['dimension', 'measure', 'target'],
          additionalProperties: false,
        },
      },
      measurements: {
        type: 'array',
        maxItems: 500,
        items: {
          type: 'object',
          properties: {
            at: dateTime,
            dimension: { type: 'string', maxLength: 50 },
            value: { anyOf: [{ type: 'number' }, { type: 'string' }] },
            note: { type: 'string', maxLength: 2000 },
          },
          required: ['at', 'dimension', 'value'],
          additionalProperties: false,
        },
      },
    },
  },
  complaint: {
    type: 'object',
    properties: {
      description: longText,
      channel: { enum: ['portal', 'phone', 'email', 'meeting'] },
      response: longText,
    },
  },
  'audit-finding': {
    type: 'object',
    properties: {
      audit: { type: 'string', maxLength: 200 },
      clause: { type: 'string', maxLength: 20 },
      findingType: { enum: ['nonconformity', 'observation', 'opportunity'] },
      description: longText,
      correctiveAction: longText,
    },
  },
  supplier: {
    type: 'object',
    properties: {
      contactName: { type: 'string', maxLength: 200 },
      contactEmail: { type: 'string', format: 'email', maxLength: 200 },
      /** 7.2: lead supplier / subcontractor relationships. */
      leadSupplierId: { type: 'string', maxLength: 40 },
      notes: longText,
    },
  },
  ci: {
    type: 'object',
    properties: {
      serialNumber: { type: 'string', maxLength: 200 },
      vendor: { type: 'string', maxLength: 200 },
      underChangeControl: { type: 'boolean' },
      attributes: { type: 'object' },
    },
  },
  service: {
    type: 'object',
    properties: {
      hours: { type: 'string', maxLength: 200 },
      customers: { type: 'array', items: { type: 'string', maxLength: 200 }, maxItems: 200 },
      components: { type: 'array', items: { type: 'string', maxLength: 200 }, maxItems: 200 },
    },
  },
  sla: {
    type: 'object',
    properties: {
      /** Response and resolution targets per priority 1-4, in minutes. */
      targets: {
        type: 'object',
        properties: Object.fromEntries(
          ['1', '2', '3', '4'].map((p) => [
            p,
            {
              type: 'object',
              properties: {
                responseMinutes: { type: 'integer', minimum: 1 },
                resolutionMinutes: { type: 'integer', minimum: 1 },
              },
              required: ['responseMinutes', 'resolutionMinutes'],
              additionalProperties: false,
            },
          ]),
        ),
        required: ['1', '2', '3', '4'],
        additionalProperties: false,
      },
      availabilityPercent: { type: 'number', minimum: 0, maximum: 100 },
      /** Workload characteristics: e.g. maximum incidents or requests per month. */
      workload: {
        type: 'object',
        properties: {
          maxIncidentsPerMonth: { type: 'integer', minimum: 0 },
          maxRequestsPerMonth: { type: 'integer', minimum: 0 },
          maxUsers: { type: 'integer', minimum: 0 },
        },
        additionalProperties: false,
      },
      exceptions: { type: 'array', items: { type: 'string', maxLength: 1000 }, maxItems: 50 },
      reviewedOn: { type: 'string', format: 'date' },
    },
    required: ['targets'],
  },
}

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
    ] as const
  ).map(([kind, path, label, prefix, clause]): KindSpec => ({
    kind,
    path,
    label,
    table: 'cases',
    prefix,
    titleColumn: 'title',
    fields: caseFields,
    dataSchema: dataSchemas[kind],
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
    dataSchema: dataSchemas.supplier,
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
    dataSchema: dataSchemas.ci,
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
    dataSchema: dataSchemas.service,
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
    dataSchema: dataSchemas.sla,
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
