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

  async create(input: { xml: string; bpmnProcessId?: string }, author: string): Promise<DraftView> {
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

  /** 4.3.2: nobody approves a procedure they authored. */
  async approve(id: string, actor: string, version?: number) {
    const draft = await this.deps.drafts.getDraft(id)
    if (draft.author === actor) {
      throw new ForbiddenError('You wrote this draft; someone else must approve it (4.3.2).')
    }
    return this.deps.drafts.transition(
      id,
      { states: [DraftState.InReview], version },
      { state: DraftState.Approved, approved_by: actor, approved_at: new Date() },
      { actor, action: 'process-draft.approved' },
    )
  }

  async reject(id: string, actor: string, reason: string, version?: number) {
    const draft = await this.deps.drafts.getDraft(id)
    if (draft.author === actor) {
      throw new ForbiddenError('You wrote this draft; someone else must review it (4.3.2).')
    }
    return this.deps.drafts.transition(
      id,
      { states: [DraftState.InReview], version },
      { state: DraftState.Rejected, rejected_by: actor, rejected_reason: reason },
      { actor, action: 'process-draft.rejected' },
    )
  }
}

function errorsIn(lint: LintProblem[]) {
  return lint.filter((p) => p.category === 'error').length
}
