/**
 * Change control as the only door in the browser (ISO/IEC 20000-1 9.2, 9.1), with the real
 * change and release procedures on the embedded engine (their tasks driven over HTTP as the
 * roles would, through the process harness):
 *
 * - a change manager proposes a standard change model on the catalogue page, the RFC carrying it
 *   is approved and implemented, the model shows as approved through that RFC with the CAB's
 *   decision; a standard change raised in the form is refused while it does not fit the model
 *   (the server's reason shown), and recorded once it does;
 * - a service-desk member edits a CI under change control: the edit (with its diff) is attached
 *   to an RFC, listed pending on the RFC, and applied by the change procedure;
 * - a direct save the server refuses with 409 shows its message and offers the change's way.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { completedPath } from '../../engine/test-support'
import { cabDecision, plannedWindow, startHarness, type Harness } from '../processes/harness'
import { testDatabaseTargets } from '../support/databases'
import { launchBrowser, loginPage, screenshot, seriousViolations, type App } from './support'

let h: Harness
let app: App
let browser: Browser

beforeAll(async () => {
  h = await startHarness(testDatabaseTargets()[0]!)
  const passwords = new Map(h.server.seededUsers.map((u) => [u.username, u.password]))
  app = {
    server: h.server,
    url: h.server.url,
    password: (username) => passwords.get(username) ?? '',
    stop: () => h.stop(),
  }
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await h?.stop()
})

/** Drives a normal RFC through assessment, the CAB, its release and review to its closure. */
async function implementChange(changeId: string) {
  const instance = await h.instanceOf('change', changeId)
  await h.complete(instance, 'Task_ClassifyChange', {
    changeType: 'normal',
    changeNature: 'ci-change',
  })
  await h.complete(instance, 'Task_AssessChange', {
    riskLevel: 'low',
    securityRisk: 'low',
    estimatedCost: 1,
    remediationPlan: 'Restore the previous record',
  })
  await h.complete(instance, 'Task_CabDecision', cabDecision(true, 'ok'), 'cab')
  await h.complete(instance, 'Task_ScheduleChange', plannedWindow(h))
  await h.complete(instance, 'Task_BuildAndTestChange', {
    buildNotes: 'built',
    testResult: 'passed',
  })
  const releaseId = await h.until(
    `release of ${changeId}`,
    async () =>
      (await h.cases.linksOf('change', changeId)).find((l) => l.fromKind === 'release')?.fromId,
  )
  const release = await h.instanceOf('release', releaseId)
  await h.complete(release, 'Task_RecordReleaseScope', { releaseType: 'minor' })
  await h.complete(release, 'Task_PlanRelease', {
    plannedDeployment: '2026-12-01T10:00',
    deliverables: 'd',
    deploymentMethod: 'automated',
    acceptanceCriteria: 'a',
    backOutPlan: 'b',
    measurementPeriod: 'P7D',
  })
  await h.complete(release, 'Task_BuildRelease', { buildNotes: 'b', buildVersion: '2' })
  await h.complete(release, 'Task_AcceptanceTest', {
    testEnvironment: 'UAT',
    testResults: 'ok',
    acceptanceCriteriaMet: true,
  })
  await h.complete(release, 'Task_ApproveRelease', { approved: true })
  await h.complete(release, 'Task_DeployRelease', {
    deployedAt: '2026-12-01T10:00',
    deploymentNotes: 'ok',
  })
  await h.complete(release, 'Task_VerifyDeployment', {
    deploymentVerified: true,
    verificationNotes: 'ok',
  })
  await h.reached(instance, 'Task_ApplyRecordEdits')
  return instance
}

/** Chooses "Raise a new RFC" in the open proposal, attaches, and returns the RFC's id. */
async function attachToNewRfc(page: Page, scope: string): Promise<string> {
  const panel = page.getByRole('form', { name: 'Propose through a change' })
  await panel.getByLabel('Raise a new RFC').check()
  await panel.getByLabel('Scope and reason').fill(scope)
  await panel.getByRole('button', { name: 'Attach to the change' }).click()
  const done = page.getByRole('status').filter({ hasText: 'The edit is attached to' })
  await done.waitFor()
  return (await done.getByRole('link').textContent())!.trim()
}

describe('change control in the browser', () => {
  test('9.2: a change manager proposes a standard change model, the change procedure approves it, and a standard change must fit it', async () => {
    // given: two CIs, one of them in the model's scope
    const inScope = (await h.record('ci', { name: 'sc-switch-01', ciType: 'network' })).id
    const outside = (await h.record('ci', { name: 'sc-switch-02', ciType: 'network' })).id
    const { context, page } = await loginPage(browser, app, 'change')
    // when: the change manager proposes a model on the catalogue page, through a new RFC
    await page.goto('/standard-changes')
    await page.getByRole('heading', { level: 1, name: 'Standard change catalogue' }).waitFor()
    await page.getByRole('button', { name: 'Propose a model' }).click()
    const form = page.getByRole('form', { name: 'Propose a standard change model' })
    await form.getByLabel('Name').fill('Switch port change')
    await form.getByLabel('Risk').fill('low: one port, template, instant roll-back')
    await form.getByLabel('Tasks').fill('Apply the port template\nVerify the link')
    await form.getByLabel('CIs in scope').selectOption([inScope])
    expect(await seriousViolations(page)).toEqual([])
    await form.getByRole('button', { name: 'Next: choose the RFC' }).click()
    await expect
      .poll(() => page.getByRole('table', { name: 'Proposed edit' }).textContent())
      .toContain('Switch port change')
    const rfc = await attachToNewRfc(page, 'Define the standard switch port change')
    // then: it waits for its change
    await expect
      .poll(() =>
        page.getByRole('region', { name: 'Proposed, awaiting their change' }).textContent(),
      )
      .toContain(rfc)
    // when: the RFC is assessed, approved by the CAB and implemented
    await implementChange(rfc)
    await page.reload()
    // then: the model is in the catalogue, approved through the RFC, with the CAB's decision
    const row = page.getByRole('row', { name: /Switch port change/ })
    await row.waitFor()
    const text = await row.textContent()
    expect(text).toContain(rfc)
    expect(text).toContain('CAB: cab')
    expect(text).toContain('Apply the port template')
    expect(text).toContain(inScope)
    expect(text).toContain('active')
    await screenshot(page, 'standard-change-catalogue')

    // when: a standard change of the model names a CI outside its scope
    const models = await (
      await h.as('change')
    ).get<{ id: string; name: string }[]>('/standard-change-models')
    const modelId = models.body.find((m) => m.name === 'Switch port change')!.id
    await page.goto('/cases/changes')
    await page.getByRole('button', { name: 'New change' }).click()
    const create = page.getByRole('form', { name: 'New change' })
    await create.getByLabel('Title').fill('Open port 12 on sc-switch')
    await create.getByLabel('CI', { exact: true }).selectOption(outside)
    await create.getByLabel('Standard (pre-approved model)').check()
    await create.getByLabel('Standard change model').selectOption(modelId)
    await expect
      .poll(() => create.getByRole('group', { name: `Model ${modelId}` }).textContent())
      .toContain('Verify the link')
    await create.getByLabel('Scope').fill('Port 12')
    await create.getByRole('button', { name: 'Create' }).click()
    // then: the form shows the server's reason, and nothing is recorded
    const refusal = create.getByRole('alert').filter({ hasText: 'outside the scope' })
    await refusal.waitFor()
    expect(await refusal.textContent()).toContain(`CI ${outside} is outside the scope`)
    expect(await refusal.textContent()).toContain('422')
    await screenshot(page, 'standard-change-refused')
    expect(await seriousViolations(page)).toEqual([])
    // when: it names the CI in scope
    await create.getByLabel('CI', { exact: true }).selectOption(inScope)
    await create.getByRole('button', { name: 'Create' }).click()
    // then: the standard change is recorded with its model, and its procedure skips the CAB
    await page.waitForURL(/\/cases\/changes\/RFC-\d+$/)
    const id = decodeURIComponent(page.url().split('/').pop()!)
    const instance = await h.instanceOf('change', id)
    await h.complete(instance, 'Task_ClassifyChange', {
      changeType: 'standard',
      changeNature: 'ci-change',
      affectedCiIds: [inScope],
    })
    await h.task(instance, 'Task_ScheduleChange')
    const path = await completedPath(h.engine.engine, instance)
    expect(path).toContain('Task_CheckStandardChange')
    expect(path).not.toContain('Task_CabDecision')
    expect((await h.cases.findCase('change', id))?.data).toMatchObject({
      changeType: 'standard',
      standardChangeModelId: modelId,
      standardChangeModelVersion: 1,
    })
    await context.close()
  })

  test('9.1: a desk member edits a controlled CI through an RFC, and the change procedure applies it', async () => {
    // given: a CI under change control owned by the service desk
    const ciId = (
      await h.record('ci', {
        name: 'desk-print-01',
        ciType: 'hardware',
        ownerGroup: 'service-desk',
        description: 'Print server',
        data: { underChangeControl: true },
      })
    ).id
    const { context, page } = await loginPage(browser, app, 'desk')
    await page.goto(`/cases/cis/${ciId}`)
    const editor = page.getByRole('form', { name: 'Edit case' })
    // when: the desk enters the edit in the usual form and proposes it
    await editor.getByLabel('Description').fill('Print server, floor 2')
    await editor.getByLabel('Vendor').fill('Acme')
    await editor.getByRole('button', { name: 'Propose edit through a change' }).click()
    // then: the diff is shown before anything is sent
    const diff = page.getByRole('table', { name: 'Proposed edit' })
    await expect.poll(() => diff.textContent()).toContain('Print server, floor 2')
    expect(await diff.textContent()).toContain('Acme')
    await screenshot(page, 'record-edit-proposal')
    expect(await seriousViolations(page)).toEqual([])
    const rfc = await attachToNewRfc(page, 'Record the move of the print server')
    // and: the CI is unchanged, its page lists the edit pending through the RFC
    const edits = page.getByRole('region', { name: 'Edits through changes' })
    await expect.poll(() => edits.textContent()).toContain(rfc)
    expect(await edits.textContent()).toContain('Pending')
    expect((await h.cases.find('ci', ciId))?.description).toBe('Print server')
    // when: the RFC's page is opened
    await page.goto(`/cases/changes/${rfc}`)
    const onRfc = page.getByRole('region', { name: 'Record edits' })
    await expect.poll(() => onRfc.textContent()).toContain(ciId)
    expect(await onRfc.textContent()).toContain('Pending')
    expect(await onRfc.textContent()).toContain('Print server, floor 2')
    // when: the change is approved and implemented by its procedure
    const instance = await implementChange(rfc)
    await page.reload()
    // then: the RFC shows the edit applied, and the CI carries it
    await expect.poll(() => onRfc.textContent(), { timeout: 20_000 }).toContain('Applied')
    await screenshot(page, 'record-edits-applied')
    const ci = await h.cases.find('ci', ciId)
    expect(ci).toMatchObject({ description: 'Print server, floor 2' })
    expect((ci?.data as Record<string, unknown>).vendor).toBe('Acme')
    const trail = await h.trail({ entityId: ciId })
    // the edit and the CMDB update after the deployment, both by the change's procedure
    const updates = trail.filter((e) => e.action === 'ci.updated')
    expect(updates.length).toBeGreaterThan(0)
    expect(updates.every((e) => e.processInstanceKey === instance)).toBe(true)
    await page.goto(`/cases/cis/${ciId}`)
    await expect
      .poll(() => page.getByRole('region', { name: 'Edits through changes' }).textContent())
      .toContain('Applied')
    await context.close()
  })

  test('9.1: a direct save refused with 409 shows the server message and offers the change', async () => {
    // given: the desk opens a CI not under change control, with live updates cut (so the page
    // does not learn that the CI is put under control meanwhile)
    const ciId = (
      await h.record('ci', {
        name: 'desk-scan-01',
        ciType: 'hardware',
        ownerGroup: 'service-desk',
        description: 'Scanner',
      })
    ).id
    const { context, page: first } = await loginPage(browser, app, 'desk')
    await context.routeWebSocket(/socket\.io/, (ws) => ws.close())
    await context.route(/socket\.io/, (route) => route.abort())
    await first.close()
    const page = await context.newPage()
    page.setDefaultTimeout(30_000)
    await page.goto(`/cases/cis/${ciId}`)
    const editor = page.getByRole('form', { name: 'Edit case' })
    await editor.getByRole('button', { name: 'Save' }).waitFor()
    const admin = await h.as('admin')
    const current = await admin.get<{ version: number }>(`/cis/${ciId}`)
    const controlled = await admin.patch(`/cis/${ciId}`, {
      version: current.body.version,
      data: { underChangeControl: true },
    })
    expect(controlled.status).toBe(200)
    // when: the desk saves an edit directly
    await editor.getByLabel('Description').fill('Scanner, floor 3')
    await editor.getByRole('button', { name: 'Save' }).click()
    // then: the server's message, naming the change's way, and a way to take it
    const alert = editor.getByRole('alert').filter({ hasText: 'under change control' })
    await alert.waitFor()
    const message = await alert.textContent()
    expect(message).toContain('409')
    expect(message).toContain(`CI ${ciId} is under change control (9.1)`)
    expect(message).toContain('POST /api/changes/{changeId}/record-edits')
    await screenshot(page, 'record-edit-409')
    await alert.getByRole('button', { name: 'Propose this edit through a change' }).click()
    await expect
      .poll(() => page.getByRole('table', { name: 'Proposed edit' }).textContent())
      .toContain('Scanner, floor 3')
    expect((await h.cases.find('ci', ciId))?.description).toBe('Scanner')
    await context.close()
  })
})
