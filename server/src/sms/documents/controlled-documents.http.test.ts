/**
 * Controlled documents the product USES, through the HTTP API on the real server (ISO/IEC
 * 20000-1 4.3.2 with 6.1, 9.2): an SLA's targets and the change policy's lead time are changed
 * by a draft approved by someone other than its author, take effect on their effective date —
 * the procedures' SLA targets and the change checks use the new version from then on, not
 * before — every version is kept, the people concerned are told, every step is evidence, and
 * bad input is refused with nothing stored. The priority matrix is in the register as its DMN.
 */
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { TestClock } from '../../../../engine/clock'
import { testDatabaseTargets } from '../../../../test/support/databases'
import { startHarness, type ApiClient, type Harness } from '../../../../test/support/harness'
import { systemActor } from '../../cases/access'
import type { EvidenceEntry } from '../../evidence/entry'
import type { SmsDocument } from './document-model'

const DAY = 86_400_000
type Version = {
  version: number
  status: string
  author: string
  approvedBy: string | null
  effectiveFrom: string | null
  data: Record<string, unknown> | null
}
type Doc = SmsDocument & { versions: Version[] }
type Targets = {
  slaId: string
  resolutionMinutes: number
  document?: { id: string; version: number }
}

const minimalChange = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Definitions_change" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="change" isExecutable="true">
    <bpmn:startEvent id="StartEvent_Recorded"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_Recorded" targetRef="EndEvent_Done" />
    <bpmn:endEvent id="EndEvent_Done"><bpmn:incoming>Flow_1</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`

describe.each(testDatabaseTargets())(
  'controlled documents the product uses on $kind (4.3.2, 6.1, 9.2)',
  (target) => {
    let h: Harness
    let clock: TestClock
    let author: ApiClient
    let approver: ApiClient
    let auditor: ApiClient
    let change: ApiClient

    beforeAll(async () => {
      clock = new TestClock(Date.parse('2026-03-02T09:00:00Z'))
      h = await startHarness({ deployProcesses: false, database: target, clock })
      await h.server.services.processes.deploy(
        [{ name: 'change.bpmn', content: Buffer.from(minimalChange) }],
        { actor: 'admin' },
      )
      author = await h.login('smsmgr')
      approver = await h.login('smsmgr2')
      auditor = await h.login('auditor')
      change = await h.login('change')
    }, 300_000)
    afterAll(async () => {
      await h?.stop()
    })

    const countVersions = async (id: string) =>
      (
        await h.server.database.db
          .selectFrom('sms_document_versions')
          .select('version')
          .where('document_id', '=', id)
          .execute()
      ).length

    test('6.1, 4.3.2: an SLA target change is drafted, approved by another, and used only from its effective date', async () => {
      // given the seeded SLA documents, one per SLA, in force
      const slas = await author.get<{ items: SmsDocument[] }>('/sms/documents?kind=sla')
      expect(slas.body.items.length).toBeGreaterThan(0)
      const doc = slas.body.items[0]!
      expect(doc.subject).toMatch(/^sla:SLA-/)
      const slaId = doc.subject!.slice(4)
      const sla = await author.get<{ serviceId: string }>(`/slas/${slaId}`)
      const serviceId = sla.body.serviceId
      const before = await author.get<Targets>(
        `/sms/in-force/sla-targets?serviceId=${serviceId}&priority=1`,
      )
      expect(before.status).toBe(200)
      expect(before.body.document).toEqual({ id: doc.id, version: 1 })
      const v1 = (await author.get<Doc>(`/sms/documents/${doc.id}`)).body.versions[0]!
      const v1Data = v1.data as { slaId: string; targets: Record<string, object> }

      // when bad input is sent, it is refused and nothing is stored
      const bad = await author.put(`/sms/documents/${doc.id}/draft`, {
        data: { slaId, targets: { '1': { responseMinutes: -5, resolutionMinutes: 60 } } },
      })
      expect(bad.status).toBe(400)
      const otherSla = await author.put(`/sms/documents/${doc.id}/draft`, {
        data: {
          slaId: 'SLA-999999',
          targets: { '1': { responseMinutes: 5, resolutionMinutes: 60 } },
        },
      })
      expect(otherSla.status).toBe(400)
      expect(await countVersions(doc.id)).toBe(1)

      // and the author drafts a tighter priority-1 resolution target and submits it
      const newTargets = {
        ...v1Data.targets,
        '1': { responseMinutes: 10, resolutionMinutes: before.body.resolutionMinutes - 30 },
      }
      const drafted = await author.put<Doc>(`/sms/documents/${doc.id}/draft`, {
        data: { ...v1Data, targets: newTargets },
        content: 'Priority 1 resolved 30 minutes sooner.',
        changeSummary: 'P1 resolution −30 min',
      })
      expect(drafted.status).toBe(200)
      expect((await author.post(`/sms/documents/${doc.id}/submit`)).status).toBe(200)

      // then the author may not approve it (4.3.2 a), and a bad effective date is refused
      expect((await author.post(`/sms/documents/${doc.id}/approve`, {})).status).toBe(403)
      expect(
        (await approver.post(`/sms/documents/${doc.id}/approve`, { effectiveFrom: 'next week' }))
          .status,
      ).toBe(400)
      const effectiveFrom = new Date(clock.now() + 2 * DAY).toISOString()
      const approved = await approver.post<Doc>(`/sms/documents/${doc.id}/approve`, {
        note: 'Agreed with the customer',
        effectiveFrom,
      })
      expect(approved.status).toBe(200)
      expect(approved.body.versions[0]).toMatchObject({
        version: 2,
        status: 'approved',
        author: 'smsmgr',
        approvedBy: 'smsmgr2',
        effectiveFrom,
      })

      // and the comparison shows what changed
      const diff = await auditor.get<{ data: { path: string; before: unknown; after: unknown }[] }>(
        `/sms/documents/${doc.id}/compare?from=1&to=2`,
      )
      expect(diff.body.data).toContainEqual({
        path: '/targets/1/resolutionMinutes',
        before: before.body.resolutionMinutes,
        after: before.body.resolutionMinutes - 30,
      })

      // and before its effective date the product still uses version 1
      await h.server.services.smsReviewReminders.runNow()
      const still = await author.get<Targets>(
        `/sms/in-force/sla-targets?serviceId=${serviceId}&priority=1`,
      )
      expect(still.body).toMatchObject({
        resolutionMinutes: before.body.resolutionMinutes,
        document: { id: doc.id, version: 1 },
      })
      expect((await author.post(`/sms/documents/${doc.id}/effective`)).status).toBe(409)

      // when the effective date comes, the product uses version 2 (even before the sweep)
      clock.advance(2 * DAY + 60_000)
      const now = await author.get<Targets>(
        `/sms/in-force/sla-targets?serviceId=${serviceId}&priority=1`,
      )
      expect(now.body).toMatchObject({
        resolutionMinutes: before.body.resolutionMinutes - 30,
        resolutionDuration: `PT${before.body.resolutionMinutes - 30}M`,
        document: { id: doc.id, version: 2 },
      })
      // and the sweep records it effective, supersedes v1, writes the record and tells the groups
      await h.server.services.smsReviewReminders.runNow()
      const after = await auditor.get<Doc>(`/sms/documents/${doc.id}`)
      expect(after.body.effectiveVersion).toBe(2)
      expect(after.body.versions.map((v) => [v.version, v.status])).toEqual([
        [2, 'effective'],
        [1, 'superseded'],
      ])
      const record = await author.get<{
        data: { targets: Record<string, { resolutionMinutes: number }> }
      }>(`/slas/${slaId}`)
      expect(record.body.data.targets['1']!.resolutionMinutes).toBe(
        before.body.resolutionMinutes - 30,
      )
      const acks = await h.server.database.db
        .selectFrom('sms_document_acks')
        .select('username')
        .where('document_id', '=', doc.id)
        .where('version', '=', 2)
        .execute()
      expect(acks.length).toBeGreaterThan(0)

      // and every step is evidence (4.3.3)
      const trail = await auditor.get<EvidenceEntry[]>(`/evidence?entityId=${doc.id}&limit=100`)
      expect(trail.body.map((e) => e.action)).toEqual(
        expect.arrayContaining([
          'sms-document.version-drafted',
          'sms-document.submitted',
          'sms-document.approved',
          'sms-document.effective',
          'sms-document.distributed',
        ]),
      )
    })

    test("9.2: the change policy lead time applies to changes only from the new version's effective date", async () => {
      // given the seeded change policy (48 h for a normal change whose risk is not assessed)
      const policies = await author.get<{ items: SmsDocument[] }>(
        '/sms/documents?kind=change-policy',
      )
      const doc = policies.body.items[0]!
      const v1 = (await author.get<Doc>(`/sms/documents/${doc.id}`)).body.versions[0]!
      const rules = v1.data as { changeClasses: Record<string, { leadTimeHours: number }> }
      const plannedIn48h = () => new Date(clock.now() + 48 * 3_600_000).toISOString()
      const rfc = (title: string) => ({
        title,
        data: { scope: title, changeType: 'normal', plannedStart: plannedIn48h() },
      })

      // when a new version requiring 72 h for normal changes is approved from tomorrow
      const v2 = {
        ...rules,
        changeClasses: {
          ...rules.changeClasses,
          normal: { ...rules.changeClasses.normal, leadTimeHours: 72 },
        },
      }
      expect((await author.put(`/sms/documents/${doc.id}/draft`, { data: v2 })).status).toBe(200)
      expect((await author.post(`/sms/documents/${doc.id}/submit`)).status).toBe(200)
      const from = new Date(clock.now() + DAY).toISOString()
      expect(
        (await approver.post(`/sms/documents/${doc.id}/approve`, { effectiveFrom: from })).status,
      ).toBe(200)

      // then until then a change 48 h ahead is recorded
      expect((await change.post('/changes', rfc('Before the policy'))).status).toBe(201)

      // and from its effective date it is refused, naming the policy version, nothing recorded
      clock.advance(DAY + 60_000)
      const countChanges = async () =>
        (
          await h.server.database.db
            .selectFrom('cases')
            .select('id')
            .where('kind', '=', 'change')
            .execute()
        ).length
      const n = await countChanges()
      const refused = await change.post<{ detail: string }>('/changes', rfc('After the policy'))
      expect(refused.status).toBe(422)
      expect(refused.body.detail).toContain(`${doc.id} v2`)
      expect(await countChanges()).toBe(n)
      // and the old version is kept
      expect(await countVersions(doc.id)).toBe(2)
    })

    test("9.2, 4.3.2: an approved change editing SLA targets issues the SLA document's next version", async () => {
      // given another SLA's document in force and a draft of it open in the register
      const slas = await author.get<{ items: SmsDocument[] }>('/sms/documents?kind=sla')
      const doc = slas.body.items[1]!
      const slaId = doc.subject!.slice(4)
      const v1 = (await author.get<Doc>(`/sms/documents/${doc.id}`)).body.versions[0]!
      const v1Data = v1.data as {
        slaId: string
        targets: Record<string, { resolutionMinutes: number }>
      }
      expect(
        (await author.put(`/sms/documents/${doc.id}/draft`, { data: v1Data, content: 'open' }))
          .status,
      ).toBe(200)
      // and an RFC carrying an edit of the SLA's targets
      const rfc = await change.post<{ id: string }>('/changes', {
        title: 'Tighten P2 resolution',
        data: { scope: 'SLA', changeType: 'normal' },
      })
      expect(rfc.status).toBe(201)
      const targets = {
        ...v1Data.targets,
        '2': {
          responseMinutes: 20,
          resolutionMinutes: v1Data.targets['2']!.resolutionMinutes - 60,
        },
      }
      const attached = await change.post(`/changes/${rfc.body.id}/record-edits`, {
        targetKind: 'sla',
        targetId: slaId,
        patch: { data: { targets } },
      })
      expect(attached.status, JSON.stringify(attached.body)).toBe(201)

      // when the change's implementation applies it
      await h.server.services.cases.changeControl.applyAll(
        rfc.body.id,
        systemActor('apply-record-edits'),
      )

      // then the document's next version is in force, approved by the change; the open draft is
      // overtaken; every version is kept; and it is evidence
      const after = (await auditor.get<Doc>(`/sms/documents/${doc.id}`)).body
      expect(after.effectiveVersion).toBe(3)
      expect(after.versions.map((v) => [v.version, v.status, v.approvedBy])).toEqual([
        [3, 'effective', `change:${rfc.body.id}`],
        [2, 'rejected', null],
        [1, 'superseded', 'smsmgr2'],
      ])
      const sla = await author.get<{ serviceId: string }>(`/slas/${slaId}`)
      const inForce = await author.get<Targets>(
        `/sms/in-force/sla-targets?serviceId=${sla.body.serviceId}&priority=2`,
      )
      expect(inForce.body).toMatchObject({
        resolutionMinutes: targets['2'].resolutionMinutes,
        document: { id: doc.id, version: 3 },
      })
      const trail = await auditor.get<EvidenceEntry[]>(`/evidence?entityId=${doc.id}&limit=100`)
      expect(trail.body.map((e) => e.action)).toContain('sms-document.effective-by-change')
    })

    test("6.1, 9.2: an approved change editing only an SLA's service calendar issues the SLA document's next version", async () => {
      // given a third SLA's document in force, with targets and no calendar
      const slas = await author.get<{ items: SmsDocument[] }>('/sms/documents?kind=sla')
      const doc = slas.body.items[2]!
      const slaId = doc.subject!.slice(4)
      const before = (await author.get<Doc>(`/sms/documents/${doc.id}`)).body
      const inForceBefore = before.versions.find((v) => v.version === before.effectiveVersion)!
      const beforeData = inForceBefore.data as {
        targets: Record<string, unknown>
        calendar?: unknown
      }
      expect(beforeData.calendar).toBeUndefined()
      // and an RFC whose only edit is the SLA's service calendar (office hours in Berlin)
      const calendar = {
        name: 'Office hours Berlin',
        timeZone: 'Europe/Berlin',
        workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
        opens: '08:00',
        closes: '18:00',
        holidays: ['2026-12-24'],
      }
      const rfc = await change.post<{ id: string }>('/changes', {
        title: 'Agree office hours for the SLA',
        data: { scope: 'SLA service hours', changeType: 'normal' },
      })
      expect(rfc.status).toBe(201)
      const attached = await change.post(`/changes/${rfc.body.id}/record-edits`, {
        targetKind: 'sla',
        targetId: slaId,
        patch: { data: { calendar } },
      })
      expect(attached.status, JSON.stringify(attached.body)).toBe(201)

      // when the change's implementation applies it
      await h.server.services.cases.changeControl.applyAll(
        rfc.body.id,
        systemActor('apply-record-edits'),
      )

      // then the document's next version is in force, approved by the change, with the calendar
      // and the targets of the version before
      const after = (await auditor.get<Doc>(`/sms/documents/${doc.id}`)).body
      const next = inForceBefore.version + 1
      expect(after.effectiveVersion).toBe(next)
      expect(after.versions[0]).toMatchObject({
        version: next,
        status: 'effective',
        approvedBy: `change:${rfc.body.id}`,
        data: { ...beforeData, slaId, calendar },
      })
      expect(after.versions.find((v) => v.version === inForceBefore.version)!.status).toBe(
        'superseded',
      )
      // and the product counts the SLA's targets in that calendar from now on
      const sla = await author.get<{ serviceId: string; data: { calendar?: unknown } }>(
        `/slas/${slaId}`,
      )
      expect(sla.body.data.calendar).toEqual(calendar)
      const targets = await author.get<Targets & { calendar?: unknown }>(
        `/sms/in-force/sla-targets?serviceId=${sla.body.serviceId}&priority=1`,
      )
      expect(targets.body).toMatchObject({ document: { id: doc.id, version: next }, calendar })
      const diff = await auditor.get<{ data: { path: string }[] }>(
        `/sms/documents/${doc.id}/compare?from=${inForceBefore.version}&to=${next}`,
      )
      expect(diff.body.data.map((d) => d.path)).toEqual(expect.arrayContaining(['/calendar']))
      expect(diff.body.data.some((d) => d.path.startsWith('/targets'))).toBe(false)
    })

    test('7.2, 4.3.2: a contract document version made effective in the register is written to the contract record with its version, in the same transaction', async () => {
      // given a supplier contract with its document in force
      const contracts = await author.get<{ items: SmsDocument[] }>('/sms/documents?kind=contract')
      const doc = contracts.body.items[0]!
      const contractId = doc.subject!.slice('contract:'.length)
      const current = (await author.get<Doc>(`/sms/documents/${doc.id}`)).body
      const inForce = current.versions.find((v) => v.version === current.effectiveVersion)!
      const data = inForce.data as {
        supplierId: string
        targets: { name: string; target: number; unit: string; direction: string }[]
      }
      const contractOf = async () =>
        (
          await author.get<
            {
              id: string
              version: number
              data: { serviceTargets: unknown[] }
              document: unknown
            }[]
          >(`/suppliers/${data.supplierId}/contracts`)
        ).body.find((c) => c.id === contractId)!
      const before = await contractOf()
      expect(before.document).toEqual({ id: doc.id, version: inForce.version })
      // and a new version with a tighter first target, approved by another SMS manager
      const targets = data.targets.map((t, i) =>
        i === 0 ? { ...t, target: t.direction === 'at-least' ? t.target + 0.05 : t.target / 2 } : t,
      )
      const drafted = await author.put(`/sms/documents/${doc.id}/draft`, {
        data: { ...data, targets },
        changeSummary: 'First target tightened',
      })
      expect(drafted.status, JSON.stringify(drafted.body)).toBe(200)
      expect((await author.post(`/sms/documents/${doc.id}/submit`)).status).toBe(200)
      expect((await approver.post(`/sms/documents/${doc.id}/approve`, {})).status).toBe(200)
      const next = inForce.version + 1

      // when the record cannot be written (the database refuses the contract's update) the
      // version does not take effect either: one transaction
      const db = h.server.database.db
      await sql`create function refuse_contract_update() returns trigger language plpgsql as $$
        begin raise exception 'contract record locked for the test'; end $$`.execute(db)
      await sql`create trigger refuse_contract_update before update on contracts
        for each row execute function refuse_contract_update()`.execute(db)
      try {
        const failed = await author.post(`/sms/documents/${doc.id}/effective`)
        expect(failed.status).toBe(500)
      } finally {
        await sql`drop trigger refuse_contract_update on contracts`.execute(db)
        await sql`drop function refuse_contract_update()`.execute(db)
      }
      const still = (await auditor.get<Doc>(`/sms/documents/${doc.id}`)).body
      expect([still.effectiveVersion, still.versions[0]!.status]).toEqual([
        inForce.version,
        'approved',
      ])
      expect(await contractOf()).toEqual(before)

      // when it is made effective in the register
      const made = await author.post(`/sms/documents/${doc.id}/effective`)
      expect(made.status, JSON.stringify(made.body)).toBe(200)

      // then the contract record shows the version's targets and names the version
      const after = await contractOf()
      expect(after.document).toEqual({ id: doc.id, version: next })
      expect(after.data.serviceTargets).toEqual(
        targets.map((t) => ({ measure: t.name, target: t.target, direction: t.direction })),
      )
      expect(after.version).toBe(before.version + 1)
      // and the write-back is evidence of the contract, beside the document's
      const trail = await auditor.get<EvidenceEntry[]>(`/evidence?entityId=${contractId}&limit=100`)
      expect(trail.body.map((e) => e.action)).toContain('contract.targets-in-force')
    })

    test('4.3.2: the priority matrix is in the register as its DMN; it is not drafted here', async () => {
      const list = await auditor.get<{ items: SmsDocument[] }>('/sms/documents?kind=decision')
      const doc = list.body.items.find((d) => d.subject === 'decision:priority-matrix-drg')!
      expect(doc).toBeDefined()
      const draft = await author.put<{ detail: string }>(`/sms/documents/${doc.id}/draft`, {
        content: 'a copy',
      })
      expect(draft.status).toBe(409)
      expect(draft.body.detail).toContain('process-drafts')
    })

    test('a controlled document names an existing subject; one document per subject', async () => {
      const n = (await h.server.database.db.selectFrom('sms_documents').select('id').execute())
        .length
      const noSubject = await author.post('/sms/documents', { kind: 'sla', title: 'x' })
      expect(noSubject.status).toBe(400)
      const unknown = await author.post('/sms/documents', {
        kind: 'sla',
        title: 'x',
        subject: 'sla:SLA-999999',
      })
      expect(unknown.status).toBe(400)
      const twice = await author.post('/sms/documents', {
        kind: 'change-policy',
        title: 'again',
        subject: 'change-policy',
      })
      expect(twice.status).toBe(409)
      const staff = await change.post('/sms/documents', {
        kind: 'release-policy',
        title: 'x',
        subject: 'release-policy',
      })
      expect(staff.status).toBe(403)
      expect(
        (await h.server.database.db.selectFrom('sms_documents').select('id').execute()).length,
      ).toBe(n)
    })
  },
)
