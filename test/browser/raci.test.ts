/**
 * Roles and responsibilities in the browser (ISO/IEC 20000-1 4.1.3, 4.4.1): an SMS manager sets up
 * the RACI of the problem procedure from its diagram's activities, picking groups, people and
 * roles; the form refuses an activity without its one Accountable or named twice, field by field,
 * and shows the server's own refusal (a person who left meanwhile) on the field concerned; the
 * saved RACI is shown to staff, who get no editor and whose write the server refuses. A document's
 * page leads to its RACI's editor.
 */
import type { Browser, Locator } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  apiAs,
  horizontalOverflow,
  launchBrowser,
  loginPage,
  screenshot,
  seriousViolations,
  startApp,
  viewports,
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

const activity = (form: Locator, n: number) =>
  form.getByRole('group', { name: `Activity ${n}`, exact: true })

describe('RACI editor', () => {
  test('4.1.3: an SMS manager sets up the RACI of a procedure; one Accountable per activity, checked on both sides', async () => {
    // given an SMS manager on the responsibilities page, where the demo RACIs are shown
    const { context, page } = await loginPage(browser, app, 'smsmgr')
    await page.goto('/sms/raci')
    await page.getByRole('heading', { level: 1, name: 'Roles and responsibilities' }).waitFor()
    await page.getByRole('table', { name: 'RACI of incident' }).waitFor()

    // when they set up the RACI of the problem procedure
    const setup = page.getByRole('form', { name: 'Set up responsibilities' })
    await setup.getByLabel('For a').selectOption('process')
    await setup.getByLabel('Procedure').selectOption('problem')
    await setup.getByRole('button', { name: 'Set up or edit' }).click()

    // then the editor offers the procedure's activities from its diagram, one row each
    const form = page.getByRole('form', { name: /^Responsibilities for the procedure/ })
    await form.waitFor()
    expect(await activity(form, 1).getByLabel('Activity *').inputValue()).toBe('Classify problem')
    expect(await activity(form, 2).getByLabel('Activity *').inputValue()).toBe('Analyse root cause')

    // when they save the first activity without anyone Accountable or Responsible
    await form.getByRole('button', { name: 'Save responsibilities' }).click()

    // then each missing field says what is wrong, and the first of them has the focus
    const first = activity(form, 1)
    const accountable = first.getByLabel('Accountable (exactly one) *')
    await first.getByText('Choose exactly one Accountable').waitFor()
    await first.getByText('Name at least one Responsible').waitFor()
    expect(await accountable.getAttribute('aria-invalid')).toBe('true')
    const addResponsible = first.getByLabel('Add to Responsible *')
    await expect.poll(() => addResponsible.evaluate((e) => e === document.activeElement)).toBe(true)
    expect(await form.getByRole('alert').textContent()).toContain('need attention')
    expect(await seriousViolations(page)).toEqual([])
    await screenshot(page, 'raci-field-errors')

    // when they keep two activities: the first filled in with a group, a person and a role
    while ((await activity(form, 3).count()) > 0) {
      await form.getByRole('button', { name: 'Remove activity 3' }).click()
    }
    await addResponsible.selectOption('problem-managers')
    await accountable.selectOption('problem')
    await first.getByLabel('Add to Consulted').selectOption('change-managers')
    await first.getByLabel('Add to Informed').selectOption('staff')
    await first.getByRole('list', { name: 'Responsible *, chosen' }).getByText('(group)').waitFor()
    // and the second renamed to the first's name
    const second = activity(form, 2)
    await second.getByLabel('Activity *').fill('classify problem ')
    await second.getByLabel('Add to Responsible *').selectOption('problem')
    await second.getByLabel('Accountable (exactly one) *').selectOption('finance2')
    await form.getByRole('button', { name: 'Save responsibilities' }).click()

    // then the repeated activity is refused on its field
    await second.getByText('is already activity 1').waitFor()
    expect(await first.getByText('Choose exactly one Accountable').count()).toBe(0)

    // when it is named as its own activity, but its Accountable has left meanwhile
    await second.getByLabel('Activity *').fill('Review workarounds')
    const admin = await apiAs(app, 'admin')
    const users = await admin<{ id: number; username: string }[]>('GET', '/users')
    const leaver = users.find((u) => u.username === 'finance2')!
    await admin('PATCH', `/users/${leaver.id}`, { active: false })
    await form.getByRole('button', { name: 'Save responsibilities' }).click()

    // then the server refuses it (422) and its error is shown on that activity's Accountable
    await second.getByText('no such group, active person or role').waitFor()
    expect(
      await second.getByLabel('Accountable (exactly one) *').getAttribute('aria-invalid'),
    ).toBe('true')
    expect(await form.getByRole('alert').textContent()).toContain('422')

    // when another Accountable is chosen
    await second.getByLabel('Accountable (exactly one) *').selectOption('smsmgr')
    await form.getByRole('button', { name: 'Save responsibilities' }).click()

    // then it is saved (a toast says so) and shown on the page
    await page
      .getByTestId('toasts')
      .getByText(/^Responsibilities for the procedure .* saved\.$/)
      .waitFor()
    const table = page.getByRole('table', { name: 'RACI of problem' })
    await table.waitFor()
    const rows = await table.getByRole('row').allTextContents()
    expect(rows).toHaveLength(3)
    expect(rows[1]).toContain('Classify problem')
    expect(rows[1]).toContain('problem-managers')
    expect(rows[1]).toContain('staff')
    expect(rows[2]).toContain('Review workarounds')
    expect(rows[2]).toContain('smsmgr')
    expect(await seriousViolations(page)).toEqual([])
    await screenshot(page, 'raci-saved')

    // and a document's page leads to the editor of its RACI, with its rows
    const { items } = await (
      await apiAs(app, 'smsmgr')
    )<{ items: { subjectType: string; subjectId: string }[] }>('GET', '/sms/raci')
    const docId = items.find((r) => r.subjectType === 'document')!.subjectId
    await page.goto(`/sms/documents/${docId}`)
    await page.getByRole('link', { name: 'Edit responsibilities' }).click()
    const docForm = page.getByRole('form', { name: new RegExp(`^Responsibilities for ${docId}`) })
    await docForm.waitFor()
    expect(await activity(docForm, 1).getByLabel('Activity *').inputValue()).toBe(
      'Write and maintain',
    )
    await docForm.getByRole('button', { name: 'Cancel' }).click()
    await docForm.waitFor({ state: 'detached' })
    await context.close()

    // given staff who are not SMS managers
    const desk = await loginPage(browser, app, 'desk')
    await desk.page.goto('/sms/raci')
    // then they read the RACI but get no editor, and the server refuses their write
    await desk.page.getByRole('table', { name: 'RACI of problem' }).waitFor()
    expect(await desk.page.getByRole('button', { name: /^Edit the RACI/ }).count()).toBe(0)
    expect(await desk.page.getByRole('form', { name: 'Set up responsibilities' }).count()).toBe(0)
    const asDesk = await apiAs(app, 'desk')
    await expect(
      asDesk('PUT', '/sms/raci/process/problem', {
        rows: [
          {
            activity: 'x',
            responsible: ['desk'],
            accountable: 'desk',
            consulted: [],
            informed: [],
          },
        ],
      }),
    ).rejects.toThrow(/: 403 /)
    await desk.context.close()
  }, 300_000)
  test('on a phone the page and its set-up form fit the screen (long procedure and document names)', async () => {
    const { context, page } = await loginPage(browser, app, 'smsmgr', { viewport: viewports.phone })
    await page.goto('/sms/raci')
    const setup = page.getByRole('form', { name: 'Set up responsibilities' })
    await setup.getByLabel('Procedure').waitFor()
    expect(await horizontalOverflow(page)).toEqual({ overflow: 0, culprits: [] })
    await setup.getByLabel('For a').selectOption('document')
    await setup.getByLabel('Document').waitFor()
    expect(await horizontalOverflow(page)).toEqual({ overflow: 0, culprits: [] })
    await context.close()
  }, 120_000)
})
