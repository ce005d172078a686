/**
 * One activity stream per case in the browser (ISO/IEC 20000-1 8.1 communication with the
 * customer, 7.1): a service-desk member opens the task of a customer's incident, replies to the
 * customer and adds a work note from the task; the customer opens their case page and reads the
 * reply, while the work note stays with staff.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { repoRoot } from '../../server/src/server'
import { apiAs, launchBrowser, loginPage, screenshot, startApp, type App } from './support'

let app: App
let browser: Browser

interface TaskList {
  items: { id: string; caseId: string | null }[]
}

beforeAll(async () => {
  app = await startApp({ DEPLOY_PROCESSES: 'false' })
  browser = await launchBrowser()
  // the incident procedure of this test: one service-desk task
  const xml = readFileSync(join(import.meta.dirname, 'fixtures', 'browser-triage.bpmn'), 'utf8')
    .replace('id="browser-triage"', 'id="incident"')
    .replace('bpmnElement="browser-triage"', 'bpmnElement="incident"')
  await app.server.services.processes.deploy(
    [
      {
        name: 'incident-confirm.form',
        content: readFileSync(join(repoRoot, 'forms', 'incident-confirm.form')),
      },
      { name: 'incident.bpmn', content: Buffer.from(xml) },
    ],
    { actor: 'admin' },
  )
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

describe('activity stream', () => {
  test('staff reply from the task; the customer reads the reply on their case page, never the work note', async () => {
    // given a customer's incident whose task waits in the service desk's inbox
    const asCustomer = await apiAs(app, 'customer')
    const incident = await asCustomer<{ id: string }>('POST', '/incidents', {
      title: 'VPN drops every hour',
    })
    const asDesk = await apiAs(app, 'desk')
    let taskId = ''
    await expect
      .poll(
        async () => {
          const list = await asDesk<TaskList>('GET', `/tasks?view=all&caseId=${incident.id}`)
          taskId = list.items[0]?.id ?? ''
          return taskId
        },
        { timeout: 20_000 },
      )
      .not.toBe('')

    // when the desk member replies to the customer and adds a work note from the task
    const desk = await loginPage(browser, app, 'desk')
    await desk.page.goto(`/inbox/${taskId}`)
    // entries are read from the list, not the region: the region also holds the text box, whose
    // text content React keeps equal to what was typed, so the region shows a text before it is sent
    const stream = desk.page.getByRole('list', { name: 'Activity stream' })
    await stream.waitFor({ state: 'attached' })
    const box = desk.page.getByLabel('Reply to the customer or add a work note')
    await box.fill('We are replacing the VPN gateway tonight.')
    await desk.page.getByRole('button', { name: 'Reply to customer' }).click()
    await stream.getByText('We are replacing the VPN gateway tonight.').waitFor()
    // the box empties once the reply is sent (a live event may show it a moment earlier)
    await expect.poll(() => box.inputValue()).toBe('')
    await box.fill('Gateway firmware 4.2 is the suspect; vendor ticket 991.')
    await desk.page.getByRole('button', { name: 'Add work note' }).click()
    await stream.getByText('Gateway firmware 4.2 is the suspect; vendor ticket 991.').waitFor()
    expect(await stream.getByText('Work note (staff only)').count()).toBe(1)
    await screenshot(desk.page, 'activity-task')
    // the task links to its case page, which shows the same stream
    await desk.page.getByRole('link', { name: 'Open the case page' }).click()
    await desk.page.waitForURL(new RegExp(`/cases/incidents/${incident.id}$`))
    await desk.page
      .getByRole('list', { name: 'Activity stream' })
      .getByText('Gateway firmware 4.2 is the suspect; vendor ticket 991.')
      .waitFor()

    // then the customer's case page shows the reply and not the work note
    const customer = await loginPage(browser, app, 'customer')
    await customer.page.goto(`/cases/incidents/${incident.id}`)
    const theirs = customer.page.getByRole('list', { name: 'Activity stream' })
    await theirs.getByText('We are replacing the VPN gateway tonight.').waitFor()
    expect(await customer.page.getByText('vendor ticket 991').count()).toBe(0)
    expect(await customer.page.getByText('Work note').count()).toBe(0)
    expect(await customer.page.getByRole('button', { name: 'Add work note' }).count()).toBe(0)
    await screenshot(customer.page, 'activity-customer-case')

    // and the customer's answer reaches the desk's open case page live (socket.io)
    await customer.page.getByLabel('Reply', { exact: true }).fill('Thank you, I will try tomorrow.')
    await customer.page.getByRole('button', { name: 'Send reply' }).click()
    await theirs.getByText('Thank you, I will try tomorrow.').waitFor()
    await desk.page
      .getByRole('list', { name: 'Activity stream' })
      .getByText('Thank you, I will try tomorrow.')
      .waitFor()
    await customer.context.close()
    await desk.context.close()
  })
})
