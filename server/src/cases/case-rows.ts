/**
 * Reading a record's row with the rules of `access.ts`, and the checks and inserts the case
 * service's writes share: references must exist, a finished record refuses changes (4.3.3), a
 * CI's history is kept (9.1).
 */
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { ConflictError, ForbiddenError, NotFoundError, UserError } from '../errors'
import { canRead, canReadKind, type Actor } from './access'
import { scopeOf, type Row } from './case-record'
import { finalStatuses, type KindSpec } from './kinds'

/** The row of a record, optionally locked (`for update`); undefined when it does not exist. */
export async function rowOf(
  spec: KindSpec,
  id: string,
  db: Kysely<DB>,
  lock = false,
): Promise<Row | undefined> {
  const kindCondition = spec.table === 'cases' ? sql`and kind = ${spec.kind}` : sql``
  const r = await sql<Row>`select * from ${sql.table(spec.table)} where id = ${id}
    ${kindCondition} ${lock ? sql`for update` : sql``}`.execute(db)
  return r.rows[0]
}

/** The row when the actor may read it; 403 for a kind they may not read, 404 otherwise. */
export async function readableRow(
  spec: KindSpec,
  id: string,
  actor: Actor,
  db: Kysely<DB>,
  lock = false,
): Promise<Row> {
  if (!canReadKind(actor, spec.kind)) throw new ForbiddenError(`You may not read ${spec.label}s.`)
  const row = await rowOf(spec, id, db, lock)
  if (!row || !canRead(actor, spec.kind, scopeOf(spec, row))) {
    throw new NotFoundError(`No ${spec.label} ${id}.`)
  }
  return row
}

/** The row locked for a change by the procedure or the system; 404 when it does not exist. */
export async function lockedRow(spec: KindSpec, id: string, tx: Kysely<DB>): Promise<Row> {
  const row = await rowOf(spec, id, tx, true)
  if (!row) throw new NotFoundError(`No ${spec.label} ${id}.`)
  return row
}

/** Referenced service, CI, supplier, group and people must exist: a 400 naming the field. */
export async function checkReferences(
  spec: KindSpec,
  input: Record<string, unknown>,
  tx: Kysely<DB>,
): Promise<void> {
  const checks: [string, 'services' | 'cis' | 'suppliers' | 'groups'][] = [
    ['serviceId', 'services'],
    ['ciId', 'cis'],
    ['supplierId', 'suppliers'],
    ['assignedGroup', 'groups'],
    ['ownerGroup', 'groups'],
  ]
  const people = ['assignee', 'requester', 'relationshipOwner']
  for (const [field, table] of [...checks, ...people.map((p) => [p, 'users'] as const)]) {
    const value = input[field]
    if (typeof value !== 'string' || !spec.fields.some((f) => f.api === field)) continue
    const column = table === 'users' ? 'username' : 'id'
    const found = await sql`select 1 from ${sql.table(table)}
      where ${sql.ref(column)} = ${value}`.execute(tx)
    if (!found.rows.length) {
      throw new UserError('The request refers to a record that does not exist.', [
        { path: `/${field}`, message: `no ${table.replace(/s$/, '')} ${value}` },
      ])
    }
  }
}

/**
 * ISO/IEC 20000-1 4.3.3, 8.1, 9.2: a closed, cancelled or rejected case is a finished record.
 * People (admins too) cannot change it; a procedure step reopens it (`CaseService.setStatus`,
 * which is evidence). Work notes, attachments and links may still be added.
 */
export function refuseClosed(spec: KindSpec, row: Row): void {
  const status = String(row.status)
  if (spec.table !== 'cases' || !finalStatuses.includes(status)) return
  throw new ConflictError(
    `${String(row.id)} is ${status}; a ${status} ${spec.label} cannot be changed. Add a work note, or reopen it through its procedure.`,
  )
}

/** Inserts a row (`data` as jsonb) and returns it as stored. */
export async function insertRow(
  tx: Kysely<DB>,
  table: string,
  columns: string[],
  values: unknown[],
): Promise<Row> {
  const r =
    await sql<Row>`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))})
    values (${sql.join(
      values.map((v, i) => (columns[i] === 'data' ? sql`${JSON.stringify(v)}::jsonb` : sql`${v}`)),
    )}) returning *`.execute(tx)
  return r.rows[0]!
}

/** 9.1: every change of a CI is kept with before and after. */
export async function ciHistory(
  tx: Kysely<DB>,
  ciId: string,
  actor: string,
  action: string,
  before: unknown,
  after: unknown,
): Promise<void> {
  await sql`insert into ci_history (ci_id, actor, action, before, after)
    values (${ciId}, ${actor}, ${action}, ${before === null ? null : JSON.stringify(before)}::jsonb,
      ${after === null ? null : JSON.stringify(after)}::jsonb)`.execute(tx)
}
