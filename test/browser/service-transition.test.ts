/**
 * A service design and transition walked through the inbox in the browser (ISO/IEC 20000-1
 * clause 5): a change to remove a service is classed by the change management policy as having
 * major impact and opens its design and transition (5.1). Chris Change-Manager, plans it
 * from the inbox: the removal plan is shown and required because a service is removed (5.2), the
 * form refusing to complete without it; he designs it (5.3); Cam CAB-Member reviews and accepts the
 * design at the gate; the change goes through its CAB, build and release (5.4, 9.2, 9.3, set up
 * over the API) and Carl reports the outcome against the acceptance criteria. The record closes
 * as transitioned with each step on it.
 */
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  apiAs,
  claimFromInbox,
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
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

type Call = Awaited<ReturnType<typeof apiAs>>

interface Transition {
  id: string
  status: string
  data: Record<string, unknown>
  statusHistory: { to: string; elementId: string | null }[]
}

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
      { timeout: 60_000, interval: 500 },
    )
    .toBe(true)
  await who('POST', `/tasks/${task!.id}/claim`)
  await who('POST', `/tasks/${task!.id}/complete`, { data })
}

/** Opens the transition's task `name` from the inbox and claims it; returns its form. */
const openTask = (page: Page, transitionId: string, name: string): Promise<Locator> =>
  claimFromInbox(page, transitionId, name)

async function completeForm(page: Page, form: Locator, shot: string) {
  await screenshot(page, `service-transition-${shot}`)
  await form.getByRole('button', { name: 'Complete task' }).click()
  await page.waitForURL(/\/inbox$/)
}

describe('service design and transition through the inbox', () => {
  test('5.1–5.4: a change manager plans (the removal plan required for a removal), designs and reports a transition; the CAB accepts the design at the gate', async () => {
    // given: a service to remove and the change removing it, classed by the change policy (5.1)
    const admin = await apiAs(app, 'admin')
    const change = await apiAs(app, 'change')
    const cab = await apiAs(app, 'cab')
    const release = await apiAs(app, 'release')
    const service = await admin<{ id: string }>('POST', '/services', {
      name: 'Legacy fax gateway',
      ownerGroup: 'network',
    })
    const rfc = await change<{ id: string }>('POST', '/changes', {
      title: 'Remove the legacy fax gateway',
      serviceId: service.id,
      data: { scope: 'Fax gateway' },
    })
    await completeTask(change, rfc.id, 'Task_ClassifyChange', {
      changeType: 'normal',
      changeNature: 'service-removal',
      potentialMajorImpact: false,
    })
    let transitionId = ''
    await expect
      .poll(
        async () => {
          const c = await change<{ data: Record<string, unknown> }>('GET', `/changes/${rfc.id}`)
          transitionId = String(c.data.serviceTransitionId ?? '')
          return transitionId !== ''
        },
        { timeout: 60_000 },
      )
      .toBe(true)

    // when: the change manager opens the plan from the inbox
    const { context, page } = await loginPage(browser, app, 'change')
    let form = await openTask(page, transitionId, 'Plan the new or changed service')
    await form.getByLabel('Service requirements').fill('Customers move to e-mail and the portal.')
    await form
      .getByLabel('Who is responsible')
      .fill('Change manager; network team removes the gateway.')
    await form
      .getByLabel('Communication to interested parties')
      .fill('Customers told a month ahead.')
    await form.getByLabel('Human, technical').fill('One network engineer for two days.')
    await form.getByLabel('Budget').fill('2 000 EUR')
    await form.getByLabel('Timescales').fill('Off on 30 June.')
    await form
      .getByLabel('Risks identified')
      .fill('A customer still faxing (low): call them first.')
    await form
      .getByLabel('Testing of the new or changed service')
      .fill('Check no fax arrives for a week.')
    await form.getByLabel('Service acceptance criteria').fill('No customer needs the fax line.')
    await form.getByLabel('Expected outcomes').fill('Line costs down 1 200 EUR a year.')
    await form.getByLabel('Impact on the SMS').fill('Catalogue entry retired.')
    // then: a service is removed, so the removal plan is shown and required (5.2)
    const removal = form.getByLabel('Removal or transfer')
    await removal.waitFor()
    await form.getByRole('button', { name: 'Complete task' }).click()
    const removalError = form
      .locator('.fjs-form-field', { hasText: 'Removal or transfer' })
      .locator('.fjs-form-field-error')
    await expect.poll(() => removalError.textContent()).toContain('Field is required.')
    expect(page.url()).not.toMatch(/\/inbox$/)
    // when: the removal is planned
    await removal.fill('Off on 30 June; fax archive to the records store; line contract ended.')
    await completeForm(page, form, 'plan')

    // when: he designs it
    form = await openTask(page, transitionId, 'Design the new or changed service')
    await form
      .getByLabel('Documented design')
      .fill('Gateway switched off; fax number forwards to e-mail.')
    await form.getByLabel('New or changed SLAs').fill('Fax target removed from the SLA.')
    await form.getByLabel('Service catalogue entry').fill('Entry "Fax gateway" retired.')
    await completeForm(page, form, 'design')
    await context.close()

    // when: a CAB member reviews and accepts the design at the gate (5.3)
    const reviewer = await loginPage(browser, app, 'cab')
    form = await openTask(reviewer.page, transitionId, 'Review and accept the design')
    await form
      .locator('.fjs-form-field-radio', { hasText: 'Accept the design' })
      .getByLabel('Yes')
      .check()
    await form
      .getByLabel('Reviewed and accepted by')
      .fill('Cab Member (CAB), the network team lead')
    await form.getByLabel('Review findings').fill('Accepted: the removal plan covers the data.')
    await completeForm(reviewer.page, form, 'review')
    await reviewer.context.close()
    await expect
      .poll(
        async () =>
          (await change<Transition>('GET', `/service-transitions/${transitionId}`)).status,
        {
          timeout: 60_000,
        },
      )
      .toBe('in-transition')

    // and: the change goes through assessment, the CAB, build and its release (9.2, 9.3)
    await completeTask(change, rfc.id, 'Task_AssessChange', {
      riskLevel: 'low',
      securityRisk: 'low',
      estimatedCost: 2000,
      remediationPlan: 'Switch the gateway back on',
    })
    await completeTask(cab, rfc.id, 'Task_CabDecision', {
      riskAssessment: 'r',
      impactOnServices: 'i',
      businessBenefit: 'b',
      technicalFeasibility: 't',
      financialImpact: 'f',
      approved: true,
      decisionRationale: 'Design accepted',
    })
    const ahead = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10)
    await completeTask(change, rfc.id, 'Task_ScheduleChange', {
      plannedStart: `${ahead}T20:00`,
      plannedEnd: `${ahead}T22:00`,
    })
    await completeTask(change, rfc.id, 'Task_BuildAndTestChange', {
      buildNotes: 'Ready',
      testResult: 'passed',
    })
    let releaseId = ''
    await expect
      .poll(
        async () => {
          const links = await change<{ links: { fromKind: string; fromId: string }[] }>(
            'GET',
            `/changes/${rfc.id}`,
          )
          releaseId = links.links.find((l) => l.fromKind === 'release')?.fromId ?? ''
          return releaseId !== ''
        },
        { timeout: 60_000 },
      )
      .toBe(true)
    await completeTask(release, releaseId, 'Task_RecordReleaseScope', { releaseType: 'minor' })
    await completeTask(release, releaseId, 'Task_PlanRelease', {
      plannedDeployment: `${ahead}T20:00`,
      deliverables: 'Gateway off',
      deploymentMethod: 'phased',
      acceptanceCriteria: 'No fax needed',
      backOutPlan: 'Switch on',
      measurementPeriod: 'P7D',
    })
    await completeTask(release, releaseId, 'Task_BuildRelease', {
      buildNotes: 'b',
      buildVersion: '1',
    })
    await completeTask(release, releaseId, 'Task_AcceptanceTest', {
      testEnvironment: 'live',
      testResults: 'ok',
      acceptanceCriteriaMet: true,
    })
    await completeTask(change, releaseId, 'Task_ApproveRelease', { approved: true })
    await completeTask(release, releaseId, 'Task_DeployRelease', {
      deployedAt: `${ahead}T20:30`,
      deploymentNotes: 'off',
    })
    await completeTask(release, releaseId, 'Task_VerifyDeployment', {
      deploymentVerified: true,
      verificationNotes: 'silent',
    })
    await completeTask(change, rfc.id, 'Task_PostImplementationReview', {
      objectivesMet: true,
      reviewNotes: 'ok',
    })

    // when: the change manager reports the outcome against the acceptance criteria (5.4)
    const manager = await loginPage(browser, app, 'change')
    form = await openTask(
      manager.page,
      transitionId,
      'Report the outcome against the acceptance criteria',
    )
    await form
      .locator('.fjs-form-field-select', { hasText: 'Acceptance criteria' })
      .locator('.fjs-select-display')
      .click()
    await manager.page.locator('.fjs-dropdownlist-item', { hasText: /^Met$/ }).click()
    await form
      .getByLabel('Outcomes achieved')
      .fill('Gateway off on 30 June; no customer asked for it.')
    await completeForm(manager.page, form, 'report')
    await manager.context.close()

    // then: the record is closed as transitioned, each step on it in order
    await expect
      .poll(
        async () =>
          (await change<Transition>('GET', `/service-transitions/${transitionId}`)).status,
        {
          timeout: 60_000,
        },
      )
      .toBe('closed')
    const record = await change<Transition>('GET', `/service-transitions/${transitionId}`)
    expect(record.data).toMatchObject({
      transitionType: 'service-removal',
      removalPlan: 'Off on 30 June; fax archive to the records store; line contract ended.',
      designAccepted: true,
      criteriaMet: 'met',
      closureCode: 'transitioned',
    })
    expect(record.statusHistory.map((s) => s.to)).toEqual([
      'planned',
      'designed',
      'in-transition',
      'reported',
      'closed',
    ])
  }, 600_000)

  test('5.1: only the requester of the change sees the withdrawal and withdraws the transition; another staff member does not see it and the server refuses them', async () => {
    // given: a change for a new service the change manager raises for the problem manager, waiting
    // for its design
    const admin = await apiAs(app, 'admin')
    const change = await apiAs(app, 'change')
    const service = await admin<{ id: string }>('POST', '/services', {
      name: 'Chat support',
      ownerGroup: 'service-desk',
    })
    const rfc = await change<{ id: string }>('POST', '/changes', {
      title: 'Launch chat support',
      serviceId: service.id,
      requester: 'problem',
      data: { scope: 'Chat' },
    })
    await completeTask(change, rfc.id, 'Task_ClassifyChange', {
      changeType: 'normal',
      changeNature: 'new-service',
      potentialMajorImpact: true,
    })
    let transitionId = ''
    await expect
      .poll(
        async () => {
          const c = await change<{ data: Record<string, unknown> }>('GET', `/changes/${rfc.id}`)
          transitionId = String(c.data.serviceTransitionId ?? '')
          return transitionId !== ''
        },
        { timeout: 60_000 },
      )
      .toBe(true)
    const path = `/cases/service-transitions/${encodeURIComponent(transitionId)}`

    // when: the change manager, who is not the requester, opens the transition
    const other = await loginPage(browser, app, 'change')
    await other.page.goto(path)
    await other.page.getByRole('heading', { level: 1 }).first().waitFor()
    // then: no withdrawal is offered, and the server refuses it all the same (403)
    await expect
      .poll(() => other.page.getByRole('region', { name: 'Withdraw the transition' }).count(), {
        timeout: 5_000,
      })
      .toBe(0)
    await expect(
      change('POST', `/service-transitions/${transitionId}/withdraw`, { reason: 'Not needed' }),
    ).rejects.toThrow(/: 403 /)
    await other.context.close()

    // when: the requester opens it
    const { context, page } = await loginPage(browser, app, 'problem')
    await page.goto(path)
    const section = page.getByRole('region', { name: 'Withdraw the transition' })
    await section.waitFor()
    const button = section.getByRole('button', { name: 'Withdraw' })
    expect(await button.isDisabled()).toBe(true)
    expect(await seriousViolations(page)).toEqual([])
    // and withdraws it with a reason
    await section.getByLabel('Why it is withdrawn').fill('The customer chose e-mail support.')
    await button.click()
    // then: it is acknowledged, and once the procedure closed it the record says who and why
    const withdrawal = page.getByRole('region', { name: 'Withdrawal', exact: true })
    await expect
      .poll(
        async () => {
          if (await withdrawal.count()) return withdrawal.textContent()
          if (await section.getByRole('status').count()) await page.reload()
          await page.getByRole('heading', { level: 1 }).first().waitFor()
          return (await withdrawal.count()) ? withdrawal.textContent() : ''
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toContain('Withdrawn by problem: The customer chose e-mail support.')
    const record = await change<Transition>('GET', `/service-transitions/${transitionId}`)
    expect(record).toMatchObject({ status: 'closed', data: { closureCode: 'withdrawn' } })
    await screenshot(page, 'service-transition-withdrawn')
    expect(await seriousViolations(page)).toEqual([])
    await context.close()
  })
})
