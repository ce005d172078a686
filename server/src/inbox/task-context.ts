/**
 * The task shows what the decision needs, declared in the diagram (ISO/IEC 20000-1 4.3.3, 9.2):
 * a user task names in its custom extension properties (`zeebe:properties`) the fields of its
 * case it shows read-only above its form, so nobody retypes what the record holds (the CAB sees
 * the assessment, the customer the resolution they confirm):
 *
 * - `context:<case field>` = `<label>`: the case field, a typed field (`serviceId`, `ciId`,
 *   `priority`, `assignedGroup`, `requester`, `title`, `status`, … see `cases/kinds.ts`) or a key
 *   of the kind's case form `data` (`risk`, `resolution`, …); the label is the one shown (empty:
 *   the field's own label from the case form).
 *
 * The fields appear in the order the diagram lists them, with their label, raw value and a
 * display value: names instead of ids for references (services, CIs, users, groups, cases),
 * option labels for selects, Yes/No for booleans. A field the person may not see on the record
 * (a customer and an `audience: staff` or internal field) is never in their answer.
 */
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { isCustomer, type Actor } from '../cases/access'
import { caseForms } from '../cases/case-forms'
import { kindSpecs, type CaseKind } from '../cases/kinds'
import { hiddenDataKeys, internalRecordKeys, referenceTables } from '../cases/projection'
import type { FormComponent } from '../forms/form-schema'

/** The prefix of the extension properties naming the case fields a task shows. */
export const CONTEXT_PROPERTY_PREFIX = 'context:'

/** One case field a task declares it shows. */
export interface ContextField {
  field: string
  /** The label the diagram gives it; undefined: the field's own label. */
  label?: string
}

/** One field of the case as the task shows it. */
export interface ContextItem {
  field: string
  label: string
  /** The value on the record (null when not recorded yet). */
  value: unknown
  /** What people read: names for references, option labels, Yes/No; '' when not recorded. */
  display: string
  /** How the client formats `value` (a `datetime` is shown in the reader's time zone). */
  type: 'text' | 'number' | 'boolean' | 'datetime' | 'list'
}

/** The case fields a task declares (`context:` properties), in the diagram's order. */
export function contextFieldsOf(properties: Record<string, string> | undefined): ContextField[] {
  if (!properties) return []
  return Object.entries(properties).flatMap(([name, value]) => {
    if (!name.startsWith(CONTEXT_PROPERTY_PREFIX)) return []
    const field = name.slice(CONTEXT_PROPERTY_PREFIX.length).trim()
    const label = value.trim()
    return [{ field, ...(label ? { label } : {}) }]
  })
}

/** Labels of the typed fields every case has. */
const typedLabels: Record<string, string> = {
  title: 'Title',
  status: 'Status',
  priority: 'Priority',
  serviceId: 'Service',
  ciId: 'Configuration item',
  supplierId: 'Supplier',
  assignedGroup: 'Group',
  assignee: 'Assignee',
  requester: 'Requester',
}

/** The case form component holding a top-level data key, if any. */
function componentOf(kind: CaseKind, key: string): FormComponent | undefined {
  const visit = (components: FormComponent[]): FormComponent | undefined => {
    for (const c of components) {
      if ((c.path ?? c.key) === key) return c
      if (c.components && !c.path) {
        const found = visit(c.components)
        if (found) return found
      }
    }
    return undefined
  }
  return visit(caseForms[kind].form.components ?? [])
}

const isTyped = (kind: CaseKind, field: string) =>
  field === 'status' || kindSpecs[kind].fields.some((f) => f.api === field)

/**
 * What is wrong with the context a task declares for a case of `kind` (empty when nothing):
 * fields the record does not have. Checked when a procedure draft is linted.
 */
export function contextFieldProblems(kind: CaseKind, fields: readonly ContextField[]): string[] {
  return fields.flatMap(({ field }) =>
    isTyped(kind, field) || componentOf(kind, field)
      ? []
      : [`context:${field}: ${kindSpecs[kind].label} records have no field "${field}"`],
  )
}

/**
 * What is wrong with the context the user tasks of a process declare, per element, for a draft's
 * lint (errors block its submission). `kind` is the record kind the process drives.
 */
export function contextLint(
  kind: CaseKind | undefined,
  elements: readonly { id: string; type: string; properties?: Record<string, string> }[],
): { id: string; message: string }[] {
  return elements.flatMap((el) => {
    const fields = contextFieldsOf(el.properties)
    if (!fields.length) return []
    if (el.type !== 'UserTask') {
      return [{ id: el.id, message: 'context: properties belong on user tasks' }]
    }
    if (!kind) return [{ id: el.id, message: 'this process drives no record to show' }]
    return contextFieldProblems(kind, fields).map((message) => ({ id: el.id, message }))
  })
}

/** Data keys whose values name records of a table (by the form's option list, or by key). */
const referenceOf = (c: FormComponent | undefined, key: string): RefTable | undefined => {
  const byOptions: Record<string, RefTable> = {
    affectedCisOptions: 'cis',
    ciOptions: 'cis',
    affectedServicesOptions: 'services',
    serviceOptions: 'services',
    rfcOptions: 'cases',
    knownErrorOptions: 'cases',
    problemOptions: 'cases',
    relatedIncidentsOptions: 'cases',
  }
  const byKey: Record<string, RefTable> = {
    knownErrorId: 'cases',
    changeId: 'cases',
    majorIncidentManager: 'users',
    catalogueItemId: 'catalogue_items',
  }
  return (c?.valuesKey ? byOptions[c.valuesKey] : undefined) ?? byKey[key]
}

type RefTable = 'cis' | 'services' | 'cases' | 'users' | 'catalogue_items' | 'groups' | 'suppliers'

/** Display names of the ids of each table, one query per table. */
async function namesOf(
  db: Kysely<DB>,
  wanted: Map<RefTable, Set<string>>,
  withCaseTitles: boolean,
): Promise<Map<RefTable, Map<string, string>>> {
  const out = new Map<RefTable, Map<string, string>>()
  for (const [table, ids] of wanted) {
    if (!ids.size || (table === 'cases' && !withCaseTitles)) continue
    const [key, label] =
      table === 'users'
        ? ['username', 'display_name']
        : table === 'cases'
          ? ['id', 'title']
          : ['id', 'name']
    const rows = await sql<{ k: string; n: string }>`select ${sql.ref(key)} as k,
      ${sql.ref(label)} as n from ${sql.table(table)}
      where ${sql.ref(key)} in (${sql.join([...ids].map((v) => sql`${v}`))})`.execute(db)
    out.set(table, new Map(rows.rows.map((r) => [r.k, table === 'cases' ? `${r.k} ${r.n}` : r.n])))
  }
  return out
}

const typedReference: Record<string, RefTable> = {
  serviceId: 'services',
  ciId: 'cis',
  supplierId: 'suppliers',
  assignedGroup: 'groups',
  assignee: 'users',
  requester: 'users',
}

/**
 * The declared fields of `record` (the case as `actor` may see it, see `cases/projection.ts`)
 * as the task shows them. Fields `actor` may not see are left out whatever the diagram says.
 */
export async function taskContext(
  db: Kysely<DB>,
  kind: CaseKind,
  record: Record<string, unknown>,
  fields: readonly ContextField[],
  actor: Actor,
): Promise<ContextItem[]> {
  const hidden = new Set<string>([
    ...hiddenDataKeys(kind, actor),
    ...(isCustomer(actor) ? internalRecordKeys : []),
  ])
  const data = (record.data ?? {}) as Record<string, unknown>
  const shown = fields.filter(
    ({ field }) =>
      !hidden.has(field) && (isTyped(kind, field) || componentOf(kind, field) !== undefined),
  )
  const entries = shown.map(({ field, label }) => {
    const typed = isTyped(kind, field)
    const component = typed ? undefined : componentOf(kind, field)
    const value = (typed ? record[field] : data[field]) ?? null
    const table = typed ? typedReference[field] : referenceOf(component, field)
    return { field, label, value, component, table }
  })
  const wanted = new Map<RefTable, Set<string>>()
  for (const e of entries) {
    if (!e.table) continue
    const ids = Array.isArray(e.value) ? e.value : [e.value]
    const set = wanted.get(e.table) ?? new Set<string>()
    for (const id of ids) if (typeof id === 'string') set.add(id)
    wanted.set(e.table, set)
  }
  const names = await namesOf(db, wanted, !isCustomer(actor))
  return entries.map(({ field, label, value, component, table }): ContextItem => {
    const name = (v: unknown) => {
      const text = String(v)
      // the projection already named the typed references (serviceName next to serviceId)
      const projected = table && field in referenceTables ? nameFromRecord(record, field) : null
      return projected ?? (table ? names.get(table)?.get(text) : undefined) ?? text
    }
    const option = (v: unknown) => component?.values?.find((o) => o.value === v)?.label
    const one = (v: unknown): string => {
      if (v === null || v === undefined || v === '') return ''
      if (typeof v === 'boolean') return v ? 'Yes' : 'No'
      if (table) return name(v)
      return option(v) ?? (typeof v === 'object' ? JSON.stringify(v) : String(v))
    }
    const type: ContextItem['type'] = Array.isArray(value)
      ? 'list'
      : component?.type === 'datetime'
        ? 'datetime'
        : typeof value === 'boolean' || component?.type === 'checkbox'
          ? 'boolean'
          : typeof value === 'number'
            ? 'number'
            : 'text'
    return {
      field,
      label: label ?? (isTyped(kind, field) ? typedLabels[field] : labelOf(component)) ?? field,
      value,
      display: Array.isArray(value) ? value.map(one).join(', ') : one(value),
      type,
    }
  })
}

function labelOf(c: FormComponent | undefined): string | undefined {
  if (!c) return undefined
  const label = c.label ?? (typeof c.dateLabel === 'string' ? c.dateLabel : undefined)
  return label || undefined
}

function nameFromRecord(record: Record<string, unknown>, field: string): string | null {
  const nameField = (referenceTables as Record<string, readonly string[]>)[field]?.[3]
  const v = nameField ? record[nameField] : undefined
  return typeof v === 'string' ? v : null
}
