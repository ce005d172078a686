/**
 * budget-approval.bpmn (ISO/IEC 20000-1 6.4: budgeting and financial control) end to end through
 * HTTP: the author of a draft budget submits it; it is proposed with a justification, reviewed by
 * the owner group of its service (returned for revision once, changed and resubmitted, then
 * endorsed) and approved by finance, never by whoever proposed it (four eyes); the approved budget
 * is in force. A revision of it is rejected (the approved one stays in force), a second revision
 * approved supersedes it. Every step is evidence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Budget } from '../../server/src/finance/finance-model'
import { testDatabaseTargets } from '../support/databases'
import { completedPath } from './completed-path'
import { startHarness, type Harness } from './harness'

describe.each(testDatabaseTargets())('budget approval on $kind (6.4)', (target) => {
  let h: Harness
  let serviceId: string
  let inForce: string
  const year = new Date().getUTCFullYear() + 1

  beforeAll(async () => {
    h = await startHarness(target)
    serviceId = (await h.record('service', { name: 'Budgeted mail', ownerGroup: 'network' })).id
  })
  afterAll(async () => {
    await h?.stop()
  })

  const budgetOf = async (id: string) => (await (await h.as('auditor')).get<Budget>(`/finance/budgets/${id}`)).body
  const draft = async (as: string, over: Record<string, unknown> = {}) => {
    const res = await (await h.as(as)).post<Budget>('/finance/budgets', {
      serviceId,
      fiscalYear: year,
      currency: 'EUR',
      lines: [
        { category: 'personnel', amount: '120000' },
        { category: 'software', amount: '30000' },
      ],
      varianceThresholdPercent: '10',
      breachAction: 'improvement',
      ...over,
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body
  }
  const submit = async (budget: Budget, as: string) => {
    const res = await (await h.as(as)).post<Budget>(`/finance/budgets/${budget.id}/submit`, { version: budget.version })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body.status).toBe('submitted')
    return h.until('the budget approval procedure', async () => (await budgetOf(budget.id)).processInstanceKey ?? undefined)
  }

  it('6.4: a budget is proposed, returned by the service owners, revised, endorsed and approved by someone other than the proposer', async () => {
    // given a draft budget of the service for next year, written by finance
    const budget = await draft('finance')
    // when someone other than its author submits it: refused
    expect((await (await h.as('finance2')).post(`/finance/budgets/${budget.id}/submit`, { version: budget.version })).status).toBe(403)
    // when its author submits it, the procedure starts and the budget can no longer be changed
    const instance = await submit(budget, 'finance')
    expect((await (await h.as('finance')).patch(`/finance/budgets/${budget.id}`, { notes: 'x', version: 2 })).status).toBe(409)
    // the proposer states the justification
    await h.complete(instance, 'Task_ProposeBudget', { justification: 'Mail growth', assumptions: '2 admins' }, 'finance')
    // the service owners return it for revision
    await h.complete(instance, 'Task_ReviewBudget', { reviewOutcome: 'return', reviewComments: 'Software too low' }, 'network')
    await h.task(instance, 'Task_ReviseBudget')
    const returned = await budgetOf(budget.id)
    expect(returned).toMatchObject({ status: 'draft', review: { outcome: 'return', comments: 'Software too low', by: 'network' } })
    // the proposer changes the draft and resubmits it through the task
    const patched = await (await h.as('finance')).patch<Budget>(`/finance/budgets/${budget.id}`, {
      lines: [
        { category: 'personnel', amount: '120000' },
        { category: 'software', amount: '45000' },
      ],
      version: returned.version,
    })
    expect(patched.status, JSON.stringify(patched.body)).toBe(200)
    await h.complete(instance, 'Task_ReviseBudget', { revisionNotes: 'Software 45000' }, 'finance')
    // the service owners endorse it
    await h.complete(instance, 'Task_ReviewBudget', { reviewOutcome: 'endorse', reviewComments: 'Covers the service' }, 'network')
    // four eyes: the proposer may not claim the decision
    const decide = await h.task(instance, 'Task_DecideBudget')
    expect((await (await h.as('finance')).post(`/tasks/${decide.id}/claim`)).status).toBe(403)
    // finance2 approves it
    await h.complete(instance, 'Task_DecideBudget', { budgetDecision: 'approve', decisionRationale: 'Within plan' }, 'finance2')
    await h.reached(instance, 'EndEvent_BudgetInForce')
    expect(await completedPath(h, instance)).toEqual([
      'StartEvent_BudgetSubmitted',
      'Task_OpenBudgetApproval',
      'Task_ProposeBudget',
      'Gateway_MergeToReview',
      'Task_ReviewBudget',
      'Gateway_IsBudgetEndorsed',
      'Task_ReturnBudget',
      'Task_ReviseBudget',
      'Task_ResubmitBudget',
      'Gateway_MergeToReview',
      'Task_ReviewBudget',
      'Gateway_IsBudgetEndorsed',
      'Task_DecideBudget',
      'Gateway_IsBudgetApproved',
      'Task_PutBudgetInForce',
      'EndEvent_BudgetInForce',
    ])
    // then it is in force, with the proposal, review and decision on it
    const approved = await budgetOf(budget.id)
    expect(approved).toMatchObject({
      status: 'approved',
      approvedBy: 'finance2',
      total: '165000.00',
      proposal: { justification: 'Mail growth', revisionNotes: 'Software 45000' },
      review: { outcome: 'endorse', by: 'network' },
      decision: { decision: 'approve', rationale: 'Within plan', by: 'finance2' },
    })
    expect((await h.trail({ entityId: budget.id })).map((e) => e.action)).toEqual([
      'budget.created',
      'budget.submitted',
      'budget.procedure-opened',
      'budget.returned',
      'budget.updated',
      'budget.resubmitted',
      'budget.approved',
    ])
    // and the register's direct approval no longer applies to it
    expect((await (await h.as('finance2')).post(`/finance/budgets/${budget.id}/approve`, { version: approved.version })).status).toBe(409)
    inForce = budget.id
  })

  it('6.4: a revision that finance rejects leaves the budget in force; an approved revision supersedes it', async () => {
    // given a revision of the budget in force, proposed by finance2
    const revision = await draft('finance2', { revises: inForce, lines: [{ category: 'personnel', amount: '200000' }] })
    // (a second budget for the period that revises nothing is refused)
    expect((await (await h.as('finance2')).post('/finance/budgets', { serviceId, fiscalYear: year, currency: 'EUR', lines: [], varianceThresholdPercent: '5', breachAction: 'change' })).status).toBe(409)
    const instance = await submit(revision, 'finance2')
    await h.complete(instance, 'Task_ProposeBudget', { justification: 'More staff' }, 'finance2')
    await h.complete(instance, 'Task_ReviewBudget', { reviewOutcome: 'endorse', reviewComments: 'Agreed' }, 'network')
    // when finance rejects it
    await h.complete(instance, 'Task_DecideBudget', { budgetDecision: 'reject', decisionRationale: 'No funds' }, 'finance')
    await h.reached(instance, 'EndEvent_BudgetRejected')
    expect(await completedPath(h, instance)).toEqual([
      'StartEvent_BudgetSubmitted',
      'Task_OpenBudgetApproval',
      'Task_ProposeBudget',
      'Gateway_MergeToReview',
      'Task_ReviewBudget',
      'Gateway_IsBudgetEndorsed',
      'Task_DecideBudget',
      'Gateway_IsBudgetApproved',
      'Task_RecordBudgetRejection',
      'EndEvent_BudgetRejected',
    ])
    // then the revision is rejected and the budget in force stays
    expect(await budgetOf(revision.id)).toMatchObject({ status: 'rejected', decision: { decision: 'reject', by: 'finance' } })
    expect((await budgetOf(inForce)).status).toBe('approved')
    // when a second revision is approved
    const second = await draft('finance2', { revises: inForce, lines: [{ category: 'personnel', amount: '150000' }] })
    const next = await submit(second, 'finance2')
    await h.complete(next, 'Task_ProposeBudget', { justification: 'One more admin' }, 'finance2')
    await h.complete(next, 'Task_ReviewBudget', { reviewOutcome: 'endorse', reviewComments: 'Agreed' }, 'network')
    await h.complete(next, 'Task_DecideBudget', { budgetDecision: 'approve', decisionRationale: 'Funded' }, 'finance')
    await h.reached(next, 'EndEvent_BudgetInForce')
    // then it is in force and the budget it revises is superseded
    expect((await budgetOf(second.id)).status).toBe('approved')
    expect((await budgetOf(inForce)).status).toBe('superseded')
    expect((await h.trail({ entityId: inForce })).map((e) => e.action).at(-1)).toBe('budget.superseded')
    // the budget against actual shows the one in force only
    const statement = (await (await h.as('auditor')).get<{ items: { budgetId: string }[] }>(`/finance/budget-vs-actual?year=${year}&serviceId=${serviceId}`)).body
    expect(statement.items.map((i) => i.budgetId)).toEqual([second.id])
  })
})
