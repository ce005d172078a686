/**
 * A controlled document the product uses, in the browser (ISO/IEC 20000-1 4.3.2, 6.1): an SMS
 * manager drafts a tighter priority-1 resolution target on an SLA's document and submits it; a
 * second SMS manager compares it with the version in force, approves it and makes it effective;
 * the page then shows it in force and the procedures' SLA targets are the new ones.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { apiAs, launchBrowser, loginPage, screenshot, startApp, type App } from './support'

let app: App
let browser: Browser

beforeAll(async () => {
  app = await startApp({ DEPLOY_PROCESSES: 'false' })
  browser = await launchBrowser()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

interface Doc {
  id: string
  subject: string
}

describe('controlled documents', () => {
  test('6.1, 4.3.2: an SLA target change is drafted, approved by another, and in force', async () => {
    // given the seeded SLA document of an SLA and the targets the procedures use today
    const api = await apiAs(app, 'smsmgr')
    const docs = await api<{ items: Doc[] }>('GET', '/sms/documents?kind=sla')
    const doc = docs.items[0]!
    const slaId = doc.subject.slice(4)
    const sla = await api<{ serviceId: string }>('GET', `/slas/${slaId}`)
    const targetsNow = async () =>
      api<{ resolutionMinutes: number; document: { version: number } }>(
        'GET',
        `/sms/in-force/sla-targets?serviceId=${sla.serviceId}&priority=1`,
      )
    const before = await targetsNow()
    const tighter = String(before.resolutionMinutes - 30)

    // when the author drafts the next version with a tighter P1 resolution and submits it
    const author = await loginPage(browser, app, 'smsmgr')
    await author.page.goto(`/sms/documents/${doc.id}`)
    await author.page.getByRole('button', { name: 'Draft next version' }).click()
    const editor = author.page.getByRole('form', { name: 'Draft the next version' })
    await editor.getByLabel('P1 resolution minutes').fill(tighter)
    await editor.getByLabel('What changes').fill('P1 resolution 30 min sooner')
    await editor.getByRole('button', { name: 'Save draft' }).click()
    await author.page.getByRole('heading', { name: /Version 2 draft/ }).waitFor()
    await author.page.getByRole('button', { name: 'Submit for review' }).click()
    await author.page.getByRole('heading', { name: /Version 2 in-review/ }).waitFor()
    // the author cannot approve it (4.3.2 a)
    await author.page.getByRole('form', { name: 'Approve' }).getByRole('button').click()
    await expect
      .poll(() => author.page.getByRole('alert').textContent())
      .toContain('someone else approves it')
    await author.context.close()

    // then a second SMS manager compares it with the version in force
    const second = await loginPage(browser, app, 'smsmgr2')
    await second.page.goto(`/sms/documents/${doc.id}`)
    await second.page.getByRole('form', { name: 'Compare versions' }).getByRole('button').click()
    const changed = second.page.getByRole('table', { name: 'Changed values' })
    await changed.getByText('/targets/1/resolutionMinutes').waitFor()
    expect(await changed.textContent()).toContain(tighter)
    // and approves it and makes it effective
    await second.page.getByLabel('Approval note').fill('Agreed with the customer')
    await second.page.getByRole('form', { name: 'Approve' }).getByRole('button').click()
    await second.page.getByRole('heading', { name: /Version 2 approved/ }).waitFor()
    await second.page.getByRole('button', { name: 'Make effective' }).click()
    await second.page.getByRole('heading', { name: /Version 2 effective/ }).waitFor()
    await second.page
      .getByLabel('In force')
      .getByText(/In force: v2/)
      .waitFor()
    await second.page.getByRole('table', { name: 'SLA targets' }).getByText(tighter).waitFor()
    const history = second.page.getByRole('table', { name: 'Version history' })
    await history.getByText('superseded', { exact: true }).waitFor()
    await screenshot(second.page, 'controlled-sla-document')
    await second.context.close()

    // and the procedures' SLA targets are the new version's
    const after = await targetsNow()
    expect(after).toMatchObject({ resolutionMinutes: Number(tighter), document: { version: 2 } })
  })
})
