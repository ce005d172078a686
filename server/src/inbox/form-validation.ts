/**
 * Validates a task submission against the task's form (ajv, one compiled validator per form
 * schema). Values the form does not know are rejected; fields the form leaves empty may be
 * omitted. Failures are a 400 with one error per field.
 */
import type { ValidateFunction } from 'ajv'
import { UserError } from '../errors'
import { formToJsonSchema, isFormJs } from '../forms/form-schema'
import { ajv, fieldErrors } from '../http/validation'

const cache = new Map<string, ValidateFunction>()

export function validateFormData(
  form: unknown,
  data: Record<string, unknown>,
): Record<string, unknown> {
  if (!isFormJs(form)) return data
  const schema = formToJsonSchema(form)
  const cacheKey = JSON.stringify(schema)
  let validate = cache.get(cacheKey)
  if (!validate) {
    validate = ajv.compile(schema)
    cache.set(cacheKey, validate)
  }
  // form-js submits empty optional fields as '' or null; they mean "not given"
  const cleaned: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(data)) {
    if ((v === '' || v === null) && !schema.required.includes(k)) continue
    cleaned[k] = v
  }
  if (!validate(cleaned)) {
    throw new UserError('The form data is invalid.', fieldErrors(validate.errors))
  }
  return cleaned
}
