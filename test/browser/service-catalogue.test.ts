/**
 * The service catalogue in the customer portal (ISO/IEC 20000-1 6.1, 8.1), in the real browser
 * as the demo customer: the catalogue page shows the services of the catalogue document in force,
 * what may be requested of each and the service levels in plain words (counted in the SLA's
 * service hours); an item the catalogue no longer offers is neither shown nor offered by the
 * request form, and a request for an offered item is recorded with that item and its service.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  apiAs,
  launchBrowser,
  loginPage,
  screenshot,
  seriousViolations,
  startApp,
  type App,
} from './support'

let app: App
let browser: Browser

type Doc = { id: string; subject: string; versions: { version: number; data: unknown }[] }
type Catalogue = {
  document: { id: string; version: number } | null
  services: {
    serviceId: string
    name: string
    items: { id: string; name: string }[]
    serviceLevels: { slaId: string } | null
  }[]
}

/** A new version of a controlled document, written by one SMS manager, approved by the other. */
async function issue(docId: string, data: unknown) {
  const author = await apiAs(app, 'smsmgr')
  const approver = await apiAs(app, 'smsmgr2')
  await author('PUT', `/sms/documents/${docId}/draft`, { data })
  await author('POST', `/sms/documents/${docId}/submit`)
  await approver('POST', `/sms/documents/${docId}/approve`, {})
  await author('POST', `/sms/documents/${docId}/effective`)
}

beforeAll(async () => {
  app = await startApp({ DEPLOY_PROCESSES: 'false' })
  browser = await launchBrowser()
  const smsmgr = await apiAs(app, 'smsmgr')
  const catalogueDoc = (
    await smsmgr<{ items: Doc[] }>('GET', '/sms/documents?kind=service-catalogue')
  ).items[0]!
  const current = await smsmgr<Doc>('GET', `/sms/documents/${catalogueDoc.id}`)
  const entries = (current.versions[0]!.data as { catalogue: { name: string }[] }).catalogue
  // the catalogue's version 2 no longer offers shared mailboxes
  await issue(catalogueDoc.id, {
    catalogue: entries.map((e) =>
      e.name === 'E-mail' ? { ...e, requestItems: ['New mailbox'] } : e,
    ),
  })
  // and the e-mail SLA's targets count in office hours from its next version
  const published = await smsmgr<Catalogue>('GET', '/service-catalogue')
  const email = published.services.find((s) => s.name === 'E-mail')!
  const slaDoc = (await smsmgr<{ items: Doc[] }>('GET', '/sms/documents?kind=sla')).items.find(
    (d) => d.subject === `sla:${email.serviceLevels!.slaId}`,
  )!
  const sla = await smsmgr<Doc>('GET', `/sms/documents/${slaDoc.id}`)
  await issue(slaDoc.id, {
    ...(sla.versions[0]!.data as object),
    calendar: {
      name: 'Office hours Berlin',
      timeZone: 'Europe/Berlin',
      workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
      opens: '08:00',
      closes: '18:00',
      holidays: ['2026-12-24', '2026-12-25'],
    },
  })
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

describe('service catalogue in the customer portal (6.1)', () => {
  test('the customer reads the catalogue in force with its service levels and requests only what it offers', async () => {
    // given the catalogue in force as the server holds it
    const asCustomer = await apiAs(app, 'customer')
    const catalogue = await asCustomer<Catalogue>('GET', '/service-catalogue')
    expect(catalogue.document?.version).toBe(2)
    const offered = catalogue.services.flatMap((s) => s.items.map((i) => i.name)).sort()
    expect(offered).not.toContain('Shared mailbox')
    const mailbox = catalogue.services
      .flatMap((s) => s.items)
      .find((i) => i.name === 'New mailbox')!
    const emailId = catalogue.services.find((s) => s.name === 'E-mail')!.serviceId

    // when the customer opens the service catalogue from the navigation
    const { context, page } = await loginPage(browser, app, 'customer')
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Service catalogue' })
      .click()
    await page.getByRole('heading', { level: 1, name: 'Service catalogue' }).waitFor()

    // then it shows the version in force, each service and what may be requested of it
    await expect
      .poll(() => page.getByTestId('catalogue-version').textContent())
      .toContain('version 2')
    const email = page.getByRole('region', { name: 'E-mail' })
    await email.getByText('Mailboxes, calendars and shared mailboxes.').waitFor()
    const items = email.getByRole('list', { name: 'What you can request' })
    expect(await items.getByRole('listitem').allTextContents()).toEqual([
      expect.stringContaining('New mailbox'),
    ])
    expect(await page.getByText('Shared mailbox', { exact: true }).count()).toBe(0)
    // and the service levels in words, counted in the SLA's office hours
    await email
      .getByText(
        'Our targets count Monday to Friday, 08:00–18:00 (Europe/Berlin time), except 2 public holidays',
        { exact: false },
      )
      .waitFor()
    const levels = email.getByRole('table', { name: 'Service levels' })
    expect(
      await levels
        .getByRole('row', { name: /Critical \(priority 1\)/ })
        .getByRole('cell')
        .textContent(),
    ).toBe(
      'We respond within 15 minutes of service hours and resolve within 4 hours of service hours.',
    )
    // a service on a round-the-clock SLA says so
    await page
      .getByRole('region', { name: 'Network' })
      .getByText('Our targets count around the clock', { exact: false })
      .waitFor()
    expect(await seriousViolations(page)).toEqual([])
    await screenshot(page, 'customer-service-catalogue')

    // when the customer requests the new mailbox from there
    await email.getByRole('link', { name: 'Request New mailbox' }).click()
    await page.waitForURL(/\/requests\?item=/)
    const choice = page.getByLabel('What do you need? *')
    await expect.poll(() => choice.inputValue()).toBe(mailbox.id)

    // then the form offers exactly the catalogue's items, nothing else
    const options = await choice
      .locator('option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean))
    expect(options.sort()).toEqual(
      catalogue.services.flatMap((s) => s.items.map((i) => i.id)).sort(),
    )
    expect(await page.getByLabel('Service', { exact: true }).count()).toBe(0)
    expect(await page.getByLabel('Catalogue item', { exact: true }).count()).toBe(0)
    expect(await seriousViolations(page)).toEqual([])
    await screenshot(page, 'customer-request-from-catalogue')

    // when the customer names the request and creates it
    await page.getByLabel('Title *').fill('Mailbox for our new colleague')
    await page.getByRole('button', { name: 'Create' }).click()
    const created = page.getByRole('status').filter({ hasText: /Created REQ-/ })
    await created.waitFor()

    // then it is recorded for that item of the catalogue and its service
    const id = /Created (REQ-\d+)/.exec((await created.textContent()) ?? '')![1]!
    const stored = await asCustomer<{ serviceId: string; data: { catalogueItemId: string } }>(
      'GET',
      `/service-requests/${id}`,
    )
    expect(stored).toMatchObject({ serviceId: emailId, data: { catalogueItemId: mailbox.id } })
    await context.close()
  })
})
