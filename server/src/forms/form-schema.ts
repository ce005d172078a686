/**
 * form-js forms as JSON schemas: the server validates every task submission with ajv against
 * the schema derived from the form the task was deployed with, so what the browser enforces is
 * enforced again where it counts (ISO/IEC 20000-1 4.3.3: records are complete and correct).
 */
import { NON_DATA_TYPES } from '@shared/api/forms'

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
  /** `0` makes a number field an integer field (form-js rejects decimals then, so does the schema). */
  decimalDigits?: number
  disabled?: boolean
  /** Shown but not editable in the form; `true` also means people may not write it (case forms). */
  readonly?: boolean | string
  /** form-js custom properties (string values); see {@link CustomProperty}. */
  properties?: Record<string, string>
  [key: string]: unknown
}

/**
 * form-js custom properties (`properties` of a component, set in the form editor's "Custom
 * properties" group) that tighten the derived schema where form-js has no `validate` option.
 */
export const CustomProperty = {
  /** taglist, checklist, dynamiclist: at most this many entries. */
  MaxItems: 'maxItems',
  /** taglist: each entry is a string of at most this many characters. */
  ItemMaxLength: 'itemMaxLength',
  /** textfield: a number is accepted as well as text (`"true"`). */
  AcceptsNumber: 'acceptsNumber',
  /** group with a path: keys beyond the group's fields are kept (`"true"`), e.g. free attributes. */
  AdditionalProperties: 'additionalProperties',
  /**
   * date/date-time: this field ends the range started by the named field of the same object; an
   * end before its start is refused (see `date-ranges.ts`).
   */
  RangeStart: 'rangeStart',
} as const
export type CustomProperty = (typeof CustomProperty)[keyof typeof CustomProperty]

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

/** Component types that carry no data (display only); the client reads forms with the same list. */
export { NON_DATA_TYPES } from '@shared/api/forms'

/**
 * form-js date-time values: `2026-11-25T10:30` with optional seconds and offset. Stricter
 * RFC 3339 (`format: date-time`) would reject what the form-js viewer submits.
 */
export const FORM_DATETIME_PATTERN =
  '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?$'
/** form-js time values: `10:30`, optionally with seconds and offset. */
export const FORM_TIME_PATTERN = '^\\d{2}:\\d{2}(:\\d{2})?(Z|[+-]\\d{2}:?\\d{2})?$'

const scalar = { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] }

function customNumber(c: FormComponent, name: CustomProperty): number | undefined {
  const raw = c.properties?.[name]
  const n = raw === undefined ? NaN : Number(raw)
  return Number.isInteger(n) && n >= 0 ? n : undefined
}

const customFlag = (c: FormComponent, name: CustomProperty) => c.properties?.[name] === 'true'

function listLimits(c: FormComponent): Record<string, number> {
  const maxItems = customNumber(c, CustomProperty.MaxItems)
  return maxItems === undefined ? {} : { maxItems }
}

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
        type: c.decimalDigits === 0 ? 'integer' : 'number',
        ...(v.min !== undefined ? { minimum: v.min } : {}),
        ...(v.max !== undefined ? { maximum: v.max } : {}),
      }
    case 'checkbox':
      return { type: 'boolean' }
    case 'select':
    case 'radio':
      return values ? { enum: values } : scalar
    case 'checklist':
    case 'taglist': {
      const itemMaxLength = customNumber(c, CustomProperty.ItemMaxLength)
      const items = values
        ? { enum: values }
        : itemMaxLength !== undefined
          ? { type: 'string', maxLength: itemMaxLength }
          : scalar
      return { type: 'array', items, uniqueItems: true, ...listLimits(c) }
    }
    case 'datetime':
      if (c.subtype === 'datetime') return { type: 'string', pattern: FORM_DATETIME_PATTERN }
      if (c.subtype === 'time') return { type: 'string', pattern: FORM_TIME_PATTERN }
      return { type: 'string', format: 'date' }
    case 'expression':
    case 'filepicker':
      return {}
    default: {
      // textfield, textarea and unknown keyed fields
      const text = {
        type: 'string',
        ...(v.minLength !== undefined ? { minLength: v.minLength } : {}),
        ...(v.maxLength !== undefined ? { maxLength: v.maxLength } : {}),
        ...(v.pattern ? { pattern: v.pattern } : {}),
        ...(v.validationType === 'email' ? { format: 'email' } : {}),
        ...(v.validationType === 'phone' ? { pattern: '^\\+?[0-9 ()-]{5,}$' } : {}),
      }
      return customFlag(c, CustomProperty.AcceptsNumber)
        ? { anyOf: [{ type: 'number' }, text] }
        : text
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
      schema.properties[c.path] = {
        type: 'array',
        items: item,
        ...listLimits(c),
        ...(c.label ? { title: c.label } : {}),
      }
      continue
    }
    if (c.components) {
      if (c.path) {
        const nested = emptyObject()
        addComponents(nested, c.components)
        nested.additionalProperties = customFlag(c, CustomProperty.AdditionalProperties)
        schema.properties[c.path] = { ...nested, ...(c.label ? { title: c.label } : {}) }
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
 * min/max/minLength/maxLength/pattern from `validate`, integers from `decimalDigits: 0`, list
 * sizes and the rest of {@link CustomProperty} from custom properties; groups and dynamic lists
 * with a path nest objects and arrays of objects. Unknown keys are rejected.
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

/**
 * Top-level data keys of the fields `holds` picks: a field's key, or a group's path (whose
 * fields then count as one); fields of groups without a path are looked at one by one.
 */
function keysWhere(form: FormJs, holds: (c: FormComponent) => boolean): string[] {
  const out: string[] = []
  const visit = (components: FormComponent[]) => {
    for (const c of components) {
      const name = c.path ?? c.key
      if (holds(c) && name) out.push(name)
      else if (c.components && !c.path) visit(c.components)
    }
  }
  visit(form.components ?? [])
  return out
}

const isStaffOnly = (c: FormComponent) => c.properties?.audience === 'staff'

/**
 * Top-level data keys of fields meant for the service provider's staff only (custom property
 * `audience: staff`): a customer raising or following a case neither sees nor writes them.
 */
export const staffOnlyKeys = (form: FormJs): string[] => keysWhere(form, isStaffOnly)

/** The form without its staff-only fields (see {@link staffOnlyKeys}), as customers get it. */
export function withoutStaffOnly(form: FormJs): FormJs {
  const keep = (components: FormComponent[]): FormComponent[] =>
    components.flatMap((c) =>
      isStaffOnly(c)
        ? []
        : c.components
          ? [{ ...c, components: keep(c.components) }]
          : [c],
    )
  return { ...form, components: keep(form.components ?? []) }
}

/**
 * The data keys a form shows as `readonly: true` at its top level (fields, and groups or lists
 * with a path): on case forms, what only the procedure writes.
 */
export const readonlyKeys = (form: FormJs): string[] => keysWhere(form, (c) => c.readonly === true)
