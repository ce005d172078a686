/**
 * The modeler's user task, as a process owner draws it, runs to the inbox (issue 12): the owner
 * adds a user task in the modeler — which makes it a Camunda user task (`zeebe:userTask`, added
 * by camunda-bpmn-js-behaviors) — links a form and a candidate group, submits; another owner
 * approves; an admin deploys; a new instance's task appears in the inbox with its form, and staff
 * complete it there (ISO/IEC 20000-1 4.3.2 document control, 8.1 the human step).
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
  completeTriageTask,
  linkFormAndGroup,
  nameElement,
  newProcess,
  saveDraft,
  submitForApproval,
} from './modeler-steps'
import { launchBrowser, loginPage, screenshot, startApp, type App } from './support'

let app: App
let browser: Browser

const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, '..', 'fixtures', name), 'utf8')

beforeAll(async () => {
  app = await startApp({ DEPLOY_PROCESSES: 'false' })
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

describe('a user task drawn in the modeler', () => {
  test('is approved, deployed, and completed from the inbox as a Camunda user task', async () => {
    // given the owner in the modeler with a new process
    const owner = await loginPage(browser, app, 'owner')
    const page = owner.page
    const start = await newProcess(page, 'browser-review')

    // when the owner appends a task and changes it into a user task, then an end event
    const userTask = await appendTask(page, start, 'replace-with-user-task')
    const end = await appendEndEvent(page, userTask.shape)

    // and names it, links the deployed form and offers it to the service desk
    await nameElement(page, userTask.shape, 'Review the request')
    await linkFormAndGroup(page, 'inbox-triage-form', 'service-desk')
    // the events get names too (the lint rule label-required)
    await nameElement(page, start, 'Request raised')
    await nameElement(page, end.shape, 'Request reviewed')
    await screenshot(page, 'modeler-camunda-user-task')

    // then the draft saves and goes for approval
    await saveDraft(page)
    await submitForApproval(page)
    await owner.context.close()

    // when another owner approves and an admin deploys
    const admin = await approveAndDeploy(browser, app, '[data-process-id="browser-review"]', 'v1')
    await admin.context.close()

    // then the deployed diagram holds a Camunda user task, as the modeler made it
    const deployed = await app.server.database.db
      .selectFrom('process_versions')
      .select('xml')
      .where('bpmn_process_id', '=', 'browser-review')
      .executeTakeFirstOrThrow()
    expect(deployed.xml).toMatch(/<zeebe:userTask\s*\/>/)

    // when an instance starts
    const started = await app.server.zeebe.createProcessInstance({
      bpmnProcessId: 'browser-review',
      variables: {},
    })
    const instanceKey = String(started.processInstanceKey)

    // then staff find the task in the inbox with its linked form, claim and complete it
    const desk = await loginPage(browser, app, 'desk')
    await completeTriageTask(desk.page, 'Review the request', (p) =>
      screenshot(p, 'inbox-camunda-user-task'),
    )
    await desk.context.close()

    // and the instance has walked through the user task to its end
    await expect
      .poll(() => completedPath(app.server.engine!.engine, instanceKey), { timeout: 15_000 })
      .toEqual(['StartEvent_1', userTask.id, end.id, 'browser-review'])
  })
})
