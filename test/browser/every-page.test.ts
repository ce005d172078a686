/**
 * Every page of every role, on a laptop (1280×800) and a phone (390×844), in a real browser
 * against the real server with the procedures deployed: nothing scrolls sideways
 * (document scrollWidth ≤ clientWidth), axe-core finds no serious or critical WCAG 2.1 A/AA
 * violation (on the laptop size; on the phone for each role's first page, where the menu button
 * and the cards are), and each page has its own title. A full-page screenshot of each is written to
 * test/screenshots/pages/ (git-ignored) for review.
 *
 * One app, one browser, one logged-in context per role (the viewport is resized in place).
 * Failures are collected per role so one run names every page that needs fixing.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { navFor } from '../../client/src/app/nav'
import type { User } from '../../client/src/lib/user'
import {
  apiAs,
  horizontalOverflow,
  launchBrowser,
  loginPage,
  screenshot,
  screenshotDir,
  seriousViolations,
  startApp,
  viewports,
  type App,
} from './support'

let app: App
let browser: Browser
/** Pages reached from a list (a record's own page), per demo user, filled in beforeAll. */
const detailPages: Record<string, string[]> = {}

/** The demo user of each role. */
const roleUsers = [
  ['staff', 'desk'],
  ['process-owner', 'owner'],
  ['admin', 'admin'],
  ['auditor', 'auditor'],
  ['customer', 'customer'],
] as const

// records the demo data holds from the first start
const readerDetails = [
  '/cases/cis/CI-000007',
  '/sms/documents/DOC-000001',
  '/sms/audits/IA-000001',
  '/sms/reviews/MR-000001',
]

beforeAll(async () => {
  app = await startApp()
  browser = await launchBrowser()
  // a customer's incident starts the incident procedure; its first step reaches the desk
  const customer = await apiAs(app, 'customer')
  const incident = await customer<{ id: string }>('POST', '/incidents', {
    title: 'The printer on floor 2 is offline',
    data: { description: 'Nothing prints since this morning.' },
  })
  const desk = await apiAs(app, 'desk')
  let taskId = ''
  for (const until = Date.now() + 60_000; !taskId;) {
    if (Date.now() > until) throw new Error(`no task of ${incident.id} reached the desk`)
    const page = await desk<{ items: { id: string; caseId: string | null }[] }>(
      'GET',
      '/tasks?view=all',
    )
    taskId = page.items.find((t) => t.caseId === incident.id)?.id ?? ''
    if (!taskId) await new Promise((r) => setTimeout(r, 250))
  }
  const incidentPage = `/cases/incidents/${incident.id}`
  detailPages.desk = [`/inbox/${taskId}`, incidentPage, ...readerDetails]
  detailPages.owner = [incidentPage, ...readerDetails]
  detailPages.admin = [incidentPage, ...readerDetails]
  detailPages.auditor = [incidentPage, ...readerDetails]
  detailPages.customer = [incidentPage]
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

/**
 * Opens `path` in the app as a click on a link would (the router follows history), which keeps
 * the loaded scripts and axe-core: much faster than a reload per page.
 */
async function open(page: Page, path: string): Promise<void> {
  await page.evaluate((to) => {
    // the page the user is on already (the landing page) stays as it is
    if (window.location.pathname + window.location.search === to) return
    document.querySelector('#main > *')?.setAttribute('data-left', '')
    window.history.pushState(null, '', to)
    window.dispatchEvent(new PopStateEvent('popstate'))
  }, path)
}

/** Waits until the page has its own heading (not the last page's) and has stopped loading. */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const h1 = document.querySelector('#main h1')
      return !!h1 && !h1.closest('[data-left]')
    },
    null,
    { timeout: 20_000 },
  )
  await page
    .waitForFunction(() => !document.querySelector('#main [aria-busy="true"]'), null, {
      timeout: 10_000,
    })
    .catch(() => {
      // a list still refreshing is checked as it is
    })
  await quiet(page)
}

const inFlight = new WeakMap<Page, Set<unknown>>()

/** Counts the page's open HTTP requests, for {@link quiet}. */
function trackRequests(page: Page): void {
  const open = new Set<unknown>()
  inFlight.set(page, open)
  page.on('request', (r) => {
    if (!r.url().includes('/socket.io/')) open.add(r)
  })
  page.on('requestfinished', (r) => open.delete(r))
  page.on('requestfailed', (r) => open.delete(r))
}

/** Resolves once no request has been open for 300 ms (at most 5 s; long polls are let be). */
async function quiet(page: Page): Promise<void> {
  const open = inFlight.get(page)!
  const until = Date.now() + 5000
  let since = Date.now()
  while (Date.now() < until) {
    if (open.size > 0) since = Date.now()
    else if (Date.now() - since >= 300) return
    await new Promise((r) => setTimeout(r, 50))
  }
}

const fileName = (path: string) => path.replace(/^\//, '').replace(/[^a-z0-9]+/gi, '-') || 'home'

describe('every page of every role, on a laptop and on a phone', () => {
  test.each(roleUsers)(
    '%s (%s): no sideways scrolling, no serious axe-core violation, a title of its own',
    async (_role, username) => {
      // given the user's own pages: the navigation of the role and records reached from it
      const { context, page } = await loginPage(browser, app, username, {
        viewport: viewports.desktop,
      })
      trackRequests(page)
      const me = (await (await page.request.get('/api/me')).json()) as { user: User }
      const paths = [
        ...navFor(me.user).flatMap((s) => s.items.map((i) => i.href)),
        ...(detailPages[username] ?? []),
      ]
      const failures: string[] = []
      for (const path of paths) {
        // when the page is opened on a laptop and then on a phone
        await page.setViewportSize(viewports.desktop)
        await open(page, path)
        for (const [name, size] of Object.entries(viewports)) {
          await page.setViewportSize(size)
          try {
            await settled(page)
          } catch (err) {
            failures.push(`${path} @${name}: did not load (${(err as Error).message})`)
            break
          }
          // then
          const { overflow, culprits } = await horizontalOverflow(page)
          if (overflow > 0)
            failures.push(`${path} @${name}: ${overflow} px too wide: ${culprits.join(', ')}`)
          // axe on the laptop size for every page; on the phone for the role's first page
          // (its menu button and cards), as the rest of a page's markup is the same
          if (name === 'desktop' || path === paths[0])
            for (const v of await seriousViolations(page)) failures.push(`${path} @${name}: ${v}`)
          const title = await page.title()
          if (!/ · Service Management$/.test(title))
            failures.push(`${path} @${name}: title "${title}" names no page`)
          if (await page.getByRole('heading', { name: 'Not allowed' }).count())
            failures.push(`${path} @${name}: the role's own page says "Not allowed"`)
          await screenshot(page, `pages/${username}/${name}/${fileName(path)}`)
        }
      }
      await context.close()
      writeFileSync(
        join(screenshotDir, 'pages', username, 'failures.txt'),
        failures.map((f) => `${f}\n`).join(''),
      )
      expect(failures).toEqual([])
    },
    900_000,
  )
})
