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
import {
  checksum,
  DraftKind,
  DraftState,
  OPEN_DRAFT_STATES,
  type DraftView,
} from './processes.model'


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
    author?: string
    /** Only drafts that are open (draft, in review, approved, rejected). */
    open?: boolean
  }): Promise<DraftView[]> {
    let q = this.deps.db.selectFrom('process_drafts').selectAll().orderBy('updated_at', 'desc')
    if (filter.kind) q = q.where('kind', '=', filter.kind)
    if (filter.state) q = q.where('state', '=', filter.state)
    if (filter.bpmnProcessId) q = q.where('bpmn_process_id', '=', filter.bpmnProcessId)
    if (filter.author) q = q.where('author', '=', filter.author)
    if (filter.open) q = q.where('state', 'in', OPEN_DRAFT_STATES)
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

  /** The author's open draft of a document (procedure or DRG), if any. */
  async openDraftOf(kind: DraftKind, bpmnProcessId: string, author: string) {
    return (
      (await this.deps.db
        .selectFrom('process_drafts')
        .select(['id', 'name', 'state'])
        .where('kind', '=', kind)
        .where('bpmn_process_id', '=', bpmnProcessId)
        .where('author', '=', author)
        .where('state', 'in', OPEN_DRAFT_STATES)
        .executeTakeFirst()) ?? null
    )
  }

  /**
   * Creates a draft of `kind` in state `draft`, based on the latest deployed version, with its
   * `*-draft.created` evidence in the same transaction. An author has one open draft of a
   * document (4.3.2): a second is a 409 naming the open one (`draftId`), which the author
   * reopens instead; the unique index `process_drafts_one_open_per_author` holds this against
   * two requests at the same moment.
   */
  async create(
    input: {
      kind: DraftKind
      bpmnProcessId: string
      xml: string
      author: string
      baseVersion: number | null
      lint: LintProblem[]
      name?: string
    },
    /** What the evidence records besides the checksum of the XML. */
    detail: Record<string, unknown>,
  ): Promise<DraftView> {
    const id = randomUUID()
    const refuse = (open: { id: string; name: string; state: string }) =>
      new ConflictError(
        `You have an open draft of ${input.bpmnProcessId} ("${open.name}", ${open.state}); reopen it instead of starting another.`,
        undefined,
        { draftId: open.id },
      )
    const open = await this.openDraftOf(input.kind, input.bpmnProcessId, input.author)
    if (open) throw refuse(open)
    const name = input.name?.trim() || defaultDraftName(input.bpmnProcessId, input.author)
    try {
      await this.insert(id, input, name, detail)
    } catch (err) {
      const again = await this.openDraftOf(input.kind, input.bpmnProcessId, input.author)
      if (again && isUniqueViolation(err)) throw refuse(again)
      throw err
    }
    return this.getDraft(id)
  }

  private async insert(
    id: string,
    input: {
      kind: DraftKind
      bpmnProcessId: string
      xml: string
      author: string
      baseVersion: number | null
      lint: LintProblem[]
    },
    name: string,
    detail: Record<string, unknown>,
  ): Promise<void> {
    await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      await tx
        .insertInto('process_drafts')
        .values({
          id,
          name,
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
          discarded_by: null,
          discarded_at: null,
          discard_reason: null,
          approval_comment: null,
        })
        .execute()
      return {
        result: undefined,
        evidence: {
          actor: input.author,
          action: `${input.kind}-draft.created`,
          entityType: `${input.kind}-draft`,
          entityId: id,
          after: { ...detail, name, checksum: checksum(input.xml) },
        },
      }
    })
  }

  /** The author renames an open draft (evidence `*-draft.renamed`). */
  async rename(id: string, name: string, actor: string, version?: number): Promise<DraftView> {
    const draft = await this.getDraft(id)
    requireAuthor(draft, actor, 'renames')
    return this.transition(
      id,
      { states: [DraftState.Draft, DraftState.Approved, DraftState.Rejected], version },
      { name: name.trim() },
      { actor, action: 'process-draft.renamed', detail: { name: name.trim(), formerName: draft.name } },
    )
  }

  /**
   * The author gives up an open draft: it becomes `discarded` (kept, with its evidence
   * `*-draft.discarded`), and the author may start another.
   */
  async discard(id: string, actor: string, reason?: string, version?: number): Promise<DraftView> {
    const draft = await this.getDraft(id)
    requireAuthor(draft, actor, 'discards')
    return this.transition(
      id,
      { states: OPEN_DRAFT_STATES, version },
      {
        state: DraftState.Discarded,
        discarded_by: actor,
        discarded_at: new Date(),
        discard_reason: reason?.trim() || null,
      },
      { actor, action: 'process-draft.discarded', detail: reason?.trim() ? { reason: reason.trim() } : {} },
    )
  }

  /**
   * The author takes a draft back from review (or an approved one before it is deployed) to
   * change it: it becomes `draft` again and is submitted anew; an approval is void
   * (evidence `*-draft.withdrawn`).
   */
  async withdraw(id: string, actor: string, version?: number): Promise<DraftView> {
    const draft = await this.getDraft(id)
    requireAuthor(draft, actor, 'withdraws')
    return this.transition(
      id,
      { states: [DraftState.InReview, DraftState.Approved], version },
      {
        state: DraftState.Draft,
        submitted_at: null,
        approved_by: null,
        approved_at: null,
        approval_comment: null,
      },
      { actor, action: 'process-draft.withdrawn', detail: { from: draft.state } },
    )
  }

  /**
   * The draft's history from the evidence trail (4.3.3): who created, changed, submitted,
   * approved or rejected (with their comments), rebased, discarded and deployed it, oldest first.
   */
  async history(id: string) {
    const draft = await this.getDraft(id)
    const rows = await this.deps.db
      .selectFrom('evidence')
      .select(['seq', 'at', 'actor', 'action', 'after'])
      .where('entity_type', '=', `${draft.kind}-draft`)
      .where('entity_id', '=', id)
      .orderBy('seq')
      .execute()
    return rows.map((r) => {
      const after = (typeof r.after === 'string' ? JSON.parse(r.after) : r.after) as Record<
        string,
        unknown
      > | null
      const comment = after?.comment ?? after?.reason
      return {
        seq: String(r.seq),
        at: iso(r.at) ?? '',
        actor: r.actor,
        action: r.action,
        state: typeof after?.state === 'string' ? after.state : null,
        comment: typeof comment === 'string' ? comment : null,
        detail: after,
      }
    })
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
    if (before.state === DraftState.InReview && !expect.states.includes(before.state)) {
      throw inReview()
    }
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
            ...(after.rejectedReason && after.state === DraftState.Rejected
              ? { reason: after.rejectedReason }
              : {}),
            ...audit.detail,
          },
        },
      }
    })
  }
}

/** What a draft is called until its author names it. */
export function defaultDraftName(bpmnProcessId: string, author: string): string {
  return `Change to ${bpmnProcessId} by ${author}`
}

/** SQLSTATE 23505 (PostgreSQL and PGlite): a unique index refused the write. */
function isUniqueViolation(err: unknown): boolean {
  return !!err && typeof err === 'object' && 'code' in err && err.code === '23505'
}

/**
 * 4.3.2: what reviewers see is what they approve: a draft submitted for approval is not changed
 * until it is approved, rejected or withdrawn by its author (409, `state: in-review`).
 */
export function inReview(): ConflictError {
  return new ConflictError(
    'The draft is in review: it cannot be changed until it is approved or rejected, or its author withdraws it.',
    undefined,
    { state: DraftState.InReview },
  )
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
  name: string
  discarded_by: string | null
  discarded_at: Date | string | null
  discard_reason: string | null
  approval_comment: string | null
}

function draftView(r: DraftRow, withXml: boolean, forms: string[]): DraftView {
  return {
    id: r.id,
    bpmnProcessId: r.bpmn_process_id,
    name: r.name || defaultDraftName(r.bpmn_process_id, r.author),
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
    approvalComment: r.approval_comment,
    discardedBy: r.discarded_by,
    discardedAt: iso(r.discarded_at),
    discardReason: r.discard_reason,
    deployedBy: r.deployed_by,
    deployedAt: iso(r.deployed_at),
    processDefinitionKey: r.process_definition_key,
    version: r.version,
    forms,
    kind: r.kind === DraftKind.Decision ? DraftKind.Decision : DraftKind.Process,
  }
}
