/**
 * Budget approval as a procedure (ISO/IEC 20000-1 6.4 financial control,
 * `processes/budget-approval.bpmn`): the author of a draft budget submits it; the procedure has it
 * proposed (justification), reviewed by the owner group of its service (endorsed, or returned for
 * revision: a draft again until the proposer resubmits it) and approved or rejected by finance,
 * never by whoever proposed or revised it (the diagram's `sod:notCompleterOf`, checked again
 * here). The approved budget is the one in force for its period: the approved budget it revises
 * is superseded in the same transaction. Every step is one transaction with its evidence entry
 * (4.3.3).
 *
 * Submitting is a transaction (status `submitted`, evidence) followed by message
 * `budget-submitted` with message id `<budget>:<version>`: a SIGKILL between the two leaves a
 * submitted budget without a procedure, and submitting it again publishes the message again (the
 * engine drops a second one with the same id while the first is buffered).
 */
import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../db/schema'
import { writeWithEvidence, type AuditSink } from '../evidence/audit-sink'
import { ConflictError, ForbiddenError, NotFoundError } from '../errors'
import type { Actor } from '../cases/access'
import { UnprocessableError } from '../cases/change-control'
import type { MessagePublisher } from '../workers/deps'
import { requireFinanceWriter } from './access'
import { budgetsOf, type BudgetRow } from './budget-rows'
import { BudgetStatus, type Budget } from './finance-model'
import type { FinanceService } from './finance.service'

/** The message that starts budget-approval.bpmn. */
export const BUDGET_SUBMITTED_MESSAGE = 'budget-submitted'

/** The steps of the procedure that write the budget (`budgetStep` of `record-budget-step`). */
export const BudgetStep = {
  Opened: 'opened',
  Returned: 'returned',
  Resubmitted: 'resubmitted',
  Approved: 'approved',
  Rejected: 'rejected',
} as const
export type BudgetStep = (typeof BudgetStep)[keyof typeof BudgetStep]

/** What the procedure's tasks decided, and who completed them. */
export interface StepInput {
  proposal: { justification: string; assumptions: string; revisionNotes?: string } | null
  review: { outcome: string; comments: string; by: string | null } | null
  decision: { decision: string; rationale: string; by: string | null } | null
}

const HOUR = 3_600_000

export class BudgetApprovalService {
  constructor(
    private readonly deps: {
      db: Kysely<DB>
      audit: AuditSink
      now: () => Date
      finance: FinanceService
      messages?: MessagePublisher
    },
  ) {}

  private async row(tx: Kysely<DB>, id: string): Promise<BudgetRow> {
    const r = await tx
      .selectFrom('budgets')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst()
    if (!r) throw new NotFoundError(`No budget ${id}.`)
    return r
  }

  private async view(id: string): Promise<Budget> {
    const r = await this.deps.db
      .selectFrom('budgets')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    return (await budgetsOf(this.deps.db, [r]))[0]!
  }

  /**
   * 6.4: the author submits a draft budget (`version` as read) for approval; it can no longer be
   * changed, and its procedure starts. A budget submitted before whose procedure has not started
   * (the message was lost) is submitted again.
   */
  async submit(id: string, version: number, actor: Actor): Promise<Budget> {
    requireFinanceWriter(actor, 'Submitting a budget')
    const submitted = await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const before = await this.row(tx, id)
      if (before.created_by !== actor.username)
        throw new ForbiddenError(
          `${id} was written by ${before.created_by}; its author submits it.`,
        )
      if (before.status === BudgetStatus.Submitted && before.process_instance_key === null) {
        return { result: before, evidence: null }
      }
      if (before.status !== BudgetStatus.Draft || before.process_instance_key !== null)
        throw new ConflictError(`${id} is ${before.status} and in its procedure already.`)
      if (before.version !== version)
        throw new ConflictError(`${id} changed meanwhile (version ${before.version}); reload it.`)
      const lines = await tx
        .selectFrom('budget_lines')
        .select('category')
        .where('budget_id', '=', id)
        .execute()
      if (!lines.length) throw new UnprocessableError(`${id} has no amounts to submit.`)
      const now = this.deps.now()
      const after = await tx
        .updateTable('budgets')
        .set({
          status: BudgetStatus.Submitted,
          submitted_at: now,
          updated_at: now,
          version: before.version + 1,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
      return {
        result: after,
        evidence: {
          actor: actor.username,
          action: 'budget.submitted',
          entityType: 'budget',
          entityId: id,
          before,
          after,
        },
      }
    })
    if (!this.deps.messages) throw new ConflictError('No process engine is connected.')
    const service = await this.deps.db
      .selectFrom('services')
      .select(['name', 'owner_group'])
      .where('id', '=', submitted.service_id)
      .executeTakeFirstOrThrow()
    const period = submitted.quarter
      ? `${submitted.fiscal_year} Q${submitted.quarter}`
      : String(submitted.fiscal_year)
    await this.deps.messages.publish({
      name: BUDGET_SUBMITTED_MESSAGE,
      correlationKey: id,
      messageId: `${id}:${submitted.version}`,
      timeToLive: HOUR,
      variables: {
        budgetId: id,
        proposer: submitted.created_by,
        budgetTitle: `${service.name} ${period} (${submitted.currency})`,
        budgetReviewGroups: service.owner_group ? [service.owner_group] : ['finance'],
      },
    })
    return this.view(id)
  }

  /** Links the procedure's instance to its submitted budget (its first step), once. */
  private async open(tx: Transaction<DB>, before: BudgetRow, instanceKey: string, actor: string) {
    if (before.process_instance_key === instanceKey) return { result: false, evidence: null }
    if (before.process_instance_key !== null || before.status !== BudgetStatus.Submitted)
      throw new ConflictError(
        `${before.id} is ${before.status}${before.process_instance_key ? ` in procedure ${before.process_instance_key}` : ''}.`,
      )
    const after = await tx
      .updateTable('budgets')
      .set({ process_instance_key: instanceKey })
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow()
    return {
      result: false,
      evidence: {
        actor,
        action: 'budget.procedure-opened',
        entityType: 'budget',
        entityId: before.id,
        before,
        after,
        processInstanceKey: instanceKey,
      },
    }
  }

  /**
   * Writes what a step of the procedure decided on the budget, once (a repeated job changes
   * nothing): `returned` makes it a draft again for its proposer, `resubmitted` submits it again,
   * `approved` puts it in force (superseding the budget it revises), `rejected` closes it.
   */
  async recordStep(
    id: string,
    step: BudgetStep,
    input: StepInput,
    instanceKey: string,
    actor: string,
  ): Promise<Budget> {
    const approvedNow = await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const before = await this.row(tx, id)
      if (step === BudgetStep.Opened) return this.open(tx, before, instanceKey, actor)
      if (before.process_instance_key !== instanceKey)
        throw new ConflictError(`${id} is not in procedure ${instanceKey}.`)
      const from: Record<Exclude<BudgetStep, 'opened'>, string> = {
        returned: BudgetStatus.Submitted,
        resubmitted: BudgetStatus.Draft,
        approved: BudgetStatus.Submitted,
        rejected: BudgetStatus.Submitted,
      }
      const to: Record<Exclude<BudgetStep, 'opened'>, string> = {
        returned: BudgetStatus.Draft,
        resubmitted: BudgetStatus.Submitted,
        approved: BudgetStatus.Approved,
        rejected: BudgetStatus.Rejected,
      }
      // done before (a repeated job), or the step does not fit: nothing more
      if (before.status !== from[step]) return { result: false, evidence: null }
      const who = step === BudgetStep.Returned ? input.review?.by : input.decision?.by
      const by = who ?? actor
      if (step === BudgetStep.Approved && by === before.created_by)
        throw new ForbiddenError(
          `${id} was proposed by ${by}; someone else approves it (6.4 financial control).`,
        )
      const now = this.deps.now()
      const evidence = []
      if (step === BudgetStep.Approved && before.revises) {
        const superseded = await tx
          .updateTable('budgets')
          .set({ status: BudgetStatus.Superseded, updated_at: now })
          .where('id', '=', before.revises)
          .where('status', '=', BudgetStatus.Approved)
          .returningAll()
          .executeTakeFirst()
        if (superseded) {
          evidence.push({
            actor: by,
            action: 'budget.superseded',
            entityType: 'budget',
            entityId: superseded.id,
            after: { ...superseded, supersededBy: id },
            processInstanceKey: instanceKey,
          })
        }
      }
      const after = await tx
        .updateTable('budgets')
        .set({
          status: to[step],
          updated_at: now,
          version: before.version + 1,
          ...(input.proposal ? { proposal: JSON.stringify(input.proposal) } : {}),
          ...(input.review ? { review: JSON.stringify(input.review) } : {}),
          ...(input.decision ? { decision: JSON.stringify(input.decision) } : {}),
          ...(step === BudgetStep.Approved ? { approved_by: by, approved_at: now } : {}),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
      evidence.push({
        actor: by,
        action: `budget.${step}`,
        entityType: 'budget',
        entityId: id,
        before,
        after,
        processInstanceKey: instanceKey,
      })
      return { result: step === BudgetStep.Approved, evidence }
    })
    if (approvedNow) await this.deps.finance.checkVariances([id])
    return this.view(id)
  }
}
