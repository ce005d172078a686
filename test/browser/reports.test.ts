/**
 * Service reports in the browser (ISO/IEC 20000-1 6.2, 4.3.3): a manager defines and runs the
 * monthly service report over all records of last month, sees its charts and exports it; later,
 * after new cases arrived, an auditor opens the same stored snapshot and sees it unchanged.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { generateReportData, insertReportData } from '../fixtures/report-data'
import { launchBrowser, loginPage, screenshot, startApp, type App } from './support'

let app: App
let browser: Browser

const now = new Date()
const lastMonth = {
  from: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)),
  to: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)),
}

beforeAll(async () => {
  app = await startApp()
  browser = await launchBrowser()
  // more than a page of each kind, from three months ago until now
  const span = { from: new Date(lastMonth.from.getTime() - 60 * 86_400_000), to: now }
  await insertReportData(app.server.database.db, generateReportData(7, span, 230))
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

describe('service reports', () => {
  test('a manager runs the monthly service report and an auditor later opens the same snapshot', async () => {
    // given top management on the reports page
    const { context, page } = await loginPage(browser, app, 'topmgmt')
    await page.goto('/reports')
    // when they define the monthly service report and run it
    const form = page.getByRole('form', { name: 'Define a report' })
    await form.getByLabel('Name').fill('Monthly service report')
    await form.getByRole('button', { name: 'Define report' }).click()
    await page.getByRole('button', { name: 'Run Monthly service report' }).click()
    // then the stored snapshot opens with its charts and figures
    await page.waitForURL(/\/reports\?snapshot=RPS-\d+$/)
    const snapshotId = new URL(page.url()).searchParams.get('snapshot')!
    const report = page.getByRole('article', { name: `Report snapshot ${snapshotId}` })
    await report.getByRole('table', { name: 'Performance against SLA targets' }).waitFor()
    await expect.poll(() => report.locator('svg.chart').count()).toBeGreaterThanOrEqual(3)
    await expect
      .poll(() => report.getByRole('img', { name: 'Cases opened per week' }).count())
      .toBe(1)
    const trends = report.getByRole('table', { name: 'Trends' })
    const trendsText = await trends.textContent()
    const sha = await report.getByTestId('snapshot-sha256').textContent()
    expect(sha).toMatch(/^[0-9a-f]{64}$/)
    await screenshot(page, 'report-snapshot')
    // and exports it: the CSV download carries the same hash
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      report.getByRole('link', { name: 'Export CSV' }).click(),
    ])
    expect(download.suggestedFilename()).toBe(`${snapshotId}.csv`)
    const csv = await page.request.get(`/api/reports/snapshots/${snapshotId}/export.csv`)
    expect(await csv.text()).toContain(`sha256,${sha}`)
    const html = await page.request.get(`/api/reports/snapshots/${snapshotId}/export.html`)
    expect(await html.text()).toContain('<svg')
    await context.close()

    // given new cases of last month arrive afterwards
    await insertReportData(
      app.server.database.db,
      generateReportData(8, lastMonth, 40, 900_000),
      false,
    )
    // when an auditor opens the stored snapshot from the list
    const auditor = await loginPage(browser, app, 'auditor')
    await auditor.page.goto('/reports')
    expect(await auditor.page.getByRole('button', { name: /^Run / }).count()).toBe(0)
    await auditor.page
      .getByRole('table', { name: 'Stored reports' })
      .getByRole('button', { name: snapshotId })
      .click()
    // then it is the same, unchanged
    const stored = auditor.page.getByRole('article', { name: `Report snapshot ${snapshotId}` })
    await stored.getByRole('table', { name: 'Trends' }).waitFor()
    expect(await stored.getByTestId('snapshot-sha256').textContent()).toBe(sha)
    expect(await stored.getByRole('table', { name: 'Trends' }).textContent()).toBe(trendsText)
    await expect.poll(() => stored.locator('svg.chart').count()).toBeGreaterThanOrEqual(3)
    await expect(stored.getByText('run by topmgmt', { exact: false }).count()).resolves.toBe(1)
    await auditor.context.close()
  })
})
