/**
 * The ajv schema of a Camunda 8.8 search request body, built from an entity's field list
 * (search/query.ts): an unknown field, an operator the field's type does not have, a bad key or
 * page is refused, and the first error is described as Camunda's 400 detail does.
 */
import { Ajv, type ErrorObject } from 'ajv'
import addFormats from 'ajv-formats'
import type { CustomFilter, EntitySpec, FieldSpec } from './query'

/** Page sizes of 8.8's searches. */
export const DEFAULT_LIMIT = 100
export const MAX_LIMIT = 10_000

export const ajv = new Ajv({ allErrors: false, strict: false })
addFormats(ajv)

const KEY_PATTERN = '^-?[0-9]+$'

function scalarSchema(f: FieldSpec): object {
  switch (f.kind) {
    case 'key':
      return { type: 'string', pattern: KEY_PATTERN }
    case 'int':
      return { type: 'integer' }
    case 'date':
      return { type: 'string', format: 'date-time' }
    case 'enum':
      return { type: 'string', enum: f.values ?? [] }
    case 'bool':
      return { type: 'boolean' }
    case 'string':
      return { type: 'string' }
  }
}

function fieldSchema(f: FieldSpec | CustomFilter): object {
  if ('custom' in f) return f.schema
  const scalar = scalarSchema(f)
  if (!f.ops) return scalar
  const properties: Record<string, object> = {}
  for (const op of f.ops) {
    if (op === '$exists') properties[op] = { type: 'boolean' }
    else if (op === '$in' || op === '$notIn') properties[op] = { type: 'array', items: scalar }
    else if (op === '$like') properties[op] = { type: 'string' }
    else properties[op] = scalar
  }
  return { anyOf: [scalar, { type: 'object', additionalProperties: false, properties }] }
}

/** The ajv schema of an entity's search request body. */
export function searchSchema(spec: EntitySpec<unknown>, orGroups: boolean): object {
  const fields: Record<string, object> = {}
  for (const [name, f] of Object.entries(spec.filters)) fields[name] = fieldSchema(f)
  const filter: Record<string, unknown> = {
    type: 'object',
    additionalProperties: false,
    properties: { ...fields },
  }
  if (orGroups) {
    ;(filter.properties as Record<string, object>).$or = {
      type: 'array',
      items: { type: 'object', additionalProperties: false, properties: fields },
    }
  }
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      filter,
      sort: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['field'],
          properties: {
            field: Object.keys(spec.sorts).length
              ? { type: 'string', enum: Object.keys(spec.sorts) }
              : { not: {} },
            order: { type: 'string', enum: ['ASC', 'DESC', 'asc', 'desc'] },
          },
        },
      },
      page: {
        type: 'object',
        additionalProperties: false,
        properties: {
          from: { type: 'integer', minimum: 0 },
          limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT },
          after: { type: 'string' },
          before: { type: 'string' },
        },
      },
    },
  }
}

/** Describes the first ajv error as Camunda's 400 detail does: where, and what is wrong. */
export function describeAjvError(errors: ErrorObject[] | null | undefined): string {
  const e = errors?.[0]
  if (!e) return 'The request body is not valid'
  const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : 'body'
  if (e.keyword === 'additionalProperties')
    return `Request property [${where === 'body' ? '' : `${where}.`}${String(
      (e.params as { additionalProperty: string }).additionalProperty,
    )}] cannot be parsed`
  if (e.keyword === 'enum')
    return `Request property [${where}] must be one of ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}`
  return `Request property [${where}] ${e.message ?? 'is not valid'}`
}

/** A compiled entity search: validates a body and answers it from the tables. */
