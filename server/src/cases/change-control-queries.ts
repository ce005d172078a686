/**
 * What the web app reads about change control as the only door (ISO/IEC 20000-1 9.2, 9.1, 6.1,
 * 7.2), beside the writes of `change-record-edits.ts`:
 *
 * - the standard change catalogue with the approval behind each model (the change that approved
 *   its current version, who decided it in the CAB and when);
 * - the edits of records under change control across changes, by record (a CI page shows the
 *   edits proposed for it) or by kind (the catalogue shows the models proposed);
 * - the changes a person may still attach an edit to (not yet approved, theirs to change).
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { isoOrNull } from '../db/timestamps'
import { ForbiddenError } from '../errors'
import { canReadKind, type Actor } from './access'
import {
  acceptsEdits,
  EditTarget,
  mayAttachEdits,
  toEdit,
  type RecordEdit,
} from './change-record-edits'
import { listModels, type StandardChangeModel } from './standard-changes'

/** The approval of a model's current version (9.2: pre-authorised through the change procedure). */
export interface ModelApproval {
  /** The change that approved and implemented the current version. */
  changeId: string
  changeTitle: string | null
  changeStatus: string | null
  /** Who completed the CAB decision (`Task_CabDecision`) of that change, when it was recorded. */
  decidedBy: string | null
  decidedAt: string | null
}

/** A model of the catalogue with its approval. */
export interface CatalogueEntry extends StandardChangeModel {
  approval: ModelApproval
}

/** An edit with the change that carries it. */
export interface RecordEditView extends RecordEdit {
  changeTitle: string
  changeStatus: string
}

/** A change that still takes edits from the person asking. */
export interface ChangeTakingEdits {
  id: string
  title: string
  status: string
  changeType: string | null
  createdBy: string
  createdAt: string
}

/** Query of `GET /api/record-edits`. */
export interface RecordEditsQuery {
  targetKind?: EditTarget
  targetId?: string
  state?: 'pending' | 'applied'
  limit?: number
}

/** Schema of {@link RecordEditsQuery}. */
export const recordEditsQuerySchema = {
  type: 'object',
  properties: {
    targetKind: { enum: Object.values(EditTarget) },
    targetId: { type: 'string', pattern: '^[A-Z]{2,4}-\\d{6,}$' },
    state: { enum: ['pending', 'applied'] },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
  },
  additionalProperties: false,
} as const

const refuseUnlessReader = (actor: Actor) => {
  if (!canReadKind(actor, 'change')) throw new ForbiddenError('You may not read changes.')
}

/** The catalogue, active models first, each with the approval of its current version. */
export async function catalogueWithApprovals(
  db: Kysely<DB>,
  actor: Actor,
): Promise<CatalogueEntry[]> {
  refuseUnlessReader(actor)
  const models = await listModels(db)
  const changeIds = [...new Set(models.map((m) => m.approvedByChange))]
  if (!changeIds.length) return []
  const changes = await db
    .selectFrom('cases')
    .select(['id', 'title', 'status'])
    .where('kind', '=', 'change')
    .where('id', 'in', changeIds)
    .execute()
  const decisions = await db
    .selectFrom('tasks')
    .select(['case_id', 'completed_by', 'completed_at'])
    .where('case_kind', '=', 'change')
    .where('case_id', 'in', changeIds)
    .where('element_id', '=', 'Task_CabDecision')
    .where('state', '=', 'completed')
    .orderBy('completed_at', 'desc')
    .execute()
  return models.map((m) => {
    const change = changes.find((c) => c.id === m.approvedByChange)
    const decision = decisions.find((d) => d.case_id === m.approvedByChange)
    return {
      ...m,
      approval: {
        changeId: m.approvedByChange,
        changeTitle: change?.title ?? null,
        changeStatus: change?.status ?? null,
        decidedBy: decision?.completed_by ?? null,
        decidedAt: isoOrNull(decision?.completed_at),
      },
    }
  })
}

/** Edits across changes, newest first, with the change that carries each. */
export async function recordEdits(
  db: Kysely<DB>,
  actor: Actor,
  query: RecordEditsQuery,
): Promise<RecordEditView[]> {
  refuseUnlessReader(actor)
  let q = db
    .selectFrom('change_record_edits as e')
    .innerJoin('cases as c', (j) => j.onRef('c.id', '=', 'e.change_id').on('c.kind', '=', 'change'))
    .selectAll('e')
    .select(['c.title as change_title', 'c.status as change_status'])
  if (query.targetKind) q = q.where('e.target_kind', '=', query.targetKind)
  if (query.targetId) {
    const id = query.targetId
    q = q.where((eb) => eb.or([eb('e.target_id', '=', id), eb('e.applied_target_id', '=', id)]))
  }
  if (query.state === 'pending') q = q.where('e.applied_at', 'is', null)
  if (query.state === 'applied') q = q.where('e.applied_at', 'is not', null)
  const rows = await q
    .orderBy('e.id', 'desc')
    .limit(query.limit ?? 100)
    .execute()
  return rows.map((r) => ({
    ...toEdit(r),
    changeTitle: r.change_title,
    changeStatus: r.change_status,
  }))
}

/** The changes the person may attach an edit to now, newest first (at most 200). */
export async function changesTakingEdits(
  db: Kysely<DB>,
  actor: Actor,
): Promise<ChangeTakingEdits[]> {
  refuseUnlessReader(actor)
  const rows = await db
    .selectFrom('cases')
    .select([
      'id',
      'title',
      'status',
      'assigned_group',
      'assignee',
      'created_by',
      'created_at',
      'data',
    ])
    .where('kind', '=', 'change')
    .where('status', 'in', ['new', 'assessed'])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1000)
    .execute()
  return rows
    .map((r) => ({ ...r, data: (r.data ?? {}) as Record<string, unknown> }))
    .filter((r) => acceptsEdits(r) && mayAttachEdits(actor, r))
    .slice(0, 200)
    .map((r) => ({
      id: r.id,
      title: r.title,
      status: r.status,
      changeType: typeof r.data.changeType === 'string' ? r.data.changeType : null,
      createdBy: r.created_by,
      createdAt: isoOrNull(r.created_at) ?? '',
    }))
}
