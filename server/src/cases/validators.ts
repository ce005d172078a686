/**
 * Request-body schemas per kind, generated from {@link kindSpecs} and the kind's form
 * (`case-forms.ts`), and their compiled ajv validators (one per schema, compiled once). The
 * schemas are also what the OpenAPI document shows.
 */
import type { Ajv, ValidateFunction } from 'ajv'
import { ajv, fieldErrors, versionSchema } from '../http/validation'
import { rangeErrors } from '../forms/date-ranges'
import { ForbiddenError, UserError, type FieldError } from '../errors'
import { staffDecidedFields } from './access'
import { formAjv } from '../forms/form-ajv'
import { caseForms } from './case-forms'
import { calendarErrors } from './service-calendar'
import { allKinds, kindSpecs, type CaseKind, type KindSpec } from './kinds'

/** JSON schema of a kind's `data`, derived from its form `forms/case-<kind>.form`. */
export const dataSchemaOf = (kind: CaseKind) => caseForms[kind].dataSchema

/** JSON schema of a create body for `kind`. */
export function createSchemaOf(spec: KindSpec): Record<string, unknown> {
  const properties: Record<string, unknown> = {}
  for (const f of spec.fields) if (f.writable) properties[f.api] = f.schema
  properties.data = dataSchemaOf(spec.kind)
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
      ...versionSchema,
      description: 'The version read; a stale version gets 409.',
    },
  }
  for (const f of spec.fields) if (f.writable) properties[f.api] = f.schema
  // `data` is merged key by key into the stored data (null removes a key), then the result is
  // validated against the form; only the form's keys may appear.
  properties.data = {
    type: 'object',
    properties: Object.fromEntries(
      Object.keys(dataSchemaOf(spec.kind).properties).map((key) => [key, {}]),
    ),
    additionalProperties: false,
  }
  if (spec.editableStatuses.length) properties.status = { enum: spec.editableStatuses }
  return {
    type: 'object',
    properties,
    required: ['version'],
    minProperties: 2,
    additionalProperties: false,
  }
}

const compileAll = (make: (s: KindSpec) => object, using: Ajv = ajv) =>
  Object.fromEntries(allKinds.map((k) => [k, using.compile(make(kindSpecs[k]))])) as Record<
    CaseKind,
    ValidateFunction
  >

// case data is form data: schemas holding the form's fields run their patterns on RE2, like
// task submissions (see forms/form-ajv.ts)
const createValidators = compileAll(createSchemaOf, formAjv)
const patchValidators = compileAll(patchSchemaOf)
const dataValidators = compileAll((s) => dataSchemaOf(s.kind), formAjv)

function check(validate: ValidateFunction, value: unknown, prefix = ''): void {
  if (!validate(value)) {
    const errors = fieldErrors(validate.errors).map((e) => ({
      ...e,
      path: `${prefix}${e.path === '/' && prefix ? '' : e.path}`,
    }))
    throw new UserError('The request body is invalid.', errors)
  }
}

/**
 * Throws a 400 with field errors unless `body` is a valid create body for `kind`, the declared
 * ranges of its `data` included.
 */
export function validateCreate(kind: CaseKind, body: unknown): void {
  check(createValidators[kind], body)
  const data = (body as { data?: unknown }).data
  const ranges = [
    ...rangeErrors(caseForms[kind].form, data, '/data'),
    ...semanticErrors(kind, data),
  ]
  if (ranges.length) throw new UserError('The request body is invalid.', ranges)
}

/** Checks a form cannot state: an SLA's service calendar (6.1) must be one the clock can run in. */
function semanticErrors(kind: CaseKind, data: unknown): FieldError[] {
  if (kind !== 'sla' || !data || typeof data !== 'object') return []
  return calendarErrors((data as { calendar?: unknown }).calendar, '/data/calendar')
}
/** Throws a 400 with field errors unless `body` is a valid PATCH body for `kind`. */
export const validatePatch = (kind: CaseKind, body: unknown) => check(patchValidators[kind], body)
/**
 * Throws a 400 unless `data` (after merging) is valid for `kind`, its declared ranges included
 * (an end before its start, `date-ranges.ts`); errors under `/data`.
 */
export function validateData(kind: CaseKind, data: unknown): void {
  check(dataValidators[kind], data, '/data')
  const ranges = [
    ...rangeErrors(caseForms[kind].form, data, '/data'),
    ...semanticErrors(kind, data),
  ]
  if (ranges.length) throw new UserError('The request body is invalid.', ranges)
}

/**
 * Throws a 400 naming each field of `data` that only the procedure writes (shown readonly in
 * the kind's form): people see them, the job workers set them (ISO/IEC 20000-1 8.1, 8.2, 9.2:
 * classification outcomes, escalations and closure codes are the procedure's record).
 */
export function refuseReadonly(kind: CaseKind, data: unknown, customer = false): void {
  if (!data || typeof data !== 'object') return
  const { readonly, staffOnly } = caseForms[kind]
  const errors: FieldError[] = [
    ...readonly
      .filter((key) => key in data)
      .map((key) => ({
        path: `/data/${key}`,
        message: 'is set by the procedure and cannot be written',
      })),
    // 8.1: the service desk classifies and resolves; a customer describes what happened
    ...(customer ? staffOnly : [])
      .filter((key) => key in data && !readonly.includes(key))
      .map((key) => ({
        path: `/data/${key}`,
        message: "is for the service provider's staff only",
      })),
  ]
  if (errors.length) throw new UserError('The request body is invalid.', errors)
}

/**
 * Throws a 403 when a customer's change names a field the service provider decides: a typed
 * {@link staffDecidedFields} entry (priority, assignment) or an `audience: staff` data field
 * (impact, urgency, …). Used where a customer's submission reaches the record other than by
 * create (a user task assigned to the customer whose diagram maps such a field: 8.1 b).
 */
export function refuseStaffDecided(kind: CaseKind, fields: Record<string, unknown>): void {
  const data = fields.data && typeof fields.data === 'object' ? fields.data : {}
  const named = [
    ...staffDecidedFields.filter((f) => f in fields),
    ...caseForms[kind].staffOnly.filter((key) => key in data).map((key) => `data.${key}`),
  ]
  if (named.length) {
    throw new ForbiddenError(
      `Customers cannot set ${named.join(', ')}: the service provider decides them.`,
    )
  }
}
