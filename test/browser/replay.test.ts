/**
 * Replay as Camunda Operate shows an instance (ISO/IEC 20000-1 4.3.3: records of what was done,
 * by whom and when, kept for audit): an auditor opens an instance whose job failed into an
 * incident and was retried, whose multi-instance sub-process ran once per item, and that a
 * person started; picks an iteration in the element-instance tree and sees that scope's
 * variables; sees the flows taken on the diagram; and opens the printable report with names,
 * the organisation's time zone and the diagram.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Locator } from 'playwright-core'
import { type EngineRecord, fieldsOf } from '../../engine/state/records'
import { eventually } from '../support/harness'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  apiAs,
  deployThroughApproval,
  horizontalOverflow,
  launchBrowser,
  loginPage,
  screenshot,
  seriousViolations,
  startApp,
  viewports,
  type App,
} from './support'

/** Far from UTC and not on the hour, so a time in it cannot be a UTC time by chance. */
const ORG_TIME_ZONE = 'Asia/Kolkata'

interface History {
  instance: { startedAt: string }
  tree: { state: string } | null
}

let app: App
let browser: Browser
let instanceKey = ''

beforeAll(async () => {
  app = await startApp({ DEPLOY_PROCESSES: 'false', ORG_TIME_ZONE })
  browser = await launchBrowser()
  const xml = readFileSync(join(import.meta.dirname, 'fixtures', 'browser-replay.bpmn'), 'utf8')
  await deployThroughApproval(app, xml, 'browser-replay')

  // a worker under its own name that fails its first job for good (an incident), then stamps
  let failed = false
  const stamper = app.server.zeebe.createWorker({
    id: 'replay-stamper',
    taskType: 'replay-stamp',
    pollInterval: 100,
    taskHandler: (job) => {
      if (failed) return job.complete({ stamped: true })
      failed = true
      return job.fail({ errorMessage: 'Stamp pad dry', retries: 0 })
    },
  })
  try {
    const started = await app.server.services.instances.start(
      'browser-replay',
      { items: ['printer', 'laptop'] },
      { caseKind: 'incident', caseId: 'INC-REPLAY', actor: 'desk' },
    )
    instanceKey = started.processInstanceKey
    const engine = app.server.engine!.engine
    const incident: EngineRecord = await eventually(
      async () =>
        (
          await engine.readRecords({ processInstanceKey: instanceKey, valueTypes: ['INCIDENT'] })
        ).find((r) => r.intent === 'CREATED'),
      20_000,
      'the incident of the failed job',
    )
    // an operator gives the job another try and resolves the incident
    await app.server.zeebe.updateJobRetries({
      jobKey: String(fieldsOf(incident).jobKey),
      retries: 1,
    })
    await app.server.zeebe.resolveIncident({ incidentKey: incident.key })
    const auditor = await apiAs(app, 'auditor')
    await eventually(
      async () =>
        (await auditor<History>('GET', `/process-instances/${instanceKey}/history`)).tree?.state ===
          'completed' || undefined,
      20_000,
      'the completed instance',
    )
  } finally {
    await stamper.close()
  }
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

describe('replay like Operate', () => {
  test('an auditor picks an iteration in the instance tree, sees its variables and the flows taken, and prints the report with names and local times', async () => {
    // given the auditor on the instance's replay
    const { context, page } = await loginPage(browser, app, 'auditor')
    await page.goto(`/replay?instance=${instanceKey}`)
    const counter = page.getByTestId('step-counter')
    await expect.poll(() => counter.textContent(), { timeout: 15_000 }).toMatch(/Step (\d+) of \1/)

    // then the tree nests the iterations under the multi-instance body, in the process
    const tree = page.getByRole('tree', { name: 'Element instances' })
    const pick = (item: Locator) => item.click()
    const root = tree.getByRole('treeitem', { name: /^Browser replay\s*,\s*completed/ })
    await root.waitFor()
    expect(await root.getAttribute('aria-level')).toBe('1')
    const first = tree.getByRole('treeitem', { name: /^Per item #1\s*,\s*completed$/ })
    const second = tree.getByRole('treeitem', { name: /^Per item #2\s*,\s*completed$/ })
    expect(await second.getAttribute('aria-level')).toBe('3')
    // and marks the incident on the job's step, with the worker by name
    const stamp = tree.getByRole('treeitem', {
      name: /^Stamp\s*,\s*completed\s*,\s*incident resolved/,
    })
    expect(await stamp.textContent()).toContain('automated (replay-stamper)')
    // and the steps are element instances with who and when, no raw flow records
    const steps = page.getByRole('list', { name: 'Steps' })
    const stepsText = (await steps.textContent()) ?? ''
    expect(stepsText).not.toMatch(/Flow_|sequence/i)
    expect(stepsText).toContain('completed Stamp')
    expect(stepsText).toContain('Sam Service-Desk')

    // when the auditor selects the second iteration in the tree
    await pick(second)
    // then the step detail shows that scope's variables: its own item and the process's items
    const detail = page.getByRole('region', { name: 'Step detail' })
    await expect.poll(() => detail.textContent()).toContain('Per item #2 (SubProcess_PerItem)')
    const variables = detail.getByRole('table', { name: 'Variables' })
    const row = (name: string) =>
      variables.locator('tbody tr', {
        has: page.locator('td', { hasText: new RegExp(`^${name}$`) }),
      })
    expect(await row('item').locator('td').nth(1).textContent()).toBe('"laptop"')
    expect(await row('item').locator('td').nth(2).textContent()).toBe('this step')
    expect(await row('items').locator('td').nth(1).textContent()).toBe('["printer","laptop"]')
    expect(await row('items').locator('td').nth(2).textContent()).toBe('Browser replay')
    expect(await second.getAttribute('aria-selected')).toBe('true')
    expect(await steps.locator('[aria-current="step"]').textContent()).toContain(
      'completed Per item #2',
    )
    // and the first iteration's scope has its own value
    await pick(first)
    await expect.poll(() => row('item').locator('td').nth(1).textContent()).toBe('"printer"')
    // the arrow keys move through the tree
    await first.press('ArrowDown')
    await expect
      .poll(() => page.locator('[role="treeitem"][aria-selected="true"]').textContent())
      .toBe('Item, completed')

    // and the diagram marks the flows taken up to the selected step
    const taken = (id: string) =>
      page.locator(`.djs-connection.marker-taken[data-element-id="${id}"]`)
    await taken('Flow_ToItems').waitFor({ state: 'attached' })
    expect(await taken('Flow_ToDone').count()).toBe(0)
    await pick(root)
    await taken('Flow_ToDone').waitFor({ state: 'attached' })
    expect(await page.locator('.djs-connection.marker-taken').count()).toBe(4)
    // the diagram keeps the bpmn.io watermark
    expect(await page.locator('.bjs-powered-by').first().isVisible()).toBe(true)
    expect(await seriousViolations(page)).toEqual([])
    await screenshot(page, 'replay-tree')

    // when the auditor opens the printable report
    const popup = page.waitForEvent('popup')
    await page.getByRole('link', { name: 'Printable report' }).click()
    const report = await popup
    await report.locator('h1').waitFor()
    const text = (await report.locator('body').textContent()) ?? ''
    // then people show by name, the worker as automated, never a UUID
    expect(text).toContain('by Sam Service-Desk')
    expect(text).toContain('automated (replay-stamper)')
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-/)
    // and times are in the organisation's time zone, not UTC ISO
    const history = await (
      await apiAs(app, 'auditor')
    )<History>('GET', `/process-instances/${instanceKey}/history`)
    const local = new Intl.DateTimeFormat('en-GB', {
      timeZone: ORG_TIME_ZONE,
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    }).format(new Date(history.instance.startedAt))
    expect(text).toContain(`started ${local}`)
    expect(text).toContain(`All times in ${ORG_TIME_ZONE}`)
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/)
    // and the diagram is included with the flows taken
    const svg = report.getByRole('img', { name: 'Diagram with the path taken' })
    expect(await svg.isVisible()).toBe(true)
    expect(await report.locator('polyline.taken').count()).toBe(4)
    expect(await report.locator('[data-element-id="Task_Stamp"]').count()).toBe(1)
    await screenshot(report, 'replay-printable-report')
    await context.close()
  })

  test('on a phone (390×844) the replay fits the screen and its diagram pans and zooms by touch', async () => {
    // given the auditor on the instance's replay on a phone
    const { context, page } = await loginPage(browser, app, 'auditor', {
      viewport: viewports.phone,
      touch: true,
    })
    await page.goto(`/replay?instance=${instanceKey}`)
    const counter = page.getByTestId('step-counter')
    await expect.poll(() => counter.textContent(), { timeout: 15_000 }).toMatch(/Step (\d+) of \1/)

    // then nothing is wider than the screen, and the bpmn.io watermark stays visible
    const { overflow, culprits } = await horizontalOverflow(page)
    expect(overflow, culprits.join(', ')).toBe(0)
    expect(await page.locator('.bjs-powered-by').isVisible()).toBe(true)
    expect(await seriousViolations(page)).toEqual([])

    // when the auditor pinches the diagram open, it zooms; one finger then pans it
    const diagram = page.getByLabel('Diagram of the version this instance ran on')
    await diagram.scrollIntoViewIfNeeded()
    const box = (await diagram.boundingBox())!
    const view = async () => {
      const t = (await diagram.locator('g.viewport').getAttribute('transform')) ?? ''
      const [a = 1, , , , e = 0, f = 0] = (/matrix\(([^)]+)\)/.exec(t)?.[1] ?? '1 0 0 1 0 0')
        .split(/[ ,]+/)
        .map(Number)
      return { scale: a, x: e, y: f }
    }
    const cdp = await context.newCDPSession(page)
    const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', points: [number, number][]) =>
      cdp.send('Input.dispatchTouchEvent', {
        type,
        touchPoints: points.map(([x, y], id) => ({ x, y, id })),
      })
    const cx = box.x + box.width / 2
    const cy = box.y + box.height / 2
    const before = await view()
    await touch('touchStart', [
      [cx - 20, cy],
      [cx + 20, cy],
    ])
    for (let step = 1; step <= 6; step++) {
      await touch('touchMove', [
        [cx - 20 - step * 12, cy],
        [cx + 20 + step * 12, cy],
      ])
    }
    await touch('touchEnd', [])
    const zoomed = await view()
    expect(zoomed.scale).toBeGreaterThan(before.scale * 1.5)
    await touch('touchStart', [[cx, cy]])
    for (let step = 1; step <= 5; step++)
      await touch('touchMove', [[cx - step * 10, cy + step * 6]])
    await touch('touchEnd', [])
    const panned = await view()
    expect(panned.scale).toBeCloseTo(zoomed.scale)
    expect(panned.x).toBeLessThan(zoomed.x - 30)
    expect(panned.y).toBeGreaterThan(zoomed.y + 15)
    // the page itself did not scroll sideways
    expect((await horizontalOverflow(page)).overflow).toBe(0)
    await screenshot(page, 'replay-phone')
    await context.close()
  })
})
