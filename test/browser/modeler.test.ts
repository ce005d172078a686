/**
 * Document control of procedures (ISO/IEC 20000-1 4.3.2) in the browser: a process owner loads
 * a diagram, the linter flags a service task without a job type on the diagram and in the list,
 * the owner fixes it in the properties panel and submits; another owner approves; an
 * administrator deploys. Forms are part of the procedure: the owner changes a user task's form
 * inside a draft and saves it there, to be approved and deployed with the diagram.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  allCspViolations,
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
/** The form-js properties panel applies typed values after a debounce (300 ms). */
const formJsDebounceMs = 600

beforeAll(async () => {
  app = await startApp({ DEPLOY_PROCESSES: 'false' })
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

describe('modeler, approval and deployment', () => {
  test('an owner fixes a lint error and submits; another owner approves; an admin deploys', async () => {
    // given the owner in the modeler with a diagram whose service task has no job type
    const owner = await loginPage(browser, app, 'owner')
    const page = owner.page
    await page.goto('/modeler')
    await page.getByLabel('New process id').fill('browser-notify')
    await page.getByRole('button', { name: 'New process' }).click()
    await page.locator('g.djs-element[data-element-id="StartEvent_1"]').waitFor()
    await page
      .locator('input[type=file]')
      .setInputFiles(join(import.meta.dirname, 'fixtures', 'notify-customer.bpmn'))
    await page.locator('g.djs-element[data-element-id="Task_NotifyCustomer"]').waitFor()

    // then the linter reports the missing task definition, on the diagram and in the list
    const problems = page.getByRole('list', { name: 'Lint problems' })
    await expect.poll(() => problems.textContent()).toContain('Task_NotifyCustomer')
    expect(await page.locator('.djs-overlay .lint-overlay').count()).toBeGreaterThan(0)
    expect(await page.getByRole('button', { name: 'Submit for approval' }).isDisabled()).toBe(true)
    await screenshot(page, 'modeler-lint-error')
    expect(await seriousViolations(page)).toEqual([])

    // when the owner sets the job type in the properties panel
    await page.locator('g.djs-element[data-element-id="Task_NotifyCustomer"]').click()
    const group = page.locator(
      '[data-group-id="group-taskDefinition"] .bio-properties-panel-group-header',
    )
    await group.click()
    await page.locator('#bio-properties-panel-taskDefinitionType').fill('notify-customer')

    // then the error disappears and the draft can be submitted
    await expect
      .poll(() => problems.textContent(), { timeout: 10_000 })
      .not.toContain('Task_NotifyCustomer')
    await page.getByRole('button', { name: 'Save draft' }).click()
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Draft saved')
    await page.getByRole('button', { name: 'Submit for approval' }).click()
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toContain('Submitted for approval')
    await screenshot(page, 'modeler-submitted')
    await owner.context.close()

    // when another process owner reviews the processes list
    const approver = await loginPage(browser, app, 'approver')
    await approver.page.goto('/processes')
    const section = approver.page.locator('[data-process-id="browser-notify"]')
    await section.getByRole('button', { name: 'Approve' }).click()
    // then the draft is approved by them
    await expect.poll(() => section.textContent()).toContain('approved')
    await screenshot(approver.page, 'processes-approved')
    await approver.context.close()

    // when the administrator deploys it
    const admin = await loginPage(browser, app, 'admin')
    await admin.page.goto('/processes')
    const adminSection = admin.page.locator('[data-process-id="browser-notify"]')
    await adminSection.getByRole('button', { name: 'Deploy' }).click()
    // then version 1 is listed as deployed, approved by the approver
    const versions = adminSection.getByRole('table', { name: /Versions of/ })
    await expect.poll(() => versions.textContent(), { timeout: 15_000 }).toContain('v1')
    expect(await versions.textContent()).toContain('approver')
    await screenshot(admin.page, 'processes-deployed')
    await admin.context.close()

    // when the owner edits the deployed version and compares it with what is deployed
    const again = await loginPage(browser, app, 'owner')
    await again.page.goto('/modeler?process=browser-notify')
    const task = again.page.locator('g.djs-element[data-element-id="Task_NotifyCustomer"]')
    await task.click()
    const general = again.page.locator(
      '[data-group-id="group-general"] .bio-properties-panel-group-header',
    )
    if (!(await general.getAttribute('class'))?.includes('open')) await general.click()
    await again.page.locator('#bio-properties-panel-name').fill('Notify the customer by e-mail')
    await again.page.getByRole('button', { name: 'Compare with deployed' }).click()
    // then the renamed task is listed as changed and highlighted on the diagram
    const diff = again.page.getByRole('region', { name: 'Changes against the deployed version' })
    await expect.poll(() => diff.textContent()).toContain('changed (1)')
    expect(await diff.textContent()).toContain('Notify the customer by e-mail')
    expect(
      await again.page
        .locator('.djs-element.marker-changed[data-element-id="Task_NotifyCustomer"]')
        .count(),
    ).toBe(1)
    await screenshot(again.page, 'modeler-diff')
    await again.context.close()
  })

  test('the author cannot approve their own draft', async () => {
    // given a draft submitted by the owner through the API
    const owner = await loginPage(browser, app, 'owner')
    const xml = (await import('node:fs')).readFileSync(
      join(import.meta.dirname, 'fixtures', 'notify-customer.bpmn'),
      'utf8',
    )
    const fixed = xml
      .replaceAll('browser-notify', 'browser-self-review')
      .replace(
        '<bpmn:serviceTask id="Task_NotifyCustomer" name="Notify customer">',
        '<bpmn:serviceTask id="Task_NotifyCustomer" name="Notify customer"><bpmn:extensionElements><zeebe:taskDefinition type="notify-customer" /></bpmn:extensionElements>',
      )
    const created = await owner.page.evaluate(
      async (body) => {
        const me = (await (await fetch('/api/me')).json()) as { csrfToken: string }
        const headers = { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrfToken }
        const draft = (await (
          await fetch('/api/process-drafts', {
            method: 'POST',
            headers,
            body: JSON.stringify(body),
          })
        ).json()) as { id: string; version: number }
        const res = await fetch(`/api/process-drafts/${draft.id}/submit`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ version: draft.version }),
        })
        return res.status
      },
      { bpmnProcessId: 'browser-self-review', xml: fixed },
    )
    expect(created).toBe(200)
    // when the author opens the processes list
    await owner.page.goto('/processes')
    const section = owner.page.locator('[data-process-id="browser-self-review"]')
    await section.waitFor()
    // then no approve button is offered, only the note that another approver is needed
    expect(await section.getByRole('button', { name: 'Approve' }).count()).toBe(0)
    expect(await section.textContent()).toContain('awaiting another approver')
    await owner.context.close()
  })

  test('an owner changes a form inside a draft and saves it there', async () => {
    // given a deployed process whose user task links a form
    const fixture = (name: string) =>
      readFileSync(join(import.meta.dirname, '..', 'fixtures', name), 'utf8')
    await app.server.services.processes.deploy(
      [
        { name: 'inbox-triage-form.form', content: Buffer.from(fixture('inbox-triage-form.form')) },
        { name: 'inbox-triage.bpmn', content: Buffer.from(fixture('inbox-triage.bpmn')) },
      ],
      { actor: 'admin' },
    )
    const owner = await loginPage(browser, app, 'owner')
    const page = owner.page
    await page.goto('/modeler?process=inbox-triage')
    await page.locator('g.djs-element[data-element-id="Task_TriageTicket"]').waitFor()
    const forms = page.getByRole('region', { name: 'Forms' })
    expect(await forms.textContent()).toContain('Save the draft')
    await page.getByRole('button', { name: 'Save draft' }).click()
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Draft saved')

    // when the owner opens the linked form from the draft
    const row = forms.locator('tr[data-form-id="inbox-triage-form"]')
    await expect.poll(() => row.textContent()).toContain('deployed v1')
    await forms.getByRole('button', { name: 'Edit form inbox-triage-form' }).click()
    const editor = forms.getByLabel('Form editor: inbox-triage-form')
    await editor.locator('[data-id="Field_Summary"]').waitFor()
    const openGeneralGroup = async () => {
      const header = editor.locator(
        '[data-group-id="group-general"] .bio-properties-panel-group-header',
      )
      if (!(await header.getAttribute('class'))?.includes('open')) await header.click()
    }

    // and gives the form an id that does not match the form it edits
    await openGeneralGroup()
    await editor.locator('#bio-properties-panel-id').fill('Another_Form')
    await forms.getByText('unsaved form changes').waitFor()
    await forms.getByRole('button', { name: 'Save form to draft' }).click()
    // then the server's errors are shown, naming the field
    await expect.poll(() => forms.getByRole('alert').textContent()).toContain('400')
    expect(await forms.getByRole('list', { name: 'Form errors' }).textContent()).toContain(
      '/schema/id',
    )
    await screenshot(page, 'modeler-form-error')

    // when the owner restores the id, renames a field's key and saves again
    await editor.locator('#bio-properties-panel-id').fill('inbox-triage-form')
    await page.waitForTimeout(formJsDebounceMs)
    await editor.locator('[data-id="Field_Summary"]').click()
    await openGeneralGroup()
    await editor.locator('#bio-properties-panel-key').fill('ticketSummary')
    await page.waitForTimeout(formJsDebounceMs)
    await forms.getByRole('button', { name: 'Save form to draft' }).click()
    await expect
      .poll(() => forms.getByRole('status').textContent())
      .toContain('saved into the draft')

    // then the draft carries the changed form, and the list says so
    await expect.poll(() => row.textContent()).toContain('changed in this draft')
    expect(await forms.getByRole('alert').count()).toBe(0)
    await screenshot(page, 'modeler-form-saved')
    expect(await seriousViolations(page)).toEqual([])
    const draftId = new URL(page.url()).searchParams.get('draft')
    expect(draftId).toBeTruthy()
    const api = await apiAs(app, 'auditor')
    const saved = await api<{ schema: { components: { key?: string }[] }; source: string }>(
      'GET',
      `/process-drafts/${draftId}/forms/inbox-triage-form`,
    )
    expect(saved.source).toBe('draft')
    expect(saved.schema.components.map((c) => c.key)).toContain('ticketSummary')
    await owner.context.close()
  })

  test('the canvas opens fitted clear of the palette, with zoom, minimap and full screen, and no console errors', async () => {
    // given an owner opening a diagram
    const owner = await loginPage(browser, app, 'owner')
    const page = owner.page
    const consoleErrors: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text())
    })
    await page.goto('/modeler')
    await page.getByLabel('New process id').fill('browser-zoom')
    await page.getByRole('button', { name: 'New process' }).click()
    await page.locator('g.djs-element[data-element-id="StartEvent_1"]').waitFor()
    await page
      .locator('input[type=file]')
      .setInputFiles(join(import.meta.dirname, 'fixtures', 'notify-customer.bpmn'))
    const task = page.locator('g.djs-element[data-element-id="Task_NotifyCustomer"]')
    await task.waitFor()

    // then no shape sits under the palette
    const palette = (await page.locator('.djs-palette').boundingBox())!
    const shapes = page.locator('g.djs-element.djs-shape:not([data-element-id$="_plane"])')
    for (const box of await Promise.all((await shapes.all()).map((s) => s.boundingBox()))) {
      if (box && box.width > 0) expect(box.x).toBeGreaterThan(palette.x + palette.width - 1)
    }

    // when the owner zooms in, out, back to 100 % and to fit
    const controls = page.getByRole('toolbar', { name: 'Diagram view' })
    const level = () => page.getByTestId('zoom-level').textContent()
    await controls.getByRole('button', { name: '100 %' }).click()
    await expect.poll(level).toBe('100 %')
    const at100 = (await task.boundingBox())!.width
    await controls.getByRole('button', { name: 'Zoom in' }).click()
    await expect.poll(level).toBe('120 %')
    expect((await task.boundingBox())!.width).toBeGreaterThan(at100 * 1.15)
    await controls.getByRole('button', { name: 'Zoom out' }).click()
    await expect.poll(level).toBe('100 %')
    await controls.getByRole('button', { name: 'Fit' }).click()

    // and opens the minimap and the full-screen canvas
    await controls.getByRole('button', { name: 'Minimap' }).click()
    await page.locator('.djs-minimap.open').waitFor()
    const before = (await page.locator('.canvas').boundingBox())!
    await controls.getByRole('button', { name: 'Full screen' }).click()
    const full = (await page.locator('.canvas').boundingBox())!
    expect(full.height).toBeGreaterThan(before.height)
    await page.keyboard.press('Escape')
    await controls.getByRole('button', { name: 'Full screen' }).waitFor()

    // the bpmn.io watermark stays visible and uncovered (its licence requires it)
    const logo = (await page.locator('.bjs-powered-by').boundingBox())!
    const bar = (await controls.boundingBox())!
    expect(logo.width).toBeGreaterThan(0)
    expect(bar.x + bar.width < logo.x || bar.y > logo.y + logo.height).toBe(true)

    // then bpmn-js complained about nothing (its keyboard binding included)
    expect(consoleErrors).toEqual([])
    await screenshot(page, 'modeler-controls')
    await owner.context.close()
  })

  // 6.6: the strict Content-Security-Policy (no inline script, no eval) leaves the editors whole
  test('the Content-Security-Policy refused nothing the editors did', () => {
    expect(allCspViolations()).toEqual([])
  })
})
