/**
 * The SMS documents register through the HTTP API on the real server (ISO/IEC 20000-1 4.3.1,
 * 4.3.2, 4.1.1, 4.5.1, 4.5.2): a policy from draft to approval by another person, effective,
 * distributed with acknowledgement, and reminded for review when the clock passes its review
 * date; superseded versions; objectives measured from the records; plans checked for 4.5.2 a–l;
 * every transition in the evidence trail; auditors read and never write.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { TestClock } from '../../../../engine/clock'
import { testDatabaseTargets } from '../../../../test/support/databases'
import { startHarness, type ApiClient, type Harness } from '../../../../test/support/harness'
import type { EvidenceEntry } from '../../evidence/entry'
import { planSections, type SmsDocument } from './document-model'

const DAY = 86_400_000
type Notes = { items: { template: string; caseId: string }[] }
type Doc = SmsDocument & {
  versions: {
    version: number
    status: string
    author: string
    approvedBy: string | null
    sha256: string
  }[]
  acknowledgements: { username: string; version: number; acknowledgedAt: string | null }[]
  recipients?: string[]
}

describe.each(testDatabaseTargets())(
  'SMS documents under document control on $kind (4.3)',
  (target) => {
    let h: Harness
    let clock: TestClock
    let author: ApiClient
    let approver: ApiClient
    let auditor: ApiClient
    let desk: ApiClient

    beforeAll(async () => {
      clock = new TestClock(Date.parse('2026-01-05T09:00:00Z'))
      h = await startHarness({ deployProcesses: false, database: target, clock })
      author = await h.login('smsmgr')
      approver = await h.login('smsmgr2')
      auditor = await h.login('auditor')
      desk = await h.login('desk')
    }, 120_000)
    afterAll(async () => {
      await h?.stop()
    })

    test('4.3.2 a–c, 4.1.1: a policy goes from draft to approved by another person, effective, distributed, acknowledged and reminded for review', async () => {
      // given a draft policy written in the app
      const created = await author.post<Doc>('/sms/documents', {
        kind: 'policy',
        title: 'Service management policy',
        content: '# Service management policy\nWe commit to meeting the service requirements…',
        reviewIntervalDays: 365,
      })
      expect(created.status).toBe(201)
      const id = created.body.id
      expect(created.body.clauses).toContain('4.1.1')
      expect(created.body.latest).toEqual({ version: 1, status: 'draft' })

      // when it is submitted, the author may not approve it (4.3.2 a)
      expect((await author.post(`/sms/documents/${id}/submit`)).status).toBe(200)
      const selfApproval = await author.post(`/sms/documents/${id}/approve`, { note: 'mine' })
      expect(selfApproval.status).toBe(403)
      // and its content is fixed while in review (4.3.2 d)
      expect(
        (await approver.put(`/sms/documents/${id}/draft`, { content: 'changed' })).status,
      ).toBe(409)

      // then someone else approves it and it becomes effective
      const approved = await approver.post<Doc>(`/sms/documents/${id}/approve`, {
        note: 'Fit for issue',
      })
      expect(approved.status).toBe(200)
      expect(approved.body.versions[0]).toMatchObject({
        status: 'approved',
        author: 'smsmgr',
        approvedBy: 'smsmgr2',
      })
      const effective = await author.post<Doc>(`/sms/documents/${id}/effective`)
      expect(effective.body).toMatchObject({ effectiveVersion: 1 })
      expect(effective.body.nextReviewAt).toBe(new Date(clock.now() + 365 * DAY).toISOString())

      // when it is distributed to the service desk (4.3.2 b)
      const distributed = await author.post<Doc>(`/sms/documents/${id}/distribute`, {
        groups: ['service-desk'],
      })
      expect(distributed.status).toBe(200)
      // every member of the group: the desk and the internal auditor who also works on it
      expect(distributed.body.recipients).toEqual(['desk', 'desk2', 'iaudit2'])
      const inbox = await desk.get<Notes>('/notifications')
      expect(
        inbox.body.items.some((n) => n.template === 'sms-document-issued' && n.caseId === id),
      ).toBe(true)

      // then a reader acknowledges it, the others are still open
      expect((await desk.post(`/sms/documents/${id}/acknowledge`)).status).toBe(200)
      const afterAck = await auditor.get<Doc>(`/sms/documents/${id}`)
      expect(
        afterAck.body.acknowledgements.map((a) => [a.username, a.acknowledgedAt !== null]),
      ).toEqual([
        ['desk', true],
        ['desk2', false],
        ['iaudit2', false],
      ])
      expect((await desk.post(`/sms/documents/${id}/acknowledge`)).status).toBe(409)

      // when the planned review date passes (4.3.2 c)
      clock.advance(366 * DAY)
      await h.server.services.smsReviewReminders.runNow()
      // then the owner is reminded, once
      await h.server.services.smsReviewReminders.runNow()
      const owner = await author.get<Notes>('/notifications')
      expect(
        owner.body.items.filter((n) => n.template === 'sms-document-review-due' && n.caseId === id),
      ).toHaveLength(1)
      // and recording the review plans the next one
      const reviewed = await author.post<Doc>(`/sms/documents/${id}/review`, { note: 'Still fit' })
      expect(reviewed.body.nextReviewAt).toBe(new Date(clock.now() + 365 * DAY).toISOString())

      // and every transition is evidence (4.3.3)
      const trail = await auditor.get<EvidenceEntry[]>(`/evidence?entityId=${id}&limit=100`)
      expect(trail.body.map((e) => e.action)).toEqual([
        'sms-document.created',
        'sms-document.submitted',
        'sms-document.approved',
        'sms-document.effective',
        'sms-document.distributed',
        'sms-document.acknowledged',
        'sms-document.review-reminded',
        'sms-document.reviewed',
      ])
    })

    test('#4.3.2-b: a document is distributed to named people too, each acknowledging for themselves, and each new version reaches them again', async () => {
      // given an effective procedure
      const { body: doc } = await author.post<Doc>('/sms/documents', {
        kind: 'procedure',
        title: 'Known error handling',
        content: '# Known errors\nRecord the workaround.',
      })
      for (const [who, step] of [
        [author, 'submit'],
        [approver, 'approve'],
        [author, 'effective'],
      ] as const) {
        expect((await who.post(`/sms/documents/${doc.id}/${step}`)).status).toBe(200)
      }
      // a person who does not exist is refused, naming them, and nobody is sent anything
      const unknown = await author.post<{ detail: string; errors: unknown[] }>(
        `/sms/documents/${doc.id}/distribute`,
        { users: ['problem', 'nobody-here'] },
      )
      expect(unknown.status).toBe(400)
      expect(unknown.body.detail).toContain('nobody-here')
      expect(unknown.body.errors).toEqual([
        { path: '/users/1', message: 'no active user nobody-here' },
      ])
      expect((await auditor.get<Doc>(`/sms/documents/${doc.id}`)).body.acknowledgements).toEqual([])

      // when it is distributed to two named people (one also in the group named beside them)
      const distributed = await author.post<Doc>(`/sms/documents/${doc.id}/distribute`, {
        users: ['problem', 'desk'],
        groups: ['service-desk'],
      })
      // then each person once, the named ones among them, and the distribution remembers them
      expect(distributed.status, JSON.stringify(distributed.body)).toBe(200)
      expect(distributed.body.recipients).toEqual(['desk', 'desk2', 'iaudit2', 'problem'])
      expect(distributed.body.distribution).toEqual({
        groups: ['service-desk'],
        roles: [],
        users: ['problem', 'desk'],
      })
      const problem = await h.login('problem')
      const notes = await problem.get<Notes>('/notifications')
      expect(
        notes.body.items.some((n) => n.template === 'sms-document-issued' && n.caseId === doc.id),
      ).toBe(true)

      // when the named person acknowledges: theirs only, once
      expect((await problem.post(`/sms/documents/${doc.id}/acknowledge`)).status).toBe(200)
      expect((await problem.post(`/sms/documents/${doc.id}/acknowledge`)).status).toBe(409)
      // someone it was not sent to has nothing to acknowledge
      expect((await approver.post(`/sms/documents/${doc.id}/acknowledge`)).status).toBe(409)
      const acks = (await auditor.get<Doc>(`/sms/documents/${doc.id}`)).body.acknowledgements
      expect(acks.map((a) => [a.username, a.version, a.acknowledgedAt !== null])).toEqual([
        ['desk', 1, false],
        ['desk2', 1, false],
        ['iaudit2', 1, false],
        ['problem', 1, true],
      ])

      // when version 2 takes effect, it goes to the same people, the named one included
      await approver.put(`/sms/documents/${doc.id}/draft`, {
        content: '# Known errors\nRecord the workaround and the root cause.',
        changeSummary: 'Root cause',
      })
      await approver.post(`/sms/documents/${doc.id}/submit`)
      await author.post(`/sms/documents/${doc.id}/approve`)
      expect((await approver.post(`/sms/documents/${doc.id}/effective`)).status).toBe(200)
      const v2 = (await auditor.get<Doc>(`/sms/documents/${doc.id}`)).body.acknowledgements
      expect(v2.filter((a) => a.version === 2).map((a) => [a.username, a.acknowledgedAt])).toEqual([
        ['desk', null],
        ['desk2', null],
        ['iaudit2', null],
        ['problem', null],
      ])
      // and the evidence names the people
      const trail = await auditor.get<EvidenceEntry[]>(`/evidence?entityId=${doc.id}&limit=100`)
      const first = trail.body.find((e) => e.action === 'sms-document.distributed')
      expect(first?.after).toMatchObject({ users: ['problem', 'desk'] })
    })

    test('4.3.2 d, h: a new version keeps the old one, and supersedes it when effective', async () => {
      // given an effective scope statement (4.5.1)
      const scope = {
        services: ['E-mail', 'Service desk'],
        organisationUnits: ['IT operations'],
        locations: ['Berlin'],
      }
      const { body: doc } = await author.post<Doc>('/sms/documents', {
        kind: 'scope',
        title: 'SMS scope',
        data: scope,
      })
      for (const [who, step] of [
        [author, 'submit'],
        [approver, 'approve'],
        [author, 'effective'],
      ] as const) {
        expect((await who.post(`/sms/documents/${doc.id}/${step}`)).status).toBe(200)
      }
      // when version 2 adds a location and goes through approval
      const v2 = await approver.put<Doc>(`/sms/documents/${doc.id}/draft`, {
        data: { ...scope, locations: ['Berlin', 'Lisbon'] },
        changeSummary: 'Lisbon office joins',
      })
      expect(v2.body.latest).toEqual({ version: 2, status: 'draft' })
      // a draft is its author's to edit
      expect((await author.put(`/sms/documents/${doc.id}/draft`, { data: scope })).status).toBe(403)
      await approver.post(`/sms/documents/${doc.id}/submit`)
      await author.post(`/sms/documents/${doc.id}/approve`)
      const done = await approver.post<Doc>(`/sms/documents/${doc.id}/effective`)
      // then both versions are kept, the first superseded
      expect(done.body.effectiveVersion).toBe(2)
      expect(done.body.versions.map((v) => [v.version, v.status])).toEqual([
        [2, 'effective'],
        [1, 'superseded'],
      ])
    })

    test('4.5.2: a service management plan is submitted only with every section a–l', async () => {
      const sections = Object.fromEntries(Object.keys(planSections).map((k) => [k, `Section ${k}`]))
      const { c: _c, ...missingC } = sections
      const { body: plan } = await author.post<Doc>('/sms/documents', {
        kind: 'plan',
        title: 'Service management plan 2026',
        data: { sections: missingC },
      })
      const refused = await author.post<{ detail: string }>(`/sms/documents/${plan.id}/submit`)
      expect(refused.status).toBe(400)
      expect(refused.body.detail).toContain('4.5.2 c')
      await author.put(`/sms/documents/${plan.id}/draft`, { data: { sections } })
      expect((await author.post(`/sms/documents/${plan.id}/submit`)).status).toBe(200)
    })

    test('4.1.1: objectives bound to a report metric are measured from the records', async () => {
      const { body: doc } = await author.post<Doc>('/sms/documents', {
        kind: 'objectives',
        title: 'Service management objectives 2026',
        data: {
          objectives: [
            {
              title: 'Resolve incidents within target',
              measure: 'share resolved within the SLA',
              target: 95,
              unit: '%',
              direction: 'at-least',
              owner: 'smsmgr',
              metric: 'sla-met-percent',
            },
            {
              title: 'Few major incidents',
              measure: 'major incidents per 30 days',
              target: 1,
              unit: 'count',
              direction: 'at-most',
              owner: 'smsmgr',
              metric: 'major-incidents',
            },
            {
              title: 'Staff trained',
              measure: 'by survey',
              target: 90,
              unit: '%',
              direction: 'at-least',
              owner: 'smsmgr',
            },
          ],
        },
      })
      const measured = await auditor.get<{
        items: { title: string; measured: { value: number; met: boolean } | null }[]
      }>(`/sms/documents/${doc.id}/objectives`)
      expect(measured.status).toBe(200)
      // no incidents yet: every resolution target met, no major incident
      expect(
        measured.body.items.map((o) => o.measured && [o.measured.value, o.measured.met]),
      ).toEqual([[100, true], [0, true], null])
    })

    test('4.3.1: an auditor finds documents from a clause; 4.3.2 g external documents name their source', async () => {
      const external = await author.post<Doc>('/sms/documents', {
        kind: 'external',
        title: 'ISO/IEC 20000-1:2011',
        clauses: ['4.3.2 g'],
        file: {
          name: 'iso20000.txt',
          mediaType: 'text/plain',
          base64: Buffer.from('the standard').toString('base64'),
        },
      })
      expect(external.status).toBe(400)
      const ok = await author.post<Doc>('/sms/documents', {
        kind: 'external',
        title: 'ISO/IEC 20000-1:2011',
        externalSource: 'ISO, Geneva',
        file: {
          name: 'iso20000.txt',
          mediaType: 'text/plain',
          base64: Buffer.from('the standard').toString('base64'),
        },
      })
      expect(ok.status).toBe(201)
      const file = await auditor.get<string>(`/sms/documents/${ok.body.id}/versions/1/file`)
      expect(file.body).toBe('the standard')

      // the demo data's documents are there too: each answer holds only documents of the clause
      const scope = await auditor.get<{ items: Doc[] }>('/sms/documents?clause=4.5.1')
      expect(scope.body.items.map((d) => d.title)).toContain('SMS scope')
      expect(scope.body.items.every((d) => d.clauses.includes('4.5.1'))).toBe(true)
      const wide = await auditor.get<{ items: Doc[] }>('/sms/documents?clause=4.5')
      expect(new Set(wide.body.items.map((d) => d.kind))).toEqual(
        new Set(['objectives', 'plan', 'scope']),
      )
      expect(wide.body.items.every((d) => d.clauses.some((c) => c.startsWith('4.5')))).toBe(true)
    })

    test('demo data: the policy, objectives, scope and plan have been effective since last year', async () => {
      const { body } = await auditor.get<{ items: Doc[] }>('/sms/documents')
      const seeded = body.items.filter((d) => d.createdBy === 'smsmgr' && d.effectiveVersion === 1)
      for (const kind of ['policy', 'objectives', 'scope', 'plan', 'agreement']) {
        const d = seeded.find((x) => x.kind === kind)
        expect(d, kind).toBeDefined()
        expect(Date.parse(d!.createdAt), kind).toBeLessThan(clock.now() - 300 * DAY)
      }
      const risks = await auditor.get<{ items: { id: string }[] }>('/sms/risks')
      expect(risks.body.items.length).toBeGreaterThanOrEqual(4)
    })

    test('auditors and customers cannot write SMS documents; staff outside sms-managers neither', async () => {
      const body = { kind: 'other', title: 'An auditor note', content: 'x' }
      expect((await auditor.post('/sms/documents', body)).status).toBe(403)
      expect((await desk.post('/sms/documents', body)).status).toBe(403)
      const customer = await h.login('customer')
      expect((await customer.get('/sms/documents')).status).toBe(403)
      const [first] = (await auditor.get<{ items: Doc[] }>('/sms/documents')).body.items
      expect((await auditor.post(`/sms/documents/${first!.id}/acknowledge`)).status).toBe(403)
      expect((await auditor.post(`/sms/documents/${first!.id}/withdraw`)).status).toBe(403)
      // ajv refuses what the schema does not know
      expect((await author.post('/sms/documents', { ...body, secret: 1 })).status).toBe(400)
    })
  },
)
