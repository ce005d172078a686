/**
 * A strict Content-Security-Policy on the app and on every HTML export (ISO/IEC 20000-1 6.6):
 * in Chromium, a script that got into the page anyway (an inline `<script>`, an event-handler
 * attribute, `eval`) does not run, in the app and in an instance's printable history; the app
 * itself loads and works under it.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { eventually } from '../support/harness'
import {
  apiAs,
  cspViolations,
  launchBrowser,
  loginPage,
  startApp,
  watchCsp,
  type App,
} from './support'

let app: App
let browser: Browser

beforeAll(async () => {
  app = await startApp()
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

/** Tries three ways an injected script would run; returns which of them did. */
async function injectScripts(page: Page): Promise<string[]> {
  await page.evaluate(() => {
    const w = window as unknown as { ran: string[] }
    w.ran = []
    const script = document.createElement('script')
    script.textContent = 'window.ran.push("inline script")'
    document.body.append(script)
    const img = document.createElement('img')
    img.setAttribute('onerror', 'window.ran.push("event handler")')
    img.src = 'data:,not-an-image'
    document.body.append(img)
    // a string as code (what `eval` does); devtools' own evaluation is exempt, a timer is not
    const later = setTimeout as unknown as (code: string, ms: number) => void
    later('window.ran.push("string as code")', 0)
  })
  await page.waitForTimeout(300)
  return page.evaluate(() => (window as unknown as { ran: string[] }).ran)
}

describe('Content-Security-Policy', () => {
  test('6.6: the app runs its own scripts and no injected one #6.6.2-1', async () => {
    // given the inbox, loaded and working under the policy
    const { context, page } = await loginPage(browser, app, 'desk')
    await page.goto('/inbox')
    await page.getByRole('heading', { level: 1 }).first().waitFor()
    // when
    const ran = await injectScripts(page)
    // then
    expect(ran).toEqual([])
    expect(cspViolations(page).length).toBeGreaterThanOrEqual(3)
    await context.close()
  })

  test('6.6: the printable history of an instance runs nothing and loads nothing', async () => {
    // given an incident whose procedure runs
    const customer = await apiAs(app, 'customer')
    const raised = await customer<{ id: string }>('POST', '/incidents', { title: 'CSP probe' })
    const auditor = await apiAs(app, 'auditor')
    const key = await eventually(async () => {
      const inc = await auditor<{ processInstances?: { processInstanceKey: string }[] }>(
        'GET',
        `/incidents/${raised.id}`,
      )
      return inc.processInstances?.[0]?.processInstanceKey
    })
    const { context, page } = await loginPage(browser, app, 'auditor')
    // when
    const res = await page.goto(`/api/process-instances/${key}/history.html`)
    watchCsp(page)
    const ran = await injectScripts(page)
    // then
    expect(res?.status()).toBe(200)
    expect(res?.headers()['content-security-policy']).toContain("default-src 'none'")
    expect(await page.locator('h1').textContent()).toContain(key)
    expect(ran).toEqual([])
    await context.close()
  })
})
