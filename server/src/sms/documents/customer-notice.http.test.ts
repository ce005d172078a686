/**
 * Customers told when the terms of their services change (ISO/IEC 20000-1 7.1, 6.1, 4.3.2 b),
 * through the HTTP API on the real server with the demo data: Northwind Traders (contact
 * `customer`) takes ERP and E-mail, Contoso Logistics (contact `customer2`) the network. A new
 * version of the E-mail SLA taking effect tells `customer` and not `customer2`; a catalogue
 * version changing only the network's entry tells `customer2` and not `customer`. Each notice is
 * in the customer's notifications, and the evidence names the services and the people told.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { testDatabaseTargets } from '../../../../test/support/databases'
import { startHarness, type ApiClient, type Harness } from '../../../../test/support/harness'
import type { EvidenceEntry } from '../../evidence/entry'
import type { SmsDocument } from './document-model'

type Doc = SmsDocument & { versions: { version: number; data: Record<string, unknown> | null }[] }
interface Notice {
  template: string
  subject: string
  body: string
  caseId: string | null
}

describe.each(testDatabaseTargets())(
  'customers told of changed service terms on $kind',
  (target) => {
    let h: Harness
    let author: ApiClient
    let approver: ApiClient
    let customer: ApiClient
    let customer2: ApiClient
    let auditor: ApiClient

    beforeAll(async () => {
      h = await startHarness({ deployProcesses: false, database: target })
      author = await h.login('smsmgr')
      approver = await h.login('smsmgr2')
      customer = await h.login('customer')
      customer2 = await h.login('customer2')
      auditor = await h.login('auditor')
    }, 300_000)
    afterAll(async () => {
      await h?.stop()
    })

    const noticesOf = async (who: ApiClient, docId: string) =>
      (await who.get<{ items: Notice[] }>('/notifications')).body.items.filter(
        (n) => n.template === 'service-terms-changed' && n.caseId === docId,
      )
    const serviceId = async (name: string) =>
      (
        await h.server.database.db
          .selectFrom('services')
          .select('id')
          .where('name', '=', name)
          .executeTakeFirstOrThrow()
      ).id
    /** Drafts `data` as the next version, has another approve it and makes it effective. */
    const issue = async (doc: Doc, data: Record<string, unknown>) => {
      const drafted = await author.put(`/sms/documents/${doc.id}/draft`, { data })
      expect(drafted.status, JSON.stringify(drafted.body)).toBe(200)
      expect((await author.post(`/sms/documents/${doc.id}/submit`)).status).toBe(200)
      expect((await approver.post(`/sms/documents/${doc.id}/approve`, {})).status).toBe(200)
      const made = await author.post(`/sms/documents/${doc.id}/effective`)
      expect(made.status, JSON.stringify(made.body)).toBe(200)
    }
    const noticeEvidence = async (docId: string) =>
      (
        await auditor.get<EvidenceEntry[]>(
          `/evidence?entityType=sms-document&entityId=${docId}&limit=200`,
        )
      ).body.filter((e) => e.action === 'sms-document.customers-notified')

    test('7.1, 6.1: a new version of an SLA tells the contacts of the customers taking its service', async () => {
      const email = await serviceId('E-mail')
      const sla = await h.server.database.db
        .selectFrom('slas')
        .select('id')
        .where('service_id', '=', email)
        .where('status', '=', 'agreed')
        .executeTakeFirstOrThrow()
      const docs = await author.get<{ items: SmsDocument[] }>('/sms/documents?kind=sla')
      const found = docs.body.items.find((d) => d.subject === `sla:${sla.id}`)!
      const doc = (await author.get<Doc>(`/sms/documents/${found.id}`)).body
      const current = doc.versions.find((v) => v.version === doc.effectiveVersion)!.data as {
        targets: Record<string, { responseMinutes: number; resolutionMinutes: number }>
      }
      expect(await noticesOf(customer, doc.id)).toEqual([])
      // when a version with a tighter priority-1 resolution target takes effect
      await issue(doc, {
        ...current,
        targets: {
          ...current.targets,
          '1': {
            ...current.targets['1']!,
            resolutionMinutes: current.targets['1']!.resolutionMinutes - 15,
          },
        },
      })
      // then Northwind's contact is told, Contoso's is not
      const told = await noticesOf(customer, doc.id)
      expect(told).toHaveLength(1)
      expect(told[0]!.subject).toContain(doc.title)
      expect(told[0]!.body).toContain('E-mail')
      expect(await noticesOf(customer2, doc.id)).toEqual([])
      const evidence = await noticeEvidence(doc.id)
      expect(evidence.at(-1)?.after).toMatchObject({ services: [email], recipients: ['customer'] })
    })

    test('7.1, 6.1: a catalogue version tells only the customers of the services whose entry it changes', async () => {
      const network = await serviceId('Network')
      const docs = await author.get<{ items: SmsDocument[] }>(
        '/sms/documents?kind=service-catalogue',
      )
      const found = docs.body.items.find((d) => d.subject === 'service-catalogue')!
      const doc = (await author.get<Doc>(`/sms/documents/${found.id}`)).body
      const current = doc.versions.find((v) => v.version === doc.effectiveVersion)!.data as {
        catalogue: { serviceId: string; description: string }[]
      }
      expect(current.catalogue.some((e) => e.serviceId === network)).toBe(true)
      // when the network's description changes and nothing else
      await issue(doc, {
        ...current,
        catalogue: current.catalogue.map((e) =>
          e.serviceId === network
            ? { ...e, description: `${e.description} Now with guest Wi-Fi.` }
            : e,
        ),
      })
      // then Contoso's contact is told, Northwind's is not
      const told = await noticesOf(customer2, doc.id)
      expect(told).toHaveLength(1)
      expect(told[0]!.body).toContain('Network')
      expect(await noticesOf(customer, doc.id)).toEqual([])
      const evidence = await noticeEvidence(doc.id)
      expect(evidence.at(-1)?.after).toMatchObject({
        services: [network],
        recipients: ['customer2'],
      })
    })
  },
)
