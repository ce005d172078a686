/**
 * ISO/IEC 20000-1 4.5.4.2: an internal audit is conducted against a checklist per clause. The
 * audit's plan names the clauses it covers (`data.clauses`); when the audit is recorded as
 * conducted (the auditor completing `Task_ConductAudit`, or anyone setting the status), its
 * checklist (`data.checklist`) must hold a result for each of them — "not audited" is a result,
 * said openly — or the write is refused with 422 naming the clauses, and nothing is stored.
 */
import { UnprocessableError } from '../../cases/change-control'
import { areasOfAudit } from './independence'

/** The status an internal audit takes when its auditor has worked through it. */
export const CONDUCTED = 'conducted'

/** The planned clauses the checklist gives no result for (empty: every one is covered). */
export function clausesWithoutResult(data: Record<string, unknown>): string[] {
  const answered = new Set(
    (Array.isArray(data.checklist) ? data.checklist : []).flatMap((row: unknown) => {
      if (typeof row !== 'object' || row === null) return []
      const { clause, result } = row as { clause?: unknown; result?: unknown }
      return typeof clause === 'string' && typeof result === 'string' && result ? [clause] : []
    }),
  )
  return areasOfAudit(data).clauses.filter((c) => !answered.has(c))
}

/**
 * Refuses (422) recording audit `audit` as conducted while its checklist misses a planned clause.
 * Called by the case service inside the transaction of the write that sets the status.
 */
export function checkChecklistCoversPlan(audit: {
  id: string
  data: Record<string, unknown>
}): void {
  const missing = clausesWithoutResult(audit.data)
  if (!missing.length) return
  throw new UnprocessableError(
    `The checklist of ${audit.id} has no result for clause ${missing.join(', ')}: an audit is conducted against a checklist per planned clause (ISO/IEC 20000-1 4.5.4.2); add a row with its result ("not audited" if it was not). Nothing was changed.`,
  )
}
