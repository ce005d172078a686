/**
 * Accessibility of the main screens, checked with axe-core (WCAG 2.1 A and AA rules) in the real
 * browser: no serious or critical violations in the product's own UI. The diagram canvases of
 * bpmn-js are excluded (graphics with their own keyboard model).
 */
import { createRequire } from 'node:module'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { launchBrowser, loginPage, startApp, type App } from './support'

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

let app: App
let browser: Browser

beforeAll(async () => {
  app = await startApp({ DEPLOY_PROCESSES: 'false' })
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: { target: string[] }[]
}

async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath })
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: unknown[] }> }
      }
    ).axe
    const result = await axe.run(
      { exclude: [['.djs-container']] },
      { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } },
    )
    return result.violations
  })
  return (violations as AxeViolation[])
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

describe('accessibility (WCAG 2.1 AA, axe-core)', () => {
  test.each([
    ['desk', '/inbox', 'Inbox'],
    ['desk', '/cases/incidents', 'Incidents'],
    ['desk', '/cases/cis/CI-000007', 'erp-app-01'],
    ['desk', '/calendar', 'Change calendar'],
    ['owner', '/processes', 'Processes'],
    ['auditor', '/reports', 'Service reports'],
    ['auditor', '/evidence', 'Evidence'],
    ['admin', '/admin/users', 'Users & groups'],
    ['customer', '/requests', 'My requests'],
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
