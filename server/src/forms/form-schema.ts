/**
 * form-js forms as JSON schemas: the server validates every task submission with ajv against
 * the schema derived from the form the task was deployed with, so what the browser enforces is
 * enforced again where it counts (ISO/IEC 20000-1 4.3.3: records are complete and correct).
 */

/** A form-js component as far as validation needs it. */
export interface FormComponent {
  type: string
  id?: string
  key?: string
  /** Groups and dynamic lists with a path submit their children under that path. */
  path?: string
  label?: string
  values?: { value: unknown; label?: string }[]
  /** Options come from a process variable at run time: no enumeration in the schema. */
  valuesKey?: string
  valuesExpression?: string
  components?: FormComponent[]
  validate?: {
    required?: boolean
    min?: number
    max?: number
    minLength?: number
    maxLength?: number
    pattern?: string
    validationType?: 'email' | 'phone' | string
  }
  subtype?: 'date' | 'time' | 'datetime'
  /** number fields that submit their value as a string. */
  serializeToString?: boolean
  disabled?: boolean
  readonly?: boolean | string
  [key: string]: unknown
}

/** A form-js form (schemaVersion 16+). */
export interface FormJs {
  id?: string
  type?: string
  schemaVersion?: number
  components: FormComponent[]
  [key: string]: unknown
}

/** The schema {@link formToJsonSchema} returns: always an object with a `required` list. */
export interface JsonSchemaObject {
  type: 'object'
  properties: Record<string, Record<string, unknown>>
  required: string[]
  additionalProperties: boolean
}

/** Component types that carry no data (display only). */
export const NON_DATA_TYPES: ReadonlySet<string> = new Set([
  'text',
  'html',
  'image',
  'button',
  'spacer',
  'separator',
  'iframe',
  'table',
  'documentPreview',
])

/**
 * form-js date-time values: `2026-11-25T10:30` with optional seconds and offset. Stricter
 * RFC 3339 (`format: date-time`) would reject what the form-js viewer submits.
 */
export const FORM_DATETIME_PATTERN =
  '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?$'
/** form-js time values: `10:30`, optionally with seconds and offset. */
export const FORM_TIME_PATTERN = '^\\d{2}:\\d{2}(:\\d{2})?(Z|[+-]\\d{2}:?\\d{2})?$'

const scalar = { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] }

function enumOf(c: FormComponent): unknown[] | undefined {
  if (c.valuesKey || c.valuesExpression) return undefined
  const values = c.values?.map((x) => x.value)
  return values?.length ? values : undefined
}

/** The JSON schema of one data field's value. */
export function fieldSchema(c: FormComponent): Record<string, unknown> {
  const v = c.validate ?? {}
  const values = enumOf(c)
  switch (c.type) {
    case 'number':
      if (c.serializeToString) return { type: 'string', pattern: '^-?\\d+(\\.\\d+)?$' }
      return {
        type: 'number',
        ...(v.min !== undefined ? { minimum: v.min } : {}),
        ...(v.max !== undefined ? { maximum: v.max } : {}),
      }
    case 'checkbox':
      return { type: 'boolean' }
    case 'select':
    case 'radio':
      return values ? { enum: values } : scalar
    case 'checklist':
    case 'taglist':
      return { type: 'array', items: values ? { enum: values } : scalar, uniqueItems: true }
    case 'datetime':
      if (c.subtype === 'datetime') return { type: 'string', pattern: FORM_DATETIME_PATTERN }
      if (c.subtype === 'time') return { type: 'string', pattern: FORM_TIME_PATTERN }
      return { type: 'string', format: 'date' }
    case 'expression':
    case 'filepicker':
      return {}
    default:
      // textfield, textarea and unknown keyed fields
      return {
        type: 'string',
        ...(v.minLength !== undefined ? { minLength: v.minLength } : {}),
        ...(v.maxLength !== undefined ? { maxLength: v.maxLength } : {}),
        ...(v.pattern ? { pattern: v.pattern } : {}),
        ...(v.validationType === 'email' ? { format: 'email' } : {}),
        ...(v.validationType === 'phone' ? { pattern: '^\\+?[0-9 ()-]{5,}$' } : {}),
      }
  }
}

function emptyObject(): JsonSchemaObject {
  return { type: 'object', properties: {}, required: [], additionalProperties: false }
}

function addComponents(schema: JsonSchemaObject, components: FormComponent[]): void {
  for (const c of components) {
    if (c.type === 'dynamiclist' && c.path) {
      // a repeatable group: an array of objects under `path`
      const item = emptyObject()
      addComponents(item, c.components ?? [])
      schema.properties[c.path] = { type: 'array', items: item, ...(c.label ? { title: c.label } : {}) }
      continue
    }
    if (c.components) {
      if (c.path) {
        const nested = emptyObject()
        addComponents(nested, c.components)
        schema.properties[c.path] = { ...nested }
        if (nested.required.length) schema.required.push(c.path)
      } else {
        addComponents(schema, c.components)
      }
      continue
    }
    if (NON_DATA_TYPES.has(c.type) || !c.key) continue
    const s = fieldSchema(c)
    if (c.label) s.title = c.label
    if (c.validate?.required) {
      schema.required.push(c.key)
      if (s.type === 'string' && s.minLength === undefined) s.minLength = 1
      if (s.type === 'array') s.minItems = 1
    }
    schema.properties[c.key] = s
  }
}

/**
 * The JSON schema of a form's data: one property per keyed data field, typed by component
 * (textfield/textarea string, number number, checkbox boolean, select/radio the enumeration
 * of their values, checklist/taglist arrays, datetime strings), `required` from
 * `validate.required` (a required text must also be non-empty, a required list non-empty),
 * min/max/minLength/maxLength/pattern from `validate`. Unknown keys are rejected.
 */
export function formToJsonSchema(form: FormJs): JsonSchemaObject {
  const schema = emptyObject()
  addComponents(schema, form.components ?? [])
  return schema
}

/** Whether a value looks like a form-js form. */
export function isFormJs(value: unknown): value is FormJs {
  return (
    !!value &&
    typeof value === 'object' &&
    Array.isArray((value as { components?: unknown }).components)
  )
}

/** Every keyed data component of a form, nested ones included, in order. */
export function dataFields(form: FormJs): FormComponent[] {
  const out: FormComponent[] = []
  const visit = (components: FormComponent[]) => {
    for (const c of components) {
      if (c.components) visit(c.components)
      else if (c.key && !NON_DATA_TYPES.has(c.type)) out.push(c)
    }
  }
  visit(form.components ?? [])
  return out
}
