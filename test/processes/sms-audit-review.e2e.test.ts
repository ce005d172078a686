/**
 * internal-audit.bpmn (ISO/IEC 20000-1 4.5.4.2) and management-review.bpmn (4.5.4.3) end to
 * end, as the roles work them over HTTP: the SMS manager plans, the internal auditor audits and
 * records findings, owners implement corrective actions, the auditor verifies; the management
 * review starts from its timer, its inputs are assembled, top management decides and the actions
 * are tracked to closure. The engine's test clock drives the timers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets } from '../support/databases'
import { startHarness, type Harness } from './harness'
import { fieldsOf } from '../../engine/state/records'

const DAY = 24 * 3_600_000

describe.each(testDatabaseTargets())('internal audit and management review on $kind', (target) => {
  let h: Harness

  beforeAll(async () => {
    // 4.5.4.3: the interval between reviews is a setting (default a year); a day here
    h = await startHarness(target, { managementReviewIntervalDays: 1 })
  })
  afterAll(async () => {
    await h?.stop()
  })

  /** A form date-time `days` from the test clock's now. */
  const inDays = (days: number) => new Date(h.clock.now() + days * DAY).toISOString().slice(0, 16)

  /** The flow nodes an instance completed, in the order the engine completed them. */
  const pathOf = async (instance: string) =>
    (
      await h.engine.engine.readRecords({
        processInstanceKey: instance,
        valueTypes: ['PROCESS_INSTANCE'],
        limit: 100_000,
      })
    )
      .filter((r) => r.intent === 'ELEMENT_COMPLETED' && fieldsOf(r).bpmnElementType !== 'SEQUENCE_FLOW')
      .map((r) => String(fieldsOf(r).elementId))

  /** `expected` occurs in `path` in this order (other elements may come between). */
  const expectInOrder = (path: string[], expected: string[]) => {
    let at = 0
    for (const el of path) if (el === expected[at]) at++
    expect(at, `path ${path.join(' → ')} should pass ${expected.join(' → ')}`).toBe(expected.length)
  }

  it('4.5.4.3: the review starts from its timer with inputs a-j, records decisions and closes when its actions are closed or carried over', async () => {
    // given: the last review was recorded more than the interval ago (the demo year's)
    // when: the daily interval check runs
    await h.advance(DAY + 60_000)
    const reviewId = await h.until('a review recorded by the interval check', async () => {
      const row = await h.database.db
        .selectFrom('cases')
        .select('id')
        .where('kind', '=', 'management-review')
        .where('created_by', '=', 'system:start-due-management-review')
        .executeTakeFirst()
      return row?.id
    })
    const instance = await h.instanceOf('management-review', reviewId)
    await h.task(instance, 'Task_HoldManagementReview')

    // then: 4.5.4.3 a-j are on the record, assembled from the product
    const review = await h.cases.findCase('management-review', reviewId)
    const inputs = review?.data.inputs as Record<string, { state: string; title: string; figures?: unknown }>
    expect(Object.keys(inputs).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'])
    // competences (4.4.2) and risks (4.5.3 d) come from the SMS registers (the demo year's): the
    // gaps per role and the risks above the appetite with owner and treatment, not counts
    expect(inputs.d).toMatchObject({
      state: 'recorded',
      figures: {
        competenceGaps: expect.arrayContaining([
          expect.objectContaining({ role: 'cab', username: 'cab', reason: 'planned' }),
        ]),
      },
    })
    expect(inputs.e).toMatchObject({ state: 'recorded', figures: { appetite: 12, openRisks: expect.any(Number) } })
    expect((inputs.e?.figures as { openRisks: number }).openRisks).toBeGreaterThan(0)
    // audit results (f: the demo year's audits ended before this period, their findings count)
    // and earlier reviews' actions (g) come from the product's records
    expect(inputs.f?.figures).toMatchObject({
      findings: expect.arrayContaining([expect.objectContaining({ type: 'nonconformity', status: 'closed' })]),
    })
    expect(JSON.stringify(inputs.g?.figures)).toContain('carried-over')

    // when: top management holds the review
    await h.complete(
      instance,
      'Task_HoldManagementReview',
      {
        attendees: [
          { name: 'Tom Top-Management', role: 'Top management' },
          { name: 'Mia SMS-Manager', role: 'SMS manager' },
        ],
        resourceDecisions: 'Second problem manager',
        improvementDecisions: 'Automate CAB minutes',
        minutes: 'Inputs a-j reviewed',
        actions: [
          { title: 'Hire a second problem manager', kind: 'resource', owner: 'smsmgr', due: inDays(5) },
          { title: 'CAB minutes automation', kind: 'improvement', owner: 'improve', due: inDays(30) },
        ],
      },
      'topmgmt',
    )
    await h.armed(instance, 'Timer_FollowUpInterval')
    const boss = await h.as('smsmgr')
    const listed = await boss.get<{ items: { id: string; owner: string; carriedFrom: string | null; status: string }[] }>(
      `/sms/reviews/${reviewId}/actions`,
    )
    expect(listed.status).toBe(200)
    // the decided actions and the one the last review carried over, each tracked
    expect(listed.body.items).toHaveLength(3)
    const carried = listed.body.items.find((a) => a.carriedFrom)
    expect(carried).toBeDefined()
    const own = listed.body.items.find((a) => a.owner === 'improve')!
    const hire = listed.body.items.find((a) => a.owner === 'smsmgr' && !a.carriedFrom)!

    // a person who neither owns an action nor manages the SMS cannot close it
    const refused = await (await h.as('desk')).post(`/sms/review-actions/${own.id}/settle`, {
      status: 'closed',
      outcome: 'not mine',
    })
    expect(refused.status).toBe(403)
    // ajv on the body
    expect((await boss.post(`/sms/review-actions/${own.id}/settle`, { status: 'done' })).status).toBe(400)
    // the owner closes theirs
    const closed = await (await h.as('improve')).post(`/sms/review-actions/${own.id}/settle`, {
      status: 'closed',
      outcome: 'Automated',
    })
    expect(closed.status, JSON.stringify(closed.body)).toBe(200)

    // a week later two are still open: the review waits; the overdue one's owner is reminded
    await h.advance(7 * DAY + 60_000)
    await h.until('the second follow-up', async () => {
      const path = await pathOf(instance)
      return path.filter((e) => e === 'Timer_FollowUpInterval').length >= 1 &&
        path.filter((e) => e === 'Task_CheckReviewActions').length >= 2
    })
    const reminders = await h.notifications.listFor({ username: 'smsmgr', groups: ['sms-managers'] })
    expect(reminders.some((n) => n.template === 'management-review-action')).toBe(true)
    expect(await h.hasCompleted(instance, 'Task_RecordReviewEvidence')).toBe(false)

    // the SMS manager closes one and carries the other over
    expect((await boss.post(`/sms/review-actions/${hire.id}/settle`, { status: 'closed', outcome: 'Hired' })).status).toBe(200)
    expect(
      (await boss.post(`/sms/review-actions/${carried!.id}/settle`, { status: 'carried-over', outcome: 'Next year' }))
        .status,
    ).toBe(200)
    // settled twice is a conflict
    expect((await boss.post(`/sms/review-actions/${hire.id}/settle`, { status: 'closed', outcome: 'again' })).status).toBe(409)
    await h.advance(7 * DAY + 60_000)
    await h.reached(instance, 'EndEvent_ReviewClosed')

    // then: the path, the closed review and its record as evidence (4.3.3)
    expectInOrder(await pathOf(instance), [
      'StartEvent_ManagementReviewRequested',
      'Task_AssembleReviewInputs',
      'Task_HoldManagementReview',
      'Task_RecordReviewActions',
      'Gateway_MergeFollowUp',
      'Task_CheckReviewActions',
      'Gateway_AllActionsClosed',
      'Timer_FollowUpInterval',
      'Task_CheckReviewActions',
      'Gateway_AllActionsClosed',
      'Timer_FollowUpInterval',
      'Task_CheckReviewActions',
      'Gateway_AllActionsClosed',
      'Task_RecordReviewEvidence',
      'EndEvent_ReviewClosed',
    ])
    const done = await h.cases.findCase('management-review', reviewId)
    expect(done?.status).toBe('closed')
    expect(done?.data).toMatchObject({
      resourceDecisions: 'Second problem manager',
      improvementDecisions: 'Automate CAB minutes',
      openActions: 0,
    })
    const trail = await h.trail({ entityId: reviewId })
    const recorded = trail.find((e) => e.action === 'management-review.recorded')
    expect(recorded?.after).toMatchObject({ sha256: done?.data.recordHash, improvementDecisions: 'Automate CAB minutes' })
    expect(trail.filter((e) => e.action === 'management-review.action-recorded')).toHaveLength(3)
  })

  it('4.5.4.2: an audit of the programme runs from plan to verified corrective action, refusing an auditor who works in the audited area', async () => {
    // given: the SMS manager records an audit of the programme
    const year = new Date(h.clock.now()).getUTCFullYear()
    const { id, instance } = await h.open('internal-audit', {
      title: 'Incident and problem management',
      data: { year, clauses: ['8.1', '8.2'], processes: 'incident, problem', basis: 'High importance' },
    })
    // internal audit records are written by SMS managers and internal auditors only: neither the
    // read-only auditor role nor other staff plan audits or record findings of one
    expect((await (await h.as('auditor')).post('/internal-audits', { title: 'x' })).status).toBe(403)
    expect((await (await h.as('desk')).post('/audit-findings', { title: 'x', data: { audit: id } })).status).toBe(403)

    // when: the plan names an auditor who works on the service desk (8.1)
    const plan = await h.task(instance, 'Task_PlanAudit')
    const smsmgr = await h.as('smsmgr')
    expect((await smsmgr.post(`/tasks/${plan.id}/claim`)).status).toBe(200)
    const planData = {
      scope: 'Service desk and problem managers',
      criteria: 'ISO/IEC 20000-1 8.1, 8.2',
      clauses: ['8.1', '8.2'],
      auditor: 'iaudit2',
      plannedStart: inDays(1),
      plannedEnd: inDays(2),
    }
    const refused = await smsmgr.post<{ detail: string }>(`/tasks/${plan.id}/complete`, { data: planData })
    // then: refused with the reason, nothing stored (4.5.4.2: auditors shall not audit their own work)
    expect(refused.status).toBe(422)
    expect(refused.body.detail).toContain('iaudit2 may not audit')
    expect(refused.body.detail).toContain('8.1')
    expect(refused.body.detail).toContain('4.5.4.2')
    expect((await h.cases.findCase('internal-audit', id))?.assignee).toBeNull()
    // the same rule on a direct edit of the audit
    const current = await h.cases.findCase('internal-audit', id)
    const patched = await smsmgr.patch(`/internal-audits/${id}`, { version: current!.version, assignee: 'iaudit2' })
    expect(patched.status).toBe(422)
    // and for a declared area: iaudit declares supplier management (7.2) as their own
    expect((await smsmgr.put('/sms/auditor-areas/iaudit', { areas: ['7.2', 'supplier-review'] })).status).toBe(200)
    expect((await smsmgr.put('/sms/auditor-areas/iaudit', { areas: ['Not An Area'] })).status).toBe(400)

    // when: an independent auditor is named
    expect((await smsmgr.post(`/tasks/${plan.id}/complete`, { data: { ...planData, auditor: 'iaudit' } })).status).toBe(200)
    const conduct = await h.task(instance, 'Task_ConductAudit')
    expect(conduct.assignee).toBe('iaudit')
    // the auditor's checklist is pre-filled from the plan: a row per planned clause, with the
    // plan's scope and criteria and the programme's procedures shown above the form (4.5.4.2)
    const shown = await (await h.as('iaudit')).get<{
      variables: { checklist: unknown }
      context: { field: string; value: unknown }[]
    }>(`/tasks/${conduct.id}`)
    expect(shown.status).toBe(200)
    expect(shown.body.variables.checklist).toEqual([{ clause: '8.1' }, { clause: '8.2' }])
    expect(Object.fromEntries(shown.body.context.map((c) => [c.field, c.value]))).toMatchObject({
      scope: 'Service desk and problem managers',
      criteria: 'ISO/IEC 20000-1 8.1, 8.2',
      clauses: ['8.1', '8.2'],
      processes: 'incident, problem',
    })

    // the auditor records the findings, linked to clauses and evidence
    const auditor = await h.as('iaudit')
    const nc = await auditor.post<{ id: string }>('/audit-findings', {
      title: 'Workarounds not recorded',
      data: {
        audit: id,
        clause: '8.2',
        findingType: 'nonconformity',
        severity: 'minor',
        description: 'Two problems without workaround',
        evidence: 'PRB sample',
      },
    })
    expect(nc.status, JSON.stringify(nc.body)).toBe(201)
    const obs = await auditor.post<{ id: string }>('/audit-findings', {
      title: 'Triage notes brief',
      data: { audit: id, clause: '8.1', findingType: 'observation', description: 'Short notes' },
    })
    expect(obs.status).toBe(201)
    await h.complete(
      instance,
      'Task_ConductAudit',
      {
        checklist: [
          { clause: '8.1', result: 'observation', evidence: 'Ten incidents sampled' },
          { clause: '8.2', result: 'nonconformity', evidence: 'Eight problems sampled' },
        ],
        auditSummary: 'One nonconformity, one observation',
      },
      'iaudit',
    )

    // corrective actions: every nonconformity needs one (an empty plan goes back)
    await h.complete(instance, 'Task_AgreeCorrectiveActions', { actions: [] }, 'smsmgr')
    await h.until('the plan back after the BPMN error', async () =>
      (await pathOf(instance)).includes('Error_CorrectiveActionsMissing'),
    )
    await h.complete(
      instance,
      'Task_AgreeCorrectiveActions',
      {
        actions: [
          { findingId: nc.body.id, correctiveAction: 'Make workaround required', owner: 'problem', due: inDays(10) },
        ],
      },
      'smsmgr',
    )
    const implement = await h.task(instance, 'Task_ImplementCorrectiveActions')
    // offered to the owner by name: in their "My groups" view and its count, though not a member
    const owner = await h.as('problem')
    const offered = await owner.get<{ items: { id: string }[]; counts: { groups: number } }>(
      `/tasks?view=groups&processInstanceKey=${instance}`,
    )
    expect(offered.body.items.map((t) => t.id)).toEqual([implement.id])
    expect(offered.body.counts.groups).toBeGreaterThanOrEqual(1)
    const finding = await h.cases.findCase('audit-finding', nc.body.id)
    expect(finding?.assignee).toBe('problem')
    expect(finding?.data.correctiveAction).toBe('Make workaround required')

    // overdue: escalated to top management while the owner still works on it
    await h.armed(instance, 'Timer_CorrectiveActionsOverdue')
    const programme = await smsmgr.get<{ overdueActions: { findingId: string }[] }>(`/sms/audit-programme?year=${year}`)
    expect(programme.body.overdueActions.map((a) => a.findingId)).not.toContain(nc.body.id)
    await h.advance(11 * DAY)
    await h.reached(instance, 'EndEvent_OverdueEscalated')
    const escalated = await h.notifications.listFor({ username: 'topmgmt', groups: ['top-management'] })
    expect(escalated.some((n) => n.caseId === id && n.template === 'escalation')).toBe(true)

    // the owner implements; the auditor finds it not yet effective; the owner acts again
    await h.complete(instance, 'Task_ImplementCorrectiveActions', { implementationNotes: 'Field added' }, 'problem')
    await h.complete(
      instance,
      'Task_VerifyCorrectiveActions',
      { actionsEffective: false, verificationNotes: 'Old problems still lack workarounds' },
      'iaudit',
    )
    await h.complete(instance, 'Task_ImplementCorrectiveActions', { implementationNotes: 'Backfilled' }, 'problem')
    await h.complete(
      instance,
      'Task_VerifyCorrectiveActions',
      { actionsEffective: true, verificationNotes: 'All sampled problems have workarounds' },
      'iaudit',
    )
    await h.reached(instance, 'EndEvent_AuditClosed')

    // then: the path from plan to verified corrective action and report
    expectInOrder(await pathOf(instance), [
      'StartEvent_AuditScheduled',
      'Task_PlanAudit',
      'Task_ConductAudit',
      'Task_CollectFindings',
      'Gateway_HasNonconformities',
      'Task_AgreeCorrectiveActions',
      'Error_CorrectiveActionsMissing',
      'Task_AgreeCorrectiveActions',
      'Task_AssignCorrectiveActions',
      'Task_ImplementCorrectiveActions',
      'Task_VerifyCorrectiveActions',
      'Gateway_ActionsEffective',
      'Task_ImplementCorrectiveActions',
      'Task_VerifyCorrectiveActions',
      'Gateway_ActionsEffective',
      'Task_CloseFindings',
      'Task_ReportToManagement',
      'EndEvent_AuditClosed',
    ])
    const audit = await h.cases.findCase('internal-audit', id)
    expect(audit?.status).toBe('closed')
    expect(audit?.assignee).toBe('iaudit')
    expect(audit?.data).toMatchObject({
      scope: 'Service desk and problem managers',
      nonconformities: 1,
      observations: 1,
      verification: 'All sampled problems have workarounds',
    })
    expect(String(audit?.data.report)).toContain(nc.body.id)
    const verified = await h.cases.findCase('audit-finding', nc.body.id)
    expect(verified?.status).toBe('closed')
    expect(verified?.data).toMatchObject({ verified: true, verifiedBy: 'iaudit' })
    const reported = await h.notifications.listFor({ username: 'topmgmt', groups: ['top-management'] })
    expect(reported.some((n) => n.caseId === id && n.template === 'audit-report')).toBe(true)

    // the programme shows the audit's coverage by clause, and the clauses no audit covers
    const after = await smsmgr.get<{
      audits: { id: string }[]
      coverage: { clause: string; covered: boolean; audits: string[]; earlierNonconformities: number }[]
      gaps: string[]
    }>(`/sms/audit-programme?year=${year}`)
    expect(after.status).toBe(200)
    expect(after.body.audits.map((a) => a.id)).toContain(id)
    expect(after.body.coverage.find((c) => c.clause === '8.2')).toMatchObject({ covered: true })
    expect(after.body.coverage.find((c) => c.clause === '8.2')?.audits).toContain(id)
    expect(after.body.gaps).toContain('4.2')
    expect(after.body.gaps).not.toContain('8.1')
    // the findings of the audit, and the auditor's decisions on the record's trail
    const findings = await (await h.as('auditor')).get<{ items: { id: string }[] }>(`/sms/audits/${id}/findings`)
    expect(findings.body.items.map((f) => f.id).sort()).toEqual([nc.body.id, obs.body.id].sort())
    const trail = await h.trail({ entityId: id })
    expect(trail.some((e) => e.action === 'internal-audit.decided')).toBe(true)
  })

  it('4.5.4.2: an audit without nonconformities goes straight to the report; its checklist answers every planned clause', async () => {
    // given
    const year = new Date(h.clock.now()).getUTCFullYear()
    const { id, instance } = await h.open('internal-audit', {
      title: 'Document control',
      data: { year, clauses: ['4.3'], basis: 'Not audited last year' },
    })
    // when
    await h.complete(instance, 'Task_PlanAudit', {
      scope: 'Controlled documents',
      criteria: 'ISO/IEC 20000-1 4.3',
      clauses: ['4.3'],
      auditor: 'iaudit2',
      plannedStart: inDays(1),
      plannedEnd: inDays(1),
    })
    const observation = await (await h.as('iaudit2')).post<{ id: string }>('/audit-findings', {
      title: 'Review dates close together',
      data: { audit: id, clause: '4.3', findingType: 'observation' },
    })
    expect(observation.status).toBe(201)
    // a checklist without a result for the planned clause 4.3 is refused, nothing is stored
    const conduct = await h.task(instance, 'Task_ConductAudit')
    const auditor = await h.as('iaudit2')
    const incomplete = await auditor.post<{ detail: string }>(`/tasks/${conduct.id}/complete`, {
      data: { checklist: [{ clause: '4.4', result: 'conform' }], auditSummary: 'Conforms' },
    })
    expect(incomplete.status).toBe(422)
    expect(incomplete.body.detail).toContain('no result for clause 4.3')
    expect(incomplete.body.detail).toContain('4.5.4.2')
    const unchanged = await h.cases.findCase('internal-audit', id)
    expect(unchanged?.status).not.toBe('conducted')
    expect(unchanged?.data.checklist).toBeUndefined()
    expect((await h.task(instance, 'Task_ConductAudit')).id).toBe(conduct.id)
    // with a result per planned clause it is conducted
    await h.complete(
      instance,
      'Task_ConductAudit',
      { checklist: [{ clause: '4.3', result: 'observation' }], auditSummary: 'Conforms' },
      'iaudit2',
    )
    await h.reached(instance, 'EndEvent_AuditClosed')
    // then: no corrective action was asked for; the observation is reported and closed
    expect(await h.hasCompleted(instance, 'Task_AgreeCorrectiveActions')).toBe(false)
    expectInOrder(await pathOf(instance), [
      'Task_CollectFindings',
      'Gateway_HasNonconformities',
      'Gateway_MergeReport',
      'Task_ReportToManagement',
      'EndEvent_AuditClosed',
    ])
    expect((await h.cases.findCase('internal-audit', id))?.status).toBe('closed')
    expect((await h.cases.findCase('audit-finding', observation.body.id))?.status).toBe('closed')
  })
})
