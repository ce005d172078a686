/**
 * First load of the inbox in a browser (issue: under 2 s on the embedded server). Starts the
 * product as `npm start` does (embedded engine, PGlite, demo data) and Debian's Chromium, then
 * loads /inbox for a logged-in staff member in fresh browser contexts (empty cache each time)
 * and prints each load, the median and the slowest. Builds the web client first when it is
 * missing or stale. Prints figures; it is not a test (a test beside other suites on two cores
 * measures the other suites as much as the inbox).
 *
 *   npm run bench:inbox-load            # 10 loads
 *   npm run bench:inbox-load -- 30
 */
import { loadavg } from 'node:os'
import setup from '../test/support/global-setup'
import { launchBrowser, startApp } from '../test/browser/support'

const LOADS = Number(process.argv[2] ?? 10)
const TARGET_MS = 2000

async function main(): Promise<void> {
  setup()
  const app = await startApp({ DEPLOY_PROCESSES: 'true' })
  const browser = await launchBrowser()
  try {
    const took: number[] = []
    for (let i = 0; i < LOADS; i++) {
      const context = await browser.newContext({ baseURL: app.url })
      const login = await context.request.post('/api/auth/login', {
        data: { username: 'desk2', password: app.password('desk2') },
      })
      if (login.status() !== 200) throw new Error(`login failed: ${login.status()}`)
      const page = await context.newPage()
      const started = performance.now()
      await page.goto('/inbox')
      await page.locator('table[aria-label="Tasks"], .empty').first().waitFor()
      took.push(performance.now() - started)
      await context.close()
    }
    const sorted = [...took].sort((a, b) => a - b)
    const median = sorted[Math.floor(sorted.length / 2)]!
    console.log(
      `first load of the inbox, ${LOADS} fresh browser contexts (load average ${loadavg()[0]!.toFixed(1)}):`,
    )
    console.log(`  each: ${took.map((t) => t.toFixed(0)).join(', ')} ms`)
    console.log(
      `  median ${median.toFixed(0)} ms, slowest ${sorted.at(-1)!.toFixed(0)} ms (target < ${TARGET_MS} ms)`,
    )
  } finally {
    await browser.close()
    await app.stop()
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
