/**
 * Writing an SMS document in the app with its Markdown preview (ISO/IEC 20000-1 4.3, 4.3.1): the
 * SMS manager writes the policy's text, switches to the preview with the keyboard, sees it
 * rendered as the document page will render it (markup typed as text stays text), writes on with
 * the preview side by side, and the registered version shows the same rendering. The same editor
 * drafts the next version, and writes each section of the service management plan (4.5.2 a–l).
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
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
  app = await startApp({ DEPLOY_PROCESSES: 'false' })
  browser = await launchBrowser()
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

const policyText = [
  '# Service management policy',
  '',
  'We **meet** the agreed service requirements.',
  '',
  '- Customers first',
  '- Measured targets',
  '',
  '<b>not bold</b>',
].join('\n')

describe('Markdown preview of in-app documents', () => {
  test('4.3.1: the policy is written with a keyboard-operated preview that renders as the document will', async () => {
    // given an SMS manager registering the policy
    const { context, page } = await loginPage(browser, app, 'smsmgr')
    await page.goto('/sms/documents')
    await page.getByRole('button', { name: 'Register a document' }).click()
    const form = page.getByRole('form', { name: 'Register a document' })
    await form.getByLabel('Kind').selectOption('policy')
    await form.getByLabel('Title').fill('Service management policy 2027')
    const text = form.getByLabel('Text (Markdown)', { exact: true })
    await text.fill(policyText)
    const views = form.getByRole('group', { name: 'Markdown view' })
    const write = views.getByRole('button', { name: 'Write' })
    const previewButton = views.getByRole('button', { name: 'Preview' })
    const sideBySide = views.getByRole('button', { name: 'Side by side' })
    const preview = form.getByRole('region', { name: 'Markdown preview' })
    expect(await write.getAttribute('aria-pressed')).toBe('true')
    expect(await preview.count()).toBe(0)

    // when they switch to the preview with the keyboard
    await previewButton.focus()
    await page.keyboard.press('Enter')

    // then the text is rendered in its place: heading, emphasis, list; typed markup stays text
    await preview.waitFor()
    expect(await previewButton.getAttribute('aria-pressed')).toBe('true')
    expect(await write.getAttribute('aria-pressed')).toBe('false')
    expect(await previewButton.getAttribute('aria-controls')).toBe(await preview.getAttribute('id'))
    expect(await text.isHidden()).toBe(true)
    await preview.getByRole('heading', { level: 1, name: 'Service management policy' }).waitFor()
    expect(await preview.locator('strong').textContent()).toBe('meet')
    expect(await preview.getByRole('listitem').allTextContents()).toEqual([
      'Customers first',
      'Measured targets',
    ])
    expect(await preview.textContent()).toContain('<b>not bold</b>')
    expect(await preview.locator('b').count()).toBe(0)
    await screenshot(page, 'sms-markdown-preview')

    // when they put the preview side by side (Space on the next button) and write on
    await page.keyboard.press('Tab')
    await expect.poll(() => sideBySide.evaluate((b) => b === document.activeElement)).toBe(true)
    await page.keyboard.press('Space')
    expect(await sideBySide.getAttribute('aria-pressed')).toBe('true')
    await text.press('Control+End')
    await page.keyboard.type('\n\n## Review\n\nReviewed *yearly*.')

    // then both are shown and the preview follows the text as it is typed
    expect(await text.isVisible()).toBe(true)
    await preview.getByRole('heading', { level: 2, name: 'Review' }).waitFor()
    expect(await preview.locator('em').textContent()).toBe('yearly')
    // the form with its preview has no serious accessibility violations (WCAG 2.1 AA)
    expect(await seriousViolations(page)).toEqual([])
    await screenshot(page, 'sms-markdown-side-by-side')

    // when they go back to writing, nothing typed is lost, and they register the draft
    await write.click()
    expect(await preview.count()).toBe(0)
    expect(await text.inputValue()).toBe(`${policyText}\n\n## Review\n\nReviewed *yearly*.`)
    await form.getByRole('button', { name: 'Register draft' }).click()
    await page.waitForURL(/\/sms\/documents\/DOC-\d+$/)

    // then the document page renders the version as the preview did
    const version = page.getByRole('region', { name: 'Text of version 1' })
    await version.getByRole('heading', { level: 1, name: 'Service management policy' }).waitFor()
    await version.getByRole('heading', { level: 2, name: 'Review' }).waitFor()
    expect(await version.locator('strong').textContent()).toBe('meet')
    expect(await version.locator('b').count()).toBe(0)

    // and the same editor, with its preview, drafts the changes to the draft
    await page.getByRole('button', { name: 'Edit draft' }).click()
    const draft = page.getByRole('form', { name: 'Draft the next version' })
    await draft.getByLabel('Text (Markdown)', { exact: true }).fill('# Policy, second draft')
    await draft
      .getByRole('group', { name: 'Markdown view' })
      .getByRole('button', { name: 'Preview' })
      .click()
    await draft
      .getByRole('region', { name: 'Markdown preview' })
      .getByRole('heading', { level: 1, name: 'Policy, second draft' })
      .waitFor()
    await context.close()
  }, 180_000)

  test('4.5.2: each section a–l of the service management plan is written in Markdown with its own preview', async () => {
    // given an SMS manager registering the plan
    const { context, page } = await loginPage(browser, app, 'smsmgr')
    await page.goto('/sms/documents')
    await page.getByRole('button', { name: 'Register a document' }).click()
    const form = page.getByRole('form', { name: 'Register a document' })
    await form.getByLabel('Kind').selectOption('plan')
    await form.getByLabel('Title').fill('Service management plan 2027')

    // when they write section j (risks) in Markdown and preview it
    const j = form.locator('#plan-j')
    await j.fill('Risks are reviewed **monthly**:\n\n- services\n- the SMS')
    await form.locator('#plan-a').fill('Objectives as in the *objectives* document.')
    await form
      .getByRole('group', { name: 'Markdown view of j)' })
      .getByRole('button', { name: 'Preview' })
      .click()

    // then section j alone shows its preview, rendered; the others stay as they were
    const preview = form.getByRole('region', { name: 'Markdown preview of j)' })
    expect(await preview.locator('strong').textContent()).toBe('monthly')
    expect(await preview.getByRole('listitem').allTextContents()).toEqual(['services', 'the SMS'])
    expect(await form.getByRole('region', { name: 'Markdown preview of a)' }).count()).toBe(0)
    expect(await form.locator('#plan-a').isVisible()).toBe(true)
    expect(await seriousViolations(page)).toEqual([])
    await screenshot(page, 'sms-plan-section-preview')

    // when they register the draft
    await form.getByRole('button', { name: 'Register draft' }).click()
    await page.waitForURL(/\/sms\/documents\/DOC-\d+$/)

    // then the document page renders each section as the preview did
    const risks = page.getByRole('region', { name: /^4\.5\.2 j\)/ })
    expect(await risks.locator('strong').textContent()).toBe('monthly')
    expect(await risks.getByRole('listitem').count()).toBe(2)
    const objectives = page.getByRole('region', { name: /^4\.5\.2 a\)/ })
    expect(await objectives.locator('em').textContent()).toBe('objectives')

    // and the next draft edits the sections with the same editors, not as JSON
    await page.getByRole('button', { name: 'Edit draft' }).click()
    const draft = page.getByRole('form', { name: 'Draft the next version' })
    expect(await draft.getByLabel('Structured content (JSON)').count()).toBe(0)
    expect(await draft.locator('#draft-plan-j').inputValue()).toContain('**monthly**')
    await draft.locator('#draft-plan-c').fill('One data centre: `DC1`.')
    await draft
      .getByRole('group', { name: 'Markdown view of c)' })
      .getByRole('button', { name: 'Side by side' })
      .click()
    await draft
      .getByRole('region', { name: 'Markdown preview of c)' })
      .locator('code', { hasText: 'DC1' })
      .waitFor()
    await draft.getByRole('button', { name: 'Save draft' }).click()
    await page
      .getByRole('region', { name: /^4\.5\.2 c\)/ })
      .locator('code', { hasText: 'DC1' })
      .waitFor()
    await context.close()
  }, 180_000)
})
