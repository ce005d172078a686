/**
 * A service owner runs a continuity test in the browser (ISO/IEC 20000-1 6.3.3): Nico Network,
 * staff in the network group that owns the demo's network and e-mail continuity and availability
 * plan, opens "Continuity and availability", tests the plan now, works the test's Camunda user
 * tasks from the inbox (plan, run, record results) and sees the recorded result with the recovery
 * time against the plan's recovery time objective. And an SMS manager registers a continuity and
 * availability plan through the register's form, its sections as structured content (6.3.2).
 */
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  apiAs,
  claimFromInbox,
  launchBrowser,
  loginPage,
  screenshot,
  startApp,
  type App,
} from './support'

let app: App
let browser: Browser

interface Plan {
  documentId: string
  title: string
  services: string[]
  ownerGroup: string
  lastTest: { id: string; result: string | null } | null
}
interface Requirement {
  serviceId: string
  rtoMinutes: number
}
interface ContinuityTest {
  id: string
  planId: string
  reason: string
  status: string
  result: string | null
  requestedBy: string
  plan: Record<string, unknown> | null
  run: Record<string, unknown> | null
  results: Record<string, unknown> | null
}

beforeAll(async () => {
  app = await startApp()
  browser = await launchBrowser()
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

/** Opens the test's task `name` from the inbox, claims it, fills its form and completes it. */
async function workTask(
  page: Page,
  testId: string,
  name: string,
  fill: (form: Locator) => Promise<void>,
) {
  const form = await claimFromInbox(page, testId, name)
  await expect.poll(() => page.getByTestId('assignee').textContent()).toContain('network')
  await fill(form)
  await screenshot(page, `continuity-${name.toLowerCase().replaceAll(' ', '-')}`)
  await form.getByRole('button', { name: 'Complete task' }).click()
  await page.waitForURL(/\/inbox$/)
}

/** Works the test's first three tasks: plans it, runs it and records its result. */
async function planRunAndRecord(
  page: Page,
  testId: string,
  t: {
    scenario: string
    participants: string
    steps: string
    minutes: string
    result: 'Passed' | 'Failed'
    findings: string
  },
) {
  await workTask(page, testId, 'Plan continuity test', async (form) => {
    await form.getByLabel('Scenario').fill(t.scenario)
    await form.getByLabel('Participants').fill(t.participants)
    await form.getByLabel('Success criteria').fill('Network back within its 60-minute RTO')
  })
  await workTask(page, testId, 'Run continuity test', async (form) => {
    await form.getByLabel('Steps performed').fill(t.steps)
    await form.getByLabel('Time to recover').fill(t.minutes)
  })
  await workTask(page, testId, 'Record test results', async (form) => {
    // form-js renders a select as its own dropdown list
    await form
      .locator('.fjs-form-field-select', { hasText: 'Result' })
      .locator('.fjs-select-display')
      .click()
    await page.locator('.fjs-dropdownlist-item', { hasText: new RegExp(`^${t.result}$`) }).click()
    await form.getByLabel('Findings').fill(t.findings)
  })
}

describe('continuity test by the service owner', () => {
  test('6.3.3: the service owner tests the plan now, works its tasks and sees it passed within the RTO', async () => {
    // given: the demo's effective continuity plan of the network group, and its services' RTOs
    const owner = await apiAs(app, 'network')
    const plans = await owner<{ items: Plan[] }>('GET', '/continuity/plans')
    const plan = plans.items.find((p) => p.ownerGroup === 'network')!
    expect(plan).toBeDefined()
    const reqs = await owner<{ items: Requirement[] }>('GET', '/continuity/requirements')
    const rto = Math.min(
      ...reqs.items.filter((r) => plan.services.includes(r.serviceId)).map((r) => r.rtoMinutes),
    )
    expect(rto).toBe(60)

    // when: the service owner opens Continuity and availability and tests the plan now
    const { context, page } = await loginPage(browser, app, 'network')
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Continuity and availability' })
      .click()
    await page.getByRole('heading', { name: 'Continuity and availability' }).waitFor()
    await page.getByRole('button', { name: `Test ${plan.title} now` }).click()
    const started = page.getByRole('status').filter({ hasText: /Continuity test CT-\d+ started/ })
    await started.waitFor()
    const testId = /CT-\d+/.exec((await started.textContent()) ?? '')![0]

    // then: the test is open, asked for by the service owner
    expect(await owner<ContinuityTest>('GET', `/continuity/tests/${testId}`)).toMatchObject({
      planId: plan.documentId,
      reason: 'requested',
      status: 'open',
      requestedBy: 'network',
    })

    // when: the owner plans, runs and records the test from the inbox, recovering in 40 minutes
    // (the notice leads to the inbox)
    await started.getByRole('link', { name: 'inbox' }).click()
    await page.waitForURL(/\/inbox$/)
    await planRunAndRecord(page, testId, {
      scenario: 'Server room power lost at 09:00',
      participants: 'Nico Network, the service desk',
      steps: 'Failed core routing over to the second site',
      minutes: '40',
      result: 'Passed',
      findings: 'Fail-over worked; runbook step 4 reworded.',
    })

    // then: the continuity page shows the test passed, 40 minutes against the 60-minute RTO
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Continuity and availability' })
      .click()
    const tests = page.getByRole('region', { name: 'Continuity tests' })
    const row = tests.getByRole('row').filter({ hasText: testId })
    await expect
      .poll(
        async () => {
          const text = await row.textContent()
          if (text?.includes('passed')) return text
          await page.reload()
          return text
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toMatch(/completed.*passed.*40 of 60 \(met\)/)
    expect(await row.textContent()).toContain(plan.title)
    const planRow = page
      .getByRole('region', { name: 'Continuity plans' })
      .getByRole('row')
      .filter({ hasText: plan.title })
    await expect.poll(() => planRow.textContent()).toContain(`${testId} passed`)
    await screenshot(page, 'continuity-test-passed')
    await context.close()

    // and: the test holds its plan, run and results, recorded by the service owner
    const recorded = await owner<ContinuityTest>('GET', `/continuity/tests/${testId}`)
    expect(recorded).toMatchObject({ status: 'completed', result: 'passed' })
    expect(recorded.plan).toMatchObject({ scenario: 'Server room power lost at 09:00' })
    expect(recorded.run).toMatchObject({ recoveryMinutes: 40 })
    expect(recorded.results).toMatchObject({ result: 'passed', rtoMet: true })
  })

  test('6.3.3: a failed continuity test has its actions agreed and an improvement raised', async () => {
    // given: the demo's continuity plan of the network group
    const owner = await apiAs(app, 'network')
    const plans = await owner<{ items: Plan[] }>('GET', '/continuity/plans')
    const plan = plans.items.find((p) => p.ownerGroup === 'network')!

    // when: the service owner tests it now and the recovery fails
    const { context, page } = await loginPage(browser, app, 'network')
    await page.goto('/continuity')
    await page.getByRole('button', { name: `Test ${plan.title} now` }).click()
    const started = page.getByRole('status').filter({ hasText: /Continuity test CT-\d+ started/ })
    await started.waitFor()
    const testId = /CT-\d+/.exec((await started.textContent()) ?? '')![0]
    await planRunAndRecord(page, testId, {
      scenario: 'Core switch lost at the primary site',
      participants: 'Nico Network',
      steps: 'Fail-over to the second site did not start',
      minutes: '150',
      result: 'Failed',
      findings: 'The second site lacked the routing licence.',
    })
    // then: the procedure asks for actions (Targets met? no), which the owner agrees
    await workTask(page, testId, 'Agree continuity actions', async (form) => {
      await form.getByLabel(/^Actions(?! due)/).fill('Licence the second site; retest.')
      await form.getByLabel('Action owner').fill('network')
      const due = form.getByLabel(/^Actions due/)
      await due.fill('12/31/2026')
      await due.press('Enter')
      await due.press('Escape')
      await form.getByLabel('Raise an improvement (4.5.5)').check()
    })

    // and: the test is completed as failed with its actions and the improvement raised
    await expect
      .poll(
        async () =>
          (
            await owner<ContinuityTest & { actions: Record<string, unknown> | null }>(
              'GET',
              `/continuity/tests/${testId}`,
            )
          ).actions?.improvementId ?? null,
        { timeout: 60_000, interval: 1000 },
      )
      .toMatch(/^IMP-\d+$/)
    const recorded = await owner<ContinuityTest & { actions: Record<string, unknown> }>(
      'GET',
      `/continuity/tests/${testId}`,
    )
    expect(recorded).toMatchObject({ status: 'completed', result: 'failed' })
    expect(recorded.actions).toMatchObject({ actions: 'Licence the second site; retest.' })
    await page.goto('/continuity')
    const row = page
      .getByRole('region', { name: 'Continuity tests' })
      .getByRole('row')
      .filter({ hasText: testId })
    await expect.poll(() => row.textContent()).toMatch(/completed.*failed/)
    await screenshot(page, 'continuity-test-failed')
    await context.close()
  }, 180_000)

  test('6.3.2: an SMS manager registers a continuity and availability plan with its sections', async () => {
    // given: the services of the demo's plan
    const mgr = await apiAs(app, 'smsmgr')
    const [network, mail] = (await mgr<{ items: Plan[] }>('GET', '/continuity/plans')).items.find(
      (p) => p.ownerGroup === 'network',
    )!.services

    // when: the SMS manager registers a plan of that kind on the register's form
    const { context, page } = await loginPage(browser, app, 'smsmgr')
    await page.goto('/sms/documents')
    await page.getByRole('button', { name: 'Register a document' }).click()
    const form = page.getByRole('form', { name: 'Register a document' })
    await form
      .getByLabel('Kind')
      .selectOption({ label: 'Continuity and availability plan (6.3.2)' })
    await form.getByLabel('Title').fill('Second-site continuity plan')
    await form.getByLabel('Services covered').fill(`${network}\n${mail}`)
    await form.getByLabel('Procedures').fill('Declare a major loss of service; fail over.')
    await form.getByLabel('Targets').fill(`${network}, 99.9, 60, 0\n${mail}, 99.5, 240, 15`)
    await form
      .getByLabel('Recovery', { exact: true })
      .fill('Routing and mail from the second site.')
    await form.getByLabel('Return to the normal working state').fill('Fail back at night.')
    await form.getByLabel('Contacts').fill('Nico Network, service owner, +44 20 7946 0001')
    await screenshot(page, 'continuity-plan-register')
    await form.getByRole('button', { name: 'Register draft' }).click()
    await page.waitForURL(/\/sms\/documents\/DOC-\d+$/)
    const id = new URL(page.url()).pathname.split('/').pop()!
    // and the document's page shows its sections
    const sections = page.getByLabel('Continuity and availability plan', { exact: true })
    await sections.getByText('Routing and mail from the second site.').waitFor()
    await expect
      .poll(() => sections.textContent())
      .toContain(`${network}: 99.9 % available, RTO 60 min, RPO 0 min`)
    await screenshot(page, 'continuity-plan-document')
    await context.close()

    // then: the draft holds the plan's sections as the server's structured content
    const doc = await mgr<{ kind: string; versions: { data: unknown }[] }>(
      'GET',
      `/sms/documents/${id}`,
    )
    expect(doc.kind).toBe('continuity-plan')
    expect(doc.versions[0]!.data).toEqual({
      continuityPlan: {
        services: [network, mail],
        procedures: 'Declare a major loss of service; fail over.',
        targets: [
          { serviceId: network, availabilityPercent: 99.9, rtoMinutes: 60, rpoMinutes: 0 },
          { serviceId: mail, availabilityPercent: 99.5, rtoMinutes: 240, rpoMinutes: 15 },
        ],
        recovery: 'Routing and mail from the second site.',
        returnToNormal: 'Fail back at night.',
        contacts: [{ name: 'Nico Network', role: 'service owner', phone: '+44 20 7946 0001' }],
      },
    })
  })
})
