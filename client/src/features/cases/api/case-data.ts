/**
 * A case's form-shaped `data` and its form (`GET /api/case-forms/:kind`, the form-js form of the
 * kind): what the create and edit views render with form-js and send back. The server validates
 * every write against the same form; the helpers here only keep the browser from sending what
 * the person did not enter or may not write.
 */
import { NON_DATA_TYPES } from '@shared/api/forms'
import type { FieldError } from '../../../lib/api'

/** A form-js component as far as the client looks at it. */
export interface FormComponent {
  type: string
  id?: string
  key?: string
  path?: string
  readonly?: boolean | string
  valuesKey?: string
  components?: FormComponent[]
  [property: string]: unknown
}

/** A form-js form. */
export interface FormSchema {
  id?: string
  components: FormComponent[]
  [property: string]: unknown
}

/** The form of a kind as the server serves it. */
export interface CaseFormView {
  kind: string
  formId: string
  form: FormSchema
  /** Data keys only the procedure writes: shown, never sent. */
  readonly: string[]
}

/** An option of a form-js select or taglist. */
export interface FormOption {
  label: string
  value: string | number
}

/** The path of the form of a kind, by its URL segment (`incidents`) or name (`incident`). */
export const caseFormPath = (kind: string) => `/case-forms/${encodeURIComponent(kind)}`

const holdsData = (c: FormComponent): boolean =>
  c.components ? c.components.some(holdsData) : !!c.key && !NON_DATA_TYPES.has(c.type)

/**
 * The form for a new case: without the fields only the procedure writes (nothing to show yet),
 * and without groups left with no field.
 */
export function creatableForm(form: FormSchema): FormSchema {
  const keep = (components: FormComponent[]): FormComponent[] =>
    components.flatMap((c) => {
      if (c.readonly === true) return []
      if (!c.components) return [c]
      const children = keep(c.components)
      return holdsData(c) && !children.some(holdsData) ? [] : [{ ...c, components: children }]
    })
  return { ...form, components: keep(form.components) }
}

/** The form without the fields of `keys` (a view that asks for them its own way). */
export function withoutKeys(form: FormSchema, keys: readonly string[]): FormSchema {
  if (!keys.length) return form
  const keep = (components: FormComponent[]): FormComponent[] =>
    components
      .filter((c) => !c.key || !keys.includes(c.key))
      .map((c) => (c.components ? { ...c, components: keep(c.components) } : c))
  return { ...form, components: keep(form.components) }
}

/** Every component of the form, nested ones included. */
function allComponents(components: FormComponent[]): FormComponent[] {
  return components.flatMap((c) => [c, ...allComponents(c.components ?? [])])
}

/**
 * The data form-js starts from: the record's data plus the options of each taglist fed by a
 * `valuesKey` (the given lists, and the values already chosen so none is lost).
 */
export function initialData(
  form: FormSchema,
  data: Record<string, unknown>,
  lists: Record<string, FormOption[]> = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...data }
  for (const c of allComponents(form.components)) {
    if (!c.valuesKey || !c.key) continue
    const chosen = Array.isArray(data[c.key]) ? (data[c.key] as unknown[]) : []
    const options = [...(lists[c.valuesKey] ?? [])]
    for (const v of chosen) {
      if ((typeof v === 'string' || typeof v === 'number') && !options.some((o) => o.value === v))
        options.push({ label: String(v), value: v })
    }
    out[c.valuesKey] = options
  }
  return out
}

/** Empty values dropped: '' and null, empty lists and objects (form-js submits them for blanks). */
export function prune(value: unknown): unknown {
  if (value === '' || value === null || value === undefined) return undefined
  if (Array.isArray(value)) {
    const items = value.map(prune).filter((v) => v !== undefined)
    return items.length ? items : undefined
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => [k, prune(v)] as const)
      .filter(([, v]) => v !== undefined)
    return entries.length ? Object.fromEntries(entries) : undefined
  }
  return value
}

/** JSON with sorted keys: the database does not keep key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : v,
  )
}

/**
 * What the person changed in the form: the keys whose value differs from the one form-js
 * started with (so untouched fields, which form-js fills with empty values such as `false` for
 * a checkbox, are not sent), as the value to send — `null` for a cleared one (the server merges
 * key by key and removes null keys). Readonly fields are never sent.
 */
export function dataChanges(
  submitted: Record<string, unknown>,
  initial: Record<string, unknown>,
  readonly: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(submitted)) {
    if (readonly.includes(k)) continue
    const now = prune(v) ?? null
    if (canonical(now) !== canonical(prune(initial[k]) ?? null)) out[k] = now
  }
  return out
}

/** The data of a new case: what was entered, without blanks and without readonly fields. */
export function dataToCreate(
  submitted: Record<string, unknown>,
  initial: Record<string, unknown>,
  readonly: readonly string[],
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(dataChanges(submitted, initial, readonly)).filter(([, v]) => v !== null),
  )
}

/** The server's errors about `data` (`/data/<field>…`) and the others. */
export function splitErrors(errors: readonly FieldError[]): {
  data: FieldError[]
  other: FieldError[]
} {
  const data = errors.filter((e) => e.path === '/data' || e.path.startsWith('/data/'))
  return { data, other: errors.filter((e) => !data.includes(e)) }
}
