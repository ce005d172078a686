/**
 * Checks a form-js form before a procedure draft may carry it (ISO/IEC 20000-1 4.3.2 f: the
 * forms of a procedure are legible and identifiable; 4.3.3: what the form records can be
 * validated). The rules are those the repository's `forms/` are held to: valid against the
 * form-js JSON schema, the form's id is the id it is saved under, component ids and field keys
 * are unique, every `validate.pattern` compiles under RE2 (the server checks submissions in
 * linear time, see `forms/form-ajv.ts`), and the submission schema derived from it compiles with
 * ajv as the inbox will compile it.
 */
import { Ajv } from 'ajv'
import type { FieldError } from '../errors'
import { rangeRuleProblems } from '../forms/date-ranges'
import { createFormAjv, patternProblem } from '../forms/form-ajv'
import { formToJsonSchema, type FormComponent, type FormJs } from '../forms/form-schema'
import { fieldErrors } from '../http/validation'
import formJsSchema from './form-js.schema.json'

const formJsAjv = new Ajv({ allErrors: true, strict: false })

/** The form-js schema (schemaVersion 16+) as rendered by @bpmn-io/form-js 1.x, compiled once. */
export const validateFormJs = formJsAjv.compile<FormJs>(formJsSchema)

/** Form ids: what `forms/<id>.form` file names and the form-js schema allow. */
export const FORM_ID_PATTERN = '^[a-z][a-z0-9-]*$'

/**
 * Every component with its JSON pointer and the data path it binds to: groups and dynamic
 * lists with a `path` put their children's keys under it, so keys are unique per path.
 */
function allComponents(components: FormComponent[], pointer: string, scope: string) {
  return components.flatMap((c, i): { c: FormComponent; pointer: string; binding?: string }[] => {
    const here = `${pointer}/${i}`
    const inner = c.path ? `${scope}${c.path}.` : scope
    return [
      { c, pointer: here, ...(c.key ? { binding: `${scope}${c.key}` } : {}) },
      ...allComponents(c.components ?? [], `${here}/components`, inner),
    ]
  })
}

/**
 * Every problem of `form` as a form saved under `formId`; empty when it may be saved. Paths are
 * JSON pointers into the form (`/components/1/key`).
 */
export function formProblems(formId: string, form: unknown): FieldError[] {
  if (!validateFormJs(form)) return fieldErrors(validateFormJs.errors)
  const problems: FieldError[] = []
  if (form.id !== formId) {
    problems.push({ path: '/id', message: `must be ${formId}, the id the form is saved under` })
  }
  const ids = new Set<string>()
  const keys = new Set<string>()
  for (const { c, pointer, binding } of allComponents(form.components, '/components', '')) {
    if (c.id && ids.has(c.id)) {
      problems.push({ path: `${pointer}/id`, message: `${c.id} is used twice` })
    }
    if (c.id) ids.add(c.id)
    if (binding && keys.has(binding)) {
      problems.push({ path: `${pointer}/key`, message: `the field key ${binding} is used twice` })
    }
    if (binding) keys.add(binding)
    const pattern = c.validate?.pattern
    const problem = typeof pattern === 'string' && pattern ? patternProblem(pattern) : undefined
    if (problem) {
      problems.push({
        path: `${pointer}/validate/pattern`,
        message: `the pattern of ${c.key ?? c.id ?? 'the field'} ${problem}`,
      })
    }
  }
  for (const message of rangeRuleProblems(form)) problems.push({ path: '/components', message })
  if (problems.length > 0) return problems
  try {
    // a fresh instance: the check must not grow the shared validator cache with every save
    createFormAjv().compile(formToJsonSchema(form))
  } catch (err) {
    problems.push({
      path: '/components',
      message: `the form's fields cannot be validated: ${err instanceof Error ? err.message : String(err)}`,
    })
  }
  return problems
}
