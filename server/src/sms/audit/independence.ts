/**
 * ISO/IEC 20000-1 4.5.4.2: "auditors shall not audit their own work". Each person's areas are
 * declared (`sms_auditor_areas`: clauses such as `8.1` or procedures such as `incident`) and
 * also follow from the staff groups they work in (`clauses.ts`). Whenever an internal audit gets
 * an auditor, or its clauses or procedures change, the server checks the auditor against them
 * inside the write's transaction: a person's PATCH, the plan task's submission and a worker's
 * write alike are refused with 422 naming the clash, and nothing is stored.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema'
import { UnprocessableError } from '../../cases/change-control'
import { auditableClauses, clauseOf } from './clauses'

/** The clauses and procedures an audit covers (its `data.clauses` and `data.processes`). */
export function areasOfAudit(data: Record<string, unknown>): {
  clauses: string[]
  processes: string[]
} {
  const clauses = Array.isArray(data.clauses)
    ? data.clauses.filter((c): c is string => typeof c === 'string')
    : []
  const processes =
    typeof data.processes === 'string'
      ? data.processes
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean)
      : []
  return { clauses, processes }
}

/** Where a person works: declared areas and those of their staff groups, each with its source. */
export async function ownAreasOf(
  db: Kysely<DB>,
  username: string,
): Promise<{ area: string; source: string }[]> {
  const declared = await db
    .selectFrom('sms_auditor_areas')
    .select('area')
    .where('username', '=', username)
    .execute()
  const groups = await db
    .selectFrom('user_groups as ug')
    .innerJoin('users as u', 'u.id', 'ug.user_id')
    .select('ug.group_id')
    .where('u.username', '=', username)
    .execute()
  const out = declared.map((d) => ({ area: d.area, source: 'declared' }))
  for (const { group_id } of groups) {
    for (const c of auditableClauses) {
      if (c.groups.includes(group_id)) out.push({ area: c.clause, source: `group ${group_id}` })
    }
  }
  return out
}

/** The clashes between an auditor's own areas and an audit's, as sentences (empty: independent). */
export async function independenceClashes(
  db: Kysely<DB>,
  auditor: string,
  data: Record<string, unknown>,
): Promise<string[]> {
  const { clauses, processes } = areasOfAudit(data)
  const audited = new Set([...clauses, ...processes])
  // a clause's procedures are part of it, and a procedure belongs to its clauses
  for (const c of clauses) for (const p of clauseOf(c)?.processes ?? []) audited.add(p)
  for (const p of processes) {
    for (const c of auditableClauses) if (c.processes.includes(p)) audited.add(c.clause)
  }
  const clashes: string[] = []
  for (const { area, source } of await ownAreasOf(db, auditor)) {
    if (audited.has(area)) {
      const title = clauseOf(area)?.title
      clashes.push(`${area}${title ? ` (${title})` : ''} is their own area (${source})`)
    }
  }
  return [...new Set(clashes)]
}

/** Whether a write of an audit names its auditor or what it covers (then independence is checked). */
export function changesAuditorOrScope(patch: Record<string, unknown>): boolean {
  const data = (patch.data ?? {}) as Record<string, unknown>
  return patch.assignee !== undefined || 'clauses' in data || 'processes' in data
}

/**
 * Refuses (422) an internal audit whose auditor (`assignee`) works in an area it audits. Called by
 * the case service inside the transaction of every write of an internal audit.
 */
export async function checkAuditorIndependence(
  db: Kysely<DB>,
  audit: { id: string; assignee?: unknown; data: Record<string, unknown> },
): Promise<void> {
  if (typeof audit.assignee !== 'string' || !audit.assignee) return
  const clashes = await independenceClashes(db, audit.assignee, audit.data)
  if (!clashes.length) return
  throw new UnprocessableError(
    `${audit.assignee} may not audit ${audit.id}: ${clashes.join('; ')}. Auditors shall not audit their own work (ISO/IEC 20000-1 4.5.4.2); choose another auditor. Nothing was changed.`,
  )
}
