/**
 * Accessibility of the main screens, checked with axe-core (WCAG 2.1 A and AA rules) in the real
 * browser: no serious or critical violations in the product's own UI. The diagram canvases of
 * bpmn-js are excluded (graphics with their own keyboard model).
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { launchBrowser, loginPage, seriousViolations, startApp, type App } from './support'

let app: App
let browser: Browser

beforeAll(async () => {
  app = await startApp({ DEPLOY_PROCESSES: 'false' })
  // 9.2: a model in the standard change catalogue, so its table is checked too
  await app.server.database.db
    .insertInto('standard_change_models')
    .values({
      id: 'SCM-000001',
      name: 'Restart the ERP application',
      risk: 'low',
      tasks: JSON.stringify(['Announce', 'Restart', 'Verify']),
      ci_ids: JSON.stringify(['CI-000007']),
      service_ids: '[]',
      status: 'active',
      version: 1,
      approved_by_change: 'RFC-000001',
    })
    .execute()
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

describe('accessibility (WCAG 2.1 AA, axe-core)', () => {
  test.each([
    ['desk', '/inbox', 'Inbox'],
    ['desk', '/cases/incidents', 'Incidents'],
    ['desk', '/cases/cis/CI-000007', 'erp-app-01'],
    ['desk', '/calendar', 'Change calendar'],
    ['change', '/standard-changes', 'Standard change catalogue'],
    ['owner', '/processes', 'Processes'],
    ['owner', '/modeler', 'Modeler'],
    ['auditor', '/replay', 'Replay'],
    ['desk', '/baselines', 'Baselines'],
    ['auditor', '/reports', 'Service reports'],
    ['auditor', '/evidence', 'Evidence'],
    ['admin', '/admin/users', 'Users & groups'],
    ['customer', '/requests', 'My requests'],
    ['smsmgr', '/sms/documents', 'SMS documents'],
    ['auditor', '/sms/documents/DOC-000001', 'DOC-000001 Service management policy'],
    ['auditor', '/sms/risks', 'Risk register'],
    ['smsmgr', '/sms/parties', 'Processes operated by other parties'],
    ['auditor', '/sms/competence', 'Competence and responsibilities'],
    // 4.5.4: the demo year's programme, an audit with checklist and findings, a review
    ['smsmgr', '/sms/programme', 'Audit programme'],
    ['iaudit', '/sms/audits/IA-000001', 'Internal audit IA-000001'],
    ['auditor', '/sms/reviews/MR-000001', 'Management reviews'],
    // 7.1: the customer's surveys, the customers and their relationship managers
    ['customer', '/surveys', 'Surveys'],
    ['relman', '/relationship/customers', 'Customers'],
  ])('%s on %s has no serious violations', async (username, path, heading) => {
    // given
    const { context, page } = await loginPage(browser, app, username)
    // when
    await page.goto(path)
    await page.getByRole('heading', { level: 1, name: heading }).waitFor()
    await page.waitForLoadState('networkidle')
    // then
    expect(await seriousViolations(page)).toEqual([])
    await context.close()
  })

  test('the login form has no serious violations', async () => {
    const context = await browser.newContext({ baseURL: app.url })
    const page = await context.newPage()
    await page.goto('/')
    await page.getByRole('button', { name: 'Log in' }).waitFor()
    expect(await seriousViolations(page)).toEqual([])
    await context.close()
  })
})
