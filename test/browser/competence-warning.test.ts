/**
 * Competence when assigning roles in the browser (ISO/IEC 20000-1 4.4.2): an admin who makes the
 * network engineer a CAB member is told, on the person's row and in a toast, which competence the
 * CAB role requires and they lack; the assignment itself happens (a warning, not a refusal).
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { apiAs, launchBrowser, loginPage, seriousViolations, startApp, type App } from './support'

let app: App
let browser: Browser

beforeAll(async () => {
  app = await startApp({ DEPLOY_PROCESSES: 'false' })
  browser = await launchBrowser()
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

describe('competence check on assignment', () => {
  test('4.4.2: making someone a CAB member flags the competence they lack', async () => {
    // given an admin on the users page
    const { context, page } = await loginPage(browser, app, 'admin')
    await page.goto('/admin/users')
    const row = page.locator('tr', { has: page.locator('strong', { hasText: /^network$/ }) })
    await row.waitFor()

    // when they add the network engineer to the CAB
    await row.getByRole('button', { name: 'Edit' }).click()
    await row.getByLabel('Groups of network').selectOption(['network', 'cab'])
    await row.getByRole('button', { name: 'Save' }).click()

    // then the row and a toast say which competence of the CAB role is missing
    const gaps = page.getByTestId('competence-gaps-network')
    await gaps.waitFor()
    expect(await gaps.textContent()).toContain('cab: Change risk assessment (missing)')
    await page.getByTestId('toasts').getByText('network lacks competence').waitFor()
    expect(await seriousViolations(page)).toEqual([])
    // and the assignment was made
    const users = await (
      await apiAs(app, 'admin')
    )<{ username: string; groups: { id: string }[] }[]>('GET', '/users')
    expect(users.find((u) => u.username === 'network')?.groups.map((g) => g.id)).toContain('cab')
    await context.close()
  }, 180_000)
})
