/**
 * Browser tests' harness: the real server (startServer on PGlite in memory, embedded engine,
 * port 0) and Debian's Chromium driven by playwright-core, headless with background networking
 * off and a fresh profile per launch.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createRequire } from 'node:module'
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from 'playwright-core'
import { loadConfig } from '../../server/src/config'
import { startServer, type RunningServer } from '../../server/src/server'
import { testPgliteTemplate } from '../support/databases'

export const screenshotDir = join(import.meta.dirname, '..', 'screenshots')

/** A started server plus the demo users' passwords. */
export interface App {
  server: RunningServer
  url: string
  password(username: string): string
  stop(): Promise<void>
}

/** Starts the product as `npm start` does, on an in-memory database. */
export async function startApp(env: Record<string, string> = {}): Promise<App> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sms-browser-'))
  const config = loadConfig({
    PORT: '0',
    ENGINE_PORT: '0',
    ENGINE_REST_PORT: '0',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    ...env,
  })
  // the database starts as a copy of the run's migrated one (see test/support/databases.ts)
  const pgliteTemplate = testPgliteTemplate()
  const server = await startServer({
    config,
    pgliteDir: 'memory://',
    ...(pgliteTemplate ? { pgliteTemplate } : {}),
  })
  const passwords = new Map(server.seededUsers.map((u) => [u.username, u.password]))
  return {
    server,
    url: server.url,
    password(username) {
      const p = passwords.get(username)
      if (!p) throw new Error(`no demo user ${username}`)
      return p
    },
    async stop() {
      await server.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** A logged-in API session of one user (cookie + CSRF token), for setting up test data. */
export async function apiAs(app: App, username: string) {
  const login = await fetch(`${app.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: app.password(username) }),
  })
  if (!login.ok) throw new Error(`login ${username}: ${login.status}`)
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!
  const { csrfToken } = (await login.json()) as { csrfToken: string }
  return async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${app.url}/api${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken, cookie },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`)
    return (text ? JSON.parse(text) : undefined) as T
  }
}

/**
 * Starts an instance of a deployed process (by default the browser-triage fixture) and waits
 * until its first task is in desk's inbox (group view); returns the task and the instance.
 */
export async function startTriageTask(
  app: App,
  bpmnProcessId = 'browser-triage',
): Promise<{ taskId: string; processInstanceKey: string }> {
  const started = await app.server.zeebe.createProcessInstance({ bpmnProcessId, variables: {} })
  const processInstanceKey = String(started.processInstanceKey)
  const desk = await apiAs(app, 'desk')
  const until = Date.now() + 20_000
  for (;;) {
    const { items } = await desk<{ items: { id: string; processInstanceKey: string }[] }>(
      'GET',
      '/tasks?view=groups',
    )
    const task = items.find((x) => x.processInstanceKey === processInstanceKey)
    if (task) return { taskId: task.id, processInstanceKey }
    if (Date.now() > until)
      throw new Error(`no task of instance ${processInstanceKey} in desk's inbox after 20 s`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/**
 * Opens task `name` from the inbox in the row that mentions `rowText` (a case id), reloading the
 * inbox until the engine has created it (up to 60 s), claims it and returns its form.
 */
export async function claimFromInbox(page: Page, rowText: string, name: string): Promise<Locator> {
  await page.goto('/inbox')
  const link = page
    .getByRole('table', { name: 'Tasks' })
    .getByRole('row')
    .filter({ hasText: rowText })
    .getByRole('link', { name })
  const until = Date.now() + 60_000
  while (!(await link.count())) {
    if (Date.now() > until)
      throw new Error(`task "${name}" of ${rowText} not in the inbox after 60 s`)
    await new Promise((r) => setTimeout(r, 1000))
    await page.reload()
  }
  await link.first().click()
  await page.getByRole('heading', { name }).waitFor()
  await page.getByRole('button', { name: 'Claim' }).click()
  await page.getByRole('button', { name: 'Unclaim' }).waitFor()
  return page.getByRole('region', { name: 'Task form' })
}

/** Puts a BPMN file through document control: owner drafts and submits, approver approves, admin deploys. */
export async function deployThroughApproval(
  app: App,
  xml: string,
  bpmnProcessId: string,
): Promise<void> {
  const owner = await apiAs(app, 'owner')
  const draft = await owner<{ id: string; version: number }>('POST', '/process-drafts', {
    bpmnProcessId,
    xml,
  })
  const submitted = await owner<{ version: number }>('POST', `/process-drafts/${draft.id}/submit`, {
    version: draft.version,
  })
  const approver = await apiAs(app, 'approver')
  const approved = await approver<{ version: number }>(
    'POST',
    `/process-drafts/${draft.id}/approve`,
    { version: submitted.version },
  )
  const admin = await apiAs(app, 'admin')
  await admin('POST', `/process-drafts/${draft.id}/deploy`, { version: approved.version })
}

/** Headless Chromium from Debian; each launch gets a fresh temporary profile. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  })
}

const violations = new WeakMap<Page, string[]>()
const everyViolation: string[] = []

/**
 * Starts recording what the page's Content-Security-Policy refused (Chromium reports each
 * refusal as a console error); {@link cspViolations} returns them.
 */
export function watchCsp(page: Page): void {
  const seen: string[] = []
  violations.set(page, seen)
  page.on('console', (msg) => {
    if (!/Content Security Policy/i.test(msg.text())) return
    seen.push(msg.text())
    everyViolation.push(`${page.url()}: ${msg.text()}`)
  })
}

/** What the page's Content-Security-Policy refused since {@link watchCsp}. */
export const cspViolations = (page: Page): readonly string[] => violations.get(page) ?? []

/** Every refusal on any page of this test file watched so far (pages from {@link loginPage}). */
export const allCspViolations = (): readonly string[] => everyViolation

/** A new browser context (own cookies) logged in through the login form. */
export async function loginPage(
  browser: Browser,
  app: App,
  username: string,
  {
    viewport = { width: 1400, height: 900 },
    touch = false,
  }: {
    viewport?: { width: number; height: number }
    /** A phone's touch screen (touch events, mobile viewport). */
    touch?: boolean
  } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL: app.url,
    viewport,
    ...(touch ? { hasTouch: true, isMobile: true } : {}),
  })
  const page = await context.newPage()
  watchCsp(page)
  page.setDefaultTimeout(30_000)
  await page.goto('/')
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').fill(app.password(username))
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.getByTestId('current-user').waitFor()
  return { context, page }
}

/**
 * A first load of the inbox: a staff member's session from the login API in a fresh browser
 * context (empty cache), then /inbox until its task table (or its empty state) shows. Returns
 * the milliseconds it took and the open page; the caller closes `context`.
 */
export async function firstInboxLoad(
  browser: Browser,
  app: App,
  username = 'desk2',
): Promise<{ took: number; context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: app.url })
  const login = await context.request.post('/api/auth/login', {
    data: { username, password: app.password(username) },
  })
  if (login.status() !== 200) {
    await context.close()
    throw new Error(`login of ${username} failed: ${login.status()}`)
  }
  const page = await context.newPage()
  const started = performance.now()
  await page.goto('/inbox')
  await page.locator('table[aria-label="Tasks"], .empty').first().waitFor()
  return { took: performance.now() - started, context, page }
}

/** Saves a full-page screenshot under test/screenshots/ (git-ignored) for reviewers. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const path = join(screenshotDir, `${name}.png`)
  mkdirSync(dirname(path), { recursive: true })
  await page.screenshot({ path, fullPage: true })
}

/** The two screens every page is checked at: a laptop and a phone (iPhone 12–15, portrait). */
export const viewports = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const

/**
 * How many CSS pixels the page is wider than the window (0 = no horizontal scrolling), and the
 * widest elements sticking out on the right, to name the culprit in a failing test.
 */
export async function horizontalOverflow(
  page: Page,
): Promise<{ overflow: number; culprits: string[] }> {
  return page.evaluate(() => {
    const root = document.documentElement
    const width = root.clientWidth
    const sticksOut = (e: Element) => e.getBoundingClientRect().right > width + 1
    // inside a box that scrolls or clips sideways, wide content does not widen the page
    const clipped = (e: Element) => {
      for (let a = e.parentElement; a && a !== document.body; a = a.parentElement)
        if (getComputedStyle(a).overflowX !== 'visible') return true
      return false
    }
    const culprits = [...document.querySelectorAll<HTMLElement>('body *')]
      .filter((e) => sticksOut(e) && !clipped(e))
      .filter((e) => !e.parentElement || !sticksOut(e.parentElement))
      .slice(0, 5)
      .map((e) => {
        const id = e.id ? `#${e.id}` : ''
        const cls =
          typeof e.className === 'string' && e.className
            ? `.${e.className.trim().split(/\s+/).join('.')}`
            : ''
        const label = e.getAttribute('aria-label') ?? ''
        return `${e.tagName.toLowerCase()}${id}${cls}${label ? `[${label}]` : ''} (${Math.round(e.getBoundingClientRect().right)} px)`
      })
    return { overflow: root.scrollWidth - width, culprits }
  })
}

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: { target: string[] }[]
}

/** Serious and critical WCAG 2.1 A/AA violations axe-core finds on the page (diagram canvases excluded). */
export async function seriousViolations(page: Page): Promise<string[]> {
  // evaluated, not added as an inline <script>: the app's Content-Security-Policy refuses those
  if (!(await page.evaluate(() => 'axe' in window))) {
    await page.evaluate(`${readFileSync(axePath, 'utf8')}\n;window.axe = axe`)
  }
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: unknown[] }> }
      }
    ).axe
    const result = await axe.run(
      { exclude: [['.djs-container']] },
      { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } },
    )
    return result.violations
  })
  return (violations as AxeViolation[])
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}
