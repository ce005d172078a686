/**
 * A decision the process owner edited, called from a diagram the owner drew (issue 12, the
 * modeler's DMN half): the owner changes a rule of the priority matrix in dmn-js, another owner
 * approves, an admin deploys; then the owner draws a business rule task calling that decision
 * (`zeebe:calledDecision`, as the properties panel writes it) followed by a user task with the
 * triage form (`zeebe:userTask`), which goes through the same approval and deployment. A new
 * instance evaluates the edited rule and its task is completed from the inbox (ISO/IEC 20000-1
 * 4.3.2 document control; 8.1 b) priorities from impact and urgency).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { completedPath } from '../../engine/test-support'
import {
  appendEndEvent,
  appendTask,
  approveAndDeploy,
  callDecision,
  completeTriageTask,
  editDecisionCell,
  linkFormAndGroup,
  nameElement,
  newProcess,
  saveDraft,
  submitForApproval,
} from './modeler-steps'
import { launchBrowser, loginPage, screenshot, startApp, type App } from './support'
import { fieldsOf } from '../../engine/state/records'

let app: App
let browser: Browser

const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, '..', 'fixtures', name), 'utf8')

beforeAll(async () => {
  app = await startApp()
  browser = await launchBrowser()
  // the form the owner links is already deployed (with the triage procedure)
  await app.server.services.processes.deploy(
    [
      { name: 'inbox-triage-form.form', content: Buffer.from(fixture('inbox-triage-form.form')) },
      { name: 'inbox-triage.bpmn', content: Buffer.from(fixture('inbox-triage.bpmn')) },
    ],
    { actor: 'admin' },
  )
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

describe('a business rule task drawn in the modeler calls an edited decision', () => {
  test('decision and diagram are approved and deployed; an instance walks through both', async () => {
    // given the owner editing the priority matrix: impact 3 × urgency 3 (rule 9) from 4 to 3
    const owner = await loginPage(browser, app, 'owner')
    const page = owner.page
    await page.goto('/processes')
    const decisions = page
      .locator('[data-process-id="incident"]')
      .getByRole('list', { name: 'Decisions of incident' })
    await expect
      .poll(() => decisions.textContent(), { timeout: 15_000 })
      .toContain('priority-matrix v1')
    await decisions.getByRole('link', { name: 'Edit decision' }).click()
    await editDecisionCell(page, 'PriorityMatrix_Rule9', 'PriorityMatrix_Out1', '3')
    await saveDraft(page)
    await submitForApproval(page)

    // when another owner approves the decision and an admin deploys it
    const drg = await approveAndDeploy(
      browser,
      app,
      '[data-decisions-id="priority-matrix-drg"]',
      'v2',
    )
    await drg.context.close()

    // and the owner draws start → business rule task (the decision) → user task (form) → end
    const start = await newProcess(page, 'browser-decide')
    const rule = await appendTask(page, start, 'replace-with-rule-task')
    const userTask = await appendTask(page, rule.shape, 'replace-with-user-task')
    const end = await appendEndEvent(page, userTask.shape)
    await nameElement(page, rule.shape, 'Decide the priority')
    await callDecision(page, 'priority-matrix', 'priority')
    await nameElement(page, userTask.shape, 'Review the priority')
    await linkFormAndGroup(page, 'inbox-triage-form', 'service-desk')
    await nameElement(page, start, 'Request raised')
    await nameElement(page, end.shape, 'Request reviewed')
    await screenshot(page, 'modeler-business-rule-task')
    await saveDraft(page)
    await submitForApproval(page)
    await owner.context.close()

    // and the diagram is approved and deployed the same way
    const diagram = await approveAndDeploy(browser, app, '[data-process-id="browser-decide"]', 'v1')
    await diagram.context.close()
    const deployed = await app.server.database.db
      .selectFrom('process_versions')
      .select('xml')
      .where('bpmn_process_id', '=', 'browser-decide')
      .executeTakeFirstOrThrow()
    expect(deployed.xml).toMatch(
      /<zeebe:calledDecision decisionId="priority-matrix" resultVariable="priority"\s*\/>/,
    )
    expect(deployed.xml).toMatch(/<zeebe:userTask\s*\/>/)

    // when an instance starts for an impact 3, urgency 3 request
    const started = await app.server.zeebe.createProcessInstance({
      bpmnProcessId: 'browser-decide',
      variables: { impact: 3, urgency: 3, securityIncident: false },
    })
    const instanceKey = String(started.processInstanceKey)
    const engine = app.server.engine!.engine

    // then the edited rule decided: priority 3 from version 2 (version 1 said 4)
    await expect
      .poll(async () => {
        const records = await engine.readRecords({
          processInstanceKey: instanceKey,
          valueTypes: ['DECISION_EVALUATION'],
        })
        return records.map((r) => [
          r.intent,
          fieldsOf(r).decisionId,
          fieldsOf(r).decisionVersion,
          fieldsOf(r).decisionOutput,
        ])
      })
      .toEqual([['EVALUATED', 'priority-matrix', 2, '3']])
    const priority = await engine.readRecords({
      processInstanceKey: instanceKey,
      valueTypes: ['VARIABLE'],
    })
    expect(
      priority.filter((r) => fieldsOf(r).name === 'priority').map((r) => fieldsOf(r).value),
    ).toEqual(['3'])

    // and staff complete the user task in the inbox with its linked form
    const desk = await loginPage(browser, app, 'desk')
    await completeTriageTask(desk.page, 'Review the priority')
    await desk.context.close()

    // and the instance walked through the decision and the user task to its end
    await expect
      .poll(() => completedPath(engine, instanceKey), { timeout: 15_000 })
      .toEqual(['StartEvent_1', rule.id, userTask.id, end.id, 'browser-decide'])
  })
})
