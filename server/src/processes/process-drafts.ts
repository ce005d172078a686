/**
 * Drafts of procedures (ISO/IEC 20000-1 4.3.2): the author writes one, submits it for review,
 * and someone other than the author approves or rejects it. Deploying it is in
 * draft-deployment.ts, its forms in draft-forms.ts; the states are the draft store's.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { ForbiddenError, UserError } from '../errors'
import { processOfKind, type CaseKind } from '../cases/kinds'
import { recordUpdateLint } from '../cases/record-updates'
import { taskDeclarationLint } from '../inbox/task-declarations'
import { describeBpmn, lintBpmn, type LintProblem } from './bpmn'
import { requireAuthor, type DraftStore } from './draft-store'
import { DraftKind, DraftState, type DraftView } from './processes.model'

export class ProcessDrafts {
  constructor(private readonly deps: { db: Kysely<DB>; drafts: DraftStore }) {}

  /** The columns a save of `xml` into `draft` sets (checked as a save is). */
  async checked(draft: DraftView, xml: string): Promise<Record<string, unknown>> {
    const { lint } = await this.check(xml, draft.bpmnProcessId)
    return { xml, lint: JSON.stringify(lint) }
  }

  /** Validates XML (parse, one executable process, lint) for a draft. */
  private async check(xml: string, expectedId?: string) {
    const info = await describeBpmn(xml)
    const executable = info.processes.filter((p) => p.isExecutable)
    if (executable.length !== 1) {
      throw new UserError(
        `A procedure draft must define exactly one executable process; found ${executable.length}.`,
      )
    }
    const id = executable[0]!.id
    if (expectedId && id !== expectedId) {
      throw new UserError(
        `The draft is for process ${expectedId}, but the XML defines process ${id}.`,
        [{ path: '/xml', message: `process id must stay ${expectedId}` }],
      )
    }
    // 4.3.3: record updates that name fields the record does not have would lose decisions
    const kind = Object.entries(processOfKind).find(([, processId]) => processId === id)?.[0]
    const recordLint = recordUpdateLint(
      kind as CaseKind | undefined,
      Object.values(executable[0]!.elements),
    ).map((p) => ({ rule: 'record-updates', category: 'error' as const, ...p }))
    // context: and sod: declarations that name unknown fields or tasks (4.1.3)
    const taskLint = taskDeclarationLint(kind as CaseKind | undefined, executable[0]!.elements)
    return { bpmnProcessId: id, lint: [...recordLint, ...taskLint, ...(await lintBpmn(xml))] }
  }

  async create(
    input: { xml: string; bpmnProcessId?: string; name?: string },
    author: string,
  ): Promise<DraftView> {
    const { bpmnProcessId, lint } = await this.check(input.xml, input.bpmnProcessId)
    const latest = await this.deps.db
      .selectFrom('process_versions')
      .select('version')
      .where('bpmn_process_id', '=', bpmnProcessId)
      .orderBy('version', 'desc')
      .executeTakeFirst()
    return this.deps.drafts.create(
      {
        kind: DraftKind.Process,
        bpmnProcessId,
        xml: input.xml,
        author,
        baseVersion: latest?.version ?? null,
        lint,
        name: input.name,
      },
      { bpmnProcessId, lintErrors: errorsIn(lint) },
    )
  }

  async update(draft: DraftView, input: { xml: string; version: number }, actor: string) {
    const { lint } = await this.check(input.xml, draft.bpmnProcessId)
    return this.deps.drafts.transition(
      draft.id,
      { states: [DraftState.Draft, DraftState.Rejected], version: input.version },
      {
        xml: input.xml,
        lint: JSON.stringify(lint),
        state: DraftState.Draft,
        rejected_by: null,
        rejected_reason: null,
      },
      { actor, action: 'process-draft.updated' },
    )
  }

  async submit(id: string, actor: string, version?: number) {
    const draft = await this.deps.drafts.getDraft(id)
    requireAuthor(draft, actor, 'submits')
    const errors = draft.lint.filter((p) => p.category === 'error')
    if (errors.length > 0) {
      throw new UserError(
        `The draft has ${errors.length} lint error(s); fix them before submitting.`,
        errors.map((e) => ({ path: `/elements/${e.id}`, message: `${e.rule}: ${e.message}` })),
      )
    }
    return this.deps.drafts.transition(
      id,
      { states: [DraftState.Draft, DraftState.Rejected], version },
      { state: DraftState.InReview, submitted_at: new Date() },
      { actor, action: 'process-draft.submitted' },
    )
  }

  /**
   * 4.3.2: nobody approves a procedure they authored. The approver's comment (optional) is kept
   * on the draft and in the evidence.
   */
  async approve(id: string, actor: string, version?: number, comment?: string) {
    const draft = await this.deps.drafts.getDraft(id)
    if (draft.author === actor) {
      throw new ForbiddenError('You wrote this draft; someone else must approve it (4.3.2).')
    }
    const text = comment?.trim() || null
    return this.deps.drafts.transition(
      id,
      { states: [DraftState.InReview], version },
      {
        state: DraftState.Approved,
        approved_by: actor,
        approved_at: new Date(),
        approval_comment: text,
      },
      { actor, action: 'process-draft.approved', detail: text ? { comment: text } : {} },
    )
  }

  /** A rejection always says why (the comment is required); the author reads it and edits. */
  async reject(id: string, actor: string, reason: string, version?: number) {
    const draft = await this.deps.drafts.getDraft(id)
    if (draft.author === actor) {
      throw new ForbiddenError('You wrote this draft; someone else must review it (4.3.2).')
    }
    const text = reason.trim()
    if (text.length < 3) {
      throw new UserError('Say why the draft is rejected.', [
        { path: '/reason', message: 'must be at least 3 characters' },
      ])
    }
    return this.deps.drafts.transition(
      id,
      { states: [DraftState.InReview], version },
      {
        state: DraftState.Rejected,
        rejected_by: actor,
        rejected_reason: text,
        approval_comment: null,
      },
      { actor, action: 'process-draft.rejected', detail: { comment: text } },
    )
  }
}

function errorsIn(lint: LintProblem[]) {
  return lint.filter((p) => p.category === 'error').length
}
