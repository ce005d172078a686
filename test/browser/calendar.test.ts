/**
 * The schedule of change and finished records in the browser (ISO/IEC 20000-1 9.2, 4.3.3), on
 * embedded defaults with the real procedures: a change scheduled in its procedure's
 * `Task_ScheduleChange` shows on the change calendar from its record, in conflict with another
 * change to the same CI; a date-time field holding a date without its time blocks saving instead
 * of being submitted empty; a closed case's page offers no edit controls (the server answers 409
 * anyway), while an open one does.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { apiAs, launchBrowser, loginPage, screenshot, startApp, type App } from './support'

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

type Call = Awaited<ReturnType<typeof apiAs>>

/** Waits for the open task of `elementId` on the case, claims and completes it as `who`. */
async function completeTask(
  who: Call,
  caseId: string,
  elementId: string,
  data: Record<string, unknown>,
) {
  let task: { id: string } | undefined
  await expect
    .poll(
      async () => {
        const { items } = await who<{ items: { id: string; elementId: string; state: string }[] }>(
          'GET',
          `/tasks?caseId=${caseId}&view=all`,
        )
        task = items.find(
          (t) => t.elementId === elementId && (t.state === 'open' || t.state === 'claimed'),
        )
        return task !== undefined
      },
      { timeout: 20_000 },
    )
    .toBe(true)
  await who('POST', `/tasks/${task!.id}/claim`)
  await who('POST', `/tasks/${task!.id}/complete`, { data })
}

describe('change calendar and finished cases', () => {
  test('9.2: a change scheduled in its procedure shows on the calendar, its conflict flagged', async () => {
    // given: a CI, and an RFC on it planned for tonight (UTC, the calendar's frame)
    const admin = await apiAs(app, 'admin')
    const change = await apiAs(app, 'change')
    const ci = await admin<{ id: string }>('POST', '/cis', {
      name: 'calendar-ledger-db',
      ciType: 'database',
    })
    // three days ahead: later than the demo change policy's lead times (9.2)
    const ahead = new Date(Date.now() + 3 * 86_400_000)
    const day = ahead.toISOString().slice(0, 10)
    const planned = await change<{ id: string }>('POST', '/changes', {
      title: 'Patch the ledger database',
      ciId: ci.id,
      data: { scope: 'Patch', plannedStart: `${day}T20:00`, plannedEnd: `${day}T22:00` },
    })
    // when: another RFC is assessed, approved by the CAB (someone other than its recorder: 4.1.3)
    // and scheduled by the change manager on the same CI
    const cab = await apiAs(app, 'cab')
    const rfc = await change<{ id: string }>('POST', '/changes', {
      title: 'Rebuild ledger indexes',
      data: { scope: 'Indexes' },
    })
    await completeTask(change, rfc.id, 'Task_ClassifyChange', {
      changeType: 'normal',
      changeNature: 'ci-change',
    })
    await completeTask(change, rfc.id, 'Task_AssessChange', {
      riskLevel: 'low',
      securityRisk: 'low',
      estimatedCost: 1,
      remediationPlan: 'Rebuild again',
    })
    await completeTask(cab, rfc.id, 'Task_CabDecision', {
      riskAssessment: 'r',
      impactOnServices: 'i',
      businessBenefit: 'b',
      technicalFeasibility: 't',
      financialImpact: 'f',
      approved: true,
      decisionRationale: 'ok',
    })
    await completeTask(change, rfc.id, 'Task_ScheduleChange', {
      plannedStart: `${day}T21:00`,
      plannedEnd: `${day}T23:30`,
      ciId: ci.id,
    })
    await expect
      .poll(async () => (await change<{ status: string }>('GET', `/changes/${rfc.id}`)).status, {
        timeout: 20_000,
      })
      .toBe('scheduled')
    const { context, page } = await loginPage(browser, app, 'change')
    await page.goto('/calendar')
    if (ahead.getUTCMonth() !== new Date().getUTCMonth()) {
      await page.getByRole('button', { name: 'Next month' }).click()
    }
    // then: the scheduled change is on the calendar with its window from the record
    const list = page.getByRole('table', { name: 'Scheduled changes' })
    const row = list.getByRole('row', { name: new RegExp(`^${rfc.id} Rebuild`) })
    await expect.poll(() => row.textContent()).toContain(`${day}T21:00`)
    expect(await row.textContent()).toContain(`${day}T23:30`)
    expect(await row.textContent()).toContain('calendar-ledger-db')
    // and: the conflict is visible, on the day, in the list and in the alert
    expect(await row.textContent()).toContain(planned.id)
    await expect
      .poll(() => page.getByRole('alert', { name: 'Schedule conflicts' }).textContent())
      .toContain(`overlaps`)
    const alert = await page.getByRole('alert', { name: 'Schedule conflicts' }).textContent()
    expect(alert).toContain(rfc.id)
    expect(alert).toContain(planned.id)
    expect(alert).toContain('calendar-ledger-db')
    const onDay = page.locator('.calendar a.conflict', { hasText: rfc.id })
    expect(await onDay.count()).toBe(1)
    expect(await onDay.getAttribute('title')).toContain(planned.id)
    await screenshot(page, 'change-calendar-scheduled')
    await context.close()
  })

  test('4.3.3: a date without its time in a date-time field is not dropped: saving is refused', async () => {
    // given: an RFC without a planned window, opened by the change manager
    const change = await apiAs(app, 'change')
    const rfc = await change<{ id: string; version: number }>('POST', '/changes', {
      title: 'Move the file share',
      data: { scope: 'Share' },
    })
    const { context, page } = await loginPage(browser, app, 'change')
    let patches = 0
    page.on('request', (r) => {
      if (r.method() === 'PATCH' && r.url().includes(`/api/changes/${rfc.id}`)) patches++
    })
    await page.goto(`/cases/changes/${rfc.id}`)
    const editor = page.getByRole('form', { name: 'Edit case' })
    // when: only the date of the planned start is entered, and the RFC saved
    const date = editor.getByLabel('Planned start', { exact: true })
    await date.waitFor({ timeout: 20_000 })
    await date.fill('12/10/2026')
    await date.press('Enter')
    // the date picker's calendar closes, so that Save can be reached
    await date.press('Escape')
    await page.getByRole('heading', { name: new RegExp(rfc.id) }).click()
    await editor.getByRole('button', { name: 'Save' }).click({ timeout: 10_000 })
    // then: the field says a time is missing, nothing is sent, the record is as it was
    await screenshot(page, 'case-date-without-time')
    const field = editor.locator('.fjs-form-field-datetime', {
      has: page.getByLabel('Planned start', { exact: true }),
    })
    await expect.poll(() => field.textContent()).toContain('Date and time must both be entered.')
    expect(patches).toBe(0)
    const stored = await change<{ version: number; data: Record<string, unknown> }>(
      'GET',
      `/changes/${rfc.id}`,
    )
    expect(stored.version).toBe(rfc.version)
    expect(stored.data.plannedStart).toBeUndefined()
    await context.close()
  }, 120_000)

  test('4.3.3: a closed case has no edit controls; an open one has', async () => {
    // given: two known errors (their status is set by people), one of them closed
    const desk = await apiAs(app, 'desk')
    const open = await desk<{ id: string }>('POST', '/known-errors', {
      title: 'Spooler stalls',
      assignedGroup: 'service-desk',
      data: { workaround: 'Restart the spooler' },
    })
    const done = await desk<{ id: string; version: number }>('POST', '/known-errors', {
      title: 'Old VPN client drops',
      assignedGroup: 'service-desk',
      data: { workaround: 'Reconnect' },
    })
    await desk('PATCH', `/known-errors/${done.id}`, { version: done.version, status: 'closed' })
    const { context, page } = await loginPage(browser, app, 'desk')
    // when: the desk opens the open one
    await page.goto(`/cases/known-errors/${open.id}`)
    // then: it can be edited
    await page.getByRole('form', { name: 'Edit case' }).waitFor()
    expect(await page.getByRole('button', { name: 'Save' }).count()).toBe(1)
    // when: the desk opens the closed one
    await page.goto(`/cases/known-errors/${done.id}`)
    await page.getByRole('heading', { name: new RegExp(done.id) }).waitFor()
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'can no longer be edited' }).count())
      .toBe(1)
    // then: no edit form, no save, no link form; the activity stream stays open to staff
    expect(await page.getByRole('form', { name: 'Edit case' }).count()).toBe(0)
    expect(await page.getByRole('button', { name: 'Save' }).count()).toBe(0)
    expect(await page.getByRole('form', { name: 'Link a case' }).count()).toBe(0)
    expect(await page.getByRole('form', { name: 'Write in the activity' }).count()).toBe(1)
    await screenshot(page, 'case-closed-no-edit')
    await context.close()
  })
})
