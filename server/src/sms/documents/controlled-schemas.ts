/** JSON schemas (ajv) of the structured content of controlled documents (controlled-model.ts). */
import { serviceCalendarSchema } from '../../cases/service-calendar'

const minutes = { type: 'integer', minimum: 1, maximum: 525_600 } as const
const line = (max: number) => ({ type: 'string', minLength: 1, maxLength: max }) as const
const group = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,99}$' } as const

const priorityTarget = {
  type: 'object',
  additionalProperties: false,
  required: ['responseMinutes', 'resolutionMinutes'],
  properties: { responseMinutes: minutes, resolutionMinutes: minutes },
} as const

export const slaData = {
  type: 'object',
  additionalProperties: false,
  required: ['slaId', 'targets'],
  properties: {
    slaId: { type: 'string', pattern: '^SLA-\\d{6,}$' },
    targets: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: Object.fromEntries(['1', '2', '3', '4', '5'].map((p) => [p, priorityTarget])),
    },
    serviceHours: { type: 'string', maxLength: 500 },
    exceptions: { type: 'string', maxLength: 5000 },
    calendar: serviceCalendarSchema,
  },
} as const

export const catalogueData = {
  type: 'object',
  additionalProperties: false,
  required: ['catalogue'],
  properties: {
    catalogue: {
      type: 'array',
      maxItems: 500,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['serviceId', 'name', 'description'],
        properties: {
          serviceId: { type: 'string', pattern: '^[A-Z]{2,4}-\\d{6,}$' },
          name: line(200),
          description: { type: 'string', maxLength: 5000 },
          serviceHours: { type: 'string', maxLength: 500 },
          requestItems: { type: 'array', maxItems: 100, items: line(200) },
        },
      },
    },
  },
} as const

export const contractData = {
  type: 'object',
  additionalProperties: false,
  required: ['contractId', 'supplierId', 'targets', 'obligations'],
  properties: {
    contractId: { type: 'string', pattern: '^[A-Z]{2,4}-\\d{6,}$' },
    supplierId: { type: 'string', pattern: '^[A-Z]{2,4}-\\d{6,}$' },
    targets: {
      type: 'array',
      maxItems: 50,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'target', 'unit', 'direction'],
        properties: {
          name: line(200),
          target: { type: 'number', minimum: -1e9, maximum: 1e9 },
          unit: { type: 'string', maxLength: 40 },
          direction: { enum: ['at-least', 'at-most'] },
        },
      },
    },
    obligations: { type: 'array', maxItems: 100, items: line(2000) },
  },
} as const

const classRule = {
  type: 'object',
  additionalProperties: false,
  required: ['approverGroup', 'leadTimeHours', 'description'],
  properties: {
    approverGroup: { anyOf: [group, { type: 'null' }] },
    leadTimeHours: { type: 'integer', minimum: 0, maximum: 8760 },
    leadTimeHoursByRisk: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(
        ['low', 'medium', 'high', 'extensive'].map((l) => [
          l,
          { type: 'integer', minimum: 0, maximum: 8760 },
        ]),
      ),
    },
    description: { type: 'string', maxLength: 2000 },
  },
} as const

export const changePolicyData = {
  type: 'object',
  additionalProperties: false,
  required: ['changeClasses', 'classificationDecision'],
  properties: {
    changeClasses: {
      type: 'object',
      additionalProperties: false,
      required: ['standard', 'normal', 'emergency'],
      properties: { standard: classRule, normal: classRule, emergency: classRule },
    },
    classificationDecision: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,100}$' },
    serviceTransition: {
      type: 'object',
      additionalProperties: false,
      required: ['stepDays'],
      properties: { stepDays: { type: 'integer', minimum: 1, maximum: 365 } },
    },
  },
} as const

export const releasePolicyData = {
  type: 'object',
  additionalProperties: false,
  required: ['release'],
  properties: {
    release: {
      type: 'object',
      additionalProperties: false,
      required: [
        'approverGroup',
        'requireAcceptance',
        'maxIncidentsAfterDeployment',
        'earlyLifeSupportDays',
      ],
      properties: {
        approverGroup: group,
        requireAcceptance: { type: 'boolean' },
        maxIncidentsAfterDeployment: { type: 'integer', minimum: 0, maximum: 10_000 },
        earlyLifeSupportDays: { type: 'integer', minimum: 0, maximum: 365 },
      },
    },
  },
} as const

/** Every controlled kind's content schema. */
export const controlledDataSchemas = [
  slaData,
  catalogueData,
  contractData,
  changePolicyData,
  releasePolicyData,
] as const

/** The kind structured content belongs to, from its distinguishing key; undefined if none. */
export function controlledKindOf(data: object): string | undefined {
  if ('slaId' in data) return 'sla'
  if ('catalogue' in data) return 'service-catalogue'
  if ('contractId' in data) return 'contract'
  if ('changeClasses' in data) return 'change-policy'
  if ('release' in data) return 'release-policy'
  return undefined
}
