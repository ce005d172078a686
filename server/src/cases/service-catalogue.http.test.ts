/**
 * The service catalogue customers see, through the HTTP API on the real server (ISO/IEC 20000-1
 * 6.1): each service of the catalogue in force carries the service levels its newest agreed SLA
 * promises — the targets per priority and the hours they count in — as the SLA document's
 * version in force states them, so what the portal shows is what the procedures measure.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { testDatabaseTargets } from '../../../test/support/databases'
import { startHarness, type ApiClient, type Harness } from '../../../test/support/harness'
import type { PublishedCatalogue } from './service-catalogue'

type Doc = { id: string; subject: string; versions: { version: number; data: unknown }[] }

describe.each(testDatabaseTargets())('the published service catalogue on $kind (6.1)', (target) => {
  let h: Harness
  let customer: ApiClient

  beforeAll(async () => {
    h = await startHarness({ deployProcesses: false, database: target })
    customer = await h.login('customer')
  }, 300_000)
  afterAll(async () => {
    await h?.stop()
  })

  test('6.1: every catalogue service shows the targets its agreed SLA document holds, by priority', async () => {
    // given the demo catalogue and SLA documents in force
    const smsmgr = await h.login('smsmgr')
    const docs = await smsmgr.get<{ items: Doc[] }>('/sms/documents?kind=sla')
    // when a customer reads the catalogue
    const catalogue = await customer.get<PublishedCatalogue>('/service-catalogue')
    expect(catalogue.status).toBe(200)
    // then each service with an agreed SLA lists that SLA's targets in force, priority 1 first
    const withLevels = catalogue.body.services.filter((s) => s.serviceLevels)
    expect(withLevels.length).toBeGreaterThan(0)
    for (const s of withLevels) {
      const levels = s.serviceLevels!
      const doc = docs.body.items.find((d) => d.subject === `sla:${levels.slaId}`)!
      const full = (await smsmgr.get<Doc>(`/sms/documents/${doc.id}`)).body
      const data = full.versions[0]!.data as {
        targets: Record<string, { responseMinutes: number; resolutionMinutes: number }>
        serviceHours?: string
      }
      expect(levels.document).toEqual({ id: doc.id, version: full.versions[0]!.version })
      expect(levels.targets).toEqual(
        Object.entries(data.targets)
          .map(([p, t]) => ({ priority: Number(p), ...t }))
          .sort((a, b) => a.priority - b.priority),
      )
      expect(levels.serviceHours).toBe(data.serviceHours ?? null)
      expect(levels.calendar).toBeNull()
    }
  })

  test('6.1: an SLA version naming a service calendar shows it from its effective date', async () => {
    // given an SLA document of a catalogue service
    const author = await h.login('smsmgr')
    const approver = await h.login('smsmgr2')
    const before = await customer.get<PublishedCatalogue>('/service-catalogue')
    const service = before.body.services.find((s) => s.serviceLevels)!
    const docs = await author.get<{ items: Doc[] }>('/sms/documents?kind=sla')
    const doc = docs.body.items.find((d) => d.subject === `sla:${service.serviceLevels!.slaId}`)!
    const v1 = (await author.get<Doc>(`/sms/documents/${doc.id}`)).body.versions[0]!
    const calendar = {
      name: 'Office hours Berlin',
      timeZone: 'Europe/Berlin',
      workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
      opens: '08:00',
      closes: '18:00',
    }
    // when a version with the calendar is approved by someone other than its author
    const drafted = await author.put(`/sms/documents/${doc.id}/draft`, {
      data: { ...(v1.data as object), calendar },
    })
    expect(drafted.status, JSON.stringify(drafted.body)).toBe(200)
    expect((await author.post(`/sms/documents/${doc.id}/submit`)).status).toBe(200)
    expect((await approver.post(`/sms/documents/${doc.id}/approve`, {})).status).toBe(200)
    // then the catalogue shows the targets counted in that calendar, from that version
    const after = await customer.get<PublishedCatalogue>('/service-catalogue')
    const levels = after.body.services.find((s) => s.serviceId === service.serviceId)!.serviceLevels
    expect(levels).toMatchObject({
      calendar,
      document: { id: doc.id, version: v1.version + 1 },
      targets: service.serviceLevels!.targets,
    })
  })
})
