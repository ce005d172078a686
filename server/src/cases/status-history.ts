/**
 * The status history of a case (ISO/IEC 20000-1 8.1 d, 8.2 e): each change with who made it,
 * when, and the element of the procedure that made it. Written in the transaction that changes
 * the status, so the record's status and its history never disagree.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { iso } from '../db/timestamps'

/** One status change as the API shows it. */
export interface StatusChange {
  from: string | null
  to: string
  actor: string
  at: string
  /** The BPMN element that changed the status; null for a change made outside a procedure. */
  elementId: string | null
  processInstanceKey: string | null
}

/** Where a change comes from: the element of a procedure, when there is one. */
export interface ChangeOrigin {
  processInstanceKey?: string
  elementId?: string
}

export async function recordStatusChange(
  tx: Kysely<DB>,
  change: {
    kind: string
    id: string
    from: string | null
    to: string
    actor: string
    origin?: ChangeOrigin
  },
): Promise<void> {
  await tx
    .insertInto('case_status_history')
    .values({
      case_kind: change.kind,
      case_id: change.id,
      from_status: change.from,
      to_status: change.to,
      actor: change.actor,
      element_id: change.origin?.elementId ?? null,
      process_instance_key: change.origin?.processInstanceKey ?? null,
    })
    .execute()
}

export async function statusHistoryOf(
  db: Kysely<DB>,
  kind: string,
  id: string,
): Promise<StatusChange[]> {
  const rows = await db
    .selectFrom('case_status_history')
    .selectAll()
    .where('case_kind', '=', kind)
    .where('case_id', '=', id)
    .orderBy('id')
    .execute()
  return rows.map((r) => ({
    from: r.from_status,
    to: r.to_status,
    actor: r.actor,
    at: iso(r.changed_at),
    elementId: r.element_id,
    processInstanceKey: r.process_instance_key,
  }))
}
