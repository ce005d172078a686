/**
 * The findings of an internal audit (4.5.4.2): the `audit-finding` records whose `data.audit`
 * names the audit. Shared by the internal audit's workers.
 */
import { sql, type Kysely } from 'kysely'
import type { DB } from '../../db/schema'

/** One finding as the workers read it. */
export interface FindingRow {
  id: string
  status: string
  assignee: string | null
  data: Record<string, unknown>
}

/** The findings recorded for `auditId`, oldest first. */
export async function findingsOf(db: Kysely<DB>, auditId: string): Promise<FindingRow[]> {
  const rows = await db
    .selectFrom('cases')
    .select(['id', 'status', 'assignee', 'data'])
    .where('kind', '=', 'audit-finding')
    .where(sql<boolean>`data ->> 'audit' = ${auditId}`)
    .orderBy('id')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    assignee: r.assignee,
    data: (r.data ?? {}) as Record<string, unknown>,
  }))
}

/** Whether a finding is a nonconformity still to be acted on. */
export const isOpenNonconformity = (f: FindingRow) =>
  f.data.findingType === 'nonconformity' && f.status !== 'closed'
