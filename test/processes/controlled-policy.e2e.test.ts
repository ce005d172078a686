/**
 * What the product reads from the controlled documents in force (ISO/IEC 20000-1 4.3.2 with 9.2,
 * 7.2, 6.1), through HTTP as the roles work it on the embedded engine and its real procedures:
 *
 * - 9.2: the demo change policy sets lead times by change class and risk; the change procedure's
 *   scheduling step refuses a planned start sooner than the lead time of the change's class and
 *   assessed risk (422, a field error naming the policy version, nothing stored); an emergency
 *   change has the emergency lead time the policy sets (none).
 * - 9.2: the CAB decision goes to the approver group the change policy in force names for the
 *   change's class, and to the CAB when it names none.
 * - 7.2, 9.2: a change editing a supplier contract's service targets issues the contract
 *   document's next version, approved by the change; supplier reviews measure the targets of the
 *   contract document's version in force.
 * - 6.1: customers see and request what the service catalogue document in force offers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { completedPath } from '../../engine/test-support'
import type { SmsDocument } from '../../server/src/sms/documents/document-model'
import { testDatabaseTargets } from '../support/databases'
import { cabDecision, plannedWindow, startHarness, type Harness } from './harness'

const HOUR = 3_600_000
const DAY = 24 * HOUR

interface Problem {
  status: number
  detail: string
  errors?: { path: string; message: string }[]
}
interface Version {
  version: number
  status: string
  approvedBy: string | null
  data: Record<string, unknown> | null
}
type Doc = SmsDocument & { versions: Version[] }
interface InForce<T> {
  documentId: string
  version: number
  data: T
}
interface ClassRule {
  approverGroup: string | null
  leadTimeHours: number
  leadTimeHoursByRisk?: Record<string, number>
  description: string
}
interface ChangePolicy {
  changeClasses: Record<'standard' | 'normal' | 'emergency', ClassRule>
  classificationDecision: string
}
interface Contract {
  id: string
  supplierId: string
  status: string
  data: Record<string, unknown>
  document: { id: string; version: number } | null
}
interface Catalogue {
  document: { id: string; version: number } | null
  services: {
    serviceId: string
    name: string
    description: string
    items: { id: string; name: string }[]
  }[]
}

describe.each(testDatabaseTargets())('controlled documents in force on $kind', (target) => {
  let h: Harness

  beforeAll(async () => {
    h = await startHarness(target)
  })
  afterAll(async () => {
    await h?.stop()
  })

  /** A form date-time (`YYYY-MM-DDTHH:mm`, UTC) `ms` after the harness's clock, on the hour. */
  const formIn = (ms: number) =>
    new Date(Math.ceil((h.clock.now() + ms) / HOUR) * HOUR).toISOString().slice(0, 16)

  /** The controlled document of `subject`, as the register lists it. */
  const documentOf = async (kind: string, subject: string) => {
    const list = await (await h.as('smsmgr')).get<{ items: SmsDocument[] }>(`/sms/documents?kind=${kind}`)
    const doc = list.body.items.find((d) => d.subject === subject)
    if (!doc) throw new Error(`no ${kind} document of ${subject}`)
    return doc
  }

  /**
   * A new version of a controlled document: drafted by one SMS manager, approved by the other
   * (4.3.2), in force from `effectiveFrom` (now when not given).
   */
  const issue = async (docId: string, data: object, effectiveFrom?: string) => {
    const author = await h.as('smsmgr')
    const drafted = await author.put(`/sms/documents/${docId}/draft`, { data, changeSummary: 'test' })
    expect(drafted.status, JSON.stringify(drafted.body)).toBe(200)
    expect((await author.post(`/sms/documents/${docId}/submit`)).status).toBe(200)
    const approved = await (await h.as('smsmgr2')).post(`/sms/documents/${docId}/approve`, {
      ...(effectiveFrom ? { effectiveFrom } : {}),
    })
    expect(approved.status, JSON.stringify(approved.body)).toBe(200)
    if (!effectiveFrom) {
      const effective = await author.post(`/sms/documents/${docId}/effective`)
      expect(effective.status, JSON.stringify(effective.body)).toBe(200)
    }
  }

  const policyInForce = async () =>
    (await (await h.as('change')).get<InForce<ChangePolicy>>('/sms/in-force?subject=change-policy')).body

  /** Drives a change's release through to verified deployment (9.3). */
  const deployRelease = async (changeId: string) => {
    const releaseId = await h.until(`release of ${changeId}`, async () =>
      (await h.cases.linksOf('change', changeId)).find((l) => l.fromKind === 'release')?.fromId,
    )
    const release = await h.instanceOf('release', releaseId)
    await h.complete(release, 'Task_RecordReleaseScope', { releaseType: 'minor' })
    await h.complete(release, 'Task_PlanRelease', {
      plannedDeployment: formIn(30 * DAY),
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
    await h.complete(release, 'Task_DeployRelease', { deployedAt: formIn(30 * DAY), deploymentNotes: 'ok' })
    await h.complete(release, 'Task_VerifyDeployment', { deploymentVerified: true, verificationNotes: 'ok' })
  }

  describe('9.2: the change policy in force rules scheduling and approval', () => {
    it('the demo change policy sets lead times by class and risk, none for emergency changes', async () => {
      // when
      const policy = await policyInForce()
      // then
      expect(policy.version).toBe(1)
      expect(policy.data.changeClasses.normal).toMatchObject({
        approverGroup: 'cab',
        leadTimeHours: 48,
        leadTimeHoursByRisk: { low: 24, medium: 48, high: 120, extensive: 240 },
      })
      expect(policy.data.changeClasses.standard).toMatchObject({ approverGroup: null, leadTimeHours: 4 })
      expect(policy.data.changeClasses.emergency).toMatchObject({ leadTimeHours: 0 })
      // and: an emergency change may start within the hour (the policy sets it no lead time),
      // a normal one not yet assessed may not (48 h)
      const change = await h.as('change')
      const soon = formIn(HOUR)
      const emergency = await change.post('/changes', {
        title: 'Stop the data leak',
        data: { scope: 'Close the open share', changeType: 'emergency', plannedStart: soon },
      })
      expect(emergency.status, JSON.stringify(emergency.body)).toBe(201)
      const normal = await change.post<Problem>('/changes', {
        title: 'Tidy the share',
        data: { scope: 'Rename folders', changeType: 'normal', plannedStart: soon },
      })
      expect(normal.status).toBe(422)
      expect(normal.body.detail).toContain(`${policy.documentId} v1`)
    })

    it("Task_ScheduleChange refuses a planned start sooner than the lead time of the change's class and risk, naming the policy version", async () => {
      // given: a normal change assessed as high risk (120 h in the policy) and approved by the CAB
      const policy = await policyInForce()
      const { id, instance } = await h.open('change', {
        title: 'Replace the core switch',
        data: { scope: 'Core switch', changeType: 'normal' },
      })
      await h.complete(instance, 'Task_ClassifyChange', { changeType: 'normal', changeNature: 'ci-change' })
      await h.complete(instance, 'Task_AssessChange', {
        riskLevel: 'high',
        securityRisk: 'medium',
        estimatedCost: 5000,
        remediationPlan: 'Put the old switch back',
      })
      await h.complete(instance, 'Task_CabDecision', cabDecision(true, 'ok'))
      const task = await h.task(instance, 'Task_ScheduleChange')
      const manager = await h.as('change')
      expect((await manager.post(`/tasks/${task.id}/claim`)).status).toBe(200)
      const before = await h.cases.findCase('change', id)
      const decided = (await h.trail({ entityId: id })).filter((e) => e.action === 'change.decided').length
      // when: the change manager plans it three days ahead (sooner than 120 h)
      const tooSoon = await manager.post<Problem>(`/tasks/${task.id}/complete`, {
        data: { plannedStart: formIn(3 * DAY), plannedEnd: formIn(3 * DAY + 2 * HOUR) },
      })
      // then: refused with a field error naming the policy version, nothing stored
      expect(tooSoon.status).toBe(422)
      expect(tooSoon.body.detail).toMatch(/The change policy's lead time is not met \(9\.2\)/)
      expect(tooSoon.body.errors).toEqual([
        {
          path: '/plannedStart',
          message: expect.stringContaining(`a normal change of high risk starts at least 120 h after it is planned (${policy.documentId} v1)`),
        },
      ])
      const after = await h.cases.findCase('change', id)
      expect(after?.version).toBe(before?.version)
      expect(after?.data.plannedStart).toBeUndefined()
      expect((await h.trail({ entityId: id })).filter((e) => e.action === 'change.decided')).toHaveLength(decided)
      const still = await manager.get<{ task: { state: string; assignee: string } }>(`/tasks/${task.id}`)
      expect(still.body.task).toMatchObject({ state: 'claimed', assignee: 'change' })
      expect(await h.hasCompleted(instance, 'Task_ScheduleChange')).toBe(false)

      // when: planned six days ahead
      const window = { plannedStart: formIn(6 * DAY), plannedEnd: formIn(6 * DAY + 2 * HOUR) }
      const ok = await manager.post(`/tasks/${task.id}/complete`, { data: window })
      // then: scheduled, and the procedure goes on to build and test
      expect(ok.status, JSON.stringify(ok.body)).toBe(200)
      await h.task(instance, 'Task_BuildAndTestChange')
      const path = await completedPath(h.engine.engine, instance)
      expect(path.slice(path.indexOf('Task_CabDecision'))).toEqual([
        'Task_CabDecision',
        'Gateway_IsChangeApproved',
        'Gateway_MergeToSchedule',
        'Task_ScheduleChange',
        'Task_SetStatusScheduled',
        'Gateway_MergeToBuild',
      ])
      expect((await h.cases.findCase('change', id))?.data).toMatchObject({ ...window, risk: 'high' })
    })

    it('the CAB decision goes to the approver group the policy in force names, the CAB when it names none', async () => {
      // given: a policy version naming top management as approver of normal changes
      const v1 = await policyInForce()
      const withGroup = (group: string | null): ChangePolicy => ({
        ...v1.data,
        changeClasses: {
          ...v1.data.changeClasses,
          normal: { ...v1.data.changeClasses.normal, approverGroup: group },
        },
      })
      await issue(v1.documentId, withGroup('top-management'))
      expect((await policyInForce()).version).toBe(2)
      // when: a normal change is assessed
      const routed = await h.open('change', { title: 'New ERP module', data: { scope: 'ERP', changeType: 'normal' } })
      await h.complete(routed.instance, 'Task_ClassifyChange', { changeType: 'normal', changeNature: 'ci-change' })
      await h.complete(routed.instance, 'Task_AssessChange', {
        riskLevel: 'medium',
        securityRisk: 'low',
        estimatedCost: 100,
        remediationPlan: 'Disable the module',
      })
      // then: its CAB task is top management's: the CAB's members do not even see it
      const cabTask = await h.task(routed.instance, 'Task_CabDecision')
      expect(cabTask.candidateGroups).toEqual(['top-management'])
      expect((await (await h.as('cab')).post(`/tasks/${cabTask.id}/claim`)).status).toBe(404)
      await h.complete(routed.instance, 'Task_CabDecision', cabDecision(true, 'ok'), 'topmgmt')
      await h.task(routed.instance, 'Task_ScheduleChange')
      expect(await completedPath(h.engine.engine, routed.instance)).toEqual(
        expect.arrayContaining(['Task_ApplyChangePolicy', 'Task_AssessChange', 'Task_CabDecision', 'Gateway_IsChangeApproved']),
      )
      expect((await h.cases.findCase('change', routed.id))?.data).toMatchObject({
        changeApprovers: 'top-management',
        changePolicy: `${v1.documentId} v2`,
      })

      // given: a policy version naming no approver group for normal changes
      await issue(v1.documentId, withGroup(null))
      // when
      const fallback = await h.open('change', { title: 'Patch the CRM', data: { scope: 'CRM', changeType: 'normal' } })
      await h.complete(fallback.instance, 'Task_ClassifyChange', { changeType: 'normal', changeNature: 'ci-change' })
      await h.complete(fallback.instance, 'Task_AssessChange', {
        riskLevel: 'low',
        securityRisk: 'low',
        estimatedCost: 1,
        remediationPlan: 'Uninstall the patch',
      })
      // then: the CAB decides
      const fallbackTask = await h.task(fallback.instance, 'Task_CabDecision')
      expect(fallbackTask.candidateGroups).toEqual(['cab'])
      await h.complete(fallback.instance, 'Task_CabDecision', cabDecision(true, 'ok'), 'cab')
      await h.task(fallback.instance, 'Task_ScheduleChange')
      const recorded = (await h.cases.findCase('change', fallback.id))?.data
      expect(recorded).toMatchObject({ changePolicy: `${v1.documentId} v3` })
      expect(recorded?.changeApprovers ?? null).toBeNull()
      // back to the CAB for the tests that follow
      await issue(v1.documentId, withGroup('cab'))
    })
  })

  describe('7.2: supplier contracts', () => {
    let contract: Contract
    let docId: string

    it("a change editing a contract's service targets issues the contract document's next version", async () => {
      // given: an active contract with its document in force, and an RFC carrying an edit of it
      const supplier = await h.as('supplier')
      const suppliers = await supplier.get<{ items: { id: string }[] }>('/suppliers')
      const contracts = (
        await Promise.all(
          suppliers.body.items.map(async (s) => (await supplier.get<Contract[]>(`/suppliers/${s.id}/contracts`)).body),
        )
      ).flat()
      contract = contracts.find((c) => c.status === 'active')!
      docId = (await documentOf('contract', `contract:${contract.id}`)).id
      expect((await (await h.as('auditor')).get<Doc>(`/sms/documents/${docId}`)).body.versions).toHaveLength(1)
      const serviceTargets = [
        { measure: 'Availability per month (%)', target: 99.95, direction: 'at-least' },
        { measure: 'Time to restore (hours)', target: 2, direction: 'at-most' },
      ]
      const { id, instance } = await h.open('change', {
        title: 'Tighter supplier targets',
        data: { scope: 'Renegotiated contract', changeType: 'normal' },
      })
      const attached = await (await h.as('change')).post(`/changes/${id}/record-edits`, {
        targetKind: 'contract',
        targetId: contract.id,
        patch: { data: { ...contract.data, serviceTargets } },
      })
      expect(attached.status, JSON.stringify(attached.body)).toBe(201)
      // when: the change goes through assessment, the CAB, scheduling, build, release and review
      await h.complete(instance, 'Task_ClassifyChange', { changeType: 'normal', changeNature: 'ci-change' })
      await h.complete(instance, 'Task_AssessChange', {
        riskLevel: 'low',
        securityRisk: 'low',
        estimatedCost: 0,
        remediationPlan: 'Previous contract terms',
      })
      await h.complete(instance, 'Task_CabDecision', cabDecision(true, 'ok'))
      await h.complete(instance, 'Task_ScheduleChange', plannedWindow(h))
      await h.complete(instance, 'Task_BuildAndTestChange', { buildNotes: 'signed', testResult: 'passed' })
      await deployRelease(id)
      await h.complete(instance, 'Task_PostImplementationReview', { objectivesMet: true, reviewNotes: 'ok' })
      await h.reached(instance, 'EndEvent_ChangeClosed')
      // then: the implementation applied the edit and issued the document's version 2
      const path = await completedPath(h.engine.engine, instance)
      expect(path.slice(path.indexOf('Gateway_WasDeploymentSuccessful'), path.indexOf('Task_UpdateCmdb') + 1)).toEqual([
        'Gateway_WasDeploymentSuccessful',
        'Task_ApplyRecordEdits',
        'Task_UpdateCmdb',
      ])
      const doc = (await (await h.as('auditor')).get<Doc>(`/sms/documents/${docId}`)).body
      expect(doc.effectiveVersion).toBe(2)
      const [v2, v1] = doc.versions
      expect(v2).toMatchObject({ version: 2, status: 'effective', approvedBy: `change:${id}` })
      expect(v2!.data).toMatchObject({
        contractId: contract.id,
        supplierId: contract.supplierId,
        targets: [
          { name: 'Availability per month (%)', target: 99.95, unit: '%', direction: 'at-least' },
          { name: 'Time to restore (hours)', target: 2, unit: 'hours', direction: 'at-most' },
        ],
        obligations: (v1!.data as { obligations: string[] }).obligations,
      })
      expect(v1).toMatchObject({ version: 1, status: 'superseded' })
      const trail = await h.trail({ entityId: docId })
      expect(trail.map((e) => e.action)).toContain('sms-document.effective-by-change')
      // and the contract record names the version its targets are agreed in
      const record = (
        await (await h.as('supplier')).get<Contract[]>(`/suppliers/${contract.supplierId}/contracts`)
      ).body.find((c) => c.id === contract.id)!
      expect(record).toMatchObject({ data: { serviceTargets }, document: { id: docId, version: 2 } })
    })

    it("a supplier review measures the targets of the contract document's version in force", async () => {
      // given: the document door agrees other targets, in force now, and more from next week
      const current = (await (await h.as('auditor')).get<Doc>(`/sms/documents/${docId}`)).body.versions[0]!
      const agreed = {
        ...current.data,
        targets: [{ name: 'Availability per month (%)', target: 99.99, unit: '%', direction: 'at-least' }],
      }
      await issue(docId, agreed)
      // (the register door writes version 3's targets onto the contract record, 7.2)
      const written = (
        await (await h.as('supplier')).get<Contract[]>(`/suppliers/${contract.supplierId}/contracts`)
      ).body.find((c) => c.id === contract.id)!
      expect(written).toMatchObject({
        data: { serviceTargets: [{ measure: 'Availability per month (%)', target: 99.99, direction: 'at-least' }] },
        document: { id: docId, version: 3 },
      })
      await issue(
        docId,
        { ...agreed, targets: [...agreed.targets, { name: 'Response (minutes)', target: 15, unit: 'minutes', direction: 'at-most' }] },
        new Date(h.clock.now() + 7 * DAY).toISOString(),
      )
      const others = (await (await h.as('supplier')).get<Contract[]>(`/suppliers/${contract.supplierId}/contracts`)).body.filter(
        (c) => c.id !== contract.id && c.status === 'active',
      )
      // when: the supplier's review is started
      const started = await (await h.as('supplier')).post<{ processInstanceKey: string }>(
        `/suppliers/${contract.supplierId}/reviews`,
        {},
      )
      expect(started.status).toBe(201)
      const prepare = await h.task(started.body.processInstanceKey, 'Task_PrepareSupplierReview')
      // then: the contract's targets are those of document version 3 (not the record's, not v4)
      const measured = prepare.variables.measuredTargets as { target: string; agreed: string }[]
      expect(measured[0]).toEqual({ target: 'Availability per month (%)', agreed: '99.99' })
      expect(measured.map((m) => m.target)).not.toContain('Response (minutes)')
      expect(measured.map((m) => m.target)).not.toContain('Time to restore (hours)')
      const performance = prepare.variables.performance as { contracts: unknown[] }
      expect(performance.contracts).toEqual(
        expect.arrayContaining([{ contractId: contract.id, document: { id: docId, version: 3 } }]),
      )
      expect(performance.contracts).toHaveLength(others.length + 1)
      expect(await completedPath(h.engine.engine, started.body.processInstanceKey)).toContain(
        'Task_CollectSupplierPerformance',
      )
    })
  })

  describe('6.1: the service catalogue customers request from', () => {
    it('is the catalogue document in force: what it no longer offers cannot be requested', async () => {
      // given: the catalogue customers see comes from the catalogue document's version 1
      const customer = await h.as('customer')
      const doc = await documentOf('service-catalogue', 'service-catalogue')
      const v1 = await customer.get<Catalogue>('/service-catalogue')
      expect(v1.status).toBe(200)
      expect(v1.body.document).toMatchObject({ id: doc.id, version: 1 })
      const email = v1.body.services.find((s) => s.items.some((i) => i.name === 'Shared mailbox'))!
      const shared = email.items.find((i) => i.name === 'Shared mailbox')!
      const mailbox = email.items.find((i) => i.name === 'New mailbox')!
      // when: a version without shared mailboxes is approved, in force from tomorrow
      const current = (await (await h.as('smsmgr')).get<Doc>(`/sms/documents/${doc.id}`)).body.versions[0]!
      const catalogue = (current.data as { catalogue: { serviceId: string; description: string; requestItems?: string[] }[] })
        .catalogue
      const next = {
        catalogue: catalogue.map((e) =>
          e.serviceId === email.serviceId
            ? { ...e, description: 'Mail for every colleague', requestItems: ['New mailbox'] }
            : e,
        ),
      }
      await issue(doc.id, next, new Date(h.clock.now() + DAY).toISOString())
      // then: until then customers still see and request version 1
      expect((await customer.get<Catalogue>('/service-catalogue')).body.document?.version).toBe(1)
      const early = await customer.post('/service-requests', {
        title: 'Team mailbox',
        data: { catalogueItemId: shared.id },
      })
      expect(early.status, JSON.stringify(early.body)).toBe(201)
      // and from its effective date they see version 2, and the shared mailbox is not offered
      h.clock.advance(DAY + 60_000)
      const v2 = await customer.get<Catalogue>('/service-catalogue')
      expect(v2.body.document).toMatchObject({ id: doc.id, version: 2 })
      const emailNow = v2.body.services.find((s) => s.serviceId === email.serviceId)!
      expect(emailNow).toMatchObject({ description: 'Mail for every colleague' })
      expect(emailNow.items.map((i) => i.name)).toEqual(['New mailbox'])
      const requests = async () =>
        (await h.database.db.selectFrom('cases').select('id').where('kind', '=', 'service-request').execute()).length
      const n = await requests()
      const refused = await customer.post<Problem>('/service-requests', {
        title: 'Another team mailbox',
        data: { catalogueItemId: shared.id },
      })
      expect(refused.status).toBe(422)
      expect(refused.body.errors).toEqual([
        {
          path: '/data/catalogueItemId',
          message: `catalogue item ${shared.id} is not offered by the service catalogue in force (${doc.id} v2) (6.1)`,
        },
      ])
      expect(await requests()).toBe(n)
      const offered = await customer.post('/service-requests', {
        title: 'Mailbox for a new colleague',
        data: { catalogueItemId: mailbox.id },
      })
      expect(offered.status, JSON.stringify(offered.body)).toBe(201)
      // the service desk records what the provider decides, whatever the catalogue offers
      const desk = await (await h.as('desk')).post('/service-requests', {
        title: 'Shared mailbox for the board',
        data: { catalogueItemId: shared.id },
      })
      expect(desk.status).toBe(201)
    })
  })
})
