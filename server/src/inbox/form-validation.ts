/**
 * Validates a task submission against the task's form (ajv, one compiled validator per form
 * schema; patterns run on RE2, in time linear in the input). Values the form does not know are
 * rejected; fields the form leaves empty may be omitted; a range's end may not be before its
 * start (`date-ranges.ts`). Failures are a 400 with one error per field.
 *
 * A field form-js hides (`conditional.hide`, a FEEL expression over the task's variables and
 * the form's own values) is neither shown nor submitted by form-js, so it is neither required
 * nor accepted here; shown, its rules apply (e.g. ISO/IEC 20000-1 5.2: the removal plan is
 * required only for a service removed or transferred).
 */
import type { ValidateFunction } from 'ajv'
import { evaluateExpression } from '../../../engine/feel/feel'
import { ConflictError, UserError } from '../errors'
import { rangeErrors } from '../forms/date-ranges'
import { formAjv } from '../forms/form-ajv'
import { formToJsonSchema, isFormJs, type FormComponent, type FormJs } from '../forms/form-schema'
import { fieldErrors } from '../http/validation'

const cache = new Map<string, ValidateFunction>()

/** Whether form-js hides `c` for these values: its `conditional.hide` evaluates to true. */
function isHidden(c: FormComponent, values: Record<string, unknown>): boolean {
  const conditional = c.conditional as { hide?: unknown } | undefined
  if (typeof conditional?.hide !== 'string') return false
  const result = evaluateExpression(conditional.hide, values)
  // an expression that cannot be evaluated hides nothing: the field's rules still apply
  return result.ok && result.value === true
}

/** The form as form-js shows it for these values: hidden components (and their children) left out. */
function shownForm(form: FormJs, values: Record<string, unknown>): FormJs {
  const shown = (components: FormComponent[]): FormComponent[] =>
    components
      .filter((c) => !isHidden(c, values))
      .map((c) => (c.components ? { ...c, components: shown(c.components) } : c))
  return { ...form, components: shown(form.components) }
}

/** Top-level keys of components hidden for these values (form-js submits nothing for them). */
function hiddenKeys(form: FormJs, values: Record<string, unknown>): Set<string> {
  const keys = new Set<string>()
  const walk = (components: FormComponent[], hidden: boolean) => {
    for (const c of components) {
      const isOff = hidden || isHidden(c, values)
      const name = c.key ?? c.path
      if (isOff && name) keys.add(name)
      // a group without a path submits its children at the top level
      if (c.components && !c.path) walk(c.components, isOff)
    }
  }
  walk(form.components, false)
  return keys
}

export function validateFormData(
  form: unknown,
  data: Record<string, unknown>,
  variables: Record<string, unknown> = {},
): Record<string, unknown> {
  if (!isFormJs(form)) return data
  const values = { ...variables, ...data }
  const hidden = hiddenKeys(form, values)
  const shown = hidden.size ? shownForm(form, values) : form
  const schema = formToJsonSchema(shown)
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
    if (hidden.has(k)) continue
    if ((v === '' || v === null) && !schema.required.includes(k)) continue
    cleaned[k] = v
  }
  if (!validate(cleaned)) {
    throw new UserError('The form data is invalid.', fieldErrors(validate.errors))
  }
  // ends before their starts (`rangeStart` in the form): 4.3.3, 9.2 schedules
  const ranges = rangeErrors(shown, cleaned)
  if (ranges.length) throw new UserError('The form data is invalid.', ranges)
  return cleaned
}
