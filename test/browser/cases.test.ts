/**
 * Cases in the browser on embedded defaults (processes deployed on start): creating an incident
 * starts its process and its first task reaches the inbox (8.1); a customer raises a request
 * and sees only their own; the CMDB shows a CI's relations as a graph (9.1); the change
 * calendar, service reports (6.2) and the evidence trail (4.3.3) render.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  apiAs,
  deployThroughApproval,
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

describe('cases', () => {
  test('creating an incident starts its process and its first task reaches the inbox', async () => {
    // given
    const { context, page } = await loginPage(browser, app, 'desk')
    await page.goto('/cases/incidents')
    // when
    await page.getByRole('button', { name: 'New incident' }).click()
    const form = page.getByRole('form', { name: 'New incident' })
    await form.getByLabel('Title *').fill('E-mail is down for the finance team')
    // the case's data is its kind's form, rendered by form-js
    await form.getByLabel('Description').fill('Outlook cannot connect since 9:00.')
    await form.getByLabel('Information security incident').check()
    await expect.poll(() => form.getByLabel('Service').locator('option').count()).toBeGreaterThan(1)
    await form.getByLabel('Service').selectOption({ index: 1 })
    await form.getByLabel('Priority', { exact: true }).selectOption('2')
    // what only the procedure sets is not offered on a new case (8.1)
    expect(await form.getByLabel('Major incident').count()).toBe(0)
    await form.getByRole('button', { name: 'Create' }).click()
    // then the case page shows the process instance it started
    await page.waitForURL(/\/cases\/incidents\/INC-\d+$/)
    const caseId = decodeURIComponent(page.url().split('/').pop()!)
    const desk = await apiAs(app, 'desk')
    const created = await desk<{ data: Record<string, unknown> }>('GET', `/incidents/${caseId}`)
    expect(created.data).toMatchObject({
      description: 'Outlook cannot connect since 9:00.',
      securityIncident: true,
    })
    const instances = page.getByRole('region', { name: 'Process instances' })
    await expect.poll(() => instances.textContent()).toContain('incident v1')
    // and it can be linked to the affected CI (8.1 records affected CIs)
    const linkForm = page.getByRole('form', { name: 'Link a case' })
    await linkForm.getByLabel('Kind').selectOption('ci')
    await linkForm.getByLabel('Id').fill('CI-000001')
    await linkForm.getByLabel('Link type').fill('affects')
    await linkForm.getByRole('button', { name: 'Link' }).click()
    const linked = page.getByRole('region', { name: 'Linked cases' })
    await expect.poll(() => linked.textContent()).toContain('affects → CI-000001')
    await screenshot(page, 'case-detail')
    // and its status history shows the classification task's change (8.1 d)
    const history = page.getByRole('region', { name: 'Status history' })
    await expect.poll(() => history.textContent()).toContain('No change yet.')
    let classify: { id: string } | undefined
    await expect
      .poll(
        async () => {
          const { items } = await desk<{ items: { id: string; elementId: string }[] }>(
            'GET',
            `/tasks?caseId=${caseId}&view=all`,
          )
          classify = items.find((t) => t.elementId === 'Task_ClassifyIncident')
          return classify !== undefined
        },
        { timeout: 15_000 },
      )
      .toBe(true)
    await desk('POST', `/tasks/${classify!.id}/claim`)
    await desk('POST', `/tasks/${classify!.id}/complete`, {
      data: { category: 'software', impact: 2, urgency: 2, assignedGroup: 'service-desk' },
    })
    await expect.poll(() => history.textContent()).toContain('Task_ClassifyIncident')
    expect(await history.textContent()).toContain('classified')
    // its first user task is in the service desk's inbox
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Inbox' })
      .click()
    await expect
      .poll(
        async () => page.locator('table[aria-label="Tasks"] tbody tr', { hasText: caseId }).count(),
        { timeout: 15_000 },
      )
      .toBe(1)
    await context.close()
  })

  test('files are attached to a case on its page and beside its task, and downloaded again', async () => {
    // given an incident the service desk works
    const desk = await apiAs(app, 'desk')
    const incident = await desk<{ id: string }>('POST', '/incidents', {
      title: 'Scanner drops pages',
    })
    const { context, page } = await loginPage(browser, app, 'desk')
    await page.goto(`/cases/incidents/${incident.id}`)
    const files = page.getByRole('region', { name: /^Attachments/ })
    // when a log file is attached on the case page
    await files.getByLabel('Attach files').setInputFiles({
      name: 'scanner.log',
      mimeType: 'text/plain',
      buffer: Buffer.from('paper jam at page 3\n'),
    })
    // then it is listed and downloads with its content
    await expect.poll(() => files.getByRole('heading').textContent()).toBe('Attachments (1)')
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      files.getByRole('link', { name: 'scanner.log' }).click(),
    ])
    const path = await download.path()
    const { readFile } = await import('node:fs/promises')
    expect(await readFile(path, 'utf8')).toBe('paper jam at page 3\n')
    // and beside the incident's first task a screenshot is added to the same case
    let task = ''
    await expect
      .poll(
        async () => {
          const open = await desk<{ items: { id: string }[] }>(
            'GET',
            `/tasks?caseId=${incident.id}`,
          )
          task = open.items[0]?.id ?? ''
          return task
        },
        { timeout: 15_000 },
      )
      .not.toBe('')
    await page.goto(`/inbox/${task}`)
    const beside = page
      .getByRole('complementary', { name: 'Case context' })
      .getByRole('region', { name: /^Attachments/ })
    await expect.poll(() => beside.getByRole('heading').textContent()).toBe('Attachments (1)')
    await beside.getByLabel('Attach files').setInputFiles({
      name: 'scan.png',
      mimeType: 'image/png',
      buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47]),
    })
    await expect.poll(() => beside.getByRole('heading').textContent()).toBe('Attachments (2)')
    await screenshot(page, 'task-attachments')
    const stored = await desk<{ name: string; uploadedBy: string }[]>(
      'GET',
      `/incidents/${incident.id}/attachments`,
    )
    expect(stored.map((a) => [a.name, a.uploadedBy])).toEqual([
      ['scanner.log', 'desk'],
      ['scan.png', 'desk'],
    ])
    await context.close()
  })

  test("a case's details are edited in its form; the server's field errors land on the fields (4.3.3)", async () => {
    // given a known error recorded by the desk
    const desk = await apiAs(app, 'desk')
    const ke = await desk<{ id: string }>('POST', '/known-errors', {
      title: 'Print queue stalls',
      assignedGroup: 'service-desk',
      data: { workaround: 'Restart the spooler' },
    })
    const { context, page } = await loginPage(browser, app, 'desk')
    await page.goto(`/cases/known-errors/${ke.id}`)
    const editor = page.getByRole('form', { name: 'Edit case' })
    // when the desk records the symptoms in the form and saves
    await editor.getByLabel('Symptoms').fill('Jobs stay queued')
    await editor.getByRole('button', { name: 'Save' }).click()
    // then only the change is stored, next to what was there
    await expect
      .poll(async () => (await desk<{ data: unknown }>('GET', `/known-errors/${ke.id}`)).data)
      .toEqual({ workaround: 'Restart the spooler', symptoms: 'Jobs stay queued' })
    // when a request the browser would not send reaches the server (altered on its way)
    await page.route(`**/api/known-errors/${ke.id}`, async (route) => {
      if (route.request().method() !== 'PATCH') return route.continue()
      const body = JSON.parse(route.request().postData() ?? '{}') as Record<string, unknown>
      await route.continue({
        postData: JSON.stringify({ ...body, data: { problemId: 'x'.repeat(41) } }),
      })
    })
    await page.reload()
    await page.getByRole('form', { name: 'Edit case' }).getByLabel('Root cause').fill('Disk full')
    await page
      .getByRole('form', { name: 'Edit case' })
      .getByRole('button', { name: 'Save' })
      .click()
    // then the field the server names shows its message
    const problemField = page
      .getByRole('form', { name: 'Edit case' })
      .locator('.fjs-form-field', { has: page.getByLabel('Problem', { exact: true }) })
    await expect.poll(() => problemField.textContent()).toContain('must NOT have more than 40')
    await screenshot(page, 'case-data-field-errors')
    await context.close()
  })

  test('after a new version of a process is deployed, a new case runs on it (4.3.2)', async () => {
    // given version 2 of the incident process, approved and deployed
    const admin = await apiAs(app, 'admin')
    const latest = await admin<{ xml: string; version: number }>(
      'GET',
      '/processes/incident/versions/latest',
    )
    const v2 = latest.xml.replace(
      /(<bpmn:process id="incident"[^>]*name=")([^"]*)"/,
      '$1$2 (revised)"',
    )
    expect(v2).not.toBe(latest.xml)
    await deployThroughApproval(app, v2, 'incident')
    const { context, page } = await loginPage(browser, app, 'desk')
    // when a new incident is created
    await page.goto('/cases/incidents')
    await page.getByRole('button', { name: 'New incident' }).click()
    const form = page.getByRole('form', { name: 'New incident' })
    await form.getByLabel('Title *').fill('VPN drops every hour')
    await form.getByRole('button', { name: 'Create' }).click()
    // then its process instance runs on the new version
    await page.waitForURL(/\/cases\/incidents\/INC-\d+$/)
    const instances = page.getByRole('region', { name: 'Process instances' })
    await expect.poll(() => instances.textContent()).toContain(`incident v${latest.version + 1}`)
    await context.close()
    // and the processes list shows the old version superseded
    const owner = await loginPage(browser, app, 'owner')
    await owner.page.goto('/processes')
    const versions = owner.page.getByRole('table', { name: /Versions of Incident management/ })
    await expect.poll(() => versions.textContent()).toContain('superseded')
    await screenshot(owner.page, 'processes')
    await owner.context.close()
  })

  test('a customer raises a service request and sees it in their requests', async () => {
    // given
    const { context, page } = await loginPage(browser, app, 'customer')
    const section = page.getByRole('region', { name: 'Service requests' })
    // when
    await section.getByRole('button', { name: 'New service request' }).click()
    // 6.1: what is requested is an item of the service catalogue in force
    await section.getByLabel('What do you need? *').selectOption({ label: 'New mailbox' })
    await section.getByLabel('Title *').fill('Mailbox for a starter')
    await section.getByRole('button', { name: 'Create' }).click()
    // then
    await expect.poll(() => section.getByRole('status').textContent()).toMatch(/Created REQ-\d+/)
    await expect
      .poll(() => section.getByRole('table').textContent())
      .toContain('Mailbox for a starter')
    await screenshot(page, 'my-requests')
    await context.close()
  })

  test('a CI shows its relations as a graph and its change history', async () => {
    // given a seeded CI with relations
    const { context, page } = await loginPage(browser, app, 'desk')
    await page.goto('/cases/cis')
    const table = page.getByRole('table', { name: 'Configuration items' })
    await table.waitFor()
    // the queue sorts on the server by a column header
    await table.getByRole('button', { name: 'Name' }).click()
    await expect
      .poll(() => table.getByRole('columnheader', { name: /Name/ }).getAttribute('aria-sort'))
      .toBe('ascending')
    await expect
      .poll(async () => {
        const names = await table.locator('tbody tr td:nth-child(2)').allTextContents()
        return names.length > 1 && names.join('|') === [...names].sort().join('|')
      })
      .toBe(true)
    const first = table.locator('tbody tr a').first()
    // when
    await first.click()
    // then
    const graph = page.locator('svg[aria-label^="Relations of"]')
    await graph.waitFor()
    expect(await graph.locator('a').count()).toBeGreaterThan(0)
    expect(await page.getByRole('region', { name: 'Change history' }).textContent()).toContain(
      'created',
    )
    await screenshot(page, 'ci-detail')
    await context.close()
  })

  test('an administrator editing an agreed SLA target is sent to change control (6.1, 9.2)', async () => {
    // given a seeded, agreed SLA
    const { context, page } = await loginPage(browser, app, 'admin')
    await page.goto('/cases/slas')
    await page.getByRole('table', { name: 'SLAs' }).locator('tbody tr a').first().click()
    const targets = page.getByRole('region', { name: 'Targets' })
    await targets.getByRole('table').waitFor()
    const before = await targets.getByRole('row', { name: /\(priority 1\)/ }).textContent()
    // when
    await targets.getByRole('button', { name: 'Edit targets' }).click()
    await targets.getByLabel('P1 resolution minutes').fill('45')
    await targets.getByRole('button', { name: 'Propose targets through a change' }).click()
    // then the edit is proposed through an RFC, with its diff, and nothing is saved directly
    await expect
      .poll(() => targets.getByRole('table', { name: 'Proposed edit' }).textContent())
      .toMatch(/P1 Resolution minutes.*45/)
    expect(await targets.getByRole('form', { name: 'Propose through a change' }).count()).toBe(1)
    await page.reload()
    await targets.getByRole('table').waitFor()
    expect(await targets.getByRole('row', { name: /\(priority 1\)/ }).textContent()).toBe(before)
    await screenshot(page, 'sla-detail')
    await context.close()
  })

  test('reports, change calendar and the evidence trail render for an auditor', async () => {
    // given
    const { context, page } = await loginPage(browser, app, 'auditor')
    // when / then
    await page.goto('/reports')
    // the reports are run and stored on the server (test/browser/reports.test.ts runs one)
    await page.getByRole('table', { name: 'Stored reports' }).waitFor()
    await screenshot(page, 'reports')
    // two changes planned in overlapping windows on the same CI (9.2)
    const change = await apiAs(app, 'change')
    // three days ahead: later than the demo change policy's lead times (9.2)
    const ahead = new Date(Date.now() + 3 * 86_400_000)
    const day = ahead.toISOString().slice(0, 10)
    for (const [title, from, to] of [
      ['Patch the database server', '20:00', '22:00'],
      ['Upgrade the ERP application', '21:00', '23:00'],
    ] as const) {
      await change('POST', '/changes', {
        title,
        ciId: 'CI-000001',
        data: {
          scope: title,
          plannedStart: `${day}T${from}:00.000Z`,
          plannedEnd: `${day}T${to}:00.000Z`,
        },
      })
    }
    await page.goto('/calendar')
    await page.getByRole('group', { name: /^Changes in/ }).waitFor()
    if (ahead.getUTCMonth() !== new Date().getUTCMonth()) {
      await page.getByRole('button', { name: 'Next month' }).click()
    }
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toMatch(/RFC-\d+ overlaps RFC-\d+/)
    expect(await page.locator('.calendar a.conflict').count()).toBe(2)
    await screenshot(page, 'change-calendar')
    await page.goto('/evidence')
    await page.getByRole('button', { name: 'Verify chain' }).click()
    await expect.poll(() => page.getByRole('status').textContent()).toContain('intact')
    expect(
      await page.locator('table[aria-label="Evidence entries"] tbody tr').count(),
    ).toBeGreaterThan(0)
    await screenshot(page, 'evidence')
    await context.close()
  })
})
