/**
 * Request-body schemas per kind, generated from {@link kindSpecs}, and their compiled ajv
 * validators (one per schema, compiled once). The schemas are also what the OpenAPI document
 * shows.
 */
import { Ajv, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import { ajv, fieldErrors } from '../http/validation'
import { UserError } from '../errors'
import { allKinds, kindSpecs, type CaseKind, type KindSpec } from './kinds'

/** JSON schema of a create body for `kind`. */
export function createSchemaOf(spec: KindSpec): Record<string, unknown> {
  const properties: Record<string, unknown> = {}
  for (const f of spec.fields) if (f.writable) properties[f.api] = f.schema
  properties.data = spec.dataSchema
  if (spec.editableStatuses.length && spec.table !== 'cases') {
    properties.status = { enum: spec.editableStatuses }
  }
  return {
    type: 'object',
    properties,
    required: spec.fields.filter((f) => f.requiredOnCreate).map((f) => f.api),
    additionalProperties: false,
  }
}

/** JSON schema of a PATCH body for `kind`: `version` plus at least one field. */
export function patchSchemaOf(spec: KindSpec): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    version: {
      type: 'integer',
      minimum: 1,
      description: 'The version read; a stale version gets 409.',
    },
  }
  for (const f of spec.fields) if (f.writable) properties[f.api] = f.schema
  // `data` is merged key by key into the stored data, then the result is validated.
  properties.data = { type: 'object' }
  if (spec.editableStatuses.length) properties.status = { enum: spec.editableStatuses }
  return {
    type: 'object',
    properties,
    required: ['version'],
    minProperties: 2,
    additionalProperties: false,
  }
}

const compileAll = (make: (s: KindSpec) => Record<string, unknown>) =>
  Object.fromEntries(allKinds.map((k) => [k, ajv.compile(make(kindSpecs[k]))])) as Record<
    CaseKind,
    ValidateFunction
  >

const createValidators = compileAll(createSchemaOf)
const patchValidators = compileAll(patchSchemaOf)
const dataValidators = compileAll((s) => s.dataSchema)

function check(validate: ValidateFunction, value: unknown, prefix = ''): void {
  if (!validate(value)) {
    const errors = fieldErrors(validate.errors).map((e) => ({
      ...e,
      path: `${prefix}${e.path === '/' && prefix ? '' : e.path}`,
    }))
    throw new UserError('The request body is invalid.', errors)
  }
}

/** Throws a 400 with field errors unless `body` is a valid create body for `kind`. */
export const validateCreate = (kind: CaseKind, body: unknown) => check(createValidators[kind], body)
/** Throws a 400 with field errors unless `body` is a valid PATCH body for `kind`. */
export const validatePatch = (kind: CaseKind, body: unknown) => check(patchValidators[kind], body)
/** Throws a 400 unless `data` (after merging) is valid for `kind`; errors under `/data`. */
export const validateData = (kind: CaseKind, data: unknown) =>
  check(dataValidators[kind], data, '/data')

/** Validators for query strings: strings are coerced to the schema's types. */
export const queryAjv = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true })
addFormats.default(queryAjv)

/** Compiles a query-string schema; the function returns the typed query or throws a 400. */
export function queryValidator<T>(schema: Record<string, unknown>): (query: unknown) => T {
  const validate = queryAjv.compile(schema)
  return (query: unknown) => {
    const copy = { ...(query as Record<string, unknown>) }
    if (!validate(copy)) {
      throw new UserError('The query is invalid.', fieldErrors(validate.errors))
    }
    return copy as T
  }
}
