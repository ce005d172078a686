/**
 * Two owners change one procedure at the same time (ISO/IEC 20000-1 4.3.2) in the browser: the
 * owner's second "Edit" reopens the same draft, which the owner names; the other owner's draft,
 * shown to the owner with a warning, is deployed first; the administrator's deployment of the
 * owner's approved draft is refused (it would overwrite version 2); the owner sees the three-way
 * comparison and rebases, which merges the other change in by itself; while in review the draft
 * is read-only (withdrawn to change it); the approver rejects it with a comment
 * from the diff view, then approves it; the administrator deploys both changes as version 3.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  editFromProcesses as editProcess,
  expectStatus,
  nameElement,
  reviewFromDiff,
  submitForApproval,
} from './modeler-steps'
import {
  apiAs,
  deployThroughApproval,
  launchBrowser,
  loginPage,
  screenshot,
  seriousViolations,
  startApp,
  type App,
} from './support'

const processId = 'browser-drafts'
const v1 = readFileSync(join(import.meta.dirname, 'fixtures', 'notify-customer.bpmn'), 'utf8')
  .replaceAll('browser-notify', processId)
  .replace(
    '<bpmn:serviceTask id="Task_NotifyCustomer" name="Notify customer">',
    '<bpmn:serviceTask id="Task_NotifyCustomer" name="Notify customer"><bpmn:extensionElements><zeebe:taskDefinition type="notify-customer" /></bpmn:extensionElements>',
  )
/** The other owner's change: the start event's name. */
const theirs = v1.replace('name="Requested"', 'name="Requested by the customer"')

let app: App
let browser: Browser
/** The properties panel applies typed values after a debounce (300 ms). */
const debounceMs = 600

beforeAll(async () => {
  app = await startApp({ DEPLOY_PROCESSES: 'false' })
  browser = await launchBrowser()
  await deployThroughApproval(app, v1, processId)
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

const shape = (page: Page, id: string) =>
  page.locator(`g.djs-element.djs-shape[data-element-id="${id}"]`)

/** Clicks "Edit" on the procedure's card of the processes page. */
const editFromProcesses = (page: Page) => editProcess(page, processId, 'Task_NotifyCustomer')

const draftIdOf = (page: Page) => new URL(page.url()).searchParams.get('draft')

describe('drafts side by side', () => {
  test('4.3.2: Edit reopens the draft; the later deploy is refused and rebased; review with comments from the diff view', async () => {
    // given the owner edits the procedure and saves a draft
    const owner = await loginPage(browser, app, 'owner')
    await editFromProcesses(owner.page)
    await nameElement(
      owner.page,
      shape(owner.page, 'Task_NotifyCustomer'),
      'Notify the customer by mail',
    )
    await owner.page.waitForTimeout(debounceMs)
    await owner.page.getByRole('button', { name: 'Save draft' }).click()
    await expectStatus(owner.page, 'Draft saved')
    const draftId = draftIdOf(owner.page)
    expect(draftId).toBeTruthy()

    // when the owner clicks Edit again, the same draft is reopened (no second draft)
    await editFromProcesses(owner.page)
    await expectStatus(owner.page, 'Reopened your open draft')
    expect(draftIdOf(owner.page)).toBe(draftId)
    const drafts = await (
      await apiAs(app, 'auditor')
    )<{ id: string; state: string }[]>(
      'GET',
      `/process-drafts?bpmnProcessId=${processId}&open=true`,
    )
    expect(drafts.map((d) => d.id)).toEqual([draftId])

    // the owner names the draft and submits it
    await owner.page.getByLabel('Draft name').fill('Clearer notification')
    await owner.page.getByRole('button', { name: 'Rename' }).click()
    await expectStatus(owner.page, 'Draft renamed')
    await submitForApproval(owner.page)

    // in review the draft is read-only: a notice, no palette, no saving, the properties inert
    const notice = owner.page.getByRole('note', { name: 'Read-only draft' })
    await expect.poll(() => notice.textContent()).toContain('In review')
    expect(await owner.page.locator('.djs-palette').isVisible()).toBe(false)
    expect(await owner.page.getByRole('button', { name: 'Save draft' }).isDisabled()).toBe(true)
    expect(await owner.page.locator('.properties').getAttribute('inert')).not.toBeNull()
    expect(await owner.page.locator('.bjs-powered-by').isVisible()).toBe(true)
    // the author withdraws it, and it is editable again; submitted anew
    await notice.getByRole('button', { name: 'Withdraw to change it' }).click()
    await expectStatus(owner.page, 'Withdrawn from review')
    await owner.page.locator('.djs-palette').waitFor()
    await submitForApproval(owner.page)

    // a second owner (the approver) drafts another change of the same procedure
    const approverApi = await apiAs(app, 'approver')
    const other = await approverApi<{ id: string; version: number }>('POST', '/process-drafts', {
      bpmnProcessId: processId,
      xml: theirs,
      name: 'Customer-facing start',
    })
    // then the owner sees it with a warning
    await owner.page.reload()
    const warning = owner.page.getByRole('note', { name: 'Other open drafts' })
    await expect.poll(() => warning.textContent()).toContain('Customer-facing start')
    expect(await warning.textContent()).toContain('approver')
    expect(await seriousViolations(owner.page)).toEqual([])

    // the owner's draft is approved; the other one is approved and deployed first (version 2)
    const approved = await approverApi<{ version: number }>('GET', `/process-drafts/${draftId}`)
    await approverApi('POST', `/process-drafts/${draftId}/approve`, { version: approved.version })
    const submitted = await approverApi<{ version: number }>(
      'POST',
      `/process-drafts/${other.id}/submit`,
      { version: other.version },
    )
    const adminApi = await apiAs(app, 'admin')
    await adminApi('POST', `/process-drafts/${other.id}/approve`, { version: submitted.version })
    await adminApi('POST', `/process-drafts/${other.id}/deploy`, {})

    // when the administrator deploys the owner's approved draft, it is refused naming version 2
    const admin = await loginPage(browser, app, 'admin')
    await admin.page.goto('/processes')
    const card = admin.page.locator(`[data-process-id="${processId}"]`)
    const row = card.locator(`tr[data-draft-id="${draftId}"]`)
    await row.getByRole('button', { name: 'Deploy' }).click()
    await expect
      .poll(() => row.textContent())
      .toContain('Version 2 of procedure browser-drafts was deployed')
    await screenshot(admin.page, 'drafts-deploy-refused')

    // then the owner sees the three-way comparison, takes over the other change and rebases
    await owner.page.goto(`/modeler?draft=${draftId}`)
    const panel = owner.page.getByTestId('rebase-panel')
    await panel.waitFor()
    const table = panel.getByRole('table', { name: 'Three-way comparison' })
    await expect
      .poll(() =>
        table
          .locator('tbody tr')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-element-id'))),
      )
      .toEqual(['StartEvent_Requested', 'Task_NotifyCustomer'])
    expect(
      await table.locator('tr[data-element-id="StartEvent_Requested"] td').nth(2).textContent(),
    ).toBe('changed')
    expect(
      await table.locator('tr[data-element-id="Task_NotifyCustomer"] td').nth(3).textContent(),
    ).toBe('changed')
    // the rebase merges: the other change is taken over, the owner's own stays
    expect(
      await table.locator('tr[data-element-id="StartEvent_Requested"] td').nth(4).textContent(),
    ).toBe("version 2's (merged)")
    expect(
      await table.locator('tr[data-element-id="Task_NotifyCustomer"] td').nth(4).textContent(),
    ).toBe('yours')
    expect(await seriousViolations(owner.page)).toEqual([])
    await screenshot(owner.page, 'drafts-three-way')
    await panel.getByRole('button', { name: 'Rebase on version 2' }).click()
    await expectStatus(owner.page, 'Rebased on version 2')
    await expect
      .poll(() =>
        // the label wraps over several lines (tspans)
        owner.page
          .locator('[data-element-id="StartEvent_Requested_label"] tspan')
          .evaluateAll((lines) => lines.map((l) => l.textContent).join(' ')),
      )
      .toContain('Requested by the customer')
    expect(await shape(owner.page, 'Task_NotifyCustomer').textContent()).toContain(
      'Notify the customer by mail',
    )
    await submitForApproval(owner.page)

    // when the approver reviews from the diff view: a rejection needs a comment
    const approver = await loginPage(browser, app, 'approver')
    await approver.page.goto(`/modeler?draft=${draftId}`)
    await shape(approver.page, 'Task_NotifyCustomer').waitFor()
    await approver.page.getByRole('button', { name: 'Compare with deployed' }).click()
    const review = approver.page.getByRole('form', { name: 'Review' })
    await review.waitFor()
    expect(await approver.page.locator('#diff-title').textContent()).toContain(
      'Changes against the deployed version',
    )
    await review.getByRole('button', { name: 'Reject' }).click()
    await expect.poll(() => review.getByRole('alert').textContent()).toContain('Say why')
    await reviewFromDiff(approver.page, 'Reject', 'Say which channel the customer is notified on')

    // the owner reads the comment, submits again, and the approver approves with a comment
    await editFromProcesses(owner.page)
    expect(draftIdOf(owner.page)).toBe(draftId)
    await expect
      .poll(() => owner.page.getByRole('list', { name: 'Draft history' }).textContent())
      .toContain('Say which channel the customer is notified on')
    await submitForApproval(owner.page)
    await approver.page.reload()
    await shape(approver.page, 'Task_NotifyCustomer').waitFor()
    await reviewFromDiff(approver.page, 'Approve', 'By mail is clear enough')
    const history = approver.page.getByRole('list', { name: 'Draft history' })
    await expect.poll(() => history.textContent()).toContain('By mail is clear enough')
    expect(await history.textContent()).toContain('rebased')
    await screenshot(approver.page, 'drafts-approved-with-comment')

    // then the administrator deploys both changes as version 3
    await admin.page.reload()
    await row.getByRole('button', { name: 'Deploy' }).click()
    const versions = card.getByRole('table', { name: /Versions of/ })
    await expect.poll(() => versions.textContent(), { timeout: 15_000 }).toContain('v3')
    const deployed = await adminApi<{ xml: string }>('GET', `/processes/${processId}/versions/3`)
    expect(deployed.xml).toContain('name="Requested by the customer"')
    expect(deployed.xml).toContain('name="Notify the customer by mail"')
    for (const s of [owner, approver, admin]) await s.context.close()
  })
})
