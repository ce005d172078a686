import { UnexpectedError } from '../errors'
import { BudgetStep } from '../finance/budget-approval.service'
import { defineWorker } from './define-worker'
import { actorFor } from './worker-helpers'

interface In {
  budgetId: string
  budgetStep: BudgetStep
  justification?: string | null
  assumptions?: string | null
  revisionNotes?: string | null
  reviewOutcome?: string | null
  reviewComments?: string | null
  budgetDecision?: string | null
  decisionRationale?: string | null
}
interface Out {
  budgetStatus: string
}

/**
 * 6.4, 4.3.3: a step of budget-approval.bpmn written on its budget with its evidence: the
 * procedure linked (`opened`), returned for revision, resubmitted, approved (in force, the budget
 * it revises superseded) or rejected, with the proposal, the review and the decision and the
 * people who completed those tasks.
 */
export const recordBudgetStep = defineWorker<In, Out>({
  type: 'record-budget-step',
  inputSchema: {
    type: 'object',
    properties: {
      budgetId: { type: 'string', pattern: '^BUD-[0-9]{6,12}$' },
      budgetStep: { enum: Object.values(BudgetStep) },
      justification: { type: ['string', 'null'] },
      assumptions: { type: ['string', 'null'] },
      revisionNotes: { type: ['string', 'null'] },
      reviewOutcome: { type: ['string', 'null'] },
      reviewComments: { type: ['string', 'null'] },
      budgetDecision: { type: ['string', 'null'] },
      decisionRationale: { type: ['string', 'null'] },
    },
    required: ['budgetId', 'budgetStep'],
  },
  async handler(job, deps) {
    if (!deps.finance) throw new UnexpectedError('Budgeting is not wired into the workers.')
    const v = job.variables
    const completers = await deps.db
      .selectFrom('tasks')
      .select(['element_id', 'completed_by'])
      .where('process_instance_key', '=', job.processInstanceKey)
      .where('completed_by', 'is not', null)
      .orderBy('completed_at', 'desc')
      .execute()
    const by = (el: string) => completers.find((t) => t.element_id === el)?.completed_by ?? null
    const budget = await deps.finance.budgetApproval.recordStep(
      v.budgetId,
      v.budgetStep,
      {
        proposal:
          v.justification != null
            ? {
                justification: v.justification,
                assumptions: v.assumptions ?? '',
                ...(v.revisionNotes != null ? { revisionNotes: v.revisionNotes } : {}),
              }
            : null,
        review:
          v.reviewOutcome != null
            ? {
                outcome: v.reviewOutcome,
                comments: v.reviewComments ?? '',
                by: by('Task_ReviewBudget'),
              }
            : null,
        decision:
          v.budgetDecision != null && v.budgetStep !== BudgetStep.Returned
            ? {
                decision: v.budgetDecision,
                rationale: v.decisionRationale ?? '',
                by: by('Task_DecideBudget'),
              }
            : null,
      },
      job.processInstanceKey,
      actorFor(job.type).username,
    )
    return job.complete({ budgetStatus: budget.status })
  },
})
