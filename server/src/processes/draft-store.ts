/**
 * Drafts under document control (ISO/IEC 20000-1 4.3.2), whatever they change: the store that
 * procedure drafts and decision drafts share. It reads drafts, creates them, and moves them
 * from state to state with optimistic concurrency; every change is evidence, written in the
 * transaction of the change (4.3.3).
 */
import { randomUUID } from 'node:crypto'
import { sql, type Kysely, type Transaction } from 'kysely'
import type { DB } from '../db/schema'
import { ConflictError, ForbiddenError, NotFoundError } from '../errors'
import { isoOrNull as iso } from '../db/timestamps'
import { writeWithEvidence, type AuditSink } from '../evidence/audit-sink'
import type { LintProblem } from './bpmn'
import { checksum, DraftKind, DraftState, type DraftView } from './processes.model'


/** Evidence of a draft's change: who did it, its action (`process-draft.*`) and details. */
export interface DraftAudit {
  actor: string
  action: string
  detail?: Record<string, unknown>
}

export class DraftStore {
  constructor(private readonly deps: { db: Kysely<DB>; audit: AuditSink }) {}

  async listDrafts(filter: {
    state?: string
    bpmnProcessId?: string
    kind?: DraftKind
  }): Promise<DraftView[]> {
    let q = this.deps.db.selectFrom('process_drafts').selectAll().orderBy('updated_at', 'desc')
    if (filter.kind) q = q.where('kind', '=', filter.kind)
    if (filter.state) q = q.where('state', '=', filter.state)
    if (filter.bpmnProcessId) q = q.where('bpmn_process_id', '=', filter.bpmnProcessId)
    const rows = await q.execute()
    const forms = await this.draftFormIds(rows.map((r) => r.id))
    return rows.map((r) => draftView(r, false, forms.get(r.id) ?? []))
  }

  /** The ids of the forms each draft carries, by draft id. */
  private async draftFormIds(
    draftIds: string[],
    db: Kysely<DB> = this.deps.db,
  ): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>()
    if (draftIds.length === 0) return out
    const rows = await db
      .selectFrom('draft_forms')
      .select(['draft_id', 'form_id'])
      .where('draft_id', 'in', draftIds)
      .orderBy('form_id')
      .execute()
    for (const r of rows) out.set(r.draft_id, [...(out.get(r.draft_id) ?? []), r.form_id])
    return out
  }

  /** One draft with its XML; `db` reads it inside a transaction. */
  async getDraft(id: string, db: Kysely<DB> = this.deps.db): Promise<DraftView> {
    const row = await db
      .selectFrom('process_drafts')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (!row) throw new NotFoundError(`No process draft ${id}.`)
    return draftView(row, true, (await this.draftFormIds([id], db)).get(id) ?? [])
  }

  /**
   * Creates a draft of `kind` in state `draft`, based on the latest deployed version, with its
   * `*-draft.created` evidence in the same transaction.
   */
  async create(
    input: {
      kind: DraftKind
      bpmnProcessId: string
      xml: string
      author: string
      baseVersion: number | null
      lint: LintProblem[]
    },
    /** What the evidence records besides the checksum of the XML. */
    detail: Record<string, unknown>,
  ): Promise<DraftView> {
    const id = randomUUID()
    await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      await tx
        .insertInto('process_drafts')
        .values({
          id,
          kind: input.kind,
          bpmn_process_id: input.bpmnProcessId,
          xml: input.xml,
          state: DraftState.Draft,
          author: input.author,
          base_version: input.baseVersion,
          lint: JSON.stringify(input.lint),
          updated_at: new Date(),
          submitted_at: null,
          approved_by: null,
          approved_at: null,
          rejected_by: null,
          rejected_reason: null,
          deployed_by: null,
          deployed_at: null,
          process_definition_key: null,
        })
        .execute()
      return {
        result: undefined,
        evidence: {
          actor: input.author,
          action: `${input.kind}-draft.created`,
          entityType: `${input.kind}-draft`,
          entityId: id,
          after: { ...detail, checksum: checksum(input.xml) },
        },
      }
    })
    return this.getDraft(id)
  }

  /**
   * Moves a draft on: `set` is written when the draft is in one of `expect.states` and, with
   * optimistic concurrency, at `expect.version`. Its evidence (`process-draft.*`, written as
   * `decision-draft.*` on entity type `decision-draft` for a decision draft) commits with it.
   */
  async transition(
    id: string,
    expect: { states: DraftState[]; version?: number },
    set: Partial<Record<string, unknown>>,
    audit: DraftAudit,
    /** Further writes that stand or fall with the state change (same transaction). */
    apply?: (tx: Transaction<DB>) => Promise<void>,
  ): Promise<DraftView> {
    const before = await this.getDraft(id)
    if (!expect.states.includes(before.state)) {
      throw new ConflictError(
        `The draft is ${before.state}; this needs it to be ${expect.states.join(' or ')}.`,
      )
    }
    if (expect.version !== undefined && expect.version !== before.version) {
      throw new ConflictError(
        `The draft was changed by someone else (version ${before.version}, you sent ${expect.version}). Reload it.`,
      )
    }
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const res = await tx
        .updateTable('process_drafts')
        .set({ ...set, updated_at: new Date(), version: sql`version + 1` })
        .where('id', '=', id)
        .where('version', '=', before.version)
        .executeTakeFirst()
      if (Number(res.numUpdatedRows) !== 1) {
        throw new ConflictError('The draft was changed by someone else meanwhile. Reload it.')
      }
      await apply?.(tx)
      const after = await this.getDraft(id, tx)
      return {
        result: after,
        evidence: {
          actor: audit.actor,
          action:
            before.kind === DraftKind.Decision
              ? audit.action.replace(/^process-draft\./, 'decision-draft.')
              : audit.action,
          entityType: `${before.kind}-draft`,
          entityId: id,
          before: { state: before.state, version: before.version },
          after: {
            state: after.state,
            version: after.version,
            checksum: checksum(after.xml ?? ''),
            ...(after.rejectedReason ? { reason: after.rejectedReason } : {}),
            ...audit.detail,
          },
        },
      }
    })
  }
}

/** Only the author changes a draft (4.3.2). */
export function requireAuthor(draft: DraftView, actor: string, doing = 'edits'): void {
  if (draft.author !== actor) throw new ForbiddenError(`Only the author ${doing} a draft.`)
}

/** Only an approved draft is deployed (4.3.2). */
export function requireApproved(draft: DraftView): void {
  if (draft.state !== DraftState.Approved) {
    throw new ConflictError(`Only an approved draft can be deployed; this one is ${draft.state}.`)
  }
}

type DraftRow = {
  id: string
  bpmn_process_id: string
  xml: string
  state: string
  author: string
  base_version: number | null
  lint: unknown
  created_at: Date | string
  updated_at: Date | string
  submitted_at: Date | string | null
  approved_by: string | null
  approved_at: Date | string | null
  rejected_by: string | null
  rejected_reason: string | null
  deployed_by: string | null
  deployed_at: Date | string | null
  process_definition_key: string | null
  version: number
  kind: string
}

function draftView(r: DraftRow, withXml: boolean, forms: string[]): DraftView {
  return {
    id: r.id,
    bpmnProcessId: r.bpmn_process_id,
    ...(withXml ? { xml: r.xml } : {}),
    state: r.state as DraftState,
    author: r.author,
    baseVersion: r.base_version,
    lint: (typeof r.lint === 'string' ? JSON.parse(r.lint) : r.lint) as LintProblem[],
    createdAt: iso(r.created_at) ?? '',
    updatedAt: iso(r.updated_at) ?? '',
    submittedAt: iso(r.submitted_at),
    approvedBy: r.approved_by,
    approvedAt: iso(r.approved_at),
    rejectedBy: r.rejected_by,
    rejectedReason: r.rejected_reason,
    deployedBy: r.deployed_by,
    deployedAt: iso(r.deployed_at),
    processDefinitionKey: r.process_definition_key,
    version: r.version,
    forms,
    kind: r.kind === DraftKind.Decision ? DraftKind.Decision : DraftKind.Process,
  }
}
