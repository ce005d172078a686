/**
 * Steps a process owner takes in the web app's editors, shared by the browser tests: drawing in
 * the BPMN modeler (context pad, replace menu, properties panel), changing a cell in dmn-js's
 * decision table, saving and submitting a draft, approval by another owner and deployment by an
 * administrator (document control, ISO/IEC 20000-1 4.3.2), and completing the triage form's
 * task in the inbox.
 */
import type { Browser, Locator, Page } from 'playwright-core'
import { expect } from 'vitest'
import { loginPage, type App } from './support'

/** Opens `/modeler` with a new process `processId`; returns its start event's shape. */
export async function newProcess(page: Page, processId: string): Promise<Locator> {
  await page.goto('/modeler')
  await page.getByLabel('New process id').fill(processId)
  await page.getByRole('button', { name: 'New process' }).click()
  const start = page.locator('g.djs-element[data-element-id="StartEvent_1"]')
  await start.waitFor()
  return start
}

/**
 * Selects `element` so its context pad opens. The pad opens when the selection changes, so
 * another element (the start event, or for the start event the first other shape) is selected
 * first.
 */
export async function select(page: Page, element: Locator): Promise<void> {
  const isStart = (await element.getAttribute('data-element-id')) === 'StartEvent_1'
  const other = isStart
    ? page.locator('g.djs-element.djs-shape[data-element-id^="Activity_"]').first()
    : page.locator('g.djs-element[data-element-id="StartEvent_1"]')
  if ((await other.count()) > 0) await other.click()
  await element.click()
}

/**
 * Appends a task after `from` with the context pad and replaces it with `replaceWith` (the
 * replace menu's entry, e.g. `replace-with-user-task`); returns the new shape and its id.
 */
export async function appendTask(
  page: Page,
  from: Locator,
  replaceWith: string,
): Promise<{ shape: Locator; id: string }> {
  const before = await taskIds(page)
  await select(page, from)
  await page.locator('.djs-context-pad [data-action="append.append-task"]').click()
  await page.locator('.djs-context-pad [data-action="replace"]').click()
  await page.locator(`.djs-popup [data-id="${replaceWith}"]`).click()
  const id = await newShapeId(page, 'Activity_', before)
  return { shape: shapeOf(page, id), id }
}

/** Appends an end event after `from`; returns its shape and id. */
export async function appendEndEvent(
  page: Page,
  from: Locator,
): Promise<{ shape: Locator; id: string }> {
  await select(page, from)
  await page.locator('.djs-context-pad [data-action="append.end-event"]').click()
  const id = await newShapeId(page, 'Event_', [])
  return { shape: shapeOf(page, id), id }
}

const shapeOf = (page: Page, id: string) =>
  page.locator(`g.djs-element.djs-shape[data-element-id="${id}"]`)

async function taskIds(page: Page): Promise<string[]> {
  return page
    .locator('g.djs-element.djs-shape[data-element-id^="Activity_"]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-element-id') ?? ''))
}

async function newShapeId(page: Page, prefix: string, before: string[]): Promise<string> {
  const shapes = page.locator(`g.djs-element.djs-shape[data-element-id^="${prefix}"]`)
  let id = ''
  await expect
    .poll(async () => {
      const ids = await shapes.evaluateAll((els) =>
        els.map((e) => e.getAttribute('data-element-id') ?? ''),
      )
      id = ids.find((i) => !before.includes(i)) ?? ''
      return id
    })
    .not.toBe('')
  return id
}

/** Opens a properties panel group (`general`, `form`, `calledDecision`, …) if it is closed. */
export async function openGroup(page: Page, group: string): Promise<void> {
  const header = page.locator(`[data-group-id="group-${group}"] .bio-properties-panel-group-header`)
  if (!(await header.getAttribute('class'))?.includes('open')) await header.click()
}

/** Selects `element` and gives it a name in the properties panel. */
export async function nameElement(page: Page, element: Locator, name: string): Promise<void> {
  await select(page, element)
  await openGroup(page, 'general')
  await page.locator('#bio-properties-panel-name').fill(name)
}

/** The selected user task gets the linked form `formId` and the candidate group `group`. */
export async function linkFormAndGroup(page: Page, formId: string, group: string): Promise<void> {
  await openGroup(page, 'form')
  await page.locator('#bio-properties-panel-formType').selectOption('camunda-form-linked')
  await page.locator('#bio-properties-panel-formId').fill(formId)
  await openGroup(page, 'assignmentDefinition')
  await page.locator('#bio-properties-panel-assignmentDefinitionCandidateGroups').fill(group)
}

/** The selected business rule task calls the DMN decision `decisionId` into `resultVariable`. */
export async function callDecision(
  page: Page,
  decisionId: string,
  resultVariable: string,
): Promise<void> {
  await openGroup(page, 'businessRuleImplementation')
  await page.locator('#bio-properties-panel-businessRuleImplementation').selectOption('dmn')
  await openGroup(page, 'calledDecision')
  await page.locator('#bio-properties-panel-decisionId').fill(decisionId)
  await page.locator('#bio-properties-panel-resultVariable').fill(resultVariable)
}

/** Replaces a decision table cell's text (`td[data-row-id][data-col-id]`) in dmn-js. */
export async function editDecisionCell(
  page: Page,
  rowId: string,
  colId: string,
  value: string,
): Promise<Locator> {
  const cell = page.locator(`td[data-row-id="${rowId}"][data-col-id="${colId}"]`)
  await cell.waitFor({ timeout: 15_000 })
  const before = (await cell.textContent())?.trim() ?? ''
  await cell.locator('.content-editable').click()
  await page.keyboard.press('End')
  for (let i = 0; i < before.length; i++) await page.keyboard.press('Backspace')
  await page.keyboard.type(value)
  // leave the cell (dmn-js's FEEL editor closes and the table shows the value)
  await page.getByRole('heading', { level: 1 }).click()
  await expect.poll(async () => (await cell.textContent())?.trim()).toBe(value)
  return cell
}

/** Waits for the page's status line to say `text`. */
export async function expectStatus(page: Page, text: string): Promise<void> {
  await expect.poll(() => page.getByRole('status').first().textContent()).toContain(text)
}

/** Saves the open draft (modeler or decision editor). */
export async function saveDraft(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Save draft' }).click()
  await expectStatus(page, 'Draft saved')
}

/** Submits the saved draft for approval. */
export async function submitForApproval(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Submit for approval' }).click()
  await expectStatus(page, 'Submitted for approval')
}

/**
 * Another owner (`approver`) approves the submitted draft on the processes page and the
 * administrator deploys it; `section` is its card (`[data-process-id="…"]` or
 * `[data-decisions-id="…"]`). Resolves once the versions table lists `version`, with the
 * admin's page still open on the processes page (the caller closes `admin.context`).
 */
export async function approveAndDeploy(
  browser: Browser,
  app: App,
  section: string,
  version: string,
): Promise<Awaited<ReturnType<typeof loginPage>>> {
  const approver = await loginPage(browser, app, 'approver')
  await approver.page.goto('/processes')
  const card = approver.page.locator(section)
  await card.getByRole('button', { name: 'Approve' }).click()
  await expect.poll(() => card.textContent()).toContain('approved')
  await approver.context.close()
  const admin = await loginPage(browser, app, 'admin')
  await admin.page.goto('/processes')
  const adminCard = admin.page.locator(section)
  await adminCard.getByRole('button', { name: 'Deploy' }).click()
  const versions = adminCard.getByRole('table', { name: /Versions of/ })
  await expect.poll(() => versions.textContent(), { timeout: 15_000 }).toContain(version)
  return admin
}

/**
 * `desk` finds the task named `taskName` in the inbox, claims it, fills the triage form
 * (test/fixtures/inbox-triage-form.form) and completes it.
 */
export async function completeTriageTask(
  desk: Page,
  taskName: string,
  screenshotAs?: (page: Page) => Promise<void>,
): Promise<void> {
  await desk.goto('/inbox')
  await expect
    .poll(
      async () => {
        await desk.reload()
        return desk.getByRole('link', { name: taskName }).count()
      },
      { timeout: 30_000, interval: 1000 },
    )
    .toBeGreaterThan(0)
  await desk.getByRole('link', { name: taskName }).first().click()
  await desk.getByRole('button', { name: 'Claim' }).click()
  await expect.poll(() => desk.getByTestId('assignee').textContent()).toContain('desk')
  await desk.getByLabel('Summary').fill('Reviewed in the browser')
  // form-js renders a select as its own dropdown list
  await desk
    .locator('.fjs-form-field-select', { hasText: 'Impact' })
    .locator('.fjs-select-display')
    .click()
  await desk.locator('.fjs-dropdownlist-item', { hasText: 'Low' }).click()
  await screenshotAs?.(desk)
  await desk.getByRole('button', { name: 'Complete task' }).click()
  await desk.waitForURL(/\/inbox$/)
}

/**
 * Clicks "Edit" on procedure `processId`'s card of the processes page and waits for the modeler
 * to show `elementId`; the author's open draft is reopened (one open draft per author, 4.3.2).
 */
export async function editFromProcesses(
  page: Page,
  processId: string,
  elementId: string,
): Promise<void> {
  await page.goto('/processes')
  await page.locator(`[data-process-id="${processId}"]`).getByRole('link', { name: 'Edit' }).click()
  await page.locator(`g.djs-element.djs-shape[data-element-id="${elementId}"]`).waitFor()
}

/**
 * The reviewer opens the diff view (*Compare with deployed*) of the draft shown and approves or
 * rejects it there with `comment`; waits for the status line to confirm.
 */
export async function reviewFromDiff(
  page: Page,
  decision: 'Approve' | 'Reject',
  comment: string,
): Promise<void> {
  const review = page.getByRole('form', { name: 'Review' })
  if ((await review.count()) === 0) {
    await page.getByRole('button', { name: 'Compare with deployed' }).click()
  }
  await review.getByLabel('Review comment').fill(comment)
  await review.getByRole('button', { name: decision }).click()
  await expectStatus(page, decision === 'Approve' ? 'Draft approved' : 'Draft rejected')
}
