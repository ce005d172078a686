/** Human references of records: a prefix and a six-digit number per kind (INC-000123). */
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema'

/** Issues the next reference of a prefix inside the transaction: INC-000001, INC-000002, … */
export async function nextReference(tx: Kysely<DB>, prefix: string): Promise<string> {
  const r = await sql<{ last_value: string | number }>`
    insert into ref_counters (prefix, last_value) values (${prefix}, 1)
    on conflict (prefix) do update set last_value = ref_counters.last_value + 1
    returning last_value`.execute(tx)
  return `${prefix}-${String(r.rows[0]!.last_value).padStart(6, '0')}`
}
