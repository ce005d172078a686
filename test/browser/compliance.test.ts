/**
 * The auditor's walk through the compliance matrix in the browser (ISO/IEC 20000-1:2011 8.1 c,
 * 4.3.3): the service desk classifies an incident (over HTTP, as the desk would), then the
 * auditor opens Compliance, picks clause 8.1, takes the printable audit pack of the clause with a
 * stated seed, follows the sample of the classification step (Task_ClassifyIncident) into the
 * replay, which opens at that step, and verifies the evidence chain from there: the sample's hash
 * is the instance's entry, the chain badge says intact, and the requirement's evidence entries
 * verify.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  apiAs,
  cspViolations,
  launchBrowser,
  loginPage,
  screenshot,
  seriousViolations,
  startApp,
  watchCsp,
  type App,
} from './support'

let app: App
let browser: Browser

interface TaskList {
  items: { id: string; elementId: string; processInstanceKey: string }[]
}
interface DrillDown {
  instances: { processInstanceKey: string; elementId: string | null }[]
}
interface History {
  steps: { elementId: string; intent: string }[]
}

beforeAll(async () => {
  // the procedures of processes/ are deployed as on a first start
  app = await startApp()
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

/** An incident recorded and classified by the service desk; its instance's key. */
async function classifiedIncident(): Promise<{ id: string; instance: string }> {
  const desk = await apiAs(app, 'desk')
  const incident = await desk<{ id: string }>('POST', '/incidents', {
    title: 'Printers on floor 3 offline',
    data: { description: 'No printer answers since the switch was replaced' },
  })
  const admin = await apiAs(app, 'admin')
  let task: TaskList['items'][number] | undefined
  await expect
    .poll(
      async () => {
        const list = await admin<TaskList>('GET', `/tasks?view=all&caseId=${incident.id}`)
        task = list.items.find((t) => t.elementId === 'Task_ClassifyIncident')
        return task?.id ?? ''
      },
      { timeout: 30_000 },
    )
    .not.toBe('')
  await desk('POST', `/tasks/${task!.id}/claim`)
  await desk('POST', `/tasks/${task!.id}/complete`, {
    data: {
      category: 'hardware',
      impact: 2,
      urgency: 2,
      assignedGroup: 'service-desk',
      securityIncident: false,
      majorIncidentCandidate: false,
    },
  })
  return { id: incident.id, instance: task!.processInstanceKey }
}

/** Waits until the completion is in the evidence trail and in the replay's history. */
async function evidenced(instance: string): Promise<void> {
  const auditor = await apiAs(app, 'auditor')
  await expect
    .poll(
      async () => {
        const drill = await auditor<DrillDown>('GET', '/compliance/requirements/8.1-c')
        return drill.instances.some(
          (i) => i.processInstanceKey === instance && i.elementId === 'Task_ClassifyIncident',
        )
      },
      { timeout: 30_000 },
    )
    .toBe(true)
  await expect
    .poll(
      async () => {
        const h = await auditor<History>('GET', `/process-instances/${instance}/history`)
        return h.steps.some(
          (s) => s.elementId === 'Task_ClassifyIncident' && s.intent === 'ELEMENT_COMPLETED',
        )
      },
      { timeout: 30_000 },
    )
    .toBe(true)
}

describe('the auditor follows a requirement of 8.1 to its live evidence', () => {
  test('from Compliance and clause 8.1, a sample of the classification step opens the replay at that step, where the evidence chain verifies #8.1-c #4.3.3-1', async () => {
    // given an incident classified by the service desk
    const { id, instance } = await classifiedIncident()
    await evidenced(instance)

    // when the auditor opens Compliance from the menu and picks clause 8.1
    const { context, page } = await loginPage(browser, app, 'auditor')
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Compliance', exact: true })
      .click()
    await page.getByRole('heading', { name: 'Compliance', level: 1 }).waitFor()
    await page.getByLabel('Clause').selectOption('8.1')
    const matrix = page.getByRole('table', { name: 'Compliance matrix' })
    const row = matrix.locator('tr[data-requirement="8.1-c"]')
    const others = matrix.locator('tbody tr:not([data-requirement^="8.1-"])')
    await expect
      .poll(async () => [await row.count(), await others.count()], { timeout: 15_000 })
      .toEqual([1, 0])

    // then classification is carried by the classification step and evidenced in the period
    expect(await row.locator('td').nth(2).textContent()).toMatch(/Classify incident \([1-9]\d*\)/)
    expect(await row.getByText('Evidenced in the period').count()).toBe(1)
    await screenshot(page, 'compliance-matrix-8.1')
    expect(await seriousViolations(page)).toEqual([])

    // when the auditor takes the printable audit pack of 8.1 with a stated seed
    await page.getByLabel('Samples per requirement').fill('50')
    await page.getByLabel(/^Seed/).fill('issue-18')
    const printable = page.getByRole('link', { name: 'Audit pack (printable)' })
    const [pack] = await Promise.all([context.waitForEvent('page'), printable.click()])
    // an export that runs nothing and loads nothing, like the replay's printable report
    const packed = await context.request.get((await printable.getAttribute('href'))!)
    expect(packed.headers()['content-security-policy']).toContain("default-src 'none'")
    watchCsp(pack)
    await pack.waitForLoadState()
    expect(await pack.locator('p', { hasText: 'Sampling seed:' }).textContent()).toContain(
      'issue-18',
    )
    expect(await pack.locator('p', { hasText: /Evidence chain:.*verified intact/ }).count()).toBe(1)

    // then 8.1-c's samples hold the classification of the incident, its chain link verified
    const section = pack.locator('section', { has: pack.locator('h3', { hasText: /^8\.1-c / }) })
    const sample = section
      .locator('tbody tr', { hasText: 'Task_ClassifyIncident' })
      .filter({ hasText: id })
    expect(await sample.count()).toBe(1)
    const link = sample.getByRole('link', { name: 'replay' })
    const href = new URL((await link.getAttribute('href'))!, app.url)
    expect(href.pathname).toBe('/replay')
    expect(href.searchParams.get('instance')).toBe(instance)
    expect(href.searchParams.get('element')).toBe('Task_ClassifyIncident')
    const cells = sample.locator('td')
    const seq = (await cells.nth(0).textContent())!.trim()
    const hash = (await cells.nth(5).textContent())!.trim()
    expect(hash).toMatch(/^[0-9a-f]{64}$/)
    expect((await cells.nth(6).textContent())!.trim()).toBe('verified')
    await screenshot(pack, 'compliance-audit-pack-8.1')

    // when the auditor follows the sample into the replay
    const refusedBefore = cspViolations(pack).length
    await link.click()
    await pack.waitForURL(/\/replay\?/)
    const status = pack.getByTestId('evidence-status')
    await status.waitFor()

    // then the replay opens at the classification step, on the diagram and in the step detail
    const detail = pack.getByRole('region', { name: 'Step detail' })
    await expect
      .poll(() => detail.textContent(), { timeout: 15_000 })
      .toContain('Classify incident (Task_ClassifyIncident)')
    expect(await detail.getByTestId('step-requirements').textContent()).toContain('8.1-c')
    const current = pack.locator('.djs-element[data-element-id="Task_ClassifyIncident"]')
    await expect
      .poll(() => current.getAttribute('class'), { timeout: 15_000 })
      .toContain('marker-current')
    expect(
      await pack
        .getByRole('list', { name: 'Steps' })
        .locator('[aria-current="step"]')
        .textContent(),
    ).toContain('completed Classify incident')
    // the diagram keeps the bpmn.io watermark
    expect(await pack.locator('.bjs-powered-by').first().isVisible()).toBe(true)

    // and the evidence chain verifies from there: the badge, and the sample is the instance's entry
    await expect.poll(() => status.textContent()).toMatch(/^Evidence chain intact/)
    const entries = pack.getByRole('table', { name: 'Evidence entries of this instance' })
    const entry = entries.locator('tbody tr', { has: pack.locator(`code[title="${hash}"]`) })
    expect(await entry.count()).toBe(1)
    expect((await entry.locator('td').first().textContent())!.trim()).toBe(seq)
    await screenshot(pack, 'compliance-replay-classification')

    // when the auditor goes on from the step's requirement to its evidence entries
    await detail.getByRole('link', { name: '8.1-c', exact: true }).click()
    await pack.getByRole('heading', { name: /^8\.1-c/, level: 1 }).waitFor()
    expect(await pack.getByRole('link', { name: `Replay ${instance}`, exact: true }).count()).toBe(
      1,
    )
    expect(await seriousViolations(pack)).toEqual([])
    await pack.getByRole('link', { name: 'Open the evidence entries' }).click()
    const list = pack.getByRole('table', { name: 'Evidence entries', exact: true })
    await list.waitFor()
    expect(await pack.getByLabel('Requirement').inputValue()).toBe('8.1-c')

    // then the sampled entry is among them and the whole chain verifies
    expect(await list.locator('tbody tr', { hasText: hash.slice(0, 12) }).count()).toBe(1)
    await pack.getByRole('button', { name: 'Verify chain' }).click()
    await expect
      .poll(() => pack.getByRole('status').filter({ hasText: 'evidence chain' }).textContent())
      .toMatch(/^The evidence chain is intact \(\d+ entries\)\./)
    expect(cspViolations(page)).toEqual([])
    // the app's pages ran under its Content-Security-Policy without a refusal
    expect(cspViolations(pack).slice(refusedBefore)).toEqual([])
    await context.close()
  })
})
