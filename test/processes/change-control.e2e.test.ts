/**
 * Change control as the only door (ISO/IEC 20000-1 9.2, 9.3, 9.1, 6.1, 7.2), through HTTP as the
 * roles use it, on the embedded engine: each side door is refused with a clear problem and
 * writes nothing (the record unchanged, no evidence entry); a release without an approved change
 * takes the release procedure's modelled refusal path; a standard change model is approved once
 * through a normal change, and a standard change that fits it skips the CAB; a change's
 * implementation applies the edit of a controlled CI it carries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { completedPath } from '../../engine/test-support'
import { systemActor } from '../../server/src/cases/access'
import { testDatabaseTargets } from '../support/databases'
import {
  approvedChange as approvedChangeOf,
  cabDecision,
  plannedWindow,
  startHarness,
  type Harness,
} from './harness'

interface Problem {
  status: number
  title: string
  detail: string
  errors?: { path: string; message: string }[]
}
interface Rec {
  id: string
  version: number
  status: string
  data: Record<string, unknown>
  [field: string]: unknown
}
interface Model {
  id: string
  name: string
  version: number
  status: string
  risk: string
  tasks: string[]
  ciIds: string[]
  approvedByChange: string
}

describe.each(testDatabaseTargets())('change control as the only door on $kind', (target) => {
  let h: Harness
  /** A CI under change control (9.1), owned by the network group. */
  let ciId: string
  /** A CI outside the standard change model's scope. */
  let otherCiId: string

  beforeAll(async () => {
    h = await startHarness(target)
    ciId = (
      await h.record('ci', {
        name: 'fw-01',
        ciType: 'network',
        ownerGroup: 'network',
        ciVersion: '1.0',
        data: { underChangeControl: true },
      })
    ).id
    otherCiId = (await h.record('ci', { name: 'fw-02', ciType: 'network' })).id
  })
  afterAll(async () => {
    await h?.stop()
  })

  /** How many evidence entries name the record (or, with `action`, carry the action). */
  const evidenceCount = async (where: { entityId?: string; action?: string }) => {
    let q = h.database.db.selectFrom('evidence').select((eb) => eb.fn.countAll<string>().as('n'))
    if (where.entityId) q = q.where('entity_id', '=', where.entityId)
    if (where.action) q = q.where('action', '=', where.action)
    return Number((await q.executeTakeFirstOrThrow()).n)
  }
  const caseCount = async (kind: 'release' | 'change') =>
    Number(
      (
        await h.database.db
          .selectFrom('cases')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('kind', '=', kind)
          .executeTakeFirstOrThrow()
      ).n,
    )

  /** A change the CAB approved (its procedure's scheduling step reached). */
  const approvedChange = () => approvedChangeOf(h)

  /** Drives a release its change started through to verified deployment (9.3). */
  const deployRelease = async (changeId: string) => {
    const releaseId = await h.until(`release of ${changeId}`, async () =>
      (await h.cases.linksOf('change', changeId)).find((l) => l.fromKind === 'release')?.fromId,
    )
    const release = await h.instanceOf('release', releaseId)
    await h.complete(release, 'Task_RecordReleaseScope', { releaseType: 'minor' })
    await h.complete(release, 'Task_PlanRelease', {
      plannedDeployment: '2026-12-01T10:00',
      deliverables: 'd',
      deploymentMethod: 'automated',
      acceptanceCriteria: 'a',
      backOutPlan: 'b',
      measurementPeriod: 'P7D',
    })
    await h.complete(release, 'Task_BuildRelease', { buildNotes: 'b', buildVersion: '2' })
    await h.complete(release, 'Task_AcceptanceTest', {
      testEnvironment: 'UAT',
      testResults: 'ok',
      acceptanceCriteriaMet: true,
    })
    await h.complete(release, 'Task_ApproveRelease', { approved: true })
    await h.complete(release, 'Task_DeployRelease', { deployedAt: '2026-12-01T10:00', deploymentNotes: 'ok' })
    await h.complete(release, 'Task_VerifyDeployment', { deploymentVerified: true, verificationNotes: 'ok' })
    await h.reached(release, 'Task_ReportReleaseDeployed')
    return { releaseId, release }
  }

  describe('9.3: releases start only from an approved change', () => {
    it.each([
      ['names no change', () => Promise.resolve(undefined), /no change is named/],
      [
        'names a change not yet approved',
        async () => (await h.open('change', { title: 'Unapproved', data: { scope: 'x' } })).id,
        /is new, not approved/,
      ],
      ['names no existing change', () => Promise.resolve('RFC-999999'), /there is no change RFC-999999/],
    ])('a release that %s is refused with 422 and nothing is recorded', async (_, changeOf, reason) => {
      // given
      const changeId = await changeOf()
      const releases = await caseCount('release')
      const created = await evidenceCount({ action: 'release.created' })
      // when
      const res = await (await h.as('release')).post<Problem>('/releases', {
        title: 'Side-door release',
        data: { releaseType: 'minor', ...(changeId ? { changeId } : {}) },
      })
      // then
      expect(res.status).toBe(422)
      expect(res.body.detail).toMatch(/A release starts only from an approved change \(9\.3\)/)
      expect(res.body.detail).toMatch(reason)
      expect(res.body.errors).toEqual([expect.objectContaining({ path: '/data/changeId' })])
      expect(await caseCount('release')).toBe(releases)
      expect(await evidenceCount({ action: 'release.created' })).toBe(created)
    })

    it('a release recorded from an approved change passes the procedure check to its scope', async () => {
      // given
      const change = await approvedChange()
      // when
      const { id, instance } = await h.open('release', {
        title: 'Release of an approved change',
        data: { releaseType: 'minor', changeId: change.id },
      })
      await h.task(instance, 'Task_RecordReleaseScope')
      // then
      expect(await completedPath(h.engine.engine, instance)).toEqual([
        'StartEvent_ReleaseRequested',
        'Task_CheckApprovedChange',
        'Gateway_HasApprovedChange',
        'Task_LoadFormOptions',
      ])
      // the change a release implements is fixed (9.3)
      const release = await (await h.as('release')).get<Rec>(`/releases/${id}`)
      const patch = await (await h.as('admin')).patch<Problem>(`/releases/${id}`, {
        version: release.body.version,
        data: { changeId: 'RFC-000001' },
      })
      expect(patch.status).toBe(409)
      expect((await h.cases.findCase('release', id))?.data.changeId).toBe(change.id)
    })

    it('a release started without an approved change takes the modelled refusal path', async () => {
      // given: a release an integration records without a change (the API refuses people)
      const release = await h.cases.create(
        'release',
        { title: 'Integration release', data: { releaseType: 'minor' } },
        systemActor('integration'),
      )
      const instance = await h.instanceOf('release', release.id)
      // when
      await h.reached(instance, 'EndEvent_ReleaseRefused')
      // then
      expect(await completedPath(h.engine.engine, instance)).toEqual([
        'StartEvent_ReleaseRequested',
        'Task_CheckApprovedChange',
        'Gateway_HasApprovedChange',
        'Task_SetStatusRefused',
        'EndEvent_ReleaseRefused',
        'release',
      ])
      const refused = await h.cases.findCase('release', release.id)
      expect(refused?.status).toBe('rejected')
      expect(refused?.data.changeCheck).toBe('refused: no approved change (no change is named (data.changeId))')
      // 4.3.3: the refusal and its reason are evidence, with the element that refused
      const trail = await h.trail({ entityId: release.id })
      expect(trail.map((e) => e.action)).toEqual(
        expect.arrayContaining(['release.created', 'release.updated', 'release.status-changed']),
      )
      const history = await (await h.as('release')).get<{ statusHistory: { to: string; elementId: string | null }[] }>(
        `/releases/${release.id}`,
      )
      expect(history.body.statusHistory).toEqual(
        expect.arrayContaining([expect.objectContaining({ to: 'rejected', elementId: 'Task_SetStatusRefused' })]),
      )
    })
  })

  describe('9.1, 6.1, 7.2: records under change control are not edited directly', () => {
    const sideDoors: [string, () => Promise<{ path: string; body: Record<string, unknown>; id: string }>, RegExp][] = [
      [
        'a CI under change control',
        async () => ({ path: `/cis/${ciId}`, body: { location: 'DC9' }, id: ciId }),
        /CI CI-\d+ is under change control \(9\.1\): raise a change \(POST \/api\/changes\)/,
      ],
      [
        'a live service',
        async () => {
          const services = await (await h.as('admin')).get<{ items: Rec[] }>('/services?limit=200')
          const live = services.body.items.find((s) => s.status === 'live')!
          return { path: `/services/${live.id}`, body: { description: 'edited' }, id: live.id }
        },
        /service SVC-\d+ is in the service catalogue \(live\) and under change control.*raise a change \(POST \/api\/changes\)/,
      ],
      [
        'an agreed SLA',
        async () => {
          const slas = await (await h.as('admin')).get<{ items: Rec[] }>('/slas?limit=200')
          const agreed = slas.body.items.find((s) => s.status === 'agreed')!
          return { path: `/slas/${agreed.id}`, body: { data: { availabilityPercent: 90 } }, id: agreed.id }
        },
        /SLA SLA-\d+ is agreed and under change control.*raise a change \(POST \/api\/changes\).*controlled document/,
      ],
    ]

    it.each(sideDoors)('a direct edit of %s gets 409 naming the door, and nothing is written', async (_, of, detail) => {
      // given
      const { path, body, id } = await of()
      const admin = await h.as('admin')
      const before = await admin.get<Rec>(path)
      const entries = await evidenceCount({ entityId: id })
      // when: even an administrator
      const res = await admin.patch<Problem>(path, { ...body, version: before.body.version })
      // then
      expect(res.status).toBe(409)
      expect(res.body.detail).toMatch(detail)
      expect(res.body.detail).toMatch(/Nothing was changed\.$/)
      const after = await admin.get<Rec>(path)
      expect(after.body).toEqual(before.body)
      expect(await evidenceCount({ entityId: id })).toBe(entries)
    })

    it('a direct edit of a contract in force gets 409 naming the door, and nothing is written', async () => {
      // given
      const supplier = await h.as('supplier')
      const suppliers = await supplier.get<{ items: Rec[] }>('/suppliers')
      const supplierId = suppliers.body.items[0]!.id
      const [contract] = (await supplier.get<{ id: string; version: number; status: string }[]>(`/suppliers/${supplierId}/contracts`)).body
      expect(contract!.status).toBe('active')
      const entries = await evidenceCount({ entityId: contract!.id })
      // when
      const res = await supplier.patch<Problem>(`/suppliers/${supplierId}/contracts/${contract!.id}`, {
        version: contract!.version,
        title: 'Renegotiated on the side',
      })
      // then
      expect(res.status).toBe(409)
      expect(res.body.detail).toMatch(/contract CON-\d+ is active and under change control \(7\.2, 9\.2\): raise a change/)
      const now = (await supplier.get<{ id: string; version: number; title: string }[]>(`/suppliers/${supplierId}/contracts`)).body
      expect(now.find((c) => c.id === contract!.id)).toMatchObject({ version: contract!.version })
      expect(await evidenceCount({ entityId: contract!.id })).toBe(entries)
    })

    it('a CI not under change control is still edited directly by its owner group', async () => {
      const network = await h.as('network')
      const ci = await network.post<Rec>('/cis', { name: 'lab-01', ciType: 'hardware', ownerGroup: 'network' })
      const res = await network.patch<Rec>(`/cis/${ci.body.id}`, { version: 1, location: 'Lab' })
      expect(res.status).toBe(200)
      expect(res.body.location).toBe('Lab')
    })
  })

  describe('9.2: the standard change catalogue', () => {
    let modelId: string

    it("a normal change approves a standard change model and implements a controlled CI's edit", async () => {
      // given: a normal change carrying an edit of the controlled CI and a new standard change model
      const change = await h.as('change')
      const { id, instance } = await h.open('change', {
        title: 'Firewall 2.0 and its standard rule change',
        ciId,
        data: { scope: 'Upgrade fw-01; define the standard rule change', changeType: 'normal' },
      })
      const ciEdit = await change.post<{ id: number }>(`/changes/${id}/record-edits`, {
        targetKind: 'ci',
        targetId: ciId,
        patch: { ciVersion: '2.0', location: 'DC2' },
      })
      const modelEdit = await change.post(`/changes/${id}/record-edits`, {
        targetKind: 'standard-change-model',
        patch: {
          name: 'Firewall rule change',
          risk: 'low: one rule, tested template, instant roll-back',
          tasks: ['Apply the rule from the template', 'Verify traffic', 'Record the rule id'],
          ciIds: [ciId],
        },
      })
      expect(ciEdit.status, JSON.stringify(ciEdit.body)).toBe(201)
      expect(modelEdit.status, JSON.stringify(modelEdit.body)).toBe(201)
      const ciBefore = await h.cases.find('ci', ciId)
      // when: the change goes the normal way: assessment, CAB, schedule, build, release
      await h.complete(instance, 'Task_ClassifyChange', {
        changeType: 'normal',
        changeNature: 'ci-change',
        affectedCiIds: [ciId],
      })
      await h.complete(instance, 'Task_AssessChange', {
        riskLevel: 'low',
        securityRisk: 'low',
        estimatedCost: 10,
        remediationPlan: 'Restore 1.0',
      })
      await h.complete(instance, 'Task_CabDecision', cabDecision(true, 'ok'))
      // an edit attached after the approval would bypass it: refused (9.2)
      const late = await change.post<Problem>(`/changes/${id}/record-edits`, {
        targetKind: 'ci',
        targetId: ciId,
        patch: { location: 'Elsewhere' },
      })
      expect(late.status).toBe(409)
      expect(late.body.detail).toMatch(/before it is approved/)
      await h.complete(instance, 'Task_ScheduleChange', plannedWindow(h))
      // nothing is applied before the implementation
      expect((await h.cases.find('ci', ciId))?.ciVersion).toBe('1.0')
      await h.complete(instance, 'Task_BuildAndTestChange', { buildNotes: 'built', testResult: 'passed' })
      await deployRelease(id)
      await h.complete(instance, 'Task_PostImplementationReview', { objectivesMet: true, reviewNotes: 'ok' })
      await h.reached(instance, 'EndEvent_ChangeClosed')
      // then: the implementation applied the edit of the controlled CI, after the deployment
      const path = await completedPath(h.engine.engine, instance)
      expect(path.slice(path.indexOf('Receive_ReleaseOutcome'))).toEqual([
        'Receive_ReleaseOutcome',
        'Gateway_WasDeploymentSuccessful',
        'Task_ApplyRecordEdits',
        'Task_UpdateCmdb',
        'Task_RequestContinuityRetest',
        'Gateway_MergePir',
        'Task_PostImplementationReview',
        'Task_CloseChange',
        'Task_NotifyRfcOutcome',
        // 5.1: not an emergency change of major impact, so no transition to review afterwards
        'Gateway_IsRetrospectiveTransition',
        'EndEvent_ChangeClosed',
        'change',
      ])
      expect(path).toContain('Task_CabDecision')
      const ci = await h.cases.find('ci', ciId)
      expect(ci).toMatchObject({ ciVersion: '2.0', location: 'DC2', version: ciBefore!.version + 2 })
      const ciTrail = await h.trail({ entityId: ciId })
      expect(ciTrail.filter((e) => e.action === 'ci.updated').map((e) => e.processInstanceKey)).toEqual([
        instance,
        instance,
      ])
      // the model is in the register, active, version 1, approved by this change
      const models = await (await h.as('auditor')).get<Model[]>('/standard-change-models')
      const model = models.body.find((m) => m.name === 'Firewall rule change')
      expect(model).toMatchObject({ status: 'active', version: 1, approvedByChange: id, ciIds: [ciId] })
      modelId = model!.id
      const edits = await (await h.as('auditor')).get<{ appliedAt: string | null; appliedTargetId: string }[]>(
        `/changes/${id}/record-edits`,
      )
      expect(edits.body.map((e) => e.appliedTargetId)).toEqual([ciId, modelId])
      expect(edits.body.every((e) => e.appliedAt)).toBe(true)
      expect((await h.trail({ entityId: id })).map((e) => e.action)).toEqual(
        expect.arrayContaining(['change.record-edit-attached', 'change.record-edits-applied']),
      )
    })

    it('a standard change that fits its model skips assessment and the CAB and records the model and version', async () => {
      // given
      const { id, instance } = await h.open('change', {
        title: 'Open port 8443 on fw-01',
        ciId,
        data: { scope: 'rule 42', changeType: 'standard', standardChangeModelId: modelId },
      })
      // when
      await h.complete(instance, 'Task_ClassifyChange', {
        changeType: 'standard',
        changeNature: 'ci-change',
        affectedCiIds: [ciId],
      })
      await h.complete(instance, 'Task_ScheduleChange', plannedWindow(h, 31))
      await h.complete(instance, 'Task_BuildAndTestChange', { buildNotes: 'rule', testResult: 'passed' })
      await deployRelease(id)
      await h.complete(instance, 'Task_PostImplementationReview', { objectivesMet: true, reviewNotes: 'ok' })
      await h.reached(instance, 'EndEvent_ChangeClosed')
      // then
      const path = await completedPath(h.engine.engine, instance)
      expect(path.slice(0, path.indexOf('Task_ScheduleChange') + 1)).toEqual([
        'StartEvent_RfcRecorded',
        'Task_LoadFormOptions',
        'Task_ClassifyChange',
        'Task_ClassifyByPolicy',
        'Task_ApplyChangePolicy',
        'Gateway_ChangeClass',
        'Task_CheckStandardChange',
        'Gateway_FitsStandardModel',
        'Gateway_MergeToSchedule',
        'Task_ScheduleChange',
      ])
      expect(path).not.toContain('Task_CabDecision')
      expect(path).not.toContain('Task_AssessChange')
      expect((await h.cases.findCase('change', id))?.data).toMatchObject({
        standardChangeModelId: modelId,
        standardChangeModelVersion: 1,
        standardChangeTasks: ['Apply the rule from the template', 'Verify traffic', 'Record the rule id'],
        risk: 'low: one rule, tested template, instant roll-back',
      })
    })

    it.each([
      ['picks no model', () => ({}), /must pick a model of the standard change catalogue/],
      ['picks an unknown model', () => ({ standardChangeModelId: 'SCM-999999' }), /there is no standard change model SCM-999999/],
      ['picks a retired model', () => ({ standardChangeModelId: 'SCM-900001' }), /SCM-900001 is retired/],
      [
        'names a CI outside the model',
        () => ({ standardChangeModelId: modelId, affectedCis: [otherCiId] }),
        /CI CI-\d+ is outside the scope of the standard change model SCM-\d+/,
      ],
    ])('a standard change that %s is refused with 422 and nothing is recorded', async (_, data, reason) => {
      // given: a retired model in the register
      await h.database.db
        .insertInto('standard_change_models')
        .values({
          id: 'SCM-900001',
          name: 'Retired model',
          risk: 'low',
          tasks: JSON.stringify(['x']),
          ci_ids: JSON.stringify([ciId]),
          service_ids: '[]',
          status: 'retired',
          version: 2,
          approved_by_change: 'RFC-000001',
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute()
      const changes = await caseCount('change')
      const created = await evidenceCount({ action: 'change.created' })
      // when
      const res = await (await h.as('change')).post<Problem>('/changes', {
        title: 'Side-door standard change',
        ciId,
        data: { scope: 'x', changeType: 'standard', ...data() },
      })
      // then
      expect(res.status).toBe(422)
      expect(res.body.detail).toMatch(/must fit a pre-approved model of the standard change catalogue \(9\.2\)/)
      expect(res.body.detail).toMatch(reason)
      expect(await caseCount('change')).toBe(changes)
      expect(await evidenceCount({ action: 'change.created' })).toBe(created)
    })

    it('a normal change cannot be made standard without a model by PATCH', async () => {
      const change = await h.as('change')
      const { id } = await h.open('change', { title: 'Normal', ciId, data: { scope: 'x', changeType: 'normal' } })
      const before = await change.get<Rec>(`/changes/${id}`)
      const res = await change.patch<Problem>(`/changes/${id}`, {
        version: before.body.version,
        data: { changeType: 'standard' },
      })
      expect(res.status).toBe(422)
      expect((await change.get<Rec>(`/changes/${id}`)).body.version).toBe(before.body.version)
    })

    it('a standard change model is not approved through a standard change', async () => {
      const { id } = await h.open('change', {
        title: 'Self-approving model',
        ciId,
        data: { scope: 'x', changeType: 'standard', standardChangeModelId: modelId },
      })
      const res = await (await h.as('change')).post<Problem>(`/changes/${id}/record-edits`, {
        targetKind: 'standard-change-model',
        patch: { name: 'Anything', risk: 'none', tasks: ['x'], ciIds: [ciId] },
      })
      expect(res.status).toBe(409)
      expect(res.body.detail).toMatch(/approved through a normal change/)
    })
  })
})
