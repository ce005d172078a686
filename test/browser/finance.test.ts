/**
 * A finance user works budgets and costs in the browser (ISO/IEC 20000-1 6.4): Fiona Finance
 * opens "Budgets and costs", records this year's budget of Identity and access by cost category
 * (the page offers her, its author, no approval; Felix Finance approves it through the server's
 * direct route), Fiona imports the actual costs as CSV — a file with
 * a bad row is refused row by row and nothing is stored, the corrected file is stored — and sees
 * the budget against the actual of each service: the direct costs she imported plus the
 * apportioned overhead, the variance and the forecast, as the server computes them.
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

interface Statement {
  budgetId: string
  serviceId: string
  serviceName: string
  status: string
  budget: string
  budgetToDate: string
  actual: string
  direct: string
  indirect: string
  variance: string
  forecast: string
}

beforeAll(async () => {
  app = await startApp()
  browser = await launchBrowser()
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

describe('budgets and costs by the finance user', () => {
  test('6.4: finance records a budget, another approves it, costs are imported as CSV and the variance shows per service #6.4-3', async () => {
    const year = new Date().getUTCFullYear()
    const fin = await apiAs(app, 'finance')
    const services = await fin<{ items: { id: string; name: string }[] }>(
      'GET',
      '/services?limit=200',
    )
    const identity = services.items.find((s) => s.name === 'Identity and access')!
    // given: Identity and access has no budget this year, only its share of the overhead
    const before = await fin<{ items: Statement[] }>(
      'GET',
      `/finance/budget-vs-actual?year=${year}`,
    )
    expect(before.items.some((s) => s.serviceId === identity.id)).toBe(false)

    // when: Fiona opens Budgets and costs and records the budget by cost category
    const { context, page } = await loginPage(browser, app, 'finance')
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Budgets and costs' })
      .click()
    await page.getByRole('heading', { name: 'Budgets and costs' }).waitFor()
    const table = page.getByRole('table', { name: 'Budget against actual' })
    await table.getByRole('row').filter({ hasText: 'Network' }).first().waitFor()
    const form = page.getByRole('form', { name: 'Record a budget' })
    await form.getByLabel('Service', { exact: true }).selectOption({ label: 'Identity and access' })
    await form.getByLabel('Personnel', { exact: true }).fill('24000')
    await form.getByLabel('Software and licences', { exact: true }).fill('6000.50')
    await form.getByLabel('Overheads', { exact: true }).fill('7000')
    await form.getByLabel('Variance threshold (%)').fill('15')
    await form.getByRole('button', { name: 'Record budget' }).click()
    const recorded = form.getByRole('status')
    await expect
      .poll(() => recorded.textContent())
      .toMatch(/Budget BUD-\d+ recorded \(37000\.50 EUR\)/)
    const budgetId = /BUD-\d+/.exec((await recorded.textContent()) ?? '')![0]
    const row = table.getByRole('row').filter({ hasText: budgetId })
    await expect.poll(() => row.textContent()).toContain('Draft')
    // her own budget offers her no approval, only its submission (budget-approval.test.ts)
    expect(await row.getByRole('button', { name: /^Approve/ }).count()).toBe(0)
    expect(await row.getByRole('button', { name: `Submit ${budgetId} for approval` }).count()).toBe(
      1,
    )
    await screenshot(page, 'finance-budget-recorded')

    // when: Felix, the other finance member, approves it directly (the page offers him none)
    const second = await loginPage(browser, app, 'finance2')
    await second.page.goto('/finance')
    const secondRow = second.page
      .getByRole('table', { name: 'Budget against actual' })
      .getByRole('row')
      .filter({ hasText: budgetId })
    await expect.poll(() => secondRow.textContent()).toContain('Draft')
    expect(await secondRow.getByRole('button').count()).toBe(0)
    const fin2 = await apiAs(app, 'finance2')
    const draft = await fin2<{ version: number }>('GET', `/finance/budgets/${budgetId}`)
    await fin2('POST', `/finance/budgets/${budgetId}/approve`, { version: draft.version })
    await second.page.reload()
    await expect.poll(() => secondRow.textContent()).toContain('Approved')
    await second.context.close()
    expect(await fin('GET', `/finance/budgets/${budgetId}`)).toMatchObject({
      status: 'approved',
      approvedBy: 'finance2',
      createdBy: 'finance',
    })

    // when: Fiona imports a file with a bad row
    await page.reload()
    const importForm = page.getByRole('form', { name: 'Import costs' })
    const csv = (rows: string[]) =>
      ['incurredOn,category,amount,currency,serviceId,ruleId,description', ...rows].join('\n')
    await importForm
      .getByLabel(/one cost a line/)
      .fill(
        csv([
          `${year}-01-01,personnel,1000.25,EUR,${identity.id},,Directory administration`,
          `${year}-01-01,licences,200.25,EUR,${identity.id},,Single sign-on licences`,
        ]),
      )
    await importForm.getByRole('button', { name: 'Import' }).click()
    // then: the row is named and nothing is stored
    const refused = importForm.getByRole('list', { name: 'Rows refused' })
    await expect.poll(() => refused.textContent()).toContain('row 3: category "licences"')
    await expect
      .poll(() => importForm.getByRole('alert').textContent())
      .toContain('1 bad row; nothing was stored')
    await screenshot(page, 'finance-import-refused')
    const unchanged = await fin<{ items: Statement[] }>(
      'GET',
      `/finance/budget-vs-actual?year=${year}`,
    )
    expect(unchanged.items.find((s) => s.budgetId === budgetId)?.direct).toBe('0.00')

    // when: she corrects the category and imports again
    await importForm
      .getByLabel(/one cost a line/)
      .fill(
        csv([
          `${year}-01-01,personnel,1000.25,EUR,${identity.id},,Directory administration`,
          `${year}-01-01,software,200.25,EUR,${identity.id},,Single sign-on licences`,
        ]),
      )
    await importForm.getByRole('button', { name: 'Import' }).click()
    await expect
      .poll(() => importForm.getByRole('status').textContent())
      .toContain('2 costs stored (1200.50 EUR)')

    // then: the budget against actual of Identity and access shows the imported direct costs
    // with its apportioned overhead, the variance and the forecast the server computes
    const after = await fin<{ items: Statement[] }>('GET', `/finance/budget-vs-actual?year=${year}`)
    const s = after.items.find((x) => x.budgetId === budgetId)!
    expect(s).toMatchObject({
      serviceName: 'Identity and access',
      status: 'approved',
      budget: '37000.50',
      direct: '1200.50',
    })
    await expect
      .poll(() => row.textContent())
      .toContain(`${s.actual} (${s.direct} + ${s.indirect})`)
    const text = (await row.textContent()) ?? ''
    expect(text).toContain(s.variance)
    expect(text).toContain(s.forecast)
    expect(text).toContain('Approved')
    // and every other service's figures are there too (the demo's Network and E-mail quarters)
    for (const other of after.items.filter((x) => x.budgetId !== budgetId)) {
      expect(
        await table.getByRole('row').filter({ hasText: other.budgetId }).textContent(),
      ).toContain(other.actual)
    }
    expect(await seriousViolations(page)).toEqual([])
    await screenshot(page, 'finance-budget-vs-actual')
    await context.close()
  })

  test('6.4: the auditor reads budgets and costs but is offered no budget form, import or approval', async () => {
    const { context, page } = await loginPage(browser, app, 'auditor')
    await page.goto('/finance')
    await page
      .getByRole('table', { name: 'Budget against actual' })
      .getByRole('row')
      .filter({ hasText: 'ERP' })
      .waitFor()
    expect(await page.getByRole('form', { name: 'Record a budget' }).count()).toBe(0)
    expect(await page.getByRole('form', { name: 'Import costs' }).count()).toBe(0)
    expect(await page.getByRole('button', { name: /^(Approve|Submit)/ }).count()).toBe(0)
    await context.close()
  })
})
