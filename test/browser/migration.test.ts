/**
 * Running-instance migration in the browser (ISO/IEC 20000-1 4.3.2): after version 2 of the
 * triage procedure is deployed, an administrator opens the migration panel from the
 * procedure's card, reads the mapping proposed from the diff (the renamed task flagged),
 * maps the task by hand, dry-runs, migrates the running instance and reads the result; the
 * inbox's task then runs on version 2. An auditor sees the panel without the migrate button.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { TaskView } from '../../server/src/inbox/task-model'
import { fixture } from '../support/triage'
import { triageV2 } from '../support/triage-v2'
import {
  allCspViolations,
  apiAs,
  launchBrowser,
  loginPage,
  screenshot,
  startApp,
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

describe('migration panel', () => {
  test('an administrator maps the renamed task, dry-runs and migrates a running instance', async () => {
    // given: a ticket waits in the triage task of version 1, and version 2 is deployed
    const { processes, instances } = app.server.services
    await processes.deploy(
      [
        { name: 'inbox-triage-form.form', content: fixture('inbox-triage-form.form') },
        { name: 'inbox-triage.bpmn', content: fixture('inbox-triage.bpmn') },
      ],
      { actor: 'admin' },
    )
    const started = await instances.start(
      'inbox-triage',
      { caseKind: 'incident', caseId: 'INC-UI-MIG' },
      { caseKind: 'incident', caseId: 'INC-UI-MIG', actor: 'desk' },
    )
    const desk = await apiAs(app, 'desk')
    await expect
      .poll(
        async () =>
          (await desk<{ items: TaskView[] }>('GET', '/tasks?caseId=INC-UI-MIG')).items.length,
        {
          timeout: 15_000,
        },
      )
      .toBe(1)
    await processes.deploy([{ name: 'inbox-triage.bpmn', content: Buffer.from(triageV2) }], {
      actor: 'admin',
    })

    // when: the administrator opens the panel from the procedure's card
    const { page, context } = await loginPage(browser, app, 'admin')
    await page.goto('/processes')
    const card = page.locator('[data-process-id="inbox-triage"]')
    await card.getByRole('button', { name: 'Migrate instances' }).click()
    const dialog = page.getByRole('dialog', { name: /Migrate running instances/ })
    await expect.poll(() => dialog.getByLabel('Source version').inputValue()).toBe('1')
    expect(await dialog.getByLabel('Target version').inputValue()).toBe('2')
    // then: the proposal flags the renamed task and lists what v2 adds
    const taskRow = dialog.locator('tr[data-source="Task_TriageTicket"]')
    await expect.poll(() => taskRow.textContent(), { timeout: 15_000 }).toContain('removed')
    expect(
      await dialog.locator('tr[data-source="StartEvent_TicketRaised"]').textContent(),
    ).toContain('same id')
    expect(await dialog.textContent()).toContain('Categorised (Event_Categorised)')
    const instanceRow = dialog.locator(`tr[data-instance="${started.processInstanceKey}"]`)
    await expect
      .poll(() => instanceRow.textContent(), { timeout: 15_000 })
      .toContain('Triage the ticket')

    // a dry run of the proposal says why the instance cannot migrate
    await dialog.getByRole('button', { name: 'Dry run' }).click()
    const dryRow = dialog.locator(`tr[data-dry-run="${started.processInstanceKey}"]`)
    await expect.poll(() => dryRow.textContent()).toContain('Task_TriageTicket has no target')
    expect(await dialog.getByRole('button', { name: /^Migrate 0 of 1/ }).isDisabled()).toBe(true)

    // the administrator maps the task by hand and dry-runs again
    await dialog.getByLabel('Target of Task_TriageTicket').selectOption('Task_TriageAndCategorise')
    await dialog.getByRole('button', { name: 'Dry run' }).click()
    await expect.poll(() => dryRow.textContent()).toContain('can migrate')
    expect(await dryRow.textContent()).toContain(
      'Triage the ticket → Triage and categorise the ticket',
    )
    await screenshot(page, 'migration-dry-run')

    // and migrates
    await dialog.getByRole('button', { name: 'Migrate 1 of 1' }).click()
    const result = dialog.locator(`tr[data-result="${started.processInstanceKey}"]`)
    await expect.poll(() => result.textContent()).toContain('migrated')
    await screenshot(page, 'migration-result')

    // then: the inbox's task runs on version 2
    const [task] = (await desk<{ items: TaskView[] }>('GET', '/tasks?caseId=INC-UI-MIG')).items
    expect(task).toMatchObject({ processVersion: 2, elementId: 'Task_TriageAndCategorise' })
    expect(allCspViolations()).toEqual([])
    await context.close()
  })

  test('an auditor sees the panel and can dry-run, but has no migrate button', async () => {
    const { page, context } = await loginPage(browser, app, 'auditor')
    await page.goto('/processes')
    await page
      .locator('[data-process-id="inbox-triage"]')
      .getByRole('button', { name: 'Migrate instances' })
      .click()
    const dialog = page.getByRole('dialog', { name: /Migrate running instances/ })
    await dialog.getByRole('button', { name: 'Dry run' }).waitFor()
    expect(await dialog.getByRole('button', { name: /^Migrate/ }).count()).toBe(0)
    await context.close()
  })
})
