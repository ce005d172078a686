/**
 * The modeler's user task, as a process owner draws it, runs to the inbox (issue 12): the owner
 * adds a user task in the modeler — which makes it a Camunda user task (`zeebe:userTask`, added
 * by camunda-bpmn-js-behaviors) — links a form and a candidate group, submits; another owner
 * approves; an admin deploys; a new instance's task appears in the inbox with its form, and staff
 * complete it there (ISO/IEC 20000-1 4.3.2 document control, 8.1 the human step).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { completedPath } from '../../engine/test-support'
import { launchBrowser, loginPage, screenshot, startApp, type App } from './support'

let app: App
let browser: Browser

const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, '..', 'fixtures', name), 'utf8')

beforeAll(async () => {
  app = await startApp({ DEPLOY_PROCESSES: 'false' })
  browser = await launchBrowser()
  // the form the owner links is already deployed (with the triage procedure)
  await app.server.services.processes.deploy(
    [
      { name: 'inbox-triage-form.form', content: Buffer.from(fixture('inbox-triage-form.form')) },
      { name: 'inbox-triage.bpmn', content: Buffer.from(fixture('inbox-triage.bpmn')) },
    ],
    { actor: 'admin' },
  )
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

describe('a user task drawn in the modeler', () => {
  test('is approved, deployed, and completed from the inbox as a Camunda user task', async () => {
    // given the owner in the modeler with a new process
    const owner = await loginPage(browser, app, 'owner')
    const page = owner.page
    await page.goto('/modeler')
    await page.getByLabel('New process id').fill('browser-review')
    await page.getByRole('button', { name: 'New process' }).click()
    const start = page.locator('g.djs-element[data-element-id="StartEvent_1"]')
    await start.waitFor()

    // when the owner appends a task and changes it into a user task, then an end event
    await start.click()
    await page.locator('.djs-context-pad [data-action="append.append-task"]').click()
    await page.locator('.djs-context-pad [data-action="replace"]').click()
    await page.locator('.djs-popup [data-id="replace-with-user-task"]').click()
    const userTask = page.locator('g.djs-element.djs-shape[data-element-id^="Activity_"]')
    await userTask.waitFor()
    const taskId = (await userTask.getAttribute('data-element-id')) ?? ''
    // (the context pad opens when the selection changes: select another element first)
    await start.click()
    await userTask.click()
    await page.locator('.djs-context-pad [data-action="append.end-event"]').click()
    const end = page.locator('g.djs-element.djs-shape[data-element-id^="Event_"]')
    await end.waitFor()
    const endId = (await end.getAttribute('data-element-id')) ?? ''

    // and names it, links the deployed form and offers it to the service desk
    await start.click()
    await userTask.click()
    const open = async (group: string) => {
      const header = page.locator(
        `[data-group-id="group-${group}"] .bio-properties-panel-group-header`,
      )
      if (!(await header.getAttribute('class'))?.includes('open')) await header.click()
    }
    await open('general')
    await page.locator('#bio-properties-panel-name').fill('Review the request')
    await open('form')
    await page.locator('#bio-properties-panel-formType').selectOption('camunda-form-linked')
    await page.locator('#bio-properties-panel-formId').fill('inbox-triage-form')
    await open('assignmentDefinition')
    await page
      .locator('#bio-properties-panel-assignmentDefinitionCandidateGroups')
      .fill('service-desk')
    // the events get names too (the lint rule label-required)
    for (const [event, name] of [
      [start, 'Request raised'],
      [end, 'Request reviewed'],
    ] as const) {
      await event.click()
      await open('general')
      await page.locator('#bio-properties-panel-name').fill(name)
    }
    await screenshot(page, 'modeler-camunda-user-task')

    // then the draft saves and goes for approval
    await page.getByRole('button', { name: 'Save draft' }).click()
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Draft saved')
    await page.getByRole('button', { name: 'Submit for approval' }).click()
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toContain('Submitted for approval')
    await owner.context.close()

    // when another owner approves and an admin deploys
    const approver = await loginPage(browser, app, 'approver')
    await approver.page.goto('/processes')
    const section = approver.page.locator('[data-process-id="browser-review"]')
    await section.getByRole('button', { name: 'Approve' }).click()
    await expect.poll(() => section.textContent()).toContain('approved')
    await approver.context.close()
    const admin = await loginPage(browser, app, 'admin')
    await admin.page.goto('/processes')
    const adminSection = admin.page.locator('[data-process-id="browser-review"]')
    await adminSection.getByRole('button', { name: 'Deploy' }).click()
    const versions = adminSection.getByRole('table', { name: /Versions of/ })
    await expect.poll(() => versions.textContent(), { timeout: 15_000 }).toContain('v1')
    await admin.context.close()

    // then the deployed diagram holds a Camunda user task, as the modeler made it
    const deployed = await app.server.database.db
      .selectFrom('process_versions')
      .select('xml')
      .where('bpmn_process_id', '=', 'browser-review')
      .executeTakeFirstOrThrow()
    expect(deployed.xml).toMatch(/<zeebe:userTask\s*\/>/)

    // when an instance starts
    const started = await app.server.zeebe.createProcessInstance({
      bpmnProcessId: 'browser-review',
      variables: {},
    })
    const instanceKey = String(started.processInstanceKey)

    // then staff find the task in the inbox with its linked form, claim and complete it
    const desk = await loginPage(browser, app, 'desk')
    await desk.page.goto('/inbox')
    await expect
      .poll(
        async () => {
          await desk.page.reload()
          return desk.page.getByRole('link', { name: 'Review the request' }).count()
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toBeGreaterThan(0)
    await desk.page.getByRole('link', { name: 'Review the request' }).first().click()
    await desk.page.getByRole('button', { name: 'Claim' }).click()
    await expect.poll(() => desk.page.getByTestId('assignee').textContent()).toContain('desk')
    await desk.page.getByLabel('Summary').fill('Reviewed in the browser')
    // form-js renders a select as its own dropdown list
    await desk.page
      .locator('.fjs-form-field-select', { hasText: 'Impact' })
      .locator('.fjs-select-display')
      .click()
    await desk.page.locator('.fjs-dropdownlist-item', { hasText: 'Low' }).click()
    await screenshot(desk.page, 'inbox-camunda-user-task')
    await desk.page.getByRole('button', { name: 'Complete task' }).click()
    await desk.page.waitForURL(/\/inbox$/)
    await desk.context.close()

    // and the instance has walked through the user task to its end
    await expect
      .poll(() => completedPath(app.server.engine!.engine, instanceKey), { timeout: 15_000 })
      .toEqual(['StartEvent_1', taskId, endId, 'browser-review'])
  })
})
