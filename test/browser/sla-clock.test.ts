/**
 * Pausing and resuming the SLA clock of an incident in the browser (ISO/IEC 20000-1 8.1 e, 6.1):
 * a service desk member puts an incident being worked on in "waiting for the customer" with a
 * reason (a missing reason is a field error), sees it paused with who, when and why, resumes it
 * and sees the wait listed with the response and resolution due dates it moved. The customer who
 * raised it sees the wait but no controls.
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
}

describe('SLA clock', () => {
  test('8.1 e, 6.1: staff pause an incident waiting for the customer with a reason and resume it; the wait is listed with its moved due dates; the customer sees no controls', async () => {
    // given: an incident the customer raised, classified, its investigation under way
    const customer = await apiAs(app, 'customer')
    const { id } = await customer<{ id: string }>('POST', '/incidents', {
      title: 'Scanner prints blank pages',
    })
    const desk = await apiAs(app, 'desk')
    const taskOf = async (elementId: string) => {
      let task: TaskRow | undefined
      await expect
        .poll(
          async () => {
            const { items } = await desk<{ items: TaskRow[] }>(
              'GET',
              `/tasks?caseId=${id}&view=all`,
            )
            task = items.find((t) => t.elementId === elementId)
            return task !== undefined
          },
          { timeout: 30_000 },
        )
        .toBe(true)
      return task!
    }
    const classify = await taskOf('Task_ClassifyIncident')
    await desk('POST', `/tasks/${classify.id}/claim`)
    await desk('POST', `/tasks/${classify.id}/complete`, {
      data: { category: 'hardware', impact: 2, urgency: 2, assignedGroup: 'service-desk' },
    })
    await taskOf('Task_InvestigateAndDiagnose')

    const { context, page } = await loginPage(browser, app, 'desk')
    await page.goto(`/cases/incidents/${encodeURIComponent(id)}`)
    const clock = page.getByRole('region', { name: 'SLA clock' })
    await clock.waitFor()
    const state = clock.getByTestId('sla-clock-state')
    await expect.poll(() => state.textContent()).toContain('Running')
    expect(await clock.textContent()).toContain('No waits yet.')

    // and a colleague has the same incident open, without live updates (their page goes stale)
    const colleague = await loginPage(browser, app, 'desk2')
    await colleague.page.route('**/socket.io/**', (route) => route.abort())
    await colleague.page.routeWebSocket(/socket\.io/, (ws) => ws.close())
    await colleague.page.goto(`/cases/incidents/${encodeURIComponent(id)}`)
    const stalePause = colleague.page
      .getByRole('region', { name: 'SLA clock' })
      .getByRole('form', { name: 'Pause the SLA clock' })
    await stalePause.waitFor()

    // when: the desk member pauses without a reason
    const pause = clock.getByRole('form', { name: 'Pause the SLA clock' })
    await pause.getByLabel('Waiting for').selectOption({ label: 'Waiting for the customer' })
    await pause.getByRole('button', { name: 'Pause SLA clock' }).click()
    // then: the reason field says what is missing, and nothing is sent
    const reason = pause.getByLabel('Reason')
    await pause.getByText('Say why the SLA clock is paused.').waitFor()
    expect(await reason.getAttribute('aria-invalid')).toBe('true')
    expect(await reason.getAttribute('aria-describedby')).toBe('sla-pause-reason-error')
    expect(await seriousViolations(page)).toEqual([])

    // when: they give the reason and pause
    await reason.fill('Asked the customer for a sample page')
    await pause.getByRole('button', { name: 'Pause SLA clock' }).click()
    // then: the request is acknowledged and, once the procedure applied it, the clock is paused
    // with the status in words, who and why
    await page
      .getByTestId('toasts')
      .getByText(`Pause of the SLA clock of ${id} requested`)
      .waitFor()
    await expect
      .poll(() => state.textContent(), { timeout: 30_000, interval: 500 })
      .toContain('Paused')
    const paused = (await state.textContent()) ?? ''
    expect(paused).toContain('Waiting for the customer since')
    expect(paused).toContain('Asked the customer for a sample page')
    expect(paused).toContain('by Sam Service-Desk')
    expect(paused).not.toContain('waiting-for-customer')
    const waits = clock.getByRole('list', { name: 'Waits' })
    expect(await waits.textContent()).toContain('Paused by Sam Service-Desk')
    await screenshot(page, 'sla-clock-paused')
    expect(await seriousViolations(page)).toEqual([])

    // when: the colleague, whose page still shows the clock running, pauses it too
    await stalePause.getByLabel('Reason').fill('Waiting for the supplier')
    await stalePause.getByRole('button', { name: 'Pause SLA clock' }).click()
    // then: the server's refusal (409) is shown and the page catches up: the clock is paused
    const refusal = colleague.page.getByRole('region', { name: 'SLA clock' }).getByRole('alert')
    await expect.poll(() => refusal.textContent()).toContain('409')
    expect(await refusal.textContent()).toContain('can be paused only while it is being worked on')
    await expect
      .poll(() => colleague.page.getByTestId('sla-clock-state').textContent())
      .toContain('Paused')
    expect(await seriousViolations(colleague.page)).toEqual([])
    await colleague.context.close()

    // when: the customer looks at their incident, they see the wait and no controls
    const asCustomer = await loginPage(browser, app, 'customer')
    await asCustomer.page.goto(`/cases/incidents/${encodeURIComponent(id)}`)
    const customerClock = asCustomer.page.getByRole('region', { name: 'SLA clock' })
    await customerClock.waitFor()
    await expect.poll(() => customerClock.textContent()).toContain('Waiting for the customer')
    expect(await customerClock.getByRole('button').count()).toBe(0)
    expect(await customerClock.getByRole('form').count()).toBe(0)
    await asCustomer.context.close()

    // when: the desk member resumes it
    const resume = clock.getByRole('form', { name: 'Resume the SLA clock' })
    await resume.getByLabel('Reason for resuming (optional)').fill('Sample page received')
    await resume.getByRole('button', { name: 'Resume SLA clock' }).click()
    // then: the clock runs again and the wait is listed with who resumed it and the due dates
    // it moved (from → to)
    await expect
      .poll(() => state.textContent(), { timeout: 60_000, interval: 500 })
      .toContain('Running')
    await expect
      .poll(() => waits.textContent(), { timeout: 30_000, interval: 500 })
      .toContain('Resumed by Sam Service-Desk')
    const listed = (await waits.textContent()) ?? ''
    expect(listed).toContain('Waiting for the customer')
    expect(listed).toContain('Asked the customer for a sample page')
    expect(listed).toContain('Sample page received')
    expect(listed).toMatch(/Response due .+ → .+/)
    expect(listed).toMatch(/Resolution due .+ → .+/)
    await screenshot(page, 'sla-clock-resumed')
    expect(await seriousViolations(page)).toEqual([])
    await context.close()
  })
})
