/**
 * The rows one batch of records reads and writes (search/apply.ts), and the conversions of
 * record values to column values.
 */
import type { Row, TableName } from './tables'

/** A key from a record value (JSON number or string; -1 / '' / absent = none). */
export function keyOf(v: unknown): string | null {
  if (v === undefined || v === null || v === '' || v === -1 || v === '-1') return null
  return String(v)
}

export /** Text of a value; null for none. */
const str = (v: unknown): string | null =>
  v === undefined || v === null || v === '' ? null : String(v)

/** Epoch ms of a Zeebe date text (`2026-02-01T10:00Z`, `…+01:00[Europe/Berlin]`); null if none. */
export function dateMs(v: unknown): number | null {
  if (typeof v === 'number') return v > 0 ? v : null
  if (typeof v !== 'string' || v === '') return null
  const ms = Date.parse(v.replace(/\[[^\]]*\]$/, ''))
  return Number.isNaN(ms) ? null : ms
}

/** The rows one batch reads and writes, per table. */
export class Batch {
  readonly rows = new Map<TableName, Map<string, Row>>()
  readonly dirty = new Map<TableName, Map<string, Row>>()
  readonly deleted = new Map<TableName, Set<string>>()

  get(t: TableName, key: string): Row | undefined {
    return this.rows.get(t)?.get(key)
  }

  put(t: TableName, key: string, row: Row, dirty = true): void {
    let rows = this.rows.get(t)
    if (!rows) this.rows.set(t, (rows = new Map()))
    rows.set(key, row)
    this.deleted.get(t)?.delete(key)
    if (dirty) this.touch(t, key)
  }

  touch(t: TableName, key: string): void {
    const row = this.get(t, key)
    if (!row) return
    let dirty = this.dirty.get(t)
    if (!dirty) this.dirty.set(t, (dirty = new Map()))
    dirty.set(key, row)
  }

  delete(t: TableName, key: string): void {
    this.rows.get(t)?.delete(key)
    this.dirty.get(t)?.delete(key)
    let set = this.deleted.get(t)
    if (!set) this.deleted.set(t, (set = new Set()))
    set.add(key)
  }
}
