/**
 * The read side of change control as the only door (ISO/IEC 20000-1 9.2, 9.1), through HTTP as
 * the roles use it, with the real change procedure on PGlite and PostgreSQL:
 *
 * - `GET /api/record-edits/changes`: the RFCs a person may still attach an edit to (theirs to
 *   change or recorded by them, not yet decided by the CAB);
 * - `GET /api/record-edits`: the edits proposed for a record across changes, pending or applied;
 * - `GET /api/standard-change-models`: each model with the approval of its current version (who
 *   recorded the CAB decision of the approving change, and when).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { cabDecision, startHarness, type Harness } from '../../../test/processes/harness'
import { testDatabaseTargets } from '../../../test/support/databases'
import type { ChangeTakingEdits, CatalogueEntry, RecordEditView } from './change-control-queries'

interface Problem {
  status: number
  detail: string
  errors?: { path: string; message: string }[]
}

describe.each(testDatabaseTargets())('change control read views on $kind', (target) => {
  let h: Harness
  /** A CI under change control owned by the service desk. */
  let ciId: string

  beforeAll(async () => {
    h = await startHarness(target)
    ciId = (
      await h.record('ci', {
        name: 'queries-app-01',
        ciType: 'application',
        ownerGroup: 'service-desk',
        ciVersion: '1.0',
        data: { underChangeControl: true },
      })
    ).id
  })
  afterAll(async () => {
    await h?.stop()
  })

  test('9.2: the recorder of an RFC may attach edits to it until the CAB decides; others see and may attach only what is theirs', async () => {
    // given: the service desk raises an RFC (assigned to the change managers by default)
    const { id, instance } = await h.open(
      'change',
      { title: 'Move queries-app-01 to DC2', ciId, data: { scope: 'Move', changeType: 'normal' } },
      'desk',
    )
    const desk = await h.as('desk')
    // when
    const mine = await desk.get<ChangeTakingEdits[]>('/record-edits/changes')
    const network = await (await h.as('network')).get<ChangeTakingEdits[]>('/record-edits/changes')
    const manager = await (await h.as('change')).get<ChangeTakingEdits[]>('/record-edits/changes')
    const auditor = await (await h.as('auditor')).get<ChangeTakingEdits[]>('/record-edits/changes')
    // then: the recorder and the change managers may attach; another group and auditors may not
    expect(mine.status).toBe(200)
    expect(mine.body.map((c) => c.id)).toContain(id)
    expect(mine.body.find((c) => c.id === id)).toMatchObject({
      title: 'Move queries-app-01 to DC2',
      status: 'new',
      changeType: 'normal',
      createdBy: 'desk',
    })
    expect(manager.body.map((c) => c.id)).toContain(id)
    expect(network.body.map((c) => c.id)).not.toContain(id)
    expect(auditor.body.map((c) => c.id)).not.toContain(id)
    // and: the list says what the write allows
    const attached = await desk.post<{ id: number }>(`/changes/${id}/record-edits`, {
      targetKind: 'ci',
      targetId: ciId,
      patch: { location: 'DC2' },
    })
    expect(attached.status, JSON.stringify(attached.body)).toBe(201)
    const refused = await (
      await h.as('network')
    ).post<Problem>(`/changes/${id}/record-edits`, {
      targetKind: 'ci',
      targetId: ciId,
      patch: { location: 'DC3' },
    })
    expect(refused.status).toBe(403)

    // when: the record's pending edits are read, by record and state
    const pending = await (
      await h.as('auditor')
    ).get<RecordEditView[]>(`/record-edits?targetKind=ci&targetId=${ciId}&state=pending`)
    const applied = await (
      await h.as('auditor')
    ).get<RecordEditView[]>(`/record-edits?targetId=${ciId}&state=applied`)
    // then
    expect(pending.status).toBe(200)
    expect(pending.body).toEqual([
      expect.objectContaining({
        changeId: id,
        changeTitle: 'Move queries-app-01 to DC2',
        changeStatus: 'new',
        targetKind: 'ci',
        targetId: ciId,
        patch: { location: 'DC2' },
        createdBy: 'desk',
        appliedAt: null,
      }),
    ])
    expect(applied.body).toEqual([])

    // when: the CAB decides (after assessment)
    await h.complete(instance, 'Task_ClassifyChange', {
      changeType: 'normal',
      changeNature: 'ci-change',
    })
    await h.complete(instance, 'Task_AssessChange', {
      riskLevel: 'low',
      securityRisk: 'low',
      estimatedCost: 1,
      remediationPlan: 'Move back',
    })
    await h.complete(instance, 'Task_CabDecision', cabDecision(true, 'ok'), 'cab')
    await h.task(instance, 'Task_ScheduleChange')
    // then: the RFC no longer takes edits, for anyone
    const after = await desk.get<ChangeTakingEdits[]>('/record-edits/changes')
    expect(after.body.map((c) => c.id)).not.toContain(id)
    const late = await desk.post<Problem>(`/changes/${id}/record-edits`, {
      targetKind: 'ci',
      targetId: ciId,
      patch: { location: 'DC4' },
    })
    expect(late.status).toBe(409)

    // when: a model approved by that change is in the catalogue
    await h.database.db
      .insertInto('standard_change_models')
      .values({
        id: 'SCM-800001',
        name: 'Restart the queries app',
        risk: 'low',
        tasks: JSON.stringify(['Restart', 'Check']),
        ci_ids: JSON.stringify([ciId]),
        service_ids: '[]',
        status: 'active',
        version: 1,
        approved_by_change: id,
      })
      .execute()
    const catalogue = await (await h.as('auditor')).get<CatalogueEntry[]>('/standard-change-models')
    // then: its approval names the change and who recorded the CAB decision, when
    const model = catalogue.body.find((m) => m.id === 'SCM-800001')
    expect(model?.approval).toMatchObject({
      changeId: id,
      changeTitle: 'Move queries-app-01 to DC2',
      decidedBy: 'cab',
    })
    expect(Date.parse(model!.approval.decidedAt!)).toBeGreaterThan(0)
  })

  test.each([
    ['an unknown target kind', 'targetKind=user', '/targetKind'],
    ['a malformed record id', 'targetId=x', '/targetId'],
    ['an unknown state', 'state=later', '/state'],
    ['a limit of 0', 'limit=0', '/limit'],
    ['an unknown parameter', 'sort=id', '/sort'],
  ])('a list of record edits with %s is a 400 naming the parameter', async (_, query, path) => {
    const res = await (await h.as('auditor')).get<Problem>(`/record-edits?${query}`)
    expect(res.status).toBe(400)
    expect(JSON.stringify(res.body.errors)).toContain(path)
  })

  test('customers read neither the catalogue nor record edits', async () => {
    const customer = await h.as('customer')
    for (const path of ['/standard-change-models', '/record-edits', '/record-edits/changes']) {
      expect((await customer.get(path)).status, path).toBe(403)
    }
  })
})
