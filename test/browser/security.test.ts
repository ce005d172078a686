/**
 * The information security manager keeps the controls register in the browser (ISO/IEC 20000-1
 * 6.6.2): Selma Security-Manager opens "Information security", sees the demo's effective policy
 * with its acknowledgements (6.6.1), the controls register filled from the catalogue with one
 * control past its review date, reviews that control, and records a new control picked from the
 * catalogue that treats a security risk of the risk register; the page has no serious
 * accessibility violation. A control's owner outside the team sees no form to add controls.
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

interface Control {
  id: string
  reference: string
  owner: string
  status: string
  riskIds: string[]
  reviewDue: boolean
  lastReviewedBy: string | null
}

beforeAll(async () => {
  app = await startApp()
  browser = await launchBrowser()
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

describe('controls register by the information security manager', () => {
  test('6.6.2: reviews a control past its review date and records a new control treating a security risk', async () => {
    const sec = await apiAs(app, 'secmgr')
    const before = await sec<{ items: Control[] }>('GET', '/security/controls')
    const due = before.items.find((c) => c.reviewDue)!
    expect(due).toBeDefined()
    const risks = await sec<{ items: { id: string; title: string }[] }>('GET', '/security/risks')
    const risk = risks.items[0]!

    // when: the information security manager opens the page from the navigation
    const { context, page } = await loginPage(browser, app, 'secmgr')
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Information security' })
      .click()
    await page.getByRole('heading', { name: 'Information security', level: 1 }).waitFor()
    // then: the policy is effective, approved and acknowledged
    const policy = page
      .getByRole('table', { name: 'Security policies' })
      .getByRole('row')
      .filter({ hasText: 'Information security policy' })
    await expect.poll(() => policy.textContent()).toContain('smsmgr')
    // and the control past its review date shows as due
    const controls = page.getByRole('table', { name: 'Controls' })
    const row = controls.getByRole('row').filter({ hasText: due.id })
    await expect.poll(() => row.textContent()).toContain('review due')

    // when: it is reviewed as implemented and effective
    await row.getByRole('button', { name: `Review ${due.reference}` }).click()
    const review = page.getByRole('form', { name: `Review ${due.reference}` })
    await review.getByLabel('Status').selectOption('implemented')
    await review.getByLabel('Notes').fill('Patch levels checked on every server')
    await screenshot(page, 'security-control-review')
    await review.getByRole('button', { name: 'Record review' }).click()
    await page
      .getByRole('status')
      .filter({ hasText: `Review of ${due.reference} recorded.` })
      .waitFor()
    // then: it is no longer due, reviewed by the manager
    await expect.poll(() => row.textContent()).not.toContain('review due')
    expect(await sec<Control>('GET', `/security/controls/${due.id}`)).toMatchObject({
      status: 'implemented',
      reviewDue: false,
      lastReviewedBy: 'secmgr',
    })

    // when: a new control is picked from the catalogue and linked to a security risk
    const form = page.getByRole('form', { name: 'New control' })
    await form.getByLabel('Reference', { exact: true }).fill('A.5.9')
    await form
      .getByLabel('Name', { exact: true })
      .fill('Inventory of information and other associated assets')
    await form.getByLabel('Owner (username)').fill('network')
    await form.getByLabel('Status', { exact: true }).selectOption('partially-implemented')
    await form
      .getByLabel('Implementation')
      .fill('CMDB holds the servers; information assets to follow')
    await form.getByLabel('Risks treated (RSK-…, comma separated)').fill(risk.id)
    // A.5.9 is already in the demo register: the server refuses a second one with its reason
    await form.getByRole('button', { name: 'Record control' }).click()
    await expect
      .poll(() => form.getByRole('alert').textContent())
      .toContain('already is control A.5.9')
    await form.getByLabel('Reference', { exact: true }).fill('L.1')
    await form.getByRole('button', { name: 'Record control' }).click()
    const saved = form.getByRole('status').filter({ hasText: /Control SC-\d+ \(L\.1\) recorded\./ })
    await saved.waitFor()
    const id = /SC-\d+/.exec((await saved.textContent()) ?? '')![0]
    // then: it is in the register with its owner, status and risk
    await expect
      .poll(() => controls.getByRole('row').filter({ hasText: id }).textContent())
      .toContain(risk.id)
    expect(await sec<Control>('GET', `/security/controls/${id}`)).toMatchObject({
      reference: 'L.1',
      owner: 'network',
      status: 'partially-implemented',
      riskIds: [risk.id],
    })
    expect(await seriousViolations(page)).toEqual([])
    await screenshot(page, 'security-controls-register')
    await context.close()
  })

  test("6.6.2: a control's owner outside the security team reviews it but adds no controls", async () => {
    const { context, page } = await loginPage(browser, app, 'network')
    await page.goto('/security')
    await page.getByRole('heading', { name: 'Information security', level: 1 }).waitFor()
    await page.getByRole('table', { name: 'Controls' }).waitFor()
    expect(await page.getByRole('form', { name: 'New control' }).count()).toBe(0)
    // the control L.1 recorded above is theirs to review
    await expect.poll(() => page.getByRole('button', { name: 'Review L.1' }).count()).toBe(1)
    await context.close()
  })
})
