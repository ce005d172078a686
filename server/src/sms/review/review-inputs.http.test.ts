/**
 * The inputs of a management review (ISO/IEC 20000-1 4.5.4.3) carry what the review reads, not
 * counts: the competence gaps per role (d), the high risks above the risk appetite with owner and
 * treatment (e), the open nonconformities with their corrective actions and state (f) and the
 * conformity gaps (b), through the HTTP API on the real server.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { testDatabaseTargets } from '../../../../test/support/databases'
import { startHarness, type ApiClient, type Harness } from '../../../../test/support/harness'
import type { ReviewInput } from './review-inputs'

interface Inputs {
  from: string
  to: string
  items: ReviewInput[]
}

describe.each(testDatabaseTargets())('management review inputs on $kind', (target) => {
  let h: Harness
  let manager: ApiClient
  let auditor: ApiClient

  beforeAll(async () => {
    h = await startHarness({
      deployProcesses: false,
      database: target,
      env: { RISK_APPETITE_SCORE: '15' },
    })
    manager = await h.login('smsmgr')
    auditor = await h.login('auditor')
  }, 120_000)
  afterAll(async () => {
    await h?.stop()
  })

  const inputOf = (inputs: Inputs, item: string) => {
    const found = inputs.items.find((i) => i.item === item)
    expect(found, `input ${item}`).toBeDefined()
    return found!
  }

  test('#4.5.4.3-d #4.5.4.3-e #4.5.4.3-f: competence gaps, high risks with owner and treatment, and open nonconformities with their corrective actions', async () => {
    // given a risk above the appetite (15) and one at it
    const high = await manager.post<{ id: string }>('/sms/risks', {
      title: 'Core switch without spare',
      category: 'service',
      likelihood: 4,
      impact: 5,
      owner: 'smsmgr2',
      treatmentOption: 'reduce',
      treatment: 'Buy a cold spare, contract 4-hour replacement',
    })
    expect(high.status, JSON.stringify(high.body)).toBe(201)
    const atAppetite = await manager.post<{ id: string }>('/sms/risks', {
      title: 'Printer queue stalls',
      category: 'service',
      likelihood: 3,
      impact: 5,
      owner: 'smsmgr',
      treatmentOption: 'accept',
    })
    expect(atAppetite.status).toBe(201)
    // and a nonconformity whose corrective action is agreed and overdue, and one without any
    const overdue = await auditor.post<{ id: string }>('/audit-findings', {
      title: 'Workarounds not recorded',
      assignee: 'problem',
      data: {
        clause: '8.2',
        findingType: 'nonconformity',
        severity: 'minor',
        description: 'Two problems without workaround',
        correctiveAction: 'Make the workaround field required',
        actionDue: '2020-01-31T12:00',
      },
    })
    expect(overdue.status, JSON.stringify(overdue.body)).toBe(201)
    const unplanned = await auditor.post<{ id: string }>('/audit-findings', {
      title: 'CAB minutes missing',
      data: { clause: '9.2', findingType: 'nonconformity', severity: 'major' },
    })
    expect(unplanned.status).toBe(201)
    const observation = await auditor.post<{ id: string }>('/audit-findings', {
      title: 'Triage notes brief',
      data: { clause: '8.1', findingType: 'observation' },
    })
    expect(observation.status).toBe(201)

    // when the inputs are assembled (as the review's procedure does)
    const res = await auditor.get<Inputs>('/sms/review-inputs')
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body.items.map((i) => i.item)).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
      'f',
      'g',
      'h',
      'i',
      'j',
    ])

    // then d holds the competence gaps per role: the demo CAB member's planned training
    const d = inputOf(res.body, 'd')
    expect(d.state).toBe('recorded')
    expect((d.figures as { competenceGaps: unknown[] }).competenceGaps).toContainEqual({
      role: 'cab',
      username: 'cab',
      competenceId: 'change-assessment',
      competence: 'Change risk assessment',
      reason: 'planned',
    })
    expect(d.lines).toContain('cab: cab lacks Change risk assessment (change-assessment) — planned')

    // e holds the risks above the appetite only, with owner and treatment
    const e = inputOf(res.body, 'e')
    const figures = e.figures as { appetite: number; highRisks: Record<string, unknown>[] }
    expect(figures.appetite).toBe(15)
    expect(figures.highRisks.map((r) => r.id)).toEqual([high.body.id])
    expect(figures.highRisks[0]).toMatchObject({
      title: 'Core switch without spare',
      score: 20,
      owner: 'smsmgr2',
      treatmentOption: 'reduce',
      treatment: 'Buy a cold spare, contract 4-hour replacement',
      status: 'open',
    })
    expect(e.summary).toContain('above the risk appetite (15')
    expect(e.lines).toEqual([
      `${high.body.id} Core switch without spare: score 20 (4×5), owner smsmgr2, reduce: Buy a cold spare, contract 4-hour replacement — open`,
    ])

    // f holds the open nonconformities with their corrective actions and state (not observations)
    const f = inputOf(res.body, 'f')
    const ncs = (f.figures as { nonconformities: Record<string, unknown>[] }).nonconformities
    expect(ncs.map((n) => n.id)).not.toContain(observation.body.id)
    expect(ncs.find((n) => n.id === overdue.body.id)).toMatchObject({
      clause: '8.2',
      severity: 'minor',
      status: 'open',
      correctiveAction: 'Make the workaround field required',
      owner: 'problem',
      actionDue: '2020-01-31T12:00',
      actionState: 'overdue',
    })
    expect(ncs.find((n) => n.id === unplanned.body.id)).toMatchObject({
      clause: '9.2',
      correctiveAction: null,
      actionState: 'none agreed',
    })
    expect(f.lines).toContain(
      `${overdue.body.id} Workarounds not recorded (clause 8.2, minor) open: corrective action "Make the workaround field required" by problem, due 2020-01-31T12:00 — overdue`,
    )
    expect(f.summary).toContain('nonconformities open')

    // b names the conformity gaps: requirements without evidence in the period
    const b = inputOf(res.body, 'b')
    const gaps = (b.figures as { gaps: { requirements: { id: string; status: string }[] } }).gaps
    expect(gaps.requirements.length).toBeGreaterThan(0)
    expect(gaps.requirements.every((r) => r.status !== 'evidenced')).toBe(true)
    expect(b.lines?.length).toBeGreaterThanOrEqual(gaps.requirements.length)
  })

  test('the period is checked: an end before its start is 400, and customers read no inputs', async () => {
    const reversed = await manager.get(
      '/sms/review-inputs?from=2025-06-01T00:00:00Z&to=2025-01-01T00:00:00Z',
    )
    expect(reversed.status).toBe(400)
    expect((await manager.get('/sms/review-inputs?extra=1')).status).toBe(400)
    const customer = await h.login('customer')
    expect((await customer.get('/sms/review-inputs')).status).toBe(403)
  })
})
