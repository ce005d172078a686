/**
 * Internal audit and management review in the browser (ISO/IEC 20000-1 4.5.4.2, 4.5.4.3): an
 * internal auditor plans an audit from the programme, records a nonconformity against a clause;
 * the owner of its corrective action records what was done; the auditor — not the owner — verifies
 * it; an SMS manager then opens a management review, finds that nonconformity among its inputs,
 * and the review's decision and action are shown on it.
 *
 * Every step is worked in the browser, including the forms with date-time fields and lists (the
 * audit plan, the agreed corrective actions, the meeting's attendees and actions), filled as a
 * person does: the date typed in the date picker's format, the time in its own input (named after
 * its date), rows added to a list with its "Add new" button.
 */
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { apiAs, launchBrowser, loginPage, screenshot, startApp, type App } from './support'

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

const DAY = 86_400_000

/** A form-js field's label, exactly, with or without the asterisk of a required field. */
const fieldLabel = (label: string) =>
  new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\*?$`)

/**
 * Types the date `days` from today and the time `hh:mm` into the date-time field `label` of
 * `scope`, as in the date picker's format (the browser's locale, en-US: month/day/year); Tab
 * leaves each input, which is when form-js takes what was typed.
 */
async function fillDateTime(scope: Locator, label: string, days: number, time: string) {
  const day = new Date(Date.now() + days * DAY)
  const date = scope.getByLabel(fieldLabel(label))
  await date.fill(`${day.getMonth() + 1}/${day.getDate()}/${day.getFullYear()}`)
  await date.press('Tab')
  const clock = scope.getByLabel(fieldLabel(`${label} (time)`))
  await clock.fill(time)
  await clock.press('Tab')
}

/** Opens the form-js select `label` of `scope` and picks `option` from its list. */
async function pick(scope: Locator, label: string, option: string) {
  const select = scope.getByLabel(fieldLabel(label))
  await select.focus()
  await scope.getByText(option, { exact: true }).click()
  await expect.poll(() => select.inputValue()).toBe(option)
}

/** Adds row `n` to the form-js list `name` with its "Add new" button; returns that row. */
async function addRow(form: Locator, name: string, n: number): Promise<Locator> {
  await form
    .getByRole('group', { name, exact: true })
    .getByRole('button', { name: 'Add new' })
    .click()
  const row = form.getByRole('group', { name: `${name} ${n}`, exact: true })
  await row.waitFor()
  return row
}

interface TaskView {
  id: string
  elementId: string
  state: string
}

/** The open task `elementId` of the record's procedure, once the engine has created it. */
async function taskOf(path: string, id: string, elementId: string): Promise<TaskView> {
  const admin = await apiAs(app, 'admin')
  let found: TaskView | undefined
  await expect
    .poll(
      async () => {
        const record = await admin<{ processInstances?: { processInstanceKey: string }[] }>(
          'GET',
          `/${path}/${id}`,
        )
        const instance = record.processInstances?.[0]?.processInstanceKey
        if (!instance) return false
        const tasks = await admin<{ items: TaskView[] }>(
          'GET',
          `/tasks?view=all&processInstanceKey=${instance}&pageSize=200`,
        )
        found = tasks.items.find(
          (t) => t.elementId === elementId && (t.state === 'open' || t.state === 'claimed'),
        )
        return !!found
      },
      { timeout: 90_000, interval: 1000 },
    )
    .toBe(true)
  return found!
}

/**
 * Opens the task `elementId` of audit or review `recordId` (as its notification links it), claims
 * it if needed, fills its form and completes it.
 */
async function workTask(
  page: Page,
  username: string,
  path: string,
  recordId: string,
  elementId: string,
  name: string,
  fill: (form: Locator) => Promise<void>,
) {
  const task = await taskOf(path, recordId, elementId)
  await page.goto(`/inbox/${encodeURIComponent(task.id)}`)
  await page.getByRole('heading', { name }).waitFor()
  // claimed by the person unless the procedure assigned it to them already
  const assignee = page.getByTestId('assignee')
  await expect.poll(() => assignee.textContent()).toMatch(/Assigned to|Unassigned/)
  if ((await assignee.textContent())?.includes('Unassigned')) {
    await page.getByRole('button', { name: 'Claim' }).click()
  }
  await expect.poll(() => assignee.textContent()).toContain(username)
  const form = page.getByRole('region', { name: 'Task form' })
  await form.getByRole('button', { name: 'Complete task' }).waitFor()
  await fill(form)
  await form.getByRole('button', { name: 'Complete task' }).click()
  await page.waitForURL(/\/inbox$/)
}

describe('internal audit and management review', () => {
  test('#4.5.4.2-5 #4.5.4.2-7 #4.5.4.3-f: planned from the programme, a nonconformity corrected, verified by the auditor and read by the management review', async () => {
    // given an internal auditor on the audit programme
    const auditor = await loginPage(browser, app, 'iaudit')
    await auditor.page.goto('/sms/programme')
    await auditor.page.getByRole('heading', { name: 'Audit programme' }).waitFor()

    // when they plan an audit of problem management (8.2) from the programme
    const plan = auditor.page.getByRole('form', { name: 'Plan an audit' })
    await plan.getByLabel('Title').fill('Problem management')
    await plan.getByLabel('8.2', { exact: true }).check()
    await plan.getByLabel('Why (status, importance, earlier results)').fill('Not audited last year')
    await plan.getByRole('button', { name: 'Plan audit' }).click()
    await auditor.page.waitForURL(/\/sms\/audits\/IA-\d+$/)
    const auditId = new URL(auditor.page.url()).pathname.split('/').pop()!
    await auditor.page.getByRole('heading', { name: `Internal audit ${auditId}` }).waitFor()

    // the SMS manager's plan names the auditor (independent of 8.2) and the dates
    const manager = await loginPage(browser, app, 'smsmgr')
    await workTask(
      manager.page,
      'smsmgr',
      'internal-audits',
      auditId,
      'Task_PlanAudit',
      'Plan the audit',
      async (form) => {
        await form.getByLabel('Scope').fill('Problem managers')
        await form.getByLabel('Audit criteria').fill('ISO/IEC 20000-1 8.2')
        await form
          .getByRole('group', { name: 'Clauses audited' })
          .getByLabel('8.2', { exact: true })
          .check()
        await form.getByLabel('Auditor (username; not working in the audited area)').fill('iaudit')
        await fillDateTime(form, 'Planned start', 1, '09:00')
        await fillDateTime(form, 'Planned end', 2, '17:00')
      },
    )
    // the plan is on the audit: its auditor, clause and the times as typed
    const planned = await (
      await apiAs(app, 'admin')
    )<{
      assignee: string
      data: Record<string, unknown>
    }>('GET', `/internal-audits/${auditId}`)
    expect(planned.assignee).toBe('iaudit')
    expect(planned.data).toMatchObject({ clauses: ['8.2'], scope: 'Problem managers' })
    expect(new Date(String(planned.data.plannedStart)).getHours()).toBe(9)
    expect(Date.parse(String(planned.data.plannedEnd))).toBeGreaterThan(
      Date.parse(String(planned.data.plannedStart)),
    )
    await taskOf('internal-audits', auditId, 'Task_ConductAudit')

    // the auditor records a nonconformity against clause 8.2 on the audit's page
    await auditor.page.reload()
    const finding = auditor.page.getByRole('form', { name: 'Record a finding' })
    await finding.getByLabel('Title').fill('Workarounds not recorded')
    await finding.getByLabel('Clause').selectOption('8.2')
    await finding.getByLabel('Type').selectOption('nonconformity')
    await finding.getByLabel('Severity').selectOption('minor')
    await finding.getByLabel('Description').fill('Two problems without workaround')
    await finding.getByLabel('Evidence (records seen)').fill('PRB sample of ten')
    await finding.getByRole('button', { name: 'Record finding' }).click()
    const findings = auditor.page.getByRole('region', { name: 'Findings' })
    const row = findings.getByRole('row').filter({ hasText: 'nonconformity (minor)' })
    await row.waitFor()
    const findingId = (await row.getByRole('link').textContent())!.trim()
    expect(findingId).toMatch(/^AUD-\d+$/)
    expect(await row.textContent()).toContain('8.2')

    // and completes the audit from the inbox
    await workTask(
      auditor.page,
      'iaudit',
      'internal-audits',
      auditId,
      'Task_ConductAudit',
      'Conduct the audit',
      async (form) => {
        // the checklist comes pre-filled from the plan (4.5.4.2): a row for the planned clause,
        // with the plan's scope and criteria above the form; the auditor gives its result
        const page = form.page()
        const context = page.getByRole('region', { name: 'From the record' })
        await context.getByText('Problem managers').waitFor()
        await context.getByText('ISO/IEC 20000-1 8.2').waitFor()
        const checked = form.getByRole('group', { name: 'Checklist per clause 1', exact: true })
        await checked.waitFor()
        expect(await checked.getByLabel(fieldLabel('Clause')).inputValue()).toBe(
          '8.2 Problem management',
        )
        expect(
          await form.getByRole('group', { name: 'Checklist per clause 2', exact: true }).count(),
        ).toBe(0)
        await pick(checked, 'Result', 'Nonconformity')
        await checked.getByLabel('Evidence seen').fill('PRB sample of ten')
        await form.getByLabel('Summary').fill('One minor nonconformity on 8.2')
      },
    )

    // the SMS manager agrees the corrective action with its owner, in a list row with its due date
    await workTask(
      manager.page,
      'smsmgr',
      'internal-audits',
      auditId,
      'Task_AgreeCorrectiveActions',
      'Agree corrective actions',
      async (form) => {
        const action = await addRow(form, 'Corrective actions', 1)
        await action.getByLabel('Finding').fill(findingId)
        await action.getByLabel('Corrective action').fill('Make the workaround field required')
        await action.getByLabel('Owner (username)').fill('problem')
        await fillDateTime(action, 'Due', 10, '12:00')
      },
    )

    // when the owner records what was done, in the browser
    const owner = await loginPage(browser, app, 'problem')
    await workTask(
      owner.page,
      'problem',
      'internal-audits',
      auditId,
      'Task_ImplementCorrectiveActions',
      'Implement corrective actions',
      async (form) => {
        await form.getByLabel('What was done').fill('Workaround field required; backlog filled')
      },
    )
    await screenshot(owner.page, 'sms-audit-implemented')
    await owner.context.close()

    // then the owner may not verify their own action (segregation of duties): the task is not
    // theirs to see (404) nor to claim
    const verify = await taskOf('internal-audits', auditId, 'Task_VerifyCorrectiveActions')
    const byOwner = await apiAs(app, 'problem')
    await expect(byOwner('POST', `/tasks/${verify.id}/claim`)).rejects.toThrow(/: 40[34] /)

    // and the auditor verifies it in the browser
    await workTask(
      auditor.page,
      'iaudit',
      'internal-audits',
      auditId,
      'Task_VerifyCorrectiveActions',
      'Verify corrective actions',
      async (form) => {
        await form.getByLabel('Yes').check()
        await form.getByLabel('Verification').fill('Ten problems sampled, all with workaround')
      },
    )
    await auditor.page.goto(`/sms/audits/${auditId}`)
    const verified = auditor.page
      .getByRole('region', { name: 'Findings' })
      .getByRole('row')
      .filter({ hasText: findingId })
    await expect
      .poll(
        async () => {
          const text = (await verified.textContent()) ?? ''
          if (text.includes('by iaudit')) return text
          await auditor.page.reload()
          return text
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toContain('Make the workaround field required')
    expect(await verified.textContent()).toContain('problem')
    const report = auditor.page.getByRole('heading', { name: 'Report to management' })
    await expect
      .poll(
        async () => {
          if (await report.count()) return true
          await auditor.page.reload()
          return false
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toBe(true)
    await screenshot(auditor.page, 'sms-audit-verified')
    await auditor.context.close()

    // when an SMS manager opens a management review
    await manager.page.goto('/sms/reviews')
    const open = manager.page.getByRole('form', { name: 'Open a review' })
    await open.getByLabel('Title').fill('Management review Q4')
    await open.getByRole('button', { name: 'Open review' }).click()
    await manager.page.waitForURL(/\/sms\/reviews\/MR-\d+$/)
    const reviewId = new URL(manager.page.url()).pathname.split('/').pop()!

    // then its inputs, assembled by the procedure, include the finding and its verified action (f)
    const audits = manager.page.getByRole('list', {
      name: 'Input f: Results of audits and follow-up actions',
    })
    await expect
      .poll(
        async () => {
          if (await audits.count()) return audits.textContent()
          await manager.page.reload()
          return ''
        },
        { timeout: 90_000, interval: 1000 },
      )
      .toContain(findingId)
    const line = audits.getByRole('listitem').filter({ hasText: findingId })
    expect(await line.textContent()).toContain('(clause 8.2, minor')
    expect(await line.textContent()).toContain(
      'corrective action "Make the workaround field required" by problem',
    )
    expect(await line.textContent()).toContain('verified by iaudit')

    // when the review records its attendees, decisions and an action (the meeting's form)
    await workTask(
      manager.page,
      'smsmgr',
      'management-reviews',
      reviewId,
      'Task_HoldManagementReview',
      'Hold the management review',
      async (form) => {
        const attendee = await addRow(form, 'Attendees', 1)
        await attendee.getByLabel('Name').fill('Mia SMS-Manager')
        await attendee.getByLabel('Role').fill('SMS manager')
        await form.getByLabel('Decisions on resources').fill('No new resources')
        await form
          .getByLabel('Decisions on improvements of the SMS and services')
          .fill('Extend the workaround rule to known errors')
        await form.getByLabel('Minutes').fill('Audit results reviewed')
        const action = await addRow(form, 'Actions', 1)
        await action.getByLabel('Action').fill('Workaround rule for known errors')
        // the kind is picked from form-js's list with the keyboard: Resource, then Improvement
        await action.getByLabel('Kind').focus()
        // (the list opens on focus; a key pressed before it is there picks nothing)
        await action.locator('.fjs-dropdownlist').waitFor()
        await action.getByLabel('Kind').press('ArrowDown')
        await action.getByLabel('Kind').press('Enter')
        await expect.poll(() => action.getByLabel('Kind').inputValue()).toBe('Improvement')
        await action.getByLabel('Owner (username)').fill('problem')
        await fillDateTime(action, 'Due', 30, '10:00')
      },
    )
    await manager.page.goto(`/sms/reviews/${reviewId}`)
    // then the review shows the decision and tracks the action
    await expect
      .poll(
        async () => {
          const text =
            (await manager.page.getByRole('region', { name: 'Actions' }).textContent()) ?? ''
          if (!text.includes('Workaround rule for known errors')) await manager.page.reload()
          return text
        },
        { timeout: 90_000, interval: 1000 },
      )
      .toContain('Workaround rule for known errors')
    await manager.page.getByText('Extend the workaround rule to known errors').waitFor()
    await screenshot(manager.page, 'sms-review-inputs')
    await manager.context.close()
  }, 360_000)
})
