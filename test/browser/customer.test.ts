/**
 * The customer's side of a procedure in the browser (ISO/IEC 20000-1 8.1): a step assigned to
 * the customer who raised the case (confirm the resolution) waits for them on "My requests";
 * they open it, answer the form and the step is done. Other customers never see it.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { repoRoot } from '../../server/src/server'
import { apiAs, launchBrowser, loginPage, screenshot, startApp, type App } from './support'

let app: App
let browser: Browser

interface TaskList {
  items: { id: string; name: string; state: string; caseId: string | null }[]
}

beforeAll(async () => {
  app = await startApp({ DEPLOY_PROCESSES: 'false' })
  browser = await launchBrowser()
  const xml = readFileSync(join(import.meta.dirname, 'fixtures', 'browser-triage.bpmn'), 'utf8')
    .replace('id="browser-triage"', 'id="customer-confirmation"')
    .replace('bpmnElement="browser-triage"', 'bpmnElement="customer-confirmation"')
    .replace(
      '<zeebe:assignmentDefinition candidateGroups="service-desk" />',
      '<zeebe:assignmentDefinition assignee="=requester" />',
    )
  await app.server.services.processes.deploy(
    [
      {
        name: 'incident-confirm.form',
        content: readFileSync(join(repoRoot, 'forms', 'incident-confirm.form')),
      },
      { name: 'customer-confirmation.bpmn', content: Buffer.from(xml) },
    ],
    { actor: 'admin' },
  )
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

describe('customer portal', () => {
  test('the customer confirms the resolution from My requests', async () => {
    // given a step assigned to the customer who raised the case
    await app.server.services.instances.start('customer-confirmation', {
      caseKind: 'incident',
      caseId: 'INC-CUST-1',
      title: 'Printer offline',
      requester: 'customer',
    })
    const asCustomer = await apiAs(app, 'customer')
    await expect
      .poll(async () => (await asCustomer<TaskList>('GET', '/tasks?view=mine')).items.length, {
        timeout: 20_000,
      })
      .toBe(1)
    const asOther = await apiAs(app, 'customer2')
    expect((await asOther<TaskList>('GET', '/tasks?view=all')).items).toEqual([])

    // when the customer opens My requests and answers the form
    const { context, page } = await loginPage(browser, app, 'customer')
    await page.goto('/requests')
    const waiting = page.getByRole('heading', { name: /Waiting for you \(1\)/ })
    await waiting.waitFor({ timeout: 15_000 })
    await screenshot(page, 'customer-waiting')
    await page.locator('section[aria-labelledby="my-tasks-title"] a').first().click()
    await page.getByLabel('Yes').check()
    expect(await page.getByRole('button', { name: 'Unclaim' }).count()).toBe(0)
    await screenshot(page, 'customer-confirm-task')
    await page.getByRole('button', { name: 'Complete task' }).click()
    await page.waitForURL(/\/requests$/)

    // then the step is done and nothing waits for the customer any more
    await expect
      .poll(async () => (await asCustomer<TaskList>('GET', '/tasks?view=mine')).items.length, {
        timeout: 10_000,
      })
      .toBe(0)
    const done = await asCustomer<TaskList>('GET', '/tasks?view=mine&state=completed')
    expect(done.items.map((t) => t.caseId)).toEqual(['INC-CUST-1'])
    await context.close()
  })

  test('field errors from the server appear on the form fields', async () => {
    // given another step for the customer
    await app.server.services.instances.start('customer-confirmation', {
      caseKind: 'incident',
      caseId: 'INC-CUST-2',
      title: 'Scanner offline',
      requester: 'customer',
    })
    const asCustomer = await apiAs(app, 'customer')
    let taskId = ''
    await expect
      .poll(
        async () => {
          const list = await asCustomer<TaskList>('GET', '/tasks?view=mine')
          taskId = list.items.find((t) => t.caseId === 'INC-CUST-2')?.id ?? ''
          return taskId
        },
        { timeout: 20_000 },
      )
      .not.toBe('')
    const { context, page } = await loginPage(browser, app, 'customer')
    // the browser validates first, so the request is altered on its way: the server alone
    // rejects it, and its per-field answer is what the page must show
    await page.route('**/api/tasks/*/complete', async (route) => {
      await route.continue({
        postData: JSON.stringify({ data: { resolutionConfirmed: 'perhaps', extra: 1 } }),
      })
    })
    await page.goto(`/requests/tasks/${taskId}`)
    await page.getByLabel('Yes').check()
    await page.getByRole('button', { name: 'Complete task' }).click()
    // then the field shows the server's message and the task stays open
    const fieldError = page.locator('.fjs-form-field-error, .fjs-form-field .fjs-error').first()
    await fieldError.waitFor({ timeout: 10_000 })
    expect((await fieldError.textContent())?.length ?? 0).toBeGreaterThan(0)
    await page.getByText('/extra').waitFor()
    await screenshot(page, 'customer-field-errors')
    const still = await asCustomer<{ task: { state: string } }>('GET', `/tasks/${taskId}`)
    expect(still.task.state).toBe('claimed')
    await context.close()
  })
})
