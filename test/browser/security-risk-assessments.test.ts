/**
 * The security risk assessments at planned intervals in the browser (ISO/IEC 20000-1 6.6.1,
 * processes/security-risk-assessment.bpmn): Selma Security-Manager opens "Security risk
 * assessments" from the navigation, sees the demo's completed assessment in the list (reference,
 * date, state, risks assessed, treatment needed) and opens it: each security risk with its score,
 * owner, treatment and controls, the findings and the planned actions, as the server keeps them.
 * The auditor reads them too.
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

interface Assessment {
  id: string
  status: string
  risks: { riskId: string; title: string; owner: string; score: number }[]
  assessment: { findings: string } | null
  treatment: { plan: string; actions: string; actionOwner: string; actionDue: string } | null
}

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

describe('security risk assessments', () => {
  test('6.6.1: the security manager opens the demo’s completed assessment with its risks, results and actions', async () => {
    // given: the demo's completed assessment as the server keeps it
    const sec = await apiAs(app, 'secmgr')
    const { items } = await sec<{ items: Assessment[] }>('GET', '/security/risk-assessments')
    const done = items.find((a) => a.status === 'completed')!
    expect(done).toBeDefined()
    expect(done.risks.length).toBeGreaterThan(0)

    // when: Selma opens the page from the navigation
    const { context, page } = await loginPage(browser, app, 'secmgr')
    await page.goto('/inbox')
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Security risk assessments' })
      .click()
    await page.getByRole('heading', { name: 'Security risk assessments', level: 1 }).waitFor()

    // then: the list shows it completed, with its risks counted and treatment needed
    const row = page
      .getByRole('table', { name: 'Security risk assessments' })
      .getByRole('row')
      .filter({ hasText: done.id })
    await row.waitFor()
    const text = (await row.textContent()) ?? ''
    expect(text).toContain('Completed')
    expect(text).toContain(String(done.risks.length))
    expect(text).toContain('Yes')
    expect(await seriousViolations(page)).toEqual([])

    // when: she opens it
    await row.getByRole('link', { name: done.id }).click()
    await page
      .getByRole('heading', { name: `Security risk assessment ${done.id}`, level: 1 })
      .waitFor()

    // then: each risk with its score and owner, the findings and the planned actions
    const risks = page.getByRole('table', { name: 'Risks assessed' })
    for (const r of done.risks) {
      const riskRow = risks.getByRole('row').filter({ hasText: r.riskId })
      await riskRow.waitFor()
      const t = (await riskRow.textContent()) ?? ''
      expect(t).toContain(r.title)
      expect(t).toContain(String(r.score))
      expect(t).toContain(r.owner)
    }
    const results = page.getByRole('region', { name: 'Results' })
    expect(await results.textContent()).toContain(done.assessment!.findings)
    const actions =
      (await page.getByRole('region', { name: 'Planned actions' }).textContent()) ?? ''
    expect(actions).toContain(done.treatment!.actions)
    expect(actions).toContain(done.treatment!.actionOwner)
    expect(actions).toContain(done.treatment!.actionDue)
    expect(await seriousViolations(page)).toEqual([])
    await screenshot(page, 'security-risk-assessment')
    await context.close()

    // and: the auditor reads it too
    const auditor = await loginPage(browser, app, 'auditor')
    await auditor.page.goto(`/security/risk-assessments/${done.id}`)
    await auditor.page.getByRole('table', { name: 'Risks assessed' }).waitFor()
    await auditor.context.close()
  }, 120_000)
})
