/**
 * Decisions flow onto the record, declared in the diagram (ISO/IEC 20000-1 4.3.3, 8.1 d, 8.2 e,
 * 9.1 g–h). A user task names, in its custom extension properties (`zeebe:properties`, editable
 * in the modeler's "Extension properties"), which of its form's fields update which fields of its
 * case, and the status the case takes when the task is completed:
 *
 * - `record:<case field>` = `<form field>`: the submitted value of the form field is written to
 *   the case field, a typed field (`serviceId`, `ciId`, `assignedGroup`, `assignee`, `priority`,
 *   `title`, …, see `kinds.ts`) or a key of the kind's case form `data` (`category`, `diagnosis`);
 * - `record:status` = `<status>`: the case's status after the task (a lower-case word).
 *
 * The server reads them from the XML of the process version the task runs on and applies them in
 * the transaction that stores the submission (see `inbox/tasks.service.ts`), with the evidence
 * entries and the status history row: nothing half-written, nothing done twice.
 */
import { UserError, type FieldError } from '../errors'
import { caseForms } from './case-forms'
import { kindSpecs, type CaseKind } from './kinds'

/** The prefix of the extension properties that update the record. */
export const RECORD_PROPERTY_PREFIX = 'record:'

const STATUS_PATTERN = /^[a-z][a-z0-9-]{0,39}$/
const FIELD_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/

/** What one element writes on its case. */
export interface RecordMapping {
  /** Case field ← form field. */
  fields: { target: string; source: string }[]
  /** The status the case takes when the element completes. */
  status?: string
}

/** The record updates declared in an element's extension properties, if any. */
export function recordMappingOf(
  properties: Record<string, string> | undefined,
): RecordMapping | undefined {
  if (!properties) return undefined
  const mapping: RecordMapping = { fields: [] }
  for (const [name, value] of Object.entries(properties)) {
    if (!name.startsWith(RECORD_PROPERTY_PREFIX)) continue
    const target = name.slice(RECORD_PROPERTY_PREFIX.length).trim()
    if (target === 'status') mapping.status = value.trim()
    else mapping.fields.push({ target, source: value.trim() })
  }
  return mapping.fields.length || mapping.status !== undefined ? mapping : undefined
}

/** Where a case field lives: a typed column (by API name) or a key of `data`. */
function targetOf(kind: CaseKind, target: string): 'typed' | 'data' | undefined {
  if (kindSpecs[kind].fields.some((f) => f.api === target && f.writable)) return 'typed'
  const props = caseForms[kind].dataSchema.properties as Record<string, unknown> | undefined
  if (props && target in props) return 'data'
  return undefined
}

/**
 * What is wrong with a mapping for a case of `kind` (empty when nothing): unknown case fields,
 * malformed form field names or a status that is no lower-case word. Checked when a procedure is
 * linted and again when a task is completed.
 */
export function recordMappingProblems(kind: CaseKind, mapping: RecordMapping): string[] {
  const problems: string[] = []
  for (const { target, source } of mapping.fields) {
    if (!targetOf(kind, target)) {
      problems.push(`record:${target}: ${kindSpecs[kind].label}s have no field "${target}"`)
    }
    if (!FIELD_PATTERN.test(source)) {
      problems.push(`record:${target}: "${source}" is not a form field name`)
    }
  }
  if (mapping.status !== undefined && !STATUS_PATTERN.test(mapping.status)) {
    problems.push(`record:status: "${mapping.status}" is not a lower-case word`)
  }
  return problems
}

/** The case change a completed task makes: typed fields, `data` keys and status. */
export interface RecordPatch {
  /** Typed fields by API name, plus `data` when data keys change. */
  fields: Record<string, unknown>
  status?: string
  /** The form field each changed case field comes from (for field errors of the task's form). */
  sources?: Record<string, string>
}

/**
 * The change `mapping` makes from the submitted `data`. A form field the submission leaves out
 * changes nothing; an empty one (null, '') clears the case field. A mapping that does not fit the
 * kind is the process owner's error: a 400 naming it, and nothing is stored.
 */
export function recordPatch(
  kind: CaseKind,
  mapping: RecordMapping,
  submitted: Record<string, unknown>,
): RecordPatch {
  const problems = recordMappingProblems(kind, mapping)
  if (problems.length) {
    const errors: FieldError[] = problems.map((message) => ({ path: '/', message }))
    throw new UserError(
      'The procedure declares record updates this record kind does not have; ask the process owner to correct the diagram.',
      errors,
    )
  }
  const fields: Record<string, unknown> = {}
  const data: Record<string, unknown> = {}
  const sources: Record<string, string> = {}
  for (const { target, source } of mapping.fields) {
    if (!(source in submitted) || submitted[source] === undefined) continue
    sources[target] = source
    const raw = submitted[source]
    const value = raw === '' ? null : raw
    if (targetOf(kind, target) === 'typed') fields[target] = value
    else data[target] = value
  }
  if (Object.keys(data).length) fields.data = data
  return {
    fields,
    ...(mapping.status !== undefined ? { status: mapping.status } : {}),
    sources,
  }
}

/**
 * What is wrong with the record updates a process declares, per element: for a draft's lint
 * (errors block its submission, so a diagram that would lose decisions is never deployed).
 * `kind` is the record kind the process drives (undefined: none, so no element may declare any).
 */
export function recordUpdateLint(
  kind: CaseKind | undefined,
  elements: readonly { id: string; type: string; properties?: Record<string, string> }[],
): { id: string; message: string }[] {
  const problems: { id: string; message: string }[] = []
  for (const el of elements) {
    const mapping = recordMappingOf(el.properties)
    if (!mapping) continue
    if (el.type !== 'UserTask') {
      problems.push({ id: el.id, message: 'record: properties belong on user tasks' })
    } else if (!kind) {
      problems.push({ id: el.id, message: 'this process drives no record to write on' })
    } else {
      problems.push(
        ...recordMappingProblems(kind, mapping).map((message) => ({ id: el.id, message })),
      )
    }
  }
  return problems
}
