/**
 * A procedure run end to end in browsers (ISO/IEC 20000-1 8.1, 4.3.3): staff claim and complete
 * a user task while a colleague's inbox updates live, then an auditor replays the instance and
 * steps through its timeline.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  apiAs,
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
let instanceKey = ''

interface TaskList {
  items: { id: string; name: string; processInstanceKey: string; state: string }[]
}

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

describe('inbox and replay', () => {
  test('staff claim and complete a task; a colleague sees both without reloading', async () => {
    // given a running instance whose user task is offered to the service desk
    const started = await app.server.zeebe.createProcessInstance({
      bpmnProcessId: 'browser-triage',
      variables: {},
    })
    instanceKey = String(started.processInstanceKey)
    const desk = await apiAs(app, 'desk')
    await expect
      .poll(
        async () =>
          (await desk<TaskList>('GET', '/tasks?view=groups')).items.filter(
            (t) => t.processInstanceKey === instanceKey,
          ).length,
        { timeout: 20_000 },
      )
      .toBe(1)
    const a = await loginPage(browser, app, 'desk')
    const b = await loginPage(browser, app, 'desk2')
    await b.page.goto('/inbox')
    const rowInB = b.page.locator('table[aria-label="Tasks"] tbody tr', {
      hasText: 'Confirm resolution',
    })
    await rowInB.waitFor()
    await screenshot(b.page, 'inbox-with-task')
    // desk2 also has the task itself open in another tab
    const taskId = (await rowInB.getAttribute('data-task-id')) ?? ''
    const bTask = await b.context.newPage()
    await bTask.goto(`/inbox/${taskId}`)
    await bTask.getByRole('button', { name: 'Claim' }).waitFor()

    // when desk claims it
    await a.page.goto('/inbox')
    await a.page.getByRole('link', { name: 'Confirm resolution' }).click()
    await a.page.getByRole('button', { name: 'Claim' }).click()
    await expect.poll(() => a.page.getByTestId('assignee').textContent()).toContain('desk')

    // then desk2's open task tells who took it and offers no claim any more
    await expect
      .poll(() => bTask.getByRole('status').first().textContent(), { timeout: 10_000 })
      .toContain('desk claimed this task')
    await expect.poll(() => bTask.getByRole('button', { name: 'Claim' }).count()).toBe(0)
    await screenshot(bTask, 'task-claimed-by-colleague')
    // and desk2's inbox shows who took it or drops it from the open tasks
    await expect
      .poll(
        async () => ((await rowInB.count()) === 0 ? 'gone' : ((await rowInB.textContent()) ?? '')),
        { timeout: 10_000 },
      )
      .toMatch(/gone|desk/)
    await screenshot(a.page, 'task-view')
    expect(await seriousViolations(a.page)).toEqual([])

    // when desk fills in the form and completes the task
    await a.page.getByLabel('Yes').check()
    await a.page.getByRole('button', { name: 'Complete task' }).click()
    await a.page.waitForURL(/\/inbox$/)

    // then the task disappears from desk2's open tasks without a reload
    await expect.poll(() => rowInB.count(), { timeout: 10_000 }).toBe(0)
    await a.context.close()
    await b.context.close()
  })

  test('an auditor replays the instance and steps through its timeline', async () => {
    // given the completed instance
    expect(instanceKey).not.toBe('')
    const auditor = await loginPage(browser, app, 'auditor')
    const page = auditor.page
    // when the auditor opens it by key
    await page.goto('/replay')
    await page.getByLabel('Process instance key').fill(instanceKey)
    await page.getByRole('button', { name: 'Open', exact: true }).click()
    // then the diagram shows the path taken up to the last step
    const counter = page.getByTestId('step-counter')
    await expect.poll(() => counter.textContent(), { timeout: 15_000 }).toMatch(/Step (\d+) of \1/)
    await page
      .locator('.djs-element.marker-completed[data-element-id="Task_ConfirmResolution"]')
      .waitFor()
    expect(await page.locator('.djs-element.marker-taken').count()).toBeGreaterThan(0)
    expect(await page.getByTestId('evidence-status').textContent()).toContain(
      'Evidence chain intact',
    )
    await screenshot(page, 'replay-end')

    // when stepping back to the first step: the process instance as a whole (as in Operate)
    await page.getByRole('button', { name: 'First step' }).click()
    expect(await counter.textContent()).toMatch(/^Step 1 of/)
    // and on with the arrow keys to the start event
    await page.getByRole('list', { name: 'Steps' }).press('ArrowDown')
    await expect.poll(() => counter.textContent()).toMatch(/^Step 2 of/)
    // then nothing after it is highlighted as completed yet
    await expect
      .poll(() =>
        page
          .locator('.djs-element.marker-completed[data-element-id="Task_ConfirmResolution"]')
          .count(),
      )
      .toBe(0)

    // when stepping forward to the completion of the user task
    const steps = page.getByRole('list', { name: 'Steps' }).getByRole('button')
    await steps
      .filter({ hasText: /completed Confirm resolution/ })
      .first()
      .click()
    // then it is highlighted and its who/when/data is shown
    await page
      .locator('.djs-element.marker-current[data-element-id="Task_ConfirmResolution"]')
      .waitFor()
    const detail = page.getByRole('region', { name: 'Step detail' })
    // people by display name (the replay no longer shows usernames)
    await expect.poll(() => detail.textContent()).toContain('Sam Service-Desk')
    await screenshot(page, 'replay-step')

    // and the report exports as JSON
    const download = page.waitForEvent('download')
    await page.getByRole('button', { name: 'Export JSON' }).click()
    expect((await download).suggestedFilename()).toBe(`instance-${instanceKey}.json`)
    await auditor.context.close()
  })

  test('a group lead assigns a task to a colleague, whose "My tasks" updates live', async () => {
    // given another instance and desk2 looking at their own tasks
    const { taskId } = await startTriageTask(app)
    const b = await loginPage(browser, app, 'desk2')
    await b.page.goto('/inbox')
    await b.page.getByRole('button', { name: /My tasks/ }).click()
    const mine = b.page.locator('table[aria-label="Tasks"] tbody tr', {
      hasText: 'Confirm resolution',
    })
    // the group view's rows stay on screen until My tasks has loaded: count after that
    await b.page.locator('button[aria-pressed="true"]', { hasText: 'My tasks' }).waitFor()
    await b.page
      .getByText('No tasks match these filters.')
      .or(b.page.locator('table[aria-label="Tasks"][aria-busy="false"]'))
      .first()
      .waitFor()
    expect(await mine.count()).toBe(0)
    // when the service desk lead assigns it to desk2
    const a = await loginPage(browser, app, 'desk')
    await a.page.goto(`/inbox/${taskId}`)
    const assign = a.page.getByRole('form', { name: 'Assign task' })
    // (a picker of the service desk's members, not a free-text username)
    await assign.getByRole('option', { name: /\(desk2\)/ }).waitFor({ state: 'attached' })
    await assign.getByLabel('Assign to').selectOption('desk2')
    await assign.getByRole('button', { name: 'Assign' }).click()
    await expect.poll(() => a.page.getByTestId('assignee').textContent()).toContain('desk2')
    // then it appears among desk2's tasks without a reload
    await expect.poll(() => mine.count(), { timeout: 10_000 }).toBe(1)
    await a.context.close()
    await b.context.close()
  })
})
