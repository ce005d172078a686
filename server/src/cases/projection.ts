/**
 * What each role sees of a record (ISO/IEC 20000-1 4.3.3 records, 8.1, 8.2): one projection,
 * {@link caseForActor}, applied by every route of `CaseService` that returns case data (detail,
 * list and search, create and update answers, comments and attachments lists).
 *
 * - customers never receive the fields their kind's form marks `audience: staff`, nor the
 *   internal fields (decision-table keys and versions, process instance and definition keys,
 *   procedure start errors);
 * - references carry display names for everyone (`serviceName`, `ciName`, `supplierName`,
 *   `assignedGroupName`, `ownerGroupName`, `assigneeName`, `requesterName`,
 *   `relationshipOwnerName`) next to the ids.
 */
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { isCustomer, type Actor } from './access'
import { caseForms } from './case-forms'
import type { CaseKind } from './kinds'

/** Data keys the procedures write for their own bookkeeping: staff only, whatever the form says. */
export const internalDataKeys: readonly string[] = [
  'priorityMatrixVersion',
  'priorityDecisionVersion',
  'priorityDecisionKey',
  'changeDecisionVersion',
  'changeDecisionKey',
]

/** Top-level record fields for staff only (engine keys, why a procedure did not start). */
export const internalRecordKeys: readonly string[] = ['processInstances', 'processStartError']

/** The data keys `actor` may not see on records of `kind` (empty for everyone but customers). */
export function hiddenDataKeys(kind: CaseKind, actor: Actor): readonly string[] {
  return isCustomer(actor) ? [...caseForms[kind].staffOnly, ...internalDataKeys] : []
}

/** The record as `actor` may see it: staff-only and internal fields removed for customers. */
export function caseForActor<T extends { data: Record<string, unknown> }>(
  kind: CaseKind,
  record: T,
  actor: Actor,
): T {
  const hidden = hiddenDataKeys(kind, actor)
  if (!hidden.length) return record
  const data = Object.fromEntries(Object.entries(record.data).filter(([k]) => !hidden.includes(k)))
  const out: Record<string, unknown> = { ...record, data }
  for (const k of internalRecordKeys) delete out[k]
  return out as T
}

/** Reference fields and where their display name is: table, key, name column, name field. */
export const referenceTables = {
  serviceId: ['services', 'id', 'name', 'serviceName'],
  ciId: ['cis', 'id', 'name', 'ciName'],
  supplierId: ['suppliers', 'id', 'name', 'supplierName'],
  assignedGroup: ['groups', 'id', 'name', 'assignedGroupName'],
  ownerGroup: ['groups', 'id', 'name', 'ownerGroupName'],
  assignee: ['users', 'username', 'display_name', 'assigneeName'],
  requester: ['users', 'username', 'display_name', 'requesterName'],
  relationshipOwner: ['users', 'username', 'display_name', 'relationshipOwnerName'],
} as const

/**
 * Adds the display name of every reference the records hold (`serviceName` next to
 * `serviceId`, …); a reference whose record is gone gets `null`. One query per referenced table.
 */
export async function withReferenceNames<T extends Record<string, unknown>>(
  db: Kysely<DB>,
  records: T[],
): Promise<T[]> {
  const wanted = new Map<string, Set<string>>()
  for (const r of records) {
    for (const [field, [table]] of Object.entries(referenceTables)) {
      const v = r[field]
      if (typeof v !== 'string') continue
      const set = wanted.get(table) ?? new Set<string>()
      set.add(v)
      wanted.set(table, set)
    }
  }
  const names = new Map<string, Map<string, string>>()
  for (const [table, values] of wanted) {
    const [, key, label] = Object.values(referenceTables).find(([t]) => t === table)!
    const rows = await sql<{ k: string; n: string }>`select ${sql.ref(key)} as k,
      ${sql.ref(label)} as n from ${sql.table(table)}
      where ${sql.ref(key)} in (${sql.join([...values].map((v) => sql`${v}`))})`.execute(db)
    names.set(table, new Map(rows.rows.map((r) => [r.k, r.n])))
  }
  return records.map((r) => {
    const out: Record<string, unknown> = { ...r }
    for (const [field, [table, , , nameField]] of Object.entries(referenceTables)) {
      if (!(field in r)) continue
      const v = r[field]
      out[nameField] = typeof v === 'string' ? (names.get(table)?.get(v) ?? null) : null
    }
    return out as T
  })
}
