/**
 * The finish of the web app (issue 19): admin forms mark the field the server refused
 * (aria-invalid, described by the server's message in words), completed actions are confirmed by
 * toasts, and a priority reads the same in the inbox, on the task and on the case list.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { apiAs, launchBrowser, loginPage, seriousViolations, startApp, type App } from './support'

let app: App
let browser: Browser

beforeAll(async () => {
  app = await startApp()
  browser = await launchBrowser()
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

/** The priority words of the one priority presentation (shared/api/priority.ts). */
const PRIORITY_WORDS = /^(Critical|High|Medium|Low|Planning) \(priority [1-5]\)$/

describe('design system', () => {
  test('a refused username is marked on its field, in words, and the form stays axe-clean', async () => {
    // given
    const { context, page } = await loginPage(browser, app, 'admin')
    await page.goto('/admin/users')
    const form = page.getByRole('form', { name: 'New user' })
    // when the username breaks the server's pattern
    await form.getByLabel('Username').fill('Bad Name')
    await form.getByLabel('Display name').fill('Bad Name')
    await form.getByRole('button', { name: 'Create' }).click()
    // then the field is marked and described by a message people understand
    const username = form.getByLabel('Username')
    await expect.poll(() => username.getAttribute('aria-invalid')).toBe('true')
    const describedBy = await username.getAttribute('aria-describedby')
    expect(describedBy).toBeTruthy()
    expect(await page.locator(`#${describedBy}`).textContent()).toMatch(/lower-case letters/)
    expect(await form.getByRole('alert').textContent()).toBe('Check the marked field.')
    expect(await form.getByLabel('Display name').getAttribute('aria-invalid')).toBeNull()
    expect(await seriousViolations(page)).toEqual([])
    // when it is corrected
    await username.fill('bad.name')
    await form.getByRole('button', { name: 'Create' }).click()
    // then the mark goes and a toast confirms
    await expect
      .poll(() => page.getByTestId('toasts').textContent())
      .toContain('User bad.name created')
    expect(await username.getAttribute('aria-invalid')).toBeNull()
    // and a group id the server refuses is marked on its field
    const groupForm = page.getByRole('form', { name: 'New group' })
    await groupForm.getByLabel('Group id').fill('X')
    await groupForm.getByLabel('Group name').fill('X')
    await groupForm.getByRole('button', { name: 'Create group' }).click()
    await expect
      .poll(() => groupForm.getByLabel('Group id').getAttribute('aria-invalid'))
      .toBe('true')
    expect(await groupForm.textContent()).toMatch(/e\.g\. service-desk/)
    await context.close()
  })

  test('priorities read the same words in the inbox, on the task and on the case list', async () => {
    // given a customer's incident whose task waits in the service desk's inbox
    const asCustomer = await apiAs(app, 'customer')
    const incident = await asCustomer<{ id: string }>('POST', '/incidents', {
      title: 'Printer on floor 3 jams',
    })
    const asDesk = await apiAs(app, 'desk')
    let taskId = ''
    await expect
      .poll(
        async () => {
          const list = await asDesk<{ items: { id: string }[] }>(
            'GET',
            `/tasks?view=all&caseId=${incident.id}`,
          )
          taskId = list.items[0]?.id ?? ''
          return taskId
        },
        { timeout: 60_000 },
      )
      .not.toBe('')
    const { context, page } = await loginPage(browser, app, 'desk')
    // when the desk opens its groups' tasks
    await page.goto('/inbox')
    await page.getByRole('button', { name: /^My groups/ }).click()
    const table = page.getByRole('table', { name: 'Tasks' })
    const inboxBadges = table.locator('.badge.priority')
    await inboxBadges.first().waitFor()
    // then every badge names a level in words, never "P2" or a bare number
    const titles = await inboxBadges.evaluateAll((els) => els.map((e) => e.getAttribute('title')))
    for (const title of titles) expect(title).toMatch(PRIORITY_WORDS)
    for (const text of await inboxBadges.allTextContents()) expect(text).toMatch(PRIORITY_WORDS)
    // and the task page shows its priority with the same badge
    await page.goto(`/inbox/${taskId}`)
    const taskBadge = page.locator('main .badge.priority').first()
    await taskBadge.waitFor()
    expect(await taskBadge.getAttribute('title')).toMatch(PRIORITY_WORDS)
    // and the case list uses the same words
    await page.goto('/cases/incidents')
    await page.getByRole('table').first().waitFor()
    const cases = page.locator('table .badge.priority')
    for (const title of await cases.evaluateAll((els) => els.map((e) => e.getAttribute('title'))))
      expect(title).toMatch(PRIORITY_WORDS)
    expect(await seriousViolations(page)).toEqual([])
    await context.close()
  })
})
