/**
 * Ranges declared in forms (ISO/IEC 20000-1 4.3.3: records are complete and correct; 9.2: the
 * schedule of change is planned with proposed deployment dates). A date or date-time field whose
 * form-js custom property `rangeStart` names another field of the same object ends the range that
 * field starts: an end before its start is refused with a field error on the end, wherever the
 * form's data is written (task submissions, case create, PATCH, procedure updates). One property
 * in the form editor instead of code per kind:
 *
 * ```json
 * { "type": "datetime", "key": "plannedEnd", "properties": { "rangeStart": "plannedStart" } }
 * ```
 *
 * The same comparison serves typed start/end pairs outside forms (contracts' `startsOn` /
 * `endsOn`) and query windows (`createdFrom` / `createdTo`) through {@link rangeError}.
 */
import { UserError, type FieldError } from '../errors'
import { CustomProperty, NON_DATA_TYPES, type FormComponent, type FormJs } from './form-schema'

/** One declared range: the data keys of its start and end, inside the object at `path`. */
export interface RangeRule {
  /** JSON pointer of the object holding both fields ('' = the form's top level). */
  path: string
  start: string
  end: string
  startLabel: string
  endLabel: string
}

const labelOf = (c: FormComponent): string => {
  const label = c.label ?? c.dateLabel ?? c.key
  return typeof label === 'string' && label ? label : String(c.key)
}

/** The data fields of one object level: keyed fields, and those of groups without a path. */
function levelFields(components: FormComponent[]): FormComponent[] {
  return components.flatMap((c) =>
    c.components && !c.path ? levelFields(c.components) : c.key ? [c] : [],
  )
}

/** Groups with a path at one object level (their fields are an object of their own). */
function pathGroups(components: FormComponent[]): FormComponent[] {
  return components.flatMap((c) =>
    !c.components || c.type === 'dynamiclist'
      ? []
      : c.path
        ? [c]
        : pathGroups(c.components),
  )
}

/** Every range the form declares (`rangeStart` on the end field), nested groups included. */
export function rangeRules(form: FormJs): RangeRule[] {
  const rules: RangeRule[] = []
  const visit = (components: FormComponent[], path: string) => {
    const fields = levelFields(components).filter((c) => !NON_DATA_TYPES.has(c.type))
    for (const end of fields) {
      const startKey = end.properties?.[CustomProperty.RangeStart]?.trim()
      if (!startKey || !end.key) continue
      const start = fields.find((c) => c.key === startKey)
      rules.push({
        path,
        start: startKey,
        end: end.key,
        startLabel: start ? labelOf(start) : startKey,
        endLabel: labelOf(end),
      })
    }
    for (const g of pathGroups(components)) visit(g.components ?? [], `${path}/${g.path}`)
  }
  visit(form.components ?? [], '')
  return rules
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/
const HAS_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/

/**
 * The instant a form value stands for, in ms: a date (`2026-12-10`) is its midnight, a date-time
 * without an offset (what form-js submits in local time) is read as UTC, like every other value
 * without an offset, so two values of one form compare the way the person entered them.
 * Undefined for anything else (left to the schema).
 */
export function instantOf(value: unknown): number | undefined {
  if (typeof value !== 'string' || !value) return undefined
  const text = DATE_ONLY.test(value)
    ? `${value}T00:00:00Z`
    : /^\d{4}-\d{2}-\d{2}T/.test(value) && !HAS_OFFSET.test(value)
      ? `${value}Z`
      : value
  const ms = Date.parse(text)
  return Number.isNaN(ms) ? undefined : ms
}

/**
 * The field error of an end before its start, if it is: `endPath` names the end field. Values
 * that are missing or not dates are not compared (the schema speaks for them).
 */
export function rangeError(
  start: unknown,
  end: unknown,
  endPath: string,
  startLabel: string,
): FieldError | undefined {
  const s = instantOf(start)
  const e = instantOf(end)
  if (s === undefined || e === undefined || e >= s) return undefined
  return {
    path: endPath,
    message: `must not be before ${startLabel} (${String(start)})`,
  }
}

/** Throws a 400 with the field error of {@link rangeError} when the end is before the start. */
export function refuseReversedRange(
  start: unknown,
  end: unknown,
  endPath: string,
  startLabel: string,
): void {
  const error = rangeError(start, end, endPath, startLabel)
  if (error) throw new UserError('The request is invalid: an end is before its start.', [error])
}

const pointerGet = (data: unknown, path: string): unknown =>
  path
    .split('/')
    .slice(1)
    .reduce<unknown>(
      (v, key) =>
        v && typeof v === 'object' && !Array.isArray(v)
          ? (v as Record<string, unknown>)[key]
          : undefined,
      data,
    )

/**
 * Every range of `form` that `data` breaks, as field errors on the end field, under `prefix`
 * (`/data` for case data).
 */
export function rangeErrors(form: FormJs, data: unknown, prefix = ''): FieldError[] {
  const errors: FieldError[] = []
  for (const rule of rangeRules(form)) {
    const holder = pointerGet(data, rule.path)
    if (!holder || typeof holder !== 'object') continue
    const h = holder as Record<string, unknown>
    const error = rangeError(
      h[rule.start],
      h[rule.end],
      `${prefix}${rule.path}/${rule.end}`,
      rule.startLabel,
    )
    if (error) errors.push(error)
  }
  return errors
}

/**
 * What is wrong with the ranges a form declares, as problems of the form itself (for saving a
 * form): a `rangeStart` naming no date field beside the end, or set on a field that is no date.
 */
export function rangeRuleProblems(form: FormJs): string[] {
  const problems: string[] = []
  const isDate = (c: FormComponent | undefined) => c?.type === 'datetime' && c.subtype !== 'time'
  const visit = (components: FormComponent[]) => {
    const fields = levelFields(components)
    for (const end of fields) {
      const startKey = end.properties?.[CustomProperty.RangeStart]?.trim()
      if (!startKey) continue
      if (!isDate(end)) {
        problems.push(`${end.key}: rangeStart belongs on a date or date-time field`)
      } else if (!isDate(fields.find((c) => c.key === startKey))) {
        problems.push(
          `${end.key}: rangeStart "${startKey}" names no date or date-time field beside it`,
        )
      }
    }
    for (const g of pathGroups(components)) visit(g.components ?? [])
  }
  visit(form.components ?? [])
  return problems
}
