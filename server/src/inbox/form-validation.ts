/**
 * Validates a task submission against the task's form (ajv, one compiled validator per form
 * schema; patterns run on RE2, in time linear in the input). Values the form does not know are
 * rejected; fields the form leaves empty may be omitted; a range's end may not be before its
 * start (`date-ranges.ts`). Failures are a 400 with one error per field.
 */
import type { ValidateFunction } from 'ajv'
import { ConflictError, UserError } from '../errors'
import { rangeErrors } from '../forms/date-ranges'
import { formAjv } from '../forms/form-ajv'
import { formToJsonSchema, isFormJs } from '../forms/form-schema'
import { fieldErrors } from '../http/validation'

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
    try {
      validate = formAjv.compile(schema)
    } catch (err) {
      // a form deployed before patterns were checked on save, e.g. with a lookahead: it cannot
      // be checked safely, and accepting its data unchecked would lose the form's rules
      throw new ConflictError(
        `The task's form cannot be checked: ${err instanceof Error ? err.message : String(err)}. A process owner must correct the form's patterns.`,
      )
    }
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
  // ends before their starts (`rangeStart` in the form): 4.3.3, 9.2 schedules
  const ranges = rangeErrors(form, cleaned)
  if (ranges.length) throw new UserError('The form data is invalid.', ranges)
  return cleaned
}
