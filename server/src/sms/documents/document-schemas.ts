/** JSON schemas (ajv) of SMS document bodies, one per kind of structured content. */
import { clauseSchema, usernameSchema } from '../access'
import { controlledDataSchemas, controlledKindOf } from './controlled-schemas'
import { DocumentKind, ObjectiveMetric, planSections } from './document-model'

const reviewNoticeDays = { type: 'integer', minimum: 0, maximum: 365 } as const
const text = (max: number) => ({ type: 'string', maxLength: max }) as const
const serviceRef = { type: 'string', pattern: '^SVC-[0-9]{6,12}$', maxLength: 20 } as const
const names = {
  type: 'array',
  maxItems: 200,
  items: { type: 'string', minLength: 1, maxLength: 200 },
} as const

const objectivesData = {
  type: 'object',
  additionalProperties: false,
  required: ['objectives'],
  properties: {
    objectives: {
      type: 'array',
      maxItems: 50,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['title', 'measure', 'target', 'unit', 'direction', 'owner'],
        properties: {
          title: { type: 'string', minLength: 1, maxLength: 200 },
          measure: { type: 'string', minLength: 1, maxLength: 1000 },
          target: { type: 'number', minimum: -1e9, maximum: 1e9 },
          unit: text(40),
          direction: { enum: ['at-least', 'at-most'] },
          owner: usernameSchema,
          metric: { enum: Object.values(ObjectiveMetric) },
        },
      },
    },
  },
} as const

const scopeData = {
  type: 'object',
  additionalProperties: false,
  required: ['services', 'organisationUnits', 'locations'],
  properties: {
    services: names,
    organisationUnits: names,
    locations: names,
    exclusions: text(5000),
  },
} as const

const planData = {
  type: 'object',
  additionalProperties: false,
  required: ['sections'],
  properties: {
    sections: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(Object.keys(planSections).map((k) => [k, text(20_000)])),
    },
  },
} as const

const continuityPlanData = {
  type: 'object',
  additionalProperties: false,
  required: ['continuityPlan'],
  properties: {
    continuityPlan: {
      type: 'object',
      additionalProperties: false,
      required: ['services', 'procedures', 'targets', 'recovery', 'returnToNormal', 'contacts'],
      properties: {
        services: {
          type: 'array',
          minItems: 1,
          maxItems: 100,
          uniqueItems: true,
          items: serviceRef,
        },
        procedures: { type: 'string', minLength: 1, maxLength: 50_000 },
        targets: {
          type: 'array',
          maxItems: 100,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['serviceId', 'availabilityPercent', 'rtoMinutes', 'rpoMinutes'],
            properties: {
              serviceId: serviceRef,
              availabilityPercent: { type: 'number', minimum: 0, maximum: 100 },
              rtoMinutes: { type: 'integer', minimum: 0, maximum: 525_600 },
              rpoMinutes: { type: 'integer', minimum: 0, maximum: 525_600 },
            },
          },
        },
        recovery: { type: 'string', minLength: 1, maxLength: 50_000 },
        returnToNormal: { type: 'string', minLength: 1, maxLength: 50_000 },
        contacts: {
          type: 'array',
          minItems: 1,
          maxItems: 100,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'role'],
            properties: {
              name: { type: 'string', minLength: 1, maxLength: 200 },
              role: { type: 'string', minLength: 1, maxLength: 200 },
              phone: text(50),
              email: text(200),
            },
          },
        },
      },
    },
  },
} as const

const capacityPlanData = {
  type: 'object',
  additionalProperties: false,
  required: ['capacityPlan'],
  properties: {
    capacityPlan: {
      type: 'object',
      additionalProperties: false,
      required: ['currentAndForecastDemand', 'expectedImpact', 'performanceTargets', 'actions'],
      properties: {
        currentAndForecastDemand: { type: 'string', minLength: 1, maxLength: 50_000 },
        expectedImpact: { type: 'string', minLength: 1, maxLength: 50_000 },
        performanceTargets: { type: 'string', minLength: 1, maxLength: 50_000 },
        actions: text(50_000),
      },
    },
  },
} as const

const fileSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'mediaType', 'base64'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    mediaType: { type: 'string', pattern: '^[a-z]+/[a-z0-9.+-]+$', maxLength: 100 },
    // about 5 MB of file
    base64: { type: 'string', pattern: '^[A-Za-z0-9+/]*={0,2}$', maxLength: 7_000_000 },
  },
} as const

/** Content of a version: Markdown written in the app, structured data, and/or an upload. */
const versionContent = {
  content: text(200_000),
  data: {
    anyOf: [
      objectivesData,
      scopeData,
      planData,
      continuityPlanData,
      capacityPlanData,
      ...controlledDataSchemas,
    ],
  },
  file: fileSchema,
  changeSummary: text(2000),
} as const

export const createDocumentBody = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'title'],
  properties: {
    kind: { enum: Object.values(DocumentKind) },
    title: { type: 'string', minLength: 1, maxLength: 300 },
    owner: usernameSchema,
    clauses: { type: 'array', maxItems: 40, uniqueItems: true, items: clauseSchema },
    externalSource: text(1000),
    reviewIntervalDays: { type: 'integer', minimum: 1, maximum: 1096 },
    reviewNoticeDays,
    subject: {
      type: 'string',
      maxLength: 120,
      description:
        'What a controlled document controls: sla:SLA-…, contract:CON-…, service-catalogue, change-policy, release-policy, decision:<DRG id>',
    },
    ...versionContent,
  },
} as const

export const versionBody = {
  type: 'object',
  additionalProperties: false,
  properties: versionContent,
} as const

export const updateDocumentBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    title: { type: 'string', minLength: 1, maxLength: 300 },
    owner: usernameSchema,
    clauses: { type: 'array', maxItems: 40, uniqueItems: true, items: clauseSchema },
    externalSource: text(1000),
    reviewIntervalDays: { type: 'integer', minimum: 1, maximum: 1096 },
    reviewNoticeDays,
  },
} as const

export const noteBody = {
  type: 'object',
  additionalProperties: false,
  properties: { note: text(2000) },
} as const

/** Approval: a note and the date the version takes effect (default: on approval). */
export const approveBody = {
  type: 'object',
  additionalProperties: false,
  properties: { note: text(2000), effectiveFrom: { type: 'string', format: 'date-time' } },
} as const

export const distributeBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    groups: {
      type: 'array',
      maxItems: 50,
      uniqueItems: true,
      items: { type: 'string', minLength: 1, maxLength: 100 },
    },
    roles: {
      type: 'array',
      maxItems: 5,
      uniqueItems: true,
      items: { enum: ['admin', 'process-owner', 'staff', 'auditor'] },
    },
    /** Named people, beside or instead of groups and roles. */
    users: {
      type: 'array',
      maxItems: 200,
      uniqueItems: true,
      items: { type: 'string', minLength: 1, maxLength: 100 },
    },
  },
} as const

/** The per-kind check of structured content: objectives only on an objectives document, … */
export const dataKindOf = (data: object): DocumentKind =>
  (controlledKindOf(data) as DocumentKind | undefined) ??
  ('objectives' in data
    ? 'objectives'
    : 'sections' in data
      ? 'plan'
      : 'continuityPlan' in data
        ? 'continuity-plan'
        : 'capacityPlan' in data
          ? 'capacity-plan'
          : 'scope')
