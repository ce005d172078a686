/**
 * ajv for request bodies: one shared instance, one compiled validator per schema, and a helper
 * that turns ajv errors into field-level problem details.
 */
import { Ajv, type ErrorObject, type JSONSchemaType, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import { UserError, type FieldError } from '../errors'

export const ajv = new Ajv({ allErrors: true, removeAdditional: false, useDefaults: true })
addFormats.default(ajv)

export function fieldErrors(errors: ErrorObject[] | null | undefined): FieldError[] {
  return (errors ?? []).map((e) => {
    const missing = e.keyword === 'required' ? `/${String(e.params.missingProperty)}` : ''
    const extra =
      e.keyword === 'additionalProperties' ? `/${String(e.params.additionalProperty)}` : ''
    return {
      path: `${e.instancePath}${missing}${extra}` || '/',
      message: e.message ?? 'is invalid',
    }
  })
}

/** Compiles `schema` once; the returned function returns the typed body or throws a 400. */
export function bodyValidator<T>(schema: JSONSchemaType<T> | object): (body: unknown) => T {
  const validate = ajv.compile(schema) as ValidateFunction<T>
  return (body: unknown) => {
    if (!validate(body)) {
      throw new UserError('The request body is invalid.', fieldErrors(validate.errors))
    }
    return body
  }
}
