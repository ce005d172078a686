/**
 * The management system in the browser (ISO/IEC 20000-1 4.1.1, 4.3, 4.5.1, 4.5.2): on a product
 * whose SMS registers are empty, an SMS manager registers the service management policy, the
 * objectives, the scope statement and the service management plan; a second SMS manager approves
 * the policy (its author could not) and makes it effective; an auditor then finds each document
 * from its clause and opens the plan.
 */
import type { Browser, Page } from 'playwright-core'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { apiAs, launchBrowser, loginPage, screenshot, startApp, type App } from './support'

let app: App
let browser: Browser

beforeAll(async () => {
  app = await startApp({ DEPLOY_PROCESSES: 'false' })
  browser = await launchBrowser()
  // an empty management system: the demo year's SMS records are removed
  const db = app.server.database.db
  for (const t of [
    'continuity_invocations',
    'continuity_tests',
    'continuity_plans',
    'sms_raci',
    'sms_document_acks',
    'sms_party_processes',
    'sms_document_versions',
    'sms_documents',
  ]) {
    await sql`delete from ${sql.table(t)}`.execute(db)
  }
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

const planText: Record<string, string> = {
  a: 'The objectives of the objectives document.',
  b: 'Service requirements from the SLAs of each service.',
  c: 'One data centre only.',
  d: 'GDPR, customer contracts.',
  e: 'Process owners per procedure; RACI in the product.',
  f: 'The SMS manager maintains plans and procedures.',
  g: 'Twelve staff, the budget of IT operations.',
  h: 'Suppliers through supplier management; OLAs with internal groups.',
  i: 'Interfaces drawn in the procedures.',
  j: 'Risk register reviewed monthly; scores of 15 or more need top management approval.',
  k: 'This product.',
  l: 'Internal audits, management reviews, service reports.',
}

async function register(page: Page, kind: string, title: string, fill: () => Promise<void>) {
  await page.goto('/sms/documents')
  await page.getByRole('button', { name: 'Register a document' }).click()
  const form = page.getByRole('form', { name: 'Register a document' })
  await form.getByLabel('Kind').selectOption(kind)
  await form.getByLabel('Title').fill(title)
  await fill()
  await form.getByRole('button', { name: 'Register draft' }).click()
  await page.waitForURL(/\/sms\/documents\/DOC-\d+$/)
  await page.getByRole('heading', { level: 1, name: new RegExp(title) }).waitFor()
  return new URL(page.url()).pathname.split('/').pop()!
}

describe('SMS documents', () => {
  test('an SMS manager sets up policy, objectives, scope and plan, and an auditor finds each from its clause', async () => {
    // given an SMS manager on the empty register
    const { context, page } = await loginPage(browser, app, 'smsmgr')
    await page.goto('/sms/documents')
    await page.getByText('No document registered yet.').waitFor()

    // when they register the policy and submit it for review
    const form = () => page.getByRole('form', { name: 'Register a document' })
    const policy = await register(page, 'policy', 'Service management policy', async () => {
      await form()
        .getByLabel('Text (Markdown)')
        .fill('# Policy\nWe meet the agreed service requirements.')
    })
    await page.getByRole('button', { name: 'Submit for review' }).click()
    await page.getByRole('heading', { name: /Version 1 in-review/ }).waitFor()
    // the author is offered approval but the server refuses it (4.3.2 a)
    await page.getByRole('button', { name: 'Approve' }).click()
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('someone else approves it')

    // and the objectives, one measured from the records
    const objectives = await register(
      page,
      'objectives',
      'Service management objectives 2026',
      async () => {
        await form().getByLabel('Objective 1').fill('Resolve incidents within target')
        await form().getByLabel('Measured as').fill('Resolution targets met')
        await form().getByLabel('Target').fill('95')
        await form().getByLabel('Measured from').selectOption('sla-met-percent')
      },
    )
    // measured from the records (the demo data's incidents): the page shows what the server measured
    const measured = await (
      await apiAs(app, 'smsmgr')
    )<{ items: { measured?: { value: number } }[] }>(
      'GET',
      `/sms/documents/${objectives}/objectives`,
    )
    expect(typeof measured.items[0]?.measured?.value).toBe('number')
    await page
      .getByRole('table', { name: 'Objectives' })
      .getByText(`${measured.items[0]!.measured!.value} %`)
      .waitFor()
    // the scope statement
    await register(page, 'scope', 'Scope of the SMS', async () => {
      await form().getByLabel('Services').fill('E-mail\nNetwork')
      await form().getByLabel('Organisation units').fill('IT operations')
      await form().getByLabel('Locations').fill('Berlin')
    })
    // and the service management plan with every section of 4.5.2
    const plan = await register(page, 'plan', 'Service management plan 2026', async () => {
      for (const [k, text] of Object.entries(planText)) {
        await form().locator(`#plan-${k}`).fill(text)
      }
    })
    await page.getByRole('button', { name: 'Submit for review' }).click()
    await page.getByRole('heading', { name: /Version 1 in-review/ }).waitFor()
    await context.close()

    // given a second SMS manager
    const second = await loginPage(browser, app, 'smsmgr2')
    await second.page.goto(`/sms/documents/${policy}`)
    // when they approve the policy and make it effective
    await second.page.getByRole('button', { name: 'Approve' }).click()
    await second.page.getByRole('button', { name: 'Make effective' }).click()
    // then the version history shows author and approver
    const history = second.page.getByRole('table', { name: 'Version history' })
    await history.getByText('effective', { exact: true }).waitFor()
    expect(await history.getByRole('row').nth(1).textContent()).toContain('smsmgr2')
    await second.context.close()

    // when an auditor looks for the documents of each clause
    const auditor = await loginPage(browser, app, 'auditor')
    const find = async (clause: string) => {
      await auditor.page.goto('/sms/documents')
      await auditor.page.getByLabel('Clause', { exact: true }).fill(clause)
      await auditor.page.getByRole('button', { name: 'Find' }).click()
      const table = auditor.page.getByRole('table', { name: `Documents for clause ${clause}` })
      await table.waitFor()
      return table
    }
    // then each is found from its clause
    const policyClause = await find('4.1.1')
    await policyClause.getByText('Service management policy').waitFor()
    await policyClause.getByText('Service management objectives 2026').waitFor()
    await (await find('4.5.1')).getByText('Scope of the SMS').waitFor()
    const planClause = await find('4.5.2')
    await planClause.getByText('Service management plan 2026').waitFor()
    // and the auditor opens the plan and reads its section j, without any workflow button
    await planClause.getByRole('link', { name: plan }).click()
    await auditor.page.getByText(planText.j!).waitFor()
    expect(await auditor.page.getByRole('button', { name: 'Approve' }).count()).toBe(0)
    await screenshot(auditor.page, 'sms-plan')
    await auditor.context.close()
  })
})
