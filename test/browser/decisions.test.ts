/**
 * Decisions under document control (ISO/IEC 20000-1 4.3.2) in the browser: a process owner
 * opens the priority matrix from the incident procedure's card, changes a cell in dmn-js's
 * decision table, saves the draft, compares it with the deployed version rule by rule and
 * submits it; another owner approves; an administrator deploys. The bpmn.io logo dmn-js draws
 * stays visible (its licence).
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  allCspViolations,
  apiAs,
  launchBrowser,
  loginPage,
  screenshot,
  startApp,
  type App,
} from './support'
import { approveAndDeploy, editDecisionCell, saveDraft, submitForApproval } from './modeler-steps'

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

describe('decision editor, approval and deployment', () => {
  test('an owner changes a cell of the priority matrix; another owner approves; an admin deploys', async () => {
    // given the owner on the processes page: the incident procedure lists its decision
    const owner = await loginPage(browser, app, 'owner')
    const page = owner.page
    await page.goto('/processes')
    const incident = page.locator('[data-process-id="incident"]')
    const decisions = incident.getByRole('list', { name: 'Decisions of incident' })
    await expect
      .poll(() => decisions.textContent(), { timeout: 15_000 })
      .toContain('priority-matrix v1')
    await decisions.getByRole('link', { name: 'Edit decision' }).click()

    // when the owner changes impact 3 × urgency 3 (rule 9) from priority 4 to 3 in the table
    const cell = page.locator(
      'td[data-row-id="PriorityMatrix_Rule9"][data-col-id="PriorityMatrix_Out1"]',
    )
    await cell.waitFor({ timeout: 15_000 })
    expect((await cell.textContent())?.trim()).toBe('4')
    await editDecisionCell(page, 'PriorityMatrix_Rule9', 'PriorityMatrix_Out1', '3')
    // the bpmn.io logo is shown on the decision table …
    expect(await page.locator('.dmn-editor .bjs-powered-by').first().isVisible()).toBe(true)
    await saveDraft(page)
    await page.getByRole('button', { name: 'Compare with deployed' }).click()
    const diff = page.getByRole('region', { name: /Changes against deployed version 1/ })
    await expect.poll(() => diff.textContent()).toContain('rule 9 changed')
    expect(await diff.textContent()).toContain('3 | 3 | false → 3')
    await screenshot(page, 'decision-editor-diff')
    // … and on the requirements diagram
    await page.getByRole('button', { name: 'Requirements diagram' }).click()
    await page.locator('g.djs-element[data-element-id="priority-matrix"]').waitFor()
    expect(await page.locator('.dmn-editor .bjs-powered-by').first().isVisible()).toBe(true)
    await submitForApproval(page)
    await owner.context.close()

    // when another process owner approves it on the processes page (the author could not) and
    // the administrator deploys it
    const section = '[data-decisions-id="priority-matrix-drg"]'
    const admin = await approveAndDeploy(browser, app, section, 'v2')
    // then version 2 is deployed, approved by the approver, and the incident procedure uses it
    const versions = admin.page.locator(section).getByRole('table', { name: /Versions of/ })
    expect(await versions.textContent()).toContain('approver')
    await expect
      .poll(() => admin.page.getByRole('list', { name: 'Decisions of incident' }).textContent())
      .toContain('priority-matrix v2')
    await screenshot(admin.page, 'decisions-deployed')
    await admin.context.close()
    const api = await apiAs(app, 'auditor')
    const v2 = await api<{ xml: string; approvedBy: string }>(
      'GET',
      '/decisions/priority-matrix-drg/versions/2',
    )
    expect(v2.approvedBy).toBe('approver')
    expect(v2.xml).toMatch(/<outputEntry id="PriorityMatrix_Rule9_Out1">\s*<text>3<\/text>/)
  })

  // 6.6: the strict Content-Security-Policy (no inline script, no eval) leaves the editors whole
  test('the Content-Security-Policy refused nothing the editors did', () => {
    expect(allCspViolations()).toEqual([])
  })
})
