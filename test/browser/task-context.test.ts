/**
 * The task shows what the decision needs, in the browser (ISO/IEC 20000-1 9.2, 8.1): the shipped
 * procedures declare which record fields a task shows (`context:` properties), and the task page
 * shows them read-only above the form. The CAB decision page shows the assessment the change
 * manager recorded; the customer's confirmation shows the resolution they confirm.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { apiAs, launchBrowser, loginPage, screenshot, startApp, type App } from './support'

let app: App
let browser: Browser

interface TaskList {
  items: { id: string; elementId: string; state: string; caseId: string | null }[]
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

/** Waits for the open task of `elementId` of a case, claims and completes it as `username`. */
async function work(
  username: string,
  caseId: string,
  elementId: string,
  data: Record<string, unknown>,
): Promise<void> {
  const call = await apiAs(app, username)
  const id = await waitForTask(caseId, elementId)
  await call('POST', `/tasks/${id}/claim`)
  await call('POST', `/tasks/${id}/complete`, { data })
}

async function waitForTask(caseId: string, elementId: string): Promise<string> {
  const admin = await apiAs(app, 'admin')
  let id = ''
  await expect
    .poll(
      async () => {
        const list = await admin<TaskList>('GET', `/tasks?view=all&caseId=${caseId}`)
        id = list.items.find((t) => t.elementId === elementId)?.id ?? ''
        return id
      },
      { timeout: 30_000 },
    )
    .not.toBe('')
  return id
}

describe('the task page shows the record fields its diagram declares', () => {
  test('9.2: the CAB decision page shows the assessment, and the requester is told someone else decides', async () => {
    // given an RFC recorded and assessed by a change manager
    const change = await apiAs(app, 'change')
    const ci = await (
      await apiAs(app, 'admin')
    )<{ id: string }>('POST', '/cis', { name: 'billing-db', ciType: 'database' })
    const rfc = await change<{ id: string }>('POST', '/changes', {
      title: 'Upgrade the billing database',
      data: { scope: 'Billing DB 16', reason: 'Vendor support ends' },
    })
    await work('change', rfc.id, 'Task_ClassifyChange', {
      changeType: 'normal',
      changeNature: 'ci-change',
      potentialMajorImpact: false,
      affectedCiIds: [ci.id],
    })
    await work('change', rfc.id, 'Task_AssessChange', {
      riskLevel: 'high',
      securityRisk: 'medium',
      estimatedCost: 4200,
      remediationPlan: 'Fail back to the replica on 15',
    })
    const taskId = await waitForTask(rfc.id, 'Task_CabDecision')

    // when a CAB member opens the decision
    const { context, page } = await loginPage(browser, app, 'cab')
    await page.goto(`/inbox/${taskId}`)
    const record = page.getByRole('region', { name: 'From the record' })
    await record.waitFor()

    // then the assessment is there, read-only, with the CI's name instead of its id
    const value = (field: string) => record.locator(`[data-field="${field}"]`)
    expect(await value('risk').textContent()).toBe('high')
    expect(await value('securityRisk').textContent()).toBe('medium')
    expect(await value('cost').textContent()).toBe('4200')
    expect(await value('remediationPlan').textContent()).toBe('Fail back to the replica on 15')
    expect(await value('affectedCis').textContent()).toBe('billing-db')
    expect(await value('changeNature').textContent()).toBe('CI change')
    await expect.poll(() => record.getByText('Information security risk').count()).toBe(1)
    expect(await record.locator('input, textarea, select').count()).toBe(0)
    await screenshot(page, 'cab-decision-context')
    await context.close()

    // and the RFC's requester (also on the CAB) is told why they cannot take it
    const requester = await loginPage(browser, app, 'change')
    await requester.page.goto(`/inbox/${taskId}`)
    const why = requester.page.getByTestId('segregation')
    await why.waitFor()
    expect(await why.textContent()).toContain(`You requested ${rfc.id}.`)
    expect(await requester.page.getByRole('button', { name: 'Claim' }).count()).toBe(0)
    await requester.context.close()
  })

  test('8.1: the customer confirming the resolution sees it on the confirmation page', async () => {
    // given an incident the customer raised, classified and resolved by the desk
    const customer = await apiAs(app, 'customer')
    const incident = await customer<{ id: string }>('POST', '/incidents', {
      title: 'VPN drops every hour',
      data: { description: 'Disconnects at :00' },
    })
    await work('desk', incident.id, 'Task_ClassifyIncident', {
      category: 'network',
      impact: 3,
      urgency: 3,
      assignedGroup: 'service-desk',
      securityIncident: false,
      majorIncidentCandidate: false,
    })
    await work('desk', incident.id, 'Task_InvestigateAndDiagnose', { diagnosis: 'DHCP lease' })
    await work('desk', incident.id, 'Task_ResolveIncident', {
      resolutionCode: 'fixed',
      resolution: 'Raised the DHCP lease time to 8 hours',
    })
    const taskId = await waitForTask(incident.id, 'Task_ConfirmResolution')

    // when the customer opens the confirmation
    const { context, page } = await loginPage(browser, app, 'customer')
    await page.goto(`/requests/tasks/${taskId}`)
    const record = page.getByRole('region', { name: 'From the record' })
    await record.waitFor()

    // then the resolution is shown above the form, and no staff-only field
    expect(await record.locator('[data-field="resolution"]').textContent()).toBe(
      'Raised the DHCP lease time to 8 hours',
    )
    expect(await record.getByText('Resolution code').count()).toBe(0)
    expect(await page.getByText('DHCP lease', { exact: true }).count()).toBe(0)
    await page.getByLabel('Yes').waitFor()
    await screenshot(page, 'customer-confirm-resolution-context')
    await context.close()
  })
})
