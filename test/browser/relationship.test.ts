/**
 * The customer's side of the business relationship in the browser (ISO/IEC 20000-1 7.1): the
 * customer answers the satisfaction survey waiting for them on "Surveys" (their own only) and
 * files a complaint on "My requests"; the complaint procedure starts and puts the investigation
 * in the relationship managers' inbox.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { apiAs, launchBrowser, loginPage, screenshot, startApp, type App } from './support'

let app: App
let browser: Browser

interface Surveys {
  items: { id: string; answeredAt: string | null; score: number | null; comment: string | null }[]
}
interface Complaints {
  items: { id: string; title: string; requester: string; status: string }[]
}
interface TaskList {
  items: { name: string; caseId: string | null; elementId: string }[]
}

beforeAll(async () => {
  app = await startApp()
  browser = await launchBrowser()
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

describe('customer relationship', () => {
  test('7.1: a customer answers a satisfaction survey and files a complaint', async () => {
    // given: the demo's open periodic survey of the customer
    const asCustomer = await apiAs(app, 'customer')
    const before = await asCustomer<Surveys>('GET', '/relationship/surveys/mine')
    const open = before.items.filter((s) => !s.answeredAt)
    expect(open).toHaveLength(1)

    // when: the customer opens Surveys, rates the service and sends the answer
    const { context, page } = await loginPage(browser, app, 'customer')
    await page.getByRole('link', { name: 'Surveys' }).click()
    await page.getByRole('heading', { name: 'Surveys' }).waitFor()
    // the agreed definition of a complaint is there to read
    await page.getByRole('heading', { name: 'What is a complaint?' }).waitFor()
    await page.getByLabel('Satisfied', { exact: true }).check()
    await page.getByLabel('Comment').fill('Quick answers from the desk.')
    await screenshot(page, 'relationship-survey')
    await page.getByRole('button', { name: 'Send answer' }).click()
    await page.getByText('Thank you for your answer.').waitFor()

    // then: the answer is stored as theirs
    const after = await asCustomer<Surveys>('GET', '/relationship/surveys/mine')
    expect(after.items.find((s) => s.id === open[0]!.id)).toMatchObject({
      score: 4,
      comment: 'Quick answers from the desk.',
    })

    // when: the customer files a complaint on My requests
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'My requests' })
      .click()
    const complaints = page.locator('section[aria-labelledby="mine-complaints"]')
    await complaints.getByRole('button', { name: 'New complaint' }).click()
    const form = page.getByRole('form', { name: 'New complaint' })
    await form.getByLabel('Title').fill('Invoices were late again')
    await form.getByLabel('Description').fill('The month-end invoice run was two days late.')
    await screenshot(page, 'relationship-complaint')
    await form.getByRole('button', { name: 'Create' }).click()
    await complaints.getByText(/Created CMP-\d+/).waitFor()

    // then: the complaint is theirs and its procedure gives the investigation to the
    // relationship managers
    const mine = await asCustomer<Complaints>('GET', '/complaints?requester=customer')
    const filed = mine.items.find((c) => c.title === 'Invoices were late again')!
    expect(filed.requester).toBe('customer')
    const asRelman = await apiAs(app, 'relman')
    await expect
      .poll(
        async () =>
          (await asRelman<TaskList>('GET', `/tasks?view=all&caseId=${filed.id}`)).items.some(
            (t) => t.caseId === filed.id && t.elementId === 'Task_InvestigateComplaint',
          ),
        { timeout: 60_000 },
      )
      .toBe(true)
    await context.close()
  })
})
