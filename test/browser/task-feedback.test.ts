/**
 * What a user is told and where focus goes after acting on a task, in a real browser against
 * the real server: every page has a title of its own, claim/release/assign/complete confirm
 * with a toast in one polite live region, focus lands on the next sensible control (never on
 * <body>), and a group lead assigns from a picker of the task's candidate groups' members.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  deployThroughApproval,
  launchBrowser,
  loginPage,
  screenshot,
  seriousViolations,
  startApp,
  startTriageTask,
  type App,
} from './support'

let app: App
let browser: Browser

/** What has focus: its tag, id, accessible-ish name and whether it is in the task's form. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement
    return {
      tag: el?.tagName.toLowerCase() ?? '',
      id: el?.id ?? '',
      text: el?.textContent?.trim() ?? '',
      inForm: !!el?.closest('.task-form'),
    }
  })

const toasts = (page: Page) => page.getByTestId('toasts')

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

describe('feedback after actions', () => {
  test('the login page and every screen have a title of their own, detail pages included', async () => {
    // given
    const context = await browser.newContext({ baseURL: app.url })
    const page = await context.newPage()
    await page.goto('/')
    await page.getByRole('button', { name: 'Log in' }).waitFor()
    // then
    expect(await page.title()).toBe('Log in · Service Management')
    await context.close()

    // given a staff member
    const taskId = (await startTriageTask(app)).taskId
    const desk = await loginPage(browser, app, 'desk')
    for (const [path, title] of [
      ['/inbox', 'Inbox'],
      [`/inbox/${taskId}`, 'Confirm resolution'],
      ['/cases/cis/CI-000007', 'CI-000007 erp-app-01'],
      ['/sms/documents/DOC-000001', 'DOC-000001 Service management policy'],
    ]) {
      // when the page opens
      await desk.page.goto(path!)
      // then its title names it (records load after the screen: the title follows)
      await expect
        .poll(() => desk.page.title())
        .toMatch(new RegExp(`^${title}.* · Service Management$`))
    }
    // and in-app navigation changes it too
    await desk.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Change calendar' })
      .click()
    await expect.poll(() => desk.page.title()).toBe('Change calendar · Service Management')
    await desk.context.close()
  })

  test('claim, release and complete confirm with a toast and move focus on, never to <body>', async () => {
    // given an open task of the service desk
    const taskId = (await startTriageTask(app)).taskId
    const { context, page } = await loginPage(browser, app, 'desk2')
    await page.goto(`/inbox/${taskId}`)
    const claim = page.getByRole('button', { name: 'Claim' })
    await claim.waitFor()
    // the live region is in the page before anything is announced in it
    expect(await toasts(page).getAttribute('aria-live')).toBe('polite')
    expect(await toasts(page).getAttribute('role')).toBeNull()

    // when the task is claimed with the keyboard
    await claim.focus()
    await page.keyboard.press('Enter')
    // then a toast confirms it and focus is on the form's first field
    await expect
      .poll(() => toasts(page).textContent())
      .toContain('You claimed “Confirm resolution”')
    await expect.poll(() => focused(page)).toMatchObject({ tag: 'input', inForm: true })
    expect(await seriousViolations(page)).toEqual([])
    await screenshot(page, 'toast-claimed')

    // when it is released
    await page.getByRole('button', { name: 'Unclaim' }).click()
    // then a toast says so and focus is on the Claim button again
    await expect
      .poll(() => toasts(page).textContent())
      .toContain('You released “Confirm resolution”')
    await expect.poll(() => focused(page)).toMatchObject({ tag: 'button', text: 'Claim' })

    // when it is claimed again, answered and completed
    await page.keyboard.press('Enter')
    await expect.poll(() => page.getByTestId('assignee').textContent()).toContain('desk2')
    await page.getByLabel('Yes').check()
    await page.getByRole('button', { name: 'Complete task' }).click()
    // then the inbox is back with a toast, and focus is on its content
    await page.waitForURL(/\/inbox$/)
    await expect.poll(() => toasts(page).textContent()).toContain('“Confirm resolution” completed')
    await expect.poll(() => focused(page)).toMatchObject({ tag: 'main', id: 'main' })
    // and the toast can be dismissed
    const completed = toasts(page).locator('.toast', { hasText: 'completed' })
    await completed.getByRole('button', { name: 'Dismiss' }).click()
    await expect.poll(() => completed.count()).toBe(0)
    await context.close()
  })

  test("a group lead assigns from a picker of the task's groups' members, by name", async () => {
    // given an open task offered to the service desk, opened by its lead
    const taskId = (await startTriageTask(app)).taskId
    const { context, page } = await loginPage(browser, app, 'desk')
    await page.goto(`/inbox/${taskId}`)
    const picker = page.getByRole('form', { name: 'Assign task' }).getByLabel('Assign to')
    // then the picker offers the service desk's members by name and no one else
    await expect
      .poll(() => picker.locator('option').allTextContents())
      .toEqual(expect.arrayContaining([expect.stringMatching(/\(desk2\)$/)]))
    const offered = await picker
      .locator('option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean))
    expect(offered.sort()).toEqual(['desk', 'desk2', 'iaudit2'])
    expect(await picker.evaluate((e) => e.tagName)).toBe('SELECT')

    // when desk2 is chosen
    await picker.selectOption('desk2')
    await page.getByRole('button', { name: 'Assign' }).click()
    // then the task is theirs, a toast says so and focus stays on the picker
    await expect.poll(() => page.getByTestId('assignee').textContent()).toContain('desk2')
    await expect.poll(() => toasts(page).textContent()).toContain('assigned to')
    await expect.poll(() => focused(page)).toMatchObject({ tag: 'select', id: 'assign-to' })
    // and the new assignee is not offered again
    expect(await picker.locator('option[value="desk2"]').count()).toBe(0)
    await screenshot(page, 'assignee-picker')
    await context.close()

    // and a member who leads no group gets no picker
    const other = await loginPage(browser, app, 'iaudit2')
    await other.page.goto(`/inbox/${taskId}`)
    await other.page.getByRole('heading', { name: 'Confirm resolution' }).waitFor()
    expect(await other.page.getByRole('form', { name: 'Assign task' }).count()).toBe(0)
    await other.context.close()
  })
})
