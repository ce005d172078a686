/**
 * Escalating an incident to major in the browser (ISO/IEC 20000-1 8.1): a service desk member
 * opens an incident, escalates it with a reason, sees it marked major, and the major incident
 * task (assign a major incident manager) reaches the inbox of the service desk, the group the
 * procedure offers it to.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
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

beforeAll(async () => {
  app = await startApp()
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

interface TaskRow {
  id: string
  elementId: string
  caseId?: string | null
  candidateGroups: string[]
}

describe('major incident escalation', () => {
  test('8.1: a desk member escalates an incident to major with a reason; it shows as major and the major incident task reaches the service desk', async () => {
    // given: an incident whose procedure has started (it waits for classification)
    const desk = await apiAs(app, 'desk')
    const { id } = await desk<{ id: string }>('POST', '/incidents', {
      title: 'Trading floor phones dead',
    })
    await expect
      .poll(
        async () =>
          (await desk<{ items: TaskRow[] }>('GET', `/tasks?caseId=${id}&view=all`)).items.some(
            (t) => t.elementId === 'Task_ClassifyIncident',
          ),
        { timeout: 30_000 },
      )
      .toBe(true)
    const { context, page } = await loginPage(browser, app, 'desk')
    await page.goto(`/cases/incidents/${encodeURIComponent(id)}`)
    const escalation = page.getByRole('region', { name: 'Escalate to major incident' })
    await escalation.waitFor()
    // the button waits for a reason
    const button = escalation.getByRole('button', { name: 'Escalate to major' })
    expect(await button.isDisabled()).toBe(true)

    // when: the desk member gives the reason and escalates
    await escalation
      .getByLabel('Why it meets the major incident definition')
      .fill('All 200 traders are without phones')
    await button.click()

    // then: the escalation is acknowledged, and once the procedure recorded it the incident is
    // marked major with who escalated it and why
    // (the page may already show the recorded escalation instead of the acknowledgement)
    await expect
      .poll(async () =>
        (await escalation.count()) ? escalation.getByRole('status').count() : 'recorded',
      )
      .not.toBe(0)
    const major = page.getByRole('region', { name: 'Major incident', exact: true })
    await expect
      .poll(
        async () => {
          if (await major.count()) return major.textContent()
          await page.reload()
          await page.getByRole('heading', { level: 1 }).first().waitFor()
          return (await major.count()) ? major.textContent() : ''
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toContain('escalated by desk: All 200 traders are without phones')
    expect(await page.getByRole('region', { name: 'Escalate to major incident' }).count()).toBe(0)
    await screenshot(page, 'incident-escalated-to-major')
    expect(await seriousViolations(page)).toEqual([])

    // and a colleague of the service desk finds the major incident task in the inbox
    const colleague = await loginPage(browser, app, 'desk2')
    await colleague.page.goto('/inbox')
    const row = colleague.page.locator('table[aria-label="Tasks"] tbody tr', {
      hasText: 'Assign major incident manager',
    })
    await row.first().waitFor({ timeout: 30_000 })
    expect(await row.count()).toBe(1)
    expect(await row.textContent()).toContain(id)
    const taskId = (await row.getAttribute('data-task-id')) ?? ''
    const desk2 = await apiAs(app, 'desk2')
    const detail = await desk2<{ task: TaskRow }>('GET', `/tasks/${taskId}`)
    expect(detail.task).toMatchObject({
      elementId: 'Task_AssignEscalatedMajorIncidentManager',
      candidateGroups: ['service-desk'],
    })
    await screenshot(colleague.page, 'inbox-major-incident-task')
    await colleague.context.close()
    await context.close()
  })
})
