/**
 * A budget goes into its approval procedure from the finance page (ISO/IEC 20000-1 6.4,
 * processes/budget-approval.bpmn): Fiona Finance records a draft budget of Identity and access,
 * the page offers her — its author — "Submit for approval" and no direct approval, she submits it,
 * a toast confirms it and the budget shows "In approval" (its steps then go through the inbox).
 * Felix Finance, not its author, is offered neither.
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

beforeAll(async () => {
  app = await startApp()
  browser = await launchBrowser()
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

describe('budget approval from the finance page', () => {
  test('6.4: the author submits her draft budget; it shows in approval', async () => {
    const fin = await apiAs(app, 'finance')
    const { context, page } = await loginPage(browser, app, 'finance')
    await page.goto('/finance')
    await page.getByRole('heading', { name: 'Budgets and costs' }).waitFor()

    // given: Fiona records a draft budget of Identity and access
    const form = page.getByRole('form', { name: 'Record a budget' })
    await form.getByLabel('Service', { exact: true }).selectOption({ label: 'Identity and access' })
    await form.getByLabel('Personnel', { exact: true }).fill('18000')
    await form.getByLabel('Overheads', { exact: true }).fill('2000')
    await form.getByRole('button', { name: 'Record budget' }).click()
    const recorded = form.getByRole('status')
    await expect.poll(() => recorded.textContent()).toMatch(/Budget BUD-\d+ recorded/)
    const budgetId = /BUD-\d+/.exec((await recorded.textContent()) ?? '')![0]
    const row = page
      .getByRole('table', { name: 'Budget against actual' })
      .getByRole('row')
      .filter({ hasText: budgetId })
    await expect.poll(() => row.textContent()).toContain('Draft')
    expect(await row.getByRole('button', { name: /^Approve/ }).count()).toBe(0)

    // and: Felix, not its author, may neither submit nor approve it on the page
    const second = await loginPage(browser, app, 'finance2')
    await second.page.goto('/finance')
    const secondRow = second.page
      .getByRole('table', { name: 'Budget against actual' })
      .getByRole('row')
      .filter({ hasText: budgetId })
    await expect.poll(() => secondRow.textContent()).toContain('Draft')
    expect(await secondRow.getByRole('button').count()).toBe(0)
    await second.context.close()

    // when: she submits it for approval
    await row.getByRole('button', { name: `Submit ${budgetId} for approval` }).click()

    // then: a toast confirms it and the budget shows in approval, without the button
    await expect
      .poll(() => page.getByText(`${budgetId} submitted for approval`).count())
      .toBeGreaterThan(0)
    await expect.poll(() => row.textContent()).toContain('In approval')
    expect(await row.getByRole('button').count()).toBe(0)
    expect(await seriousViolations(page)).toEqual([])
    await screenshot(page, 'finance-budget-in-approval')
    const submitted = await fin<{ status: string }>('GET', `/finance/budgets/${budgetId}`)
    expect(submitted.status).toBe('submitted')

    await context.close()
  }, 180_000)
})
