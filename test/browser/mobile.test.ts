/**
 * The app on a phone (390×844) in a real browser: the navigation collapses behind a menu
 * button for every role, the inbox shows cards instead of a table, and a task can be claimed
 * and completed with one thumb (no sideways scrolling, the action at the bottom of the screen).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  deployThroughApproval,
  horizontalOverflow,
  launchBrowser,
  loginPage,
  screenshot,
  seriousViolations,
  startApp,
  startTriageTask,
  viewports,
  type App,
} from './support'

let app: App
let browser: Browser

beforeAll(async () => {
  app = await startApp({ DEPLOY_PROCESSES: 'false' })
  browser = await launchBrowser()
  const xml = readFileSync(join(import.meta.dirname, 'fixtures', 'browser-triage.bpmn'), 'utf8')
  await deployThroughApproval(app, xml, 'browser-triage')
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

describe('on a phone', () => {
  test.each([
    ['desk', 'Incidents', /\/cases\/incidents$/],
    ['owner', 'Modeler', /\/modeler$/],
    ['admin', 'Users & groups', /\/admin\/users$/],
    ['auditor', 'Evidence', /\/evidence$/],
    ['customer', 'Surveys', /\/surveys$/],
  ])(
    "%s's navigation collapses behind a menu button that opens, closes on Esc and follows a link",
    async (username, label, url) => {
      // given a phone-sized window
      const { context, page } = await loginPage(browser, app, username, {
        viewport: viewports.phone,
      })
      const menu = page.getByRole('button', { name: 'Menu' })
      const nav = page.locator('#main-nav')
      // then the navigation is closed behind the menu button
      expect(await menu.getAttribute('aria-expanded')).toBe('false')
      expect(await nav.isVisible()).toBe(false)
      // when it is opened
      await menu.click()
      // then it shows, focus is on its first link
      expect(await menu.getAttribute('aria-expanded')).toBe('true')
      expect(await nav.isVisible()).toBe(true)
      expect(await page.evaluate(() => document.activeElement?.closest('nav')?.id)).toBe('main-nav')
      expect(await seriousViolations(page)).toEqual([])
      await screenshot(page, `phone-menu-${username}`)
      // when Esc is pressed
      await page.keyboard.press('Escape')
      // then it closes and focus is back on the button
      expect(await nav.isVisible()).toBe(false)
      expect(await menu.getAttribute('aria-expanded')).toBe('false')
      expect(await page.evaluate(() => document.activeElement?.className)).toBe('menu-button')
      // when it is opened again and a link followed
      await menu.click()
      await nav.getByRole('link', { name: label, exact: true }).click()
      // then the page opens with the menu closed and focus in the content, not on <body>
      await page.waitForURL(url)
      expect(await nav.isVisible()).toBe(false)
      expect(await menu.getAttribute('aria-expanded')).toBe('false')
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('main')
      expect((await horizontalOverflow(page)).overflow).toBe(0)
      await context.close()
    },
  )

  test('on a laptop the navigation is always shown and the menu button is not', async () => {
    // given
    const { context, page } = await loginPage(browser, app, 'desk', {
      viewport: viewports.desktop,
    })
    // then
    expect(await page.locator('#main-nav').isVisible()).toBe(true)
    expect(await page.getByRole('button', { name: 'Menu' }).isVisible()).toBe(false)
    await context.close()
  })

  test('the inbox lists tasks as cards, and a task is claimed and completed one-handed', async () => {
    // given a task offered to the service desk
    const taskId = (await startTriageTask(app)).taskId
    const { context, page } = await loginPage(browser, app, 'desk', {
      viewport: viewports.phone,
    })
    // when the inbox opens on a phone
    await page.goto('/inbox')
    // then the tasks are cards, not a table, and nothing scrolls sideways
    const card = page.locator(`ul[aria-label="Tasks"] > li[data-task-id="${taskId}"]`)
    await card.waitFor()
    expect(await page.locator('table[aria-label="Tasks"]').count()).toBe(0)
    expect(await card.textContent()).toContain('Browser triage')
    expect(await horizontalOverflow(page)).toEqual({ overflow: 0, culprits: [] })
    expect(await seriousViolations(page)).toEqual([])
    await screenshot(page, 'phone-inbox')

    // when the task is opened and claimed
    await card.getByRole('link', { name: 'Confirm resolution' }).click()
    const claim = page.getByRole('button', { name: 'Claim' })
    expect((await claim.boundingBox())!.height).toBeGreaterThanOrEqual(44)
    await claim.click()
    await expect.poll(() => page.getByTestId('assignee').textContent()).toContain('desk')
    // then the form fits the width and its action sits at the bottom of the screen, in reach
    // of the thumb, thumb-sized and nearly as wide as the screen
    await page.getByLabel('Yes').waitFor()
    expect(await horizontalOverflow(page)).toEqual({ overflow: 0, culprits: [] })
    const complete = (await page.getByRole('button', { name: 'Complete task' }).boundingBox())!
    expect(complete.height).toBeGreaterThanOrEqual(44)
    expect(complete.width).toBeGreaterThan(viewports.phone.width * 0.8)
    expect(complete.y + complete.height).toBeLessThanOrEqual(viewports.phone.height)
    expect(complete.y).toBeGreaterThan(viewports.phone.height / 2)
    expect(await seriousViolations(page)).toEqual([])
    await screenshot(page, 'phone-task')

    // when the answer is given and the task completed
    await page.getByLabel('Yes').check()
    await page.getByRole('button', { name: 'Complete task' }).click()
    // then the inbox is back and the task is gone from it
    await page.waitForURL(/\/inbox$/)
    await expect.poll(() => card.count(), { timeout: 10_000 }).toBe(0)
    await context.close()
  })
})
